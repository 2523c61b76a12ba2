"""The sharing gateway WSGI app: ``gunicorn 'sharing_gateway.entrypoints.api.app:create_app()'``.

Run it with ``GUNICORN_THREADS`` > 1 so long-polled feed requests do not hold a whole worker.
"""

from __future__ import annotations

from flask import Flask

from chassis import logs
from chassis.http import create_service_app
from sharing_gateway.bootstrap import Gateway, bootstrap
from sharing_gateway.entrypoints.api import (
    admin_requests,
    agencies,
    agency_views,
    catalogue,
    data_requests,
    disclosure_records,
    ledger,
    policies,
)

DESCRIPTION = """公安、政法、人大、政协信息共享：按机构过滤、签名、可审计的推送与通报。

The only door between the platform and the partner agencies. Agencies pull their own
filtered, signed, gap-free feed (`/feed`, API key) or consume `feed.<agency>.v1`, and
send notices (`/notices`) and apply for catalogue data (`/data-requests`). Every delivery is in
the hash-chained disclosure ledger.
Policies: `deploy/policies/`."""


def create_app(gateway: Gateway | None = None) -> Flask:
    gateway = gateway or bootstrap()
    logs.configure(gateway.settings.service_name, gateway.settings.log_level)
    service = create_service_app(
        gateway.settings, title="Tongxin Sharing Gateway 信息共享", description=DESCRIPTION, engine=gateway.engine
    )
    service.app.extensions["gateway"] = gateway
    for module in (
        agency_views,
        agencies,
        admin_requests,
        policies,
        ledger,
        disclosure_records,
        catalogue,
        data_requests,
    ):
        service.api.register_blueprint(module.blp)
    return service.app
