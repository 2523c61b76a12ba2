"""When a request's resolution clock runs (the clock itself: ``chassis/tests/unit/test_sla_clock.py``)."""

from __future__ import annotations

from servicedesk.domain.sla_clock import runs_in


def test_the_clock_runs_in_open_states_but_not_while_waiting_or_after_resolution():
    assert [s for s in ("submitted", "accepted", "in_progress", "waiting", "resolved", "closed") if runs_in(s)] == [
        "submitted",
        "accepted",
        "in_progress",
    ]
