"""Console settings from the environment (upper-cased field names)."""

from __future__ import annotations

import dataclasses

from chassis.settings import BaseSettings


@dataclasses.dataclass(frozen=True)
class ConsoleSettings(BaseSettings):
    service_name: str = "console"
    #: The console never talks to Kafka (only to the services' APIs), so it holds no Kafka password.
    kafka_sasl_password: str = ""
    #: The console's own small database: signed-in sessions (their tokens) and the staff audit log.
    database_url: str = "sqlite:///var/console.db"
    registry_url: str = "http://127.0.0.1:8001"
    evaluation_url: str = "http://127.0.0.1:8002"
    servicedesk_url: str = "http://127.0.0.1:8003"
    gateway_url: str = "http://127.0.0.1:8004"
    supervision_url: str = "http://127.0.0.1:8005"
    #: Signs the session cookie (it holds only a random session id, the CSRF token and the language).
    secret_key: str = dataclasses.field(default="dev-only-console-cookie-secret-change-me", metadata={"secret": True})
    #: The realm's URL as the console's server reaches it, when browsers use another (compose:
    #: ``http://keycloak:8080/realms/tongxin``); empty: ``OIDC_ISSUER``. Discovery, token and admin
    #: calls go here; the issuer named in tokens stays ``OIDC_ISSUER``.
    oidc_internal_url: str = ""
    #: The console's OIDC client at the issuer (``OIDC_ISSUER``): authorization code + PKCE.
    oidc_client_id: str = "tongxin-console"
    oidc_client_secret: str = dataclasses.field(
        default="dev-only-console-client-secret-change-me", metadata={"secret": True}
    )
    #: The console's service-account client for Keycloak's Admin REST API (staff administration).
    staff_admin_client_id: str = "tongxin-console-staff"
    #: Empty turns staff administration off (no ``/staff``, no Keycloak admin credential in this
    #: process): run it so where the console also serves the public rating form, and give the
    #: secret only to a console instance on the internal network.
    staff_admin_client_secret: str = dataclasses.field(
        default="dev-only-console-staff-secret-change-me", metadata={"secret": True, "empty_disables": True}
    )
    #: Send the session cookie over HTTPS only. Only development mode, on plain http to
    #: 127.0.0.1, may turn it off (``make run``); anywhere else the console refuses to start.
    session_cookie_secure: bool = True
    #: Where the ECharts build is (npm install in services/console).
    echarts_file: str = "services/console/node_modules/echarts/dist/echarts.min.js"

    @property
    def oidc_server_url(self) -> str:
        return (self.oidc_internal_url or self.oidc_issuer).rstrip("/")
