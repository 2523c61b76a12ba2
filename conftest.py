"""Fixtures shared by every test in the repository: real Kafka, SQLite, PostgreSQL and Keycloak."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.support.infra import say
from tests.support.kafka_source import KafkaSource
from tests.support.keycloak_source import KeycloakSource
from tests.support.postgres_source import PostgresSource


@pytest.fixture(scope="session")
def kafka(tmp_path_factory):
    """A real Kafka broker for the whole session (see tests/support/kafka_source.py for the choice)."""
    source = KafkaSource().start(tmp_path_factory.mktemp("kafka-session"))
    yield source
    source.stop()


@pytest.fixture(scope="session")
def keycloak(tmp_path_factory):
    """A real Keycloak with the tongxin realm for the whole session (see tests/support/keycloak_source.py)."""
    source = KeycloakSource().start(tmp_path_factory.mktemp("keycloak-session"))
    yield source
    source.stop()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    source = PostgresSource().start(tmp_path_factory.mktemp("pg-session"))
    if source is None:
        message = "PostgreSQL is not installed here (apt-get install postgresql) and no Docker engine answers"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the PostgreSQL tests", pytrace=False)
        say(f"PostgreSQL: none. {message}; PostgreSQL variants are skipped, SQLite only.")
    yield source
    if source is not None:
        source.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database of each backend: the same test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    postgres = request.getfixturevalue("postgres")
    if postgres is None:
        pytest.skip("PostgreSQL not installed on this machine (CI installs it and never skips)")
    return postgres.new_database()


@pytest.fixture
def unique_topic():
    """A fresh topic name per call, so tests never see each other's records."""
    return lambda base="t": f"test.{base}.{uuid.uuid4().hex[:10]}"
