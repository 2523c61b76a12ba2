import dataclasses

import pytest

from chassis.settings import BaseSettings, UnsafeSecret, secret_fields


@dataclasses.dataclass(frozen=True)
class DemoSettings(BaseSettings):
    batch: int = 10
    strict: bool = False
    ratio: float = 0.5


def test_defaults_without_environment():
    s = DemoSettings.from_env({})
    assert s.kafka_bootstrap_servers == "127.0.0.1:9092"
    assert (s.batch, s.strict, s.ratio) == (10, False, 0.5)


def test_environment_overrides_are_typed():
    s = DemoSettings.from_env({"BATCH": "25", "STRICT": "true", "RATIO": "0.25", "DATABASE_URL": "sqlite:///x.db"})
    assert (s.batch, s.strict, s.ratio, s.database_url) == (25, True, 0.25, "sqlite:///x.db")


def test_explicit_overrides_win():
    assert DemoSettings.from_env({"BATCH": "25"}, batch=3).batch == 3


@dataclasses.dataclass(frozen=True)
class KeyedSettings(BaseSettings):
    phone_key: str = dataclasses.field(default="dev-only-phone-key-shipped-in-the-repo", metadata={"secret": True})


STRONG = "x7Jq2vN9pL4mR8sT1wY6zB3cF5hK0dGa"  # 32 bytes
#: The base settings' other secrets, strong, so each case below is about the one it names.
OTHERS = {"KAFKA_SASL_PASSWORD": STRONG}


@pytest.mark.parametrize(
    "environ, variable",
    [
        ({}, "METRICS_TOKEN"),  # every default is shipped in the repository
        ({"METRICS_TOKEN": STRONG}, "PHONE_KEY"),
        ({"METRICS_TOKEN": STRONG, "PHONE_KEY": ""}, "PHONE_KEY"),
        ({"METRICS_TOKEN": STRONG[:31], "PHONE_KEY": STRONG}, "METRICS_TOKEN"),
        ({"METRICS_TOKEN": "dev-only-metrics-token-change-me-32b", "PHONE_KEY": STRONG}, "METRICS_TOKEN"),
        ({"METRICS_TOKEN": STRONG, "PHONE_KEY": "dev-only-phone-key-shipped-in-the-repo"}, "PHONE_KEY"),
        ({"METRICS_TOKEN": "a" * 64, "PHONE_KEY": STRONG}, "METRICS_TOKEN"),  # long, but anyone guesses it
        ({"METRICS_TOKEN": STRONG, "PHONE_KEY": "abcd" * 16}, "PHONE_KEY"),
        (
            {
                "METRICS_TOKEN": STRONG,
                "PHONE_KEY": STRONG,
                "DATABASE_URL": "postgresql+psycopg://registry:registry-dev-password@db/registry",
            },
            "DATABASE_URL",
        ),
    ],
)
def test_a_missing_short_or_shipped_secret_is_refused_naming_its_variable(environ, variable):
    with pytest.raises(UnsafeSecret) as refused:
        KeyedSettings.from_env({**OTHERS, **environ}).refuse_unsafe_secrets()
    assert refused.value.variable == variable and str(refused.value).startswith(variable)


def test_strong_secrets_pass_and_development_mode_accepts_the_shipped_ones():
    KeyedSettings.from_env({**OTHERS, "METRICS_TOKEN": STRONG, "PHONE_KEY": STRONG + "!"}).refuse_unsafe_secrets()
    KeyedSettings.from_env({"DEVELOPMENT_MODE": "true"}).refuse_unsafe_secrets()


def test_secret_fields_are_found_by_their_metadata():
    assert [f.name for f in secret_fields(KeyedSettings)] == [
        "kafka_sasl_password",
        "metrics_token",
        "phone_key",
    ]


def test_a_secret_whose_emptiness_turns_its_feature_off_may_be_empty():
    environ = {**OTHERS, "PHONE_KEY": STRONG, "METRICS_TOKEN": ""}
    KeyedSettings.from_env(environ).refuse_unsafe_secrets()
    with pytest.raises(UnsafeSecret):
        KeyedSettings.from_env({**environ, "PHONE_KEY": ""}).refuse_unsafe_secrets()
