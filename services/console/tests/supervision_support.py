"""For the console's supervision page tests: a real supervision API and a real registry (for unit
names: the shipped Shouguang tree), each on its own SQLite file, served on loopback ports and
trusting the session's Keycloak, so the console calls them with the signed-in user's own token.

The supervision view is fed October 2026 as its worker would apply the events: two towns with
activity (圣城街道's community 东关社区 and 文家街道's 西城社区), the other towns with none; its alerts
are evaluated on 20 November (a suggestion of 东关社区 overdue). Readers of the pages: a page, its
tables, the overdue suggestion's alert.
"""

from __future__ import annotations

import contextlib
import threading
from html.parser import HTMLParser

from werkzeug.serving import make_server

from chassis.contracts import servicedesk as sd
from registry.bootstrap import bootstrap as registry_bootstrap
from registry.config import RegistrySettings
from registry.entrypoints.api.app import create_app as create_registry
from registry.service_layer.units import load_shipped_units
from services.supervision.tests.conftest import COUNTY, HOME_A, HOME_B, NOW, TOWN_A, TOWN_B
from services.supervision.tests.events import activity, breach, person_event, request, suggestion
from supervision.bootstrap import bootstrap as supervision_bootstrap
from supervision.config import SupervisionSettings
from supervision.entrypoints.api.app import create_app as create_supervision
from supervision.service_layer import alerting, view
from tests.support.secrets import strong_secrets

__all__ = ["COUNTY", "HOME_A", "HOME_B", "MONTH", "TOWN_A", "TOWN_B", "serve_services", "table"]

MONTH = "2026-10"


def _trust(keycloak) -> dict:
    return {"oidc_issuer": keycloak.issuer, "oidc_jwks_url": keycloak.jwks_url}


def _serve(app) -> tuple[object, str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _feed_october(sv) -> None:
    digest = "da1".ljust(64, "0")
    events = [
        person_event("a1", unit=HOME_A, digest=digest),
        person_event("a2", unit=HOME_A, digest="da2".ljust(64, "0")),
        person_event("b1", unit=HOME_B, digest="db1".ljust(64, "0")),
        request(sd.REQUEST_OPENED, "ra", HOME_A, person="a1"),
        request(sd.REQUEST_OPENED, "rb", HOME_B, person="b1"),
        request(sd.REQUEST_OPENED, "rb2", HOME_B, person="b1"),
        activity("act1", HOME_A, 30),
        suggestion(sd.SUGGESTION_RECEIVED, "sa", HOME_A),
        suggestion(sd.SUGGESTION_RECEIVED, "sb", HOME_B),
        suggestion(sd.SUGGESTION_ANSWERED, "sb", HOME_B, at="2026-10-20T02:00:00+00:00"),
        breach("rb", HOME_B, due="2026-10-12T02:00:00+00:00"),
    ]
    for e in events:
        if e.type in view.PERSON_EVENTS:
            view.apply_person_event(sv.uow, e)
        else:
            view.record_fact(sv.uow, e)
    alerting.evaluate(sv.uow, sv.scheme, NOW)


@contextlib.contextmanager
def serve_services(keycloak, folder):
    """(supervision, its URL, registry URL), running until the block ends."""
    sv = supervision_bootstrap(
        SupervisionSettings(
            database_url=f"sqlite:///{folder / 'supervision.db'}", kafka_bootstrap_servers="127.0.0.1:1",
            **strong_secrets(SupervisionSettings), **_trust(keycloak),
        )
    )  # fmt: skip
    sv.clock = lambda: NOW
    sv.migrate()
    _feed_october(sv)
    reg = registry_bootstrap(
        RegistrySettings(
            database_url=f"sqlite:///{folder / 'registry.db'}", kafka_bootstrap_servers="127.0.0.1:1",
            **strong_secrets(RegistrySettings), **_trust(keycloak),
        )
    )  # fmt: skip
    reg.migrate()
    load_shipped_units(reg.engine)
    sv_server, sv_url = _serve(create_supervision(sv))
    reg_server, reg_url = _serve(create_registry(reg))
    try:
        yield sv, sv_url, reg_url
    finally:
        sv_server.shutdown()
        reg_server.shutdown()
        sv.engine.dispose()
        reg.engine.dispose()


class _Tables(HTMLParser):
    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (self.depth or attrs.get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append({"attrs": attrs, "cells": []})
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1]["cells"].append(" ".join(" ".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> list[dict]:
    """The rows of the table with ``table_id``: each {"attrs": the <tr>'s attributes, "cells": texts}."""
    parser = _Tables(table_id)
    parser.feed(html)
    return parser.rows


def page(client, path: str, **query) -> str:
    r = client.get(path, query_string=query or None)
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]
    return r.get_data(as_text=True)


def overdue_suggestion(html: str) -> str:
    (row,) = [r for r in table(html, "alert-list")[1:] if "建言献策逾期未答复" in r["cells"][0]]
    assert row["cells"][1] == "东关社区" and row["cells"][2] == "sa"
    return row["attrs"]["data-alert"]
