"""Console settings from the environment (upper-cased field names)."""

from __future__ import annotations

import dataclasses

from chassis.settings import BaseSettings


@dataclasses.dataclass(frozen=True)
class ConsoleSettings(BaseSettings):
    service_name: str = "console"
    registry_url: str = "http://127.0.0.1:8001"
    evaluation_url: str = "http://127.0.0.1:8002"
    servicedesk_url: str = "http://127.0.0.1:8003"
    gateway_url: str = "http://127.0.0.1:8004"
    #: Signs the session cookie that holds the signed-in user's token.
    secret_key: str = dataclasses.field(default="dev-only-console-cookie-secret-change-me", metadata={"secret": True})
    #: Offer the demo users on the sign-in page (make run). Production signs in through its SSO.
    demo_sign_in: bool = False
    #: Where the ECharts build is (npm install in services/console).
    echarts_file: str = "services/console/node_modules/echarts/dist/echarts.min.js"
