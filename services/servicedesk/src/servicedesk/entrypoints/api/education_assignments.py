"""Study assignments (学习任务), study sessions staff record, and completion by unit, for staff; an .xlsx export."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.entrypoints.api.common import now, uow
from servicedesk.entrypoints.api.education_schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPage,
    CompletionOut,
    CursorPage,
    SessionIn,
    SessionOut,
)
from servicedesk.service_layer import education_assignments, education_completion, education_group_study

blp = Blueprint("education_assignments", __name__, description="学习任务 / study assignments")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/education/assignments")
class Assignments(MethodView):
    @blp.arguments(CursorPage, location="query")
    @blp.response(200, AssignmentPage)
    def get(self, args):
        """Assignments of your scope and of the units above you, newest first"""
        return education_assignments.search(uow(), current_principal(), args["limit"], args["cursor"])

    @blp.arguments(AssignmentIn)
    @blp.response(201, AssignmentOut)
    def post(self, body):
        """Assign published materials (and a short quiz) to the members of a unit's subtree, with a due date"""
        return education_assignments.create(uow(), current_principal(), body, now())


@blp.route("/education/assignments/<assignment_id>")
class Assignment(MethodView):
    @blp.response(200, AssignmentOut)
    def get(self, assignment_id):
        """One assignment, with its quiz and right answers"""
        return education_assignments.get(uow(), current_principal(), assignment_id)


@blp.route("/education/assignments/<assignment_id>/study-sessions")
class StudySessions(MethodView):
    @blp.arguments(SessionIn)
    @blp.response(201, SessionOut)
    def post(self, body, assignment_id):
        """Record members of your scope who studied the materials at a session (集中学习); the quiz stays theirs"""
        return education_group_study.record_session(uow(), current_principal(), assignment_id, body, now())


@blp.route("/education/assignments/<assignment_id>/completion")
class Completion(MethodView):
    @blp.arguments(CursorPage, location="query")
    @blp.response(200, CompletionOut)
    def get(self, args, assignment_id):
        """Completion by unit in your scope: assigned, studied, passed, completed, overdue (a page of units)"""
        return education_completion.completion(
            uow(), current_principal(), assignment_id, now(), args["limit"], args["cursor"]
        )


@blp.route("/education/assignments/<assignment_id>/completion.xlsx")
class CompletionSpreadsheet(MethodView):
    @blp.doc(responses={"200": {"description": "completion by unit as .xlsx", "content": {XLSX: {}}}})
    def get(self, assignment_id):
        """Completion by unit in your scope as a spreadsheet"""
        body = education_completion.completion_xlsx(uow(), current_principal(), assignment_id, now())
        name = f"study-completion-{assignment_id[:8]}.xlsx"
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
