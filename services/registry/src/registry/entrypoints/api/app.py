"""The registry's WSGI app: ``gunicorn 'registry.entrypoints.api.app:create_app()'``."""

from __future__ import annotations

from flask import Flask, request

from chassis import logs
from chassis.http import create_service_app
from registry.bootstrap import Registry, bootstrap
from registry.entrypoints.api import (
    base_databases,
    contacts,
    duplicates,
    parked_notices,
    people,
    spreadsheets,
    statistics,
    units,
)

DESCRIPTION = """统战对象信息库：人员登记、十大基础库归类、代表人士、走访记录、变更历史、Excel 导入导出。

The registry of work objects: people, the 10 base databases, representative status,
contact records, responsible cadres (联系人) and their follow-ups, change history,
spreadsheet import and export, parked membership notices. Every read and write
is limited to the caller's admin-unit subtree. Errors are RFC 7807 problem+json in
Chinese (`title`, `detail`) and English (`title_en`, `detail_en`)."""


def create_app(registry: Registry | None = None) -> Flask:
    registry = registry or bootstrap()
    logs.configure(registry.settings.service_name, registry.settings.log_level)
    service = create_service_app(
        registry.settings, title="Tongxin Registry 统战对象信息库", description=DESCRIPTION, engine=registry.engine
    )
    registry.pin_digest_keys()  # after the secrets are known to be safe (create_service_app checks them)
    service.app.extensions["registry"] = registry
    blueprints = (people.blp, duplicates.blp, units.blp, base_databases.blp, statistics.blp, spreadsheets.blp)
    for blueprint in (*blueprints, contacts.blp, parked_notices.blp):
        service.api.register_blueprint(blueprint)

    @service.app.before_request
    def refresh_gauges() -> None:
        if request.endpoint == "metrics":
            parked_notices.refresh_metric()

    return service.app
