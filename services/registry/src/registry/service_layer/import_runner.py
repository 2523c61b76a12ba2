"""The worker part that runs import jobs (``import_job.run_job``) one at a time, requeues jobs a
crash left running, and erases each uploaded file once its job has ended and
``import_file_retention_seconds`` have passed (the report stays)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import sqlalchemy as sa

from chassis.digests import DigestKey
from registry.adapters.tables import import_jobs
from registry.service_layer.import_job import RUNNER, run_job
from registry.service_layer.unit_of_work import UowFactory

log = logging.getLogger(__name__)


class ImportRunner:
    """Runs queued jobs one at a time (in the worker); requeues jobs a crash left running."""

    def __init__(
        self,
        uow_factory: UowFactory,
        digest_keys: list[DigestKey],
        batch_size: int,
        file_retention_seconds: int,
        poll_interval: float = 0.5,
    ):
        self.uow_factory = uow_factory
        self.digest_keys = digest_keys  # the current key first, then any previous ones (matching only)
        self.batch_size = batch_size
        self.file_retention_seconds = file_retention_seconds
        self.poll_interval = poll_interval
        self._stop = threading.Event()
        self._next_erase = 0.0

    def stop(self) -> None:
        self._stop.set()

    def run_forever(self) -> None:
        with self.uow_factory(RUNNER) as uow:
            uow.session.execute(import_jobs.update().where(import_jobs.c.state == "running").values(state="queued"))
            uow.commit()
        while not self._stop.is_set():
            try:
                if not self.run_next():
                    self._stop.wait(self.poll_interval)
            except Exception:
                log.exception("import runner failed; retrying")
                self._stop.wait(2.0)

    def run_next(self) -> bool:
        if time.monotonic() >= self._next_erase:
            erase_expired_files(self.uow_factory, self.file_retention_seconds)
            self._next_erase = time.monotonic() + min(30.0, self.file_retention_seconds / 2)
        with self.uow_factory(RUNNER) as uow:
            job_id = uow.session.execute(
                sa.select(import_jobs.c.id)
                .where(import_jobs.c.state == "queued")
                .order_by(import_jobs.c.created_at)
                .limit(1)
            ).scalar()
            if job_id is None:
                return False
            claimed = uow.session.execute(
                import_jobs.update()
                .where(import_jobs.c.id == job_id, import_jobs.c.state == "queued")
                .values(state="running")
            ).rowcount
            uow.commit()
        if claimed:
            run_job(self.uow_factory, job_id, self.digest_keys, self.batch_size)
        return True


def erase_expired_files(uow_factory: UowFactory, retention_seconds: int, now: dt.datetime | None = None) -> int:
    """Erase the uploaded file of every job that ended more than ``retention_seconds`` ago."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(seconds=retention_seconds)
    with uow_factory(RUNNER) as uow:
        erased = uow.session.execute(
            import_jobs.update()
            .where(
                import_jobs.c.finished_at.is_not(None),
                import_jobs.c.finished_at <= cutoff,
                sa.func.length(import_jobs.c.content) > 0,
            )
            .values(content=b"")
        ).rowcount
        uow.commit()
        return erased
