"""The evaluation WSGI app: ``gunicorn 'evaluation.entrypoints.api.app:create_app()'``."""

from __future__ import annotations

from flask import Flask

from chassis import logs
from chassis.http import create_service_app
from chassis.http.people import people_blueprint
from evaluation.adapters.tables import people
from evaluation.bootstrap import Evaluation, bootstrap
from evaluation.entrypoints.api import common, meetings, qualification, ratings, rounds, templates, violations

DESCRIPTION = """三评体系：官评、自评、民评；6类20项指标；一票否决；末位淘汰；联席评价。

Three-source evaluation of representative figures: official, self and public
ratings on a 6-category, 20-item index; one-vote veto; bottom elimination; joint
evaluation meetings. Scoring formulas: `evaluation.domain.scoring`."""


def create_app(evaluation: Evaluation | None = None) -> Flask:
    evaluation = evaluation or bootstrap()
    logs.configure(evaluation.settings.service_name, evaluation.settings.log_level)
    service = create_service_app(
        evaluation.settings, title="Tongxin Evaluation 三评体系", description=DESCRIPTION, engine=evaluation.engine
    )
    service.app.extensions["evaluation"] = evaluation
    unknown = ("评价服务中没有此人（可能尚未从登记库同步）", "Evaluation does not know this person (yet)")
    people_view = people_blueprint(common.uow, people, unknown)
    blueprints = (templates.blp, rounds.blp, ratings.blp, violations.blp, meetings.blp, qualification.blp, people_view)
    for blueprint in blueprints:
        service.api.register_blueprint(blueprint)
    return service.app
