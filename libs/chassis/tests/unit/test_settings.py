import dataclasses

from chassis.settings import BaseSettings


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
