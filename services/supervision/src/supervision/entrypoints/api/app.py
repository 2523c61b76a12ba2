"""The supervision WSGI app: ``gunicorn 'supervision.entrypoints.api.app:create_app()'``."""

from __future__ import annotations

from flask import Flask

from chassis import logs
from chassis.http import create_service_app
from supervision.bootstrap import Supervision, bootstrap
from supervision.entrypoints.api import alerts, assessments, rankings, scheme
from supervision.entrypoints.api.common import staff_only

DESCRIPTION = """网络督查：各镇街、社区统战工作的月度指标、同心指数月度与年度考核、排名与指标明细。

Online supervision of grassroots work: indicators per unit and month computed from the other
services' events, the 同心指数 assessment scheme, monthly and annual scores and rankings of towns
and communities, and the
events behind every figure, and alerts as a task list per unit. A town sees itself and its
communities; the county sees all."""


def create_app(sv: Supervision | None = None) -> Flask:
    sv = sv or bootstrap()
    logs.configure(sv.settings.service_name, sv.settings.log_level)
    service = create_service_app(
        sv.settings, title="Tongxin Supervision 网络督查", description=DESCRIPTION, engine=sv.engine
    )
    service.app.before_request(staff_only)
    service.app.extensions["supervision"] = sv
    for blueprint in (scheme.blp, assessments.blp, rankings.blp, alerts.blp):
        service.api.register_blueprint(blueprint)
    return service.app
