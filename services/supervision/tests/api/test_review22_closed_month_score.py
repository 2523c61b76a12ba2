"""Review 22: a closed month keeps its events, not its score.

Closing keeps the month's contributions and the scheme's version and file digest; the points and
the 同心指数 are computed again on every read, with the scoring rules of the code running then
(``domain.scheme.item_points``, each indicator's ``floor`` in ``domain.indicators``), which no
scheme version or digest covers. Commit 5f4d925 did exactly this (satisfaction's floor 0 -> 1
under the same scheme 2026.1): every month closed before it changed its score with no recorded
recalculation, and the scoring change helper fix20 is making (breaches as a rate) will do it
again. This test replays 5f4d925 backwards: expected once fixed, a closed month answers the score
it was closed with (kept with it, or the scoring rules versioned with the scheme)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from services.supervision.tests.api.test_assessments import october
from services.supervision.tests.conftest import COUNTY, NOW, TOWN_B
from supervision.domain import indicators
from supervision.service_layer import months_of_record


def read(client, auth, path, **query):
    r = client.get(path, query_string=query, headers=auth())
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_a_closed_months_score_does_not_move_when_the_scoring_code_changes(sv, client, auth, feed, monkeypatch):
    october(feed)
    closure = months_of_record.close_month(sv.uow, sv.scheme, "2026-10", "督查科张三", "十月考核结算", NOW)
    before = read(client, auth, "/assessments/2026-10", unit=TOWN_B)
    ranking_before = read(client, auth, "/rankings/2026-10", within=COUNTY)

    # A later release scores satisfaction differently (as 5f4d925 did); the scheme file is untouched.
    revised = dataclasses.replace(indicators.INDICATORS["satisfaction"], floor=Decimal(0))
    monkeypatch.setitem(indicators.INDICATORS, "satisfaction", revised)

    after = read(client, auth, "/assessments/2026-10", unit=TOWN_B)
    assert after["closed"] and after["snapshot_digest"] == closure.snapshot_digest
    assert after["scheme"] == before["scheme"]  # same version, same digest: nothing says the score was redone
    assert after["score"] == before["score"], (before["score"]["index"], after["score"]["index"])
    assert read(client, auth, "/rankings/2026-10", within=COUNTY)["items"] == ranking_before["items"]
