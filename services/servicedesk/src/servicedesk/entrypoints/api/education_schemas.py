"""The schemas of policy and theory education (理论政策宣传教育): materials, assignments, completion
by unit for staff; assignments, study and quiz attempts for members (no right answers in them)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicedesk.domain import education_rules as rules
from servicedesk.entrypoints.api.common import UNIT

TEXT = validate.Length(min=1, max=500)


class CursorPage(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=400))


class MaterialIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(rules.KINDS)))
    category = fields.String(required=True, validate=validate.OneOf(list(rules.CATEGORIES)))
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    body = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50_000),
                         metadata={"description": "an article's text"})  # fmt: skip
    url = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500),
                        metadata={"description": "a document's or video's https link"})  # fmt: skip
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "published to its subtree"})


class MaterialOut(Schema):
    id = fields.String()
    kind = fields.String()
    category = fields.String()
    title = fields.String()
    body = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    unit_code = fields.String()
    state = fields.String(metadata={"description": "draft, published or withdrawn"})
    created_by = fields.String()
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)


class MaterialQuery(CursorPage):
    category = fields.String(validate=validate.OneOf(list(rules.CATEGORIES)))
    kind = fields.String(validate=validate.OneOf(list(rules.KINDS)))
    state = fields.String(validate=validate.OneOf(["draft", "published", "withdrawn"]))


class MaterialPage(Schema):
    items = fields.List(fields.Nested(MaterialOut))
    next_cursor = fields.String(allow_none=True)


class QuestionIn(Schema):
    text = fields.String(required=True, validate=validate.Length(min=2, max=500))
    options = fields.List(fields.String(validate=TEXT), required=True)
    answer = fields.List(fields.Integer(validate=validate.Range(min=0, max=rules.MAX_OPTIONS - 1)), required=True,
                         metadata={"description": "indexes of the right options; kept on the server"})  # fmt: skip


class AssignmentIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "its members: this subtree"})
    material_ids = fields.List(fields.String(validate=validate.Length(max=36)), required=True,
                               validate=validate.Length(min=1, max=20))  # fmt: skip
    due_on = fields.Date(required=True)
    quiz = fields.List(fields.Nested(QuestionIn), load_default=list, validate=validate.Length(max=rules.MAX_QUESTIONS))
    pass_mark = fields.Integer(load_default=60, validate=validate.Range(min=0, max=100))


class AssignmentSummary(Schema):
    id = fields.String()
    title = fields.String()
    unit_code = fields.String()
    due_on = fields.Date()
    pass_mark = fields.Integer()
    question_count = fields.Integer()
    quiz = fields.List(fields.Nested(QuestionIn), metadata={"description": "staff only: with the right answers"})
    created_by = fields.String()
    published_at = fields.DateTime()


class AssignmentOut(AssignmentSummary):
    material_ids = fields.List(fields.String())
    members_assigned = fields.Integer()


class AssignmentPage(Schema):
    items = fields.List(fields.Nested(AssignmentSummary))
    next_cursor = fields.String(allow_none=True)


class UnitCompletionOut(Schema):
    unit_code = fields.String()
    assigned = fields.Integer()
    studied = fields.Integer()
    passed = fields.Integer()
    completed = fields.Integer()
    overdue = fields.Integer()
    rate = fields.Integer(allow_none=True, metadata={"description": "completed of assigned, whole percent"})


class CompletionOut(Schema):
    assignment_id = fields.String()
    due_on = fields.Date()
    scope = fields.String(metadata={"description": "the caller's unit: the totals are of its subtree"})
    total = fields.Nested(UnitCompletionOut)
    items = fields.List(fields.Nested(UnitCompletionOut))
    next_cursor = fields.String(allow_none=True)


class MyAssignmentOut(Schema):
    assignment_id = fields.String()
    title = fields.String()
    due_on = fields.Date()
    pass_mark = fields.Integer()
    question_count = fields.Integer()
    studied = fields.Boolean()
    minutes_studied = fields.Integer()
    attempts = fields.Integer()
    best_score = fields.Integer(allow_none=True)
    passed = fields.Boolean()
    completed_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()


class MyMaterialOut(Schema):
    id = fields.String()
    kind = fields.String()
    category = fields.String()
    title = fields.String()
    body = fields.String(allow_none=True)
    url = fields.String(allow_none=True)


class MyQuestionOut(Schema):
    text = fields.String()
    options = fields.List(fields.String())
    multiple = fields.Boolean(metadata={"description": "more than one option is right"})


class MyAssignmentDetail(MyAssignmentOut):
    materials = fields.List(fields.Nested(MyMaterialOut))
    questions = fields.List(fields.Nested(MyQuestionOut))


class MyAssignmentsQuery(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=200))


class StudyIn(Schema):
    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=600),
                             metadata={"description": "time spent this session"})  # fmt: skip


class AttemptIn(Schema):
    submission_id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$"),
                                  metadata={"description": "the client's key: a resend is recorded once"})  # fmt: skip
    answers = fields.List(
        fields.List(fields.Integer(validate=validate.Range(min=0, max=rules.MAX_OPTIONS - 1)),
                    validate=validate.Length(max=rules.MAX_OPTIONS)),
        required=True, validate=validate.Length(max=rules.MAX_QUESTIONS),
        metadata={"description": "per question, in order, the indexes of the options chosen"},
    )  # fmt: skip


class AttemptOut(Schema):
    score = fields.Integer()
    passed = fields.Boolean()
    pass_mark = fields.Integer()
    attempts = fields.Integer()
    best_score = fields.Integer(allow_none=True)
    completed = fields.Boolean()


class SessionIn(Schema):
    person_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)), required=True,
                             validate=validate.Length(min=1, max=500))  # fmt: skip
    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=600),
                             metadata={"description": "the session's length"})  # fmt: skip


class SessionOut(Schema):
    assignment_id = fields.String()
    recorded = fields.Integer(metadata={"description": "members whose study was recorded"})
    completed = fields.Integer(metadata={"description": "of them, those it completed (assignments without a quiz)"})
