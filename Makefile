# Tongxin's interface: every habit is a make target. Targets create and reuse the
# virtualenv (.venv), the Kafka jars (deploy/kafka/lib) and the Keycloak distribution
# (deploy/keycloak/dist) by themselves.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PACKAGES := libs/chassis $(wildcard services/*)
PYPROJECTS := $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
KAFKA_STAMP := deploy/kafka/lib/.pom-sha256
KEYCLOAK_STAMP := deploy/keycloak/dist/.built-26.5.6
ASYNCAPI_TOOL := tools/asyncapi/node_modules/@asyncapi/parser/package.json
CONSOLE_ASSETS := services/console/node_modules/echarts/dist/echarts.min.js
SWAGGER_UI_ASSETS := libs/chassis/node_modules/swagger-ui-dist/swagger-ui-bundle.js
PYTEST_ARGS ?=

.PHONY: help run test test-fast lint format bench bench-quick fuzz asyncapi kafka keycloak clean

help:
	@echo "make run        start the platform (local Kafka, Keycloak, services, demo data) and print URLs"
	@echo "make test       run every test against a real Kafka broker, SQLite and PostgreSQL"
	@echo "make test-fast  unit tests only (no broker, no database server)"
	@echo "make lint       ruff lint and format check, mypy (strict on the chassis and every domain package)"
	@echo "make bench      benchmarks with baselines measured in the same run (report in bench/reports/)"
	@echo "make bench-quick the benchmark harness at small sizes"
	@echo "make fuzz       a longer schemathesis campaign against every service's OpenAPI"
	@echo "make asyncapi   regenerate docs/asyncapi.json from the event contracts"
	@echo "make kafka      resolve the Kafka broker jars from Maven Central"
	@echo "make keycloak   fetch and build the Keycloak distribution from Maven Central"

$(VENV)/.installed: requirements.txt requirements-dev.txt $(PYPROJECTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps $(foreach p,$(PACKAGES),-e $(p))
	touch $@

$(KAFKA_STAMP): deploy/kafka/pom.xml
	$(PYTHON) deploy/kafka/local_kafka.py fetch

$(ASYNCAPI_TOOL): tools/asyncapi/package.json tools/asyncapi/package-lock.json
	cd tools/asyncapi && npm ci --no-audit --no-fund --loglevel=error

$(CONSOLE_ASSETS): services/console/package.json services/console/package-lock.json
	cd services/console && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(KEYCLOAK_STAMP):
	$(PYTHON) deploy/keycloak/local_keycloak.py fetch

# Swagger UI for every service's /docs; --ignore-scripts: no install-time telemetry.
$(SWAGGER_UI_ASSETS): libs/chassis/package.json libs/chassis/package-lock.json
	cd libs/chassis && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

kafka: $(KAFKA_STAMP)

keycloak: $(KEYCLOAK_STAMP)

run: $(VENV)/.installed $(KAFKA_STAMP) $(KEYCLOAK_STAMP) $(CONSOLE_ASSETS) $(SWAGGER_UI_ASSETS)
	$(PY) deploy/run_platform.py

test: $(VENV)/.installed $(KAFKA_STAMP) $(KEYCLOAK_STAMP) $(ASYNCAPI_TOOL) $(CONSOLE_ASSETS) $(SWAGGER_UI_ASSETS)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.installed $(ASYNCAPI_TOOL) $(SWAGGER_UI_ASSETS)
	$(PY) -m pytest -m "not kafka and not keycloak" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

fuzz: $(VENV)/.installed $(KAFKA_STAMP) $(CONSOLE_ASSETS) $(SWAGGER_UI_ASSETS)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(PY) -m pytest tests/e2e/test_fuzz.py -k sqlite $(PYTEST_ARGS)

asyncapi: $(VENV)/.installed
	$(PY) -m chassis.contracts.asyncapi > docs/asyncapi.json

bench: $(VENV)/.installed $(KAFKA_STAMP) $(CONSOLE_ASSETS) $(SWAGGER_UI_ASSETS)
	$(PY) -m bench

bench-quick: $(VENV)/.installed $(KAFKA_STAMP) $(CONSOLE_ASSETS) $(SWAGGER_UI_ASSETS)
	$(PY) -m bench --quick

clean:
	rm -rf $(VENV) var deploy/kafka/lib deploy/keycloak/dist tools/asyncapi/node_modules services/console/node_modules libs/chassis/node_modules
