"""The evaluation WSGI app: ``gunicorn 'evaluation.entrypoints.api.app:create_app()'``."""

from __future__ import annotations

from flask import Flask

from chassis import logs
from chassis.http import create_service_app
from evaluation.bootstrap import Evaluation, bootstrap
from evaluation.entrypoints.api import views

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
    service.api.register_blueprint(views.blp)
    return service.app
