"""A periodic worker part keeps running through a failed run and stops when asked."""

import logging
import threading

from chassis.worker import Every


def test_a_failed_run_is_retried_at_the_next_interval_and_stop_ends_the_loop(caplog):
    caplog.set_level(logging.INFO, "tongxin.worker")
    runs = []

    def job():
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("database away")
        if len(runs) == 3:
            part.stop()
        return len(runs)

    part = Every(0.01, "test sweep", job)
    thread = threading.Thread(target=part.run_forever)
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive() and runs == [0, 1, 2]
    assert "test sweep failed" in caplog.text and "test sweep: 2" in caplog.text
