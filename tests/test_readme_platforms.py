"""The top-level README's map of platforms ("Where each platform lives") stays true: every Swagger UI
tag it names is a blueprint of the service it names, and every demo account it names is one
``make run`` prints. A newcomer follows that table to find a platform; a renamed blueprint or
account would send them nowhere."""

from __future__ import annotations

import re
from pathlib import Path

from deploy.keycloak.tongxin_realm import demo_users

ROOT = Path(__file__).resolve().parents[1]
SERVICE_DIRS = {
    "registry": "registry",
    "evaluation": "evaluation",
    "service desk": "servicedesk",
    "sharing gateway": "sharing-gateway",
    "supervision": "supervision",
}


def _rows() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Where each platform lives" in text, "the README no longer maps the platforms to services"
    section = text.split("## Where each platform lives", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| platform")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def _blueprints(service_dir: str) -> set[str]:
    names = set()
    for source in (ROOT / "services" / service_dir / "src").rglob("*.py"):
        names |= set(re.findall(r'Blueprint\(\s*"([a-z_]+)"', source.read_text(encoding="utf-8")))
    return names


def test_every_platform_row_names_real_tags_and_accounts():
    rows = _rows()
    assert len(rows) >= 12, "the table of platforms is gone from the README"
    accounts = {user["username"] for user in demo_users()}
    for platform, service, tags, account in rows:
        name = re.sub(r"\s*\(:\d+\)$", "", service)
        assert name in SERVICE_DIRS, (platform, service)
        named_tags = set(re.findall(r"`([a-z_]+)`", tags))
        assert named_tags, platform
        assert named_tags <= _blueprints(SERVICE_DIRS[name]), (platform, named_tags - _blueprints(SERVICE_DIRS[name]))
        named_accounts = set(re.findall(r"`([a-z0-9-]+)`", account))
        assert named_accounts <= accounts, (platform, named_accounts - accounts)
