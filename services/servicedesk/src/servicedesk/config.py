"""The service desk's settings (environment variables, upper-cased field names)."""

from __future__ import annotations

import dataclasses

from chassis.settings import BaseSettings


@dataclasses.dataclass(frozen=True)
class ServiceDeskSettings(BaseSettings):
    service_name: str = "servicedesk"
    database_url: str = "sqlite:///var/servicedesk.db"
    #: Seconds between two sweeps of the SLA clocks in the worker.
    sla_sweep_interval: float = 60.0
    #: Anonymous suggestions and receipt look-ups allowed per client address per minute.
    rate_limit_per_minute: int = 20
