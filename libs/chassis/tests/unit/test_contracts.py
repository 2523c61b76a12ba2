import subprocess
from pathlib import Path

import pytest
from marshmallow import ValidationError

from chassis.contracts import UnknownEventType, all_contracts, contract_for, validate_data
from chassis.contracts.asyncapi import render
from chassis.topics import REGISTRY_PERSON, agency_feed, dead_letter
from tests.support.ledger import UPDATED, snapshot

ROOT = Path(__file__).resolve().parents[4]
DOC = ROOT / "docs" / "asyncapi.json"
VALIDATOR = ROOT / "tools" / "asyncapi"


def test_every_contract_names_a_versioned_type_and_a_topic():
    for c in all_contracts():
        assert c.type.startswith("cn.tongxin.") and c.type.rsplit(".", 1)[1].startswith("v")
        assert c.topic.endswith(".v1")
    assert contract_for(UPDATED).topic == REGISTRY_PERSON
    assert dead_letter(REGISTRY_PERSON) == "registry.person.v1.dlq"
    assert agency_feed("court") == "feed.court.v1"


def test_unknown_types_are_reported():
    with pytest.raises(UnknownEventType):
        contract_for("cn.tongxin.nobody.v1")


def test_event_data_is_validated_and_normalised():
    data = validate_data(UPDATED, snapshot("p1", 3))
    assert data["version"] == 3
    with pytest.raises(ValidationError) as err:
        validate_data(UPDATED, {**snapshot("p1", 3), "unit_code": "123", "religion": "x"})
    assert set(err.value.messages) == {"unit_code", "religion"}


def test_person_events_carry_no_sensitive_fields():
    sensitive = {"religion", "ethnicity", "health", "id_number"}
    for c in all_contracts():
        if c.topic == REGISTRY_PERSON:
            assert not sensitive & set(c.schema().fields)


def test_committed_asyncapi_document_is_current():
    assert DOC.read_text() == render(), "regenerate: make asyncapi"


def test_stock_asyncapi_parser_accepts_the_document():
    if not (VALIDATOR / "node_modules" / "@asyncapi" / "parser").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=VALIDATOR, check=True, capture_output=True)
    out = subprocess.run(["node", "validate.mjs", str(DOC)], cwd=VALIDATOR, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "asyncapi: valid" in out.stdout
