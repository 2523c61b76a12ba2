"""The supervision API's marshmallow schemas: queries in, figures, scores, rankings and drill-down out.
Numbers that must not lose a digit (percentages, points, yuan) travel as decimal strings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from chassis.contracts import UNIT_CODE

NUMBER = {"as_string": True, "allow_none": True}


class UnitQuery(Schema):
    unit = fields.String(load_default=None, validate=UNIT_CODE, metadata={"description": "default: your own unit"})


class RankingQuery(Schema):
    within = fields.String(
        load_default=None,
        validate=UNIT_CODE,
        metadata={"description": "a county (its towns) or a town (its communities)"},
    )


class DrillDownQuery(UnitQuery):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None)


class SchemeRef(Schema):
    code = fields.String()
    version = fields.String()
    digest = fields.String(metadata={"description": "SHA-256 of the scheme file the figures were scored with"})


class MonthState(Schema):
    month = fields.String(metadata={"description": "YYYY-MM, China Standard Time"})
    closed = fields.Boolean(metadata={"description": "a closed month's figures are kept and do not move"})
    closed_at = fields.DateTime()
    closed_by = fields.String()
    snapshot_digest = fields.String()
    scheme = fields.Nested(SchemeRef)


class FigureOut(Schema):
    indicator = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    measure = fields.String(metadata={"description": "unit of measure: 人, %, 件, 次, 分, 元"})
    value = fields.Decimal(**NUMBER, metadata={"description": "null: nothing to measure"})
    events = fields.Integer()
    met = fields.Integer(allow_none=True)


class ItemScoreOut(Schema):
    section = fields.String()
    indicator = fields.String()
    weight = fields.Decimal(as_string=True)
    target = fields.Decimal(as_string=True)
    value = fields.Decimal(**NUMBER)
    points = fields.Decimal(**NUMBER)


class ScoreOut(Schema):
    points = fields.Decimal(as_string=True)
    out_of = fields.Decimal(as_string=True, metadata={"description": "the weight of the items that could be measured"})
    index = fields.Decimal(**NUMBER, metadata={"description": "points / out_of x 100"})
    items = fields.List(fields.Nested(ItemScoreOut))


class AssessmentOut(MonthState):
    unit = fields.String()
    level = fields.String()
    figures = fields.List(fields.Nested(FigureOut))
    score = fields.Nested(ScoreOut)


class PlaceOut(Schema):
    unit_code = fields.String()
    index = fields.Decimal(**NUMBER)
    rank = fields.Integer(allow_none=True)
    points = fields.Decimal(as_string=True)
    out_of = fields.Decimal(as_string=True, metadata={"description": "the weight the index was measured on"})


class RankingOut(MonthState):
    within = fields.String()
    items = fields.List(fields.Nested(PlaceOut))


class ContributionOut(Schema):
    event_id = fields.String()
    event_type = fields.String()
    unit_code = fields.String(metadata={"description": "the narrowest unit the event counted for"})
    role = fields.String(metadata={"description": "counted, met, missed or value"})
    amount = fields.Decimal(as_string=True)
    person_id = fields.String(allow_none=True, metadata={"description": "only for a person in your scope"})


class DrillDownOut(MonthState):
    unit = fields.String()
    indicator = fields.String()
    items = fields.List(fields.Nested(ContributionOut))
    next_cursor = fields.String(allow_none=True)


class SectionItemOut(Schema):
    indicator = fields.String()
    weight = fields.Decimal(as_string=True)
    targets = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True))
    worst = fields.Decimal(
        as_string=True, allow_none=True,
        metadata={"description": "the value that earns nothing (null: from 0, or weight / (1 + excess) for a count)"},
    )  # fmt: skip


class SectionOut(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    weight = fields.Decimal(as_string=True)
    measured_weight = fields.Decimal(as_string=True)
    unmeasured = fields.String(allow_none=True)
    items = fields.List(fields.Nested(SectionItemOut))


class IndicatorOut(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    formula = fields.String()
    measure = fields.String()
    kind = fields.String(metadata={"description": "count, share (a percentage) or mean"})
    reads = fields.List(fields.String(), metadata={"description": "the event types it is computed from"})
    better = fields.String(metadata={"description": "higher or lower"})


class NotMeasurableOut(Schema):
    item = fields.String()
    reason = fields.String()


class SchemeOut(SchemeRef):
    name_zh = fields.String()
    name_en = fields.String()
    current_within_months = fields.Integer()
    sections = fields.List(fields.Nested(SectionOut))
    indicators = fields.List(fields.Nested(IndicatorOut))
    not_measurable = fields.List(fields.Nested(NotMeasurableOut))


class AlertQuery(UnitQuery):
    state = fields.String(load_default="open", validate=validate.OneOf(["open", "cleared"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None)


class AcknowledgeIn(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=500))


class AcknowledgementOut(Schema):
    by = fields.String(metadata={"description": "the staff member's name"})
    by_unit = fields.String()
    at = fields.DateTime()
    note = fields.String()


class AlertOut(Schema):
    id = fields.String()
    rule = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    unit_code = fields.String()
    subject = fields.String(
        allow_none=True, metadata={"description": "a month, person id or suggestion id; a notice's only to evaluators"}
    )
    detail = fields.String()
    state = fields.String(metadata={"description": "open or cleared"})
    raised_at = fields.DateTime()
    cleared_at = fields.DateTime(allow_none=True)
    acknowledgements = fields.List(fields.Nested(AcknowledgementOut))


class AlertListOut(Schema):
    unit = fields.String()
    state = fields.String()
    items = fields.List(fields.Nested(AlertOut))
    next_cursor = fields.String(allow_none=True)


class AnnualMonthOut(MonthState):
    points = fields.Decimal(as_string=True)
    out_of = fields.Decimal(as_string=True, metadata={"description": "the weight measured that month"})
    index = fields.Decimal(**NUMBER, metadata={"description": "the month's index, as its monthly assessment gives it"})
    measured = fields.Boolean(metadata={"description": "counted in the year: no event behind the unit, not counted"})


class YearState(Schema):
    year = fields.String(metadata={"description": "YYYY, months in China Standard Time"})
    months_ended = fields.Integer(metadata={"description": "the months of the year that have ended"})
    provisional = fields.Boolean(metadata={"description": "some ended month is open: the year may still move"})


class AnnualOut(YearState):
    unit = fields.String()
    level = fields.String()
    index = fields.Decimal(**NUMBER, metadata={"description": "mean of the measured months' indexes"})
    months_measured = fields.Integer()
    months = fields.List(fields.Nested(AnnualMonthOut))


class AnnualPlaceOut(Schema):
    unit_code = fields.String()
    index = fields.Decimal(**NUMBER)
    rank = fields.Integer(allow_none=True)
    months_measured = fields.Integer()


class AnnualRankingOut(YearState):
    within = fields.String()
    months = fields.List(fields.Nested(MonthState))
    items = fields.List(fields.Nested(AnnualPlaceOut))
