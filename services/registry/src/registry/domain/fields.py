"""A person's fields and category memberships as the aggregate keeps them: which fields an editor
may change, how names, tags and representative roles are cleaned on the way in, and how a role
is shared in events (its title withheld when it implies a religion or an ethnicity).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from chassis.errors import InvalidInput
from registry.domain.categories import LEVELS, REPRESENTATIVE_BODIES
from registry.domain.changes import shared_text

#: Fields a staff editor may change with an update.
EDITABLE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "ethnicity",
    "political_affiliation",
    "religion",
    "education",
    "employer",
    "position",
    "phone",
    "address",
    "needs",
    "notes",
    "tags",
)


@dataclasses.dataclass
class Membership:
    category: str
    start_date: dt.date
    end_date: dt.date | None = None
    reason: str | None = None
    approved_by: str | None = None
    end_reason: str | None = None
    id: int | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 60:
        raise InvalidInput("姓名不能为空且不超过60个字符", "Name must be 1-60 characters", field="name")
    return name


def clean_tags(tags: list[str]) -> list[str]:
    return sorted({t.strip() for t in tags if t and t.strip()})


def clean_role(role: dict[str, Any]) -> dict[str, Any]:
    body, level = role.get("body"), role.get("level")
    if body not in REPRESENTATIVE_BODIES or level not in LEVELS:
        raise InvalidInput(
            f"代表人士身份无效：机构须为 {'/'.join(REPRESENTATIVE_BODIES)}，级别须为 {'/'.join(LEVELS)}",
            f"Invalid representative role: body in {list(REPRESENTATIVE_BODIES)}, level in {list(LEVELS)}",
            field="representative_roles",
        )
    since = role.get("since")
    return {
        "body": body,
        "level": level,
        "title": role.get("title"),
        "since": since.isoformat() if isinstance(since, dt.date) else since,
    }


def shared_role(role: dict[str, Any]) -> dict[str, Any]:
    return {**role, "title": shared_text(role.get("title"))}
