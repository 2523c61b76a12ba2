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
    #: Send the session cookie over HTTPS only. Only development mode, on plain http to
    #: 127.0.0.1, may turn it off (``make run``); anywhere else the console refuses to start.
    session_cookie_secure: bool = True
    #: Where the ECharts build is (npm install in services/console).
    echarts_file: str = "services/console/node_modules/echarts/dist/echarts.min.js"
