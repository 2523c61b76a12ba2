"""What ``make run`` starts: each service's name, port, API application, admin and worker commands
and extra environment, the console, and the agencies given demo keys."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn" / "gunicorn.conf.py"


@dataclasses.dataclass(frozen=True)
class Service:
    name: str
    port: int
    app: str
    admin: str
    worker: str
    #: Extra environment for this service (values may use {var} and {root}).
    extra_env: tuple[tuple[str, str], ...] = ()


SERVICES = [
    Service("registry", 8001, "registry.entrypoints.api.app:create_app()", "registry-admin", "registry-worker"),
    Service(
        "evaluation",
        8002,
        "evaluation.entrypoints.api.app:create_app()",
        "evaluation-admin",
        "evaluation-worker",
        # The demo seeder answers every self and public rating from one address; production keeps 60.
        (("RATE_LIMIT_PER_MINUTE", "5000"),),
    ),
    Service(
        "servicedesk", 8003, "servicedesk.entrypoints.api.app:create_app()", "servicedesk-admin", "servicedesk-worker"
    ),
    Service(
        "sharing-gateway",
        8004,
        "sharing_gateway.entrypoints.api.app:create_app()",
        "gateway-admin",
        "gateway-worker",
        (
            ("GUNICORN_THREADS", "8"),  # long-polled feeds
            ("POLICY_DIR", "{root}/deploy/policies"),
            ("SIGNING_KEY_FILE", "{var}/gateway-signing-key.pem"),
        ),
    ),
    Service(
        "supervision", 8005, "supervision.entrypoints.api.app:create_app()", "supervision-admin", "supervision-worker"
    ),
]
AGENCIES = ("court", "public_security", "npc", "cppcc")
#: The staff console: no worker; it calls the services' APIs with the user's token (its own database
#: holds only sessions and the staff audit log, migrated when it starts).
CONSOLE = Service("console", 8000, "console.app:create_app()", "", "")
