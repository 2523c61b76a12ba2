"""Charity programmes (光彩事业, 感恩行动): projects, donations, beneficiaries."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.entrypoints.api.common import uow
from servicedesk.entrypoints.api.community_schemas import (
    BeneficiaryIn,
    BeneficiaryOut,
    CompletionIn,
    DonationIn,
    DonationOut,
    ProjectIn,
    ProjectOut,
)
from servicedesk.service_layer import charity

blp = Blueprint("charity", __name__, description="光彩事业 / charity")


@blp.route("/charity/projects")
class Projects(MethodView):
    @blp.response(200, ProjectOut(many=True))
    def get(self):
        """Charity projects in your scope with their donations and beneficiaries"""
        return charity.project_list(uow(), current_principal())

    @blp.arguments(ProjectIn)
    @blp.response(201, ProjectOut)
    def post(self, body):
        """Start a project of 光彩事业 (guangcai) or 感恩行动 (gratitude)"""
        return charity.create_project(uow(), current_principal(), body)


@blp.route("/charity/projects/<project_id>")
class Project(MethodView):
    @blp.response(200, ProjectOut)
    def get(self, project_id):
        """One project with its totals"""
        return charity.project(uow(), current_principal(), project_id)


@blp.route("/charity/projects/<project_id>/donations")
class Donations(MethodView):
    @blp.arguments(DonationIn)
    @blp.response(201, DonationOut)
    def post(self, body, project_id):
        """Record a donation in money or in kind (with its assessed value), exact to the fen"""
        return charity.donate(uow(), current_principal(), project_id, body)


@blp.route("/charity/projects/<project_id>/beneficiaries")
class Beneficiaries(MethodView):
    @blp.arguments(BeneficiaryIn)
    @blp.response(201, BeneficiaryOut)
    def post(self, body, project_id):
        """Record people helped: pupils sponsored, elderly visited, families helped"""
        return charity.record_beneficiaries(uow(), current_principal(), project_id, body)


@blp.route("/charity/projects/<project_id>/complete")
class Completion(MethodView):
    @blp.arguments(CompletionIn)
    @blp.response(200, ProjectOut)
    def post(self, body, project_id):
        """Mark the project completed (counted in the statistics' projects completed)"""
        return charity.complete_project(uow(), current_principal(), project_id, body)
