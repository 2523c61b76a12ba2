"""Helpers the evaluation tests share: flat ratings, rating a whole cohort, reading the outbox."""

from __future__ import annotations

import json

import sqlalchemy as sa

from evaluation.adapters.tables import outbox
from evaluation.domain.index import DEFAULT

ITEMS = [i.code for i in DEFAULT.items()]


def flat(v):
    return {"scores": {code: v for code in ITEMS}}


def events(evaluation, suffix=None):
    with evaluation.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.id)).all()
    out = [(t.removeprefix("cn.tongxin.evaluation."), json.loads(bytes(p))["data"]) for t, p in rows]
    return [e for e in out if suffix is None or e[0] == suffix]


def rate_all(client, auth, round_id, scores):
    for pid, (official, self_, public) in scores.items():
        assert (
            client.put(
                f"/rounds/{round_id}/people/{pid}/official-rating", json=flat(official), headers=auth()
            ).status_code
            == 201
        )
        tok = client.post(
            f"/rounds/{round_id}/tokens", json={"person_id": pid, "source": "self"}, headers=auth()
        ).get_json()[0]["token"]
        assert client.post(f"/rate/{tok}", json=flat(self_)).status_code == 201
        for i, value in enumerate(public):
            tok = client.post(
                f"/rounds/{round_id}/tokens", json={"person_id": pid, "source": "public"}, headers=auth()
            ).get_json()[0]["token"]
            r = client.post(f"/rate/{tok}", json={**flat(value), "phone": f"1380000{pid[-1]}{i:03d}"})
            assert r.status_code == 201, r.get_json()
