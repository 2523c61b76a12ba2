"""The service desk WSGI app: ``gunicorn 'servicedesk.entrypoints.api.app:create_app()'``."""

from __future__ import annotations

from flask import Flask

from chassis import logs
from chassis.http import create_service_app
from chassis.http.people import people_blueprint
from servicedesk.adapters.tables import people
from servicedesk.bootstrap import ServiceDesk, bootstrap
from servicedesk.entrypoints.api import (
    charity,
    common,
    corps,
    education_assignments,
    education_materials,
    education_study,
    matchmaking,
    request_categories,
    resources,
    service_requests,
    stability,
    statistics,
    suggestions,
)

DESCRIPTION = """活力统战：会员诉求（含时限与升级）、建言献策信箱、同心·社会服务团、光彩事业与感恩行动、
成员资源共享、引资引智·银企对接·科技对接、理论政策学习、涉稳信息反馈、年度统计。

Two-way service: members' requests with SLAs on working days and escalation, the
suggestions mailbox, the volunteer service corps, charity programmes, members' resources and
matchmaking, policy and theory education (materials, assignments, members' study and quizzes,
completion by unit), stability reports and the figures for the department's annual report."""


def create_app(desk: ServiceDesk | None = None) -> Flask:
    desk = desk or bootstrap()
    logs.configure(desk.settings.service_name, desk.settings.log_level)
    service = create_service_app(
        desk.settings, title="Tongxin Service Desk 活力统战", description=DESCRIPTION, engine=desk.engine
    )
    service.app.extensions["servicedesk"] = desk
    unknown = ("服务台没有此人（可能尚未从登记库同步）", "The service desk does not know this person (yet)")
    blueprints = (service_requests, request_categories, suggestions, corps, charity, statistics)
    blueprints += (resources, matchmaking, education_materials, education_assignments, education_study)
    blueprints += (stability,)
    for blueprint in (*(b.blp for b in blueprints), people_blueprint(common.uow, people, unknown)):
        service.api.register_blueprint(blueprint)
    return service.app
