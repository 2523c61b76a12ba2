"""The public rater's address through the console: behind an ingress (one trusted hop in front of
the console), the console resolves the client with the same ``TRUSTED_PROXY_HOPS`` rule as the
services and forwards that address, so evaluation (one hop: the console) keeps the rater's
network, not the ingress pod's, for its rate limits and burst checks. A real evaluation API on
SQLite listens on a loopback port; the console calls it over HTTP."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa
from console.app import create_app as create_console
from console.config import ConsoleSettings
from werkzeug.serving import make_server

from evaluation.adapters.tables import rate_windows, ratings
from evaluation.bootstrap import bootstrap
from evaluation.config import EvaluationSettings
from evaluation.entrypoints.api.app import create_app as create_evaluation
from evaluation.service_layer.read_model import apply_person_event
from tests.support.people import person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import staff_headers, trusted

RATER, INGRESS = "198.51.100.7", "10.42.3.17"


@pytest.fixture
def evaluation(tmp_path):
    ev = bootstrap(
        EvaluationSettings(
            database_url=f"sqlite:///{tmp_path / 'evaluation.db'}",
            kafka_bootstrap_servers="127.0.0.1:1",
            trusted_proxy_hops=1,  # the console
            **strong_secrets(EvaluationSettings),
            **trusted(),
        )
    )
    ev.migrate()
    apply_person_event(ev.uow, person_event("p1"))
    server = make_server("127.0.0.1", 0, create_evaluation(ev), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield ev, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    ev.engine.dispose()


def public_token(ev, url: str) -> str:
    import requests

    h = staff_headers(("evaluator",), sub="judge")
    body = {"name": "评价", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    round_id = requests.post(f"{url}/rounds", json=body, headers=h, timeout=10).json()["id"]
    requests.post(f"{url}/rounds/{round_id}/open", headers=h, timeout=10).raise_for_status()
    issued = requests.post(f"{url}/rounds/{round_id}/tokens", json={"person_id": "p1", "source": "public"}, headers=h)
    return issued.json()[0]["token"]


def test_the_console_forwards_the_raters_address_not_the_ingress(evaluation):
    ev, url = evaluation
    token = public_token(ev, url)
    settings = ConsoleSettings(**strong_secrets(ConsoleSettings), **trusted(), evaluation_url=url, trusted_proxy_hops=1)
    console = create_console(settings).test_client()
    console.environ_base.update({"wsgi.url_scheme": "https", "REMOTE_ADDR": INGRESS})
    # the rater's phone reaches the ingress, which appends the address it saw
    via_ingress = {"X-Forwarded-For": RATER, "X-Forwarded-Proto": "https"}
    page = console.get(f"/rate/{token}", headers=via_ingress).get_data(as_text=True)
    items = re.findall(r'name="(item_[^"]+)"', page)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert items, page[:500]
    form = {**dict.fromkeys(items, "7"), "phone": "13912345678", "csrf_token": csrf}
    r = console.post(f"/rate/{token}", data=form, headers=via_ingress)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    with ev.engine.connect() as conn:
        assert conn.execute(sa.select(ratings.c.origin)).scalars().all() == ["198.51.100.0/24"]
        keys = set(conn.execute(sa.select(rate_windows.c.key)).scalars())
    assert [k for k in keys if "198.51.100.0/24" in k] and not [k for k in keys if "10.42.3." in k], keys


def test_a_client_cannot_choose_its_address_by_prepending_to_the_header(evaluation):
    """With one trusted hop, only the address the ingress appended counts: a forged first entry is ignored."""
    ev, url = evaluation
    token = public_token(ev, url)
    settings = ConsoleSettings(**strong_secrets(ConsoleSettings), **trusted(), evaluation_url=url, trusted_proxy_hops=1)
    console = create_console(settings).test_client()
    console.environ_base.update({"wsgi.url_scheme": "https", "REMOTE_ADDR": INGRESS})
    console.get(f"/rate/{token}", headers={"X-Forwarded-For": f"203.0.113.9, {RATER}"})
    with ev.engine.connect() as conn:
        keys = set(conn.execute(sa.select(rate_windows.c.key)).scalars())
    assert [k for k in keys if "198.51.100.0/24" in k], keys
    assert not [k for k in keys if "203.0.113." in k or "10.42.3." in k], keys
