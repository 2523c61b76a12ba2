"""A member's own study, for the portal: a member's token (role ``member`` and a ``person_id``
claim, ``chassis.auth``) and nothing else; staff tokens are refused here, as member tokens are
everywhere else (``chassis.http.member_facing``)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal, member_facing
from servicedesk.entrypoints.api.common import now, uow
from servicedesk.entrypoints.api.education_schemas import (
    AttemptIn,
    AttemptOut,
    MyAssignmentDetail,
    MyAssignmentOut,
    MyAssignmentsQuery,
    StudyIn,
)
from servicedesk.service_layer import education_study

blp = Blueprint("education_study", __name__, description="我的学习 / a member's study (member token)")


@blp.route("/education/my/assignments")
class MyAssignments(MethodView):
    @member_facing
    @blp.arguments(MyAssignmentsQuery, location="query")
    @blp.response(200, MyAssignmentOut(many=True))
    def get(self, args):
        """Your study assignments and where you stand on each (member token)"""
        return education_study.my_assignments(uow(), current_principal(), now(), args["limit"])


@blp.route("/education/my/assignments/<assignment_id>")
class MyAssignment(MethodView):
    @member_facing
    @blp.response(200, MyAssignmentDetail)
    def get(self, assignment_id):
        """One of your assignments: its materials and quiz questions (member token)"""
        return education_study.my_assignment(uow(), current_principal(), assignment_id, now())


@blp.route("/education/my/assignments/<assignment_id>/study")
class Study(MethodView):
    @member_facing
    @blp.arguments(StudyIn)
    @blp.response(200, MyAssignmentOut)
    def post(self, body, assignment_id):
        """Record that you studied the materials, and for how long (member token)"""
        return education_study.study(uow(), current_principal(), assignment_id, body["minutes"], now())


@blp.route("/education/my/assignments/<assignment_id>/attempts")
class Attempts(MethodView):
    @member_facing
    @blp.arguments(AttemptIn)
    @blp.response(201, AttemptOut)
    def post(self, body, assignment_id):
        """Answer the quiz: your score and whether you passed; a resent submission_id is recorded once"""
        return education_study.attempt(uow(), current_principal(), assignment_id, body, now())
