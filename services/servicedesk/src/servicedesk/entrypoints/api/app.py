"""The service desk WSGI app: ``gunicorn 'servicedesk.entrypoints.api.app:create_app()'``."""

from __future__ import annotations

from flask import Flask

from chassis import logs
from chassis.http import create_service_app
from servicedesk.bootstrap import ServiceDesk, bootstrap
from servicedesk.entrypoints.api import community_views, requests_views

DESCRIPTION = """活力统战：会员诉求（含时限与升级）、建言献策信箱、同心·社会服务团、光彩事业与感恩行动、年度统计。

Two-way service: members' requests with SLAs on working days and escalation, the
suggestions mailbox, the volunteer service corps, charity programmes and the
figures for the department's annual report."""


def create_app(desk: ServiceDesk | None = None) -> Flask:
    desk = desk or bootstrap()
    logs.configure(desk.settings.service_name, desk.settings.log_level)
    service = create_service_app(
        desk.settings, title="Tongxin Service Desk 活力统战", description=DESCRIPTION, engine=desk.engine
    )
    service.app.extensions["servicedesk"] = desk
    service.api.register_blueprint(requests_views.blp)
    service.api.register_blueprint(community_views.blp)
    return service.app
