"""The supervision worker under the pipeline benchmark's load (``bench.pipeline``): how far its view
consumer falls behind the four topics it reads, and how many events per second it takes.

The pipeline's registrations reach the supervision worker on ``registry.person.v1`` beside the gateway's
path to the CPPCC's feed, on the same running platform. A sampler reads, every 0.2 s, the supervision
view's consumer group lag (the four topics' end offsets less the group's committed offsets, as an
operator's ``kafka-consumer-groups --describe`` would): its peak in the burst, how long it took to
drain once the burst's last registration was committed, and its p99 and peak under the steady load.
The rate it took the burst at is compared with the gateway's (the pipeline's saturation figure) in the
same run. Its capacity is measured apart, with its own backlog: the worker stopped, the whole view
rebuilt from offset 0 (the worker's ``replay``, in this process, with the worker's settings), against a
bare kafka-python consumer reading the same topics as the baseline; the digest must not change.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from kafka import KafkaConsumer, TopicPartition

from bench.report import Result, percentiles
from chassis.kafka import KafkaAccess, make_admin
from chassis.unit_of_work import joining
from supervision.bootstrap import bootstrap
from supervision.config import SupervisionSettings
from supervision.entrypoints.worker import TOPICS, view_consumer
from supervision.service_layer import view

GROUP = "supervision.view"


def _access(platform) -> KafkaAccess:
    return KafkaAccess.from_env(platform.kafka.client_env("admin"))  # tooling's principal, as the operator's


@dataclasses.dataclass(frozen=True)
class Sample:
    at: float  # time.monotonic()
    lag: int  # records of the four topics not yet committed by the group
    committed: int  # records the group has committed, over the four topics


class LagSampler(threading.Thread):
    """Samples the supervision view's consumer lag every ``every_s`` until ``stop()``."""

    def __init__(self, platform, every_s: float = 0.2):
        super().__init__(daemon=True, name="supervision-lag")
        self.access, self.every_s = _access(platform), every_s
        self.samples: list[Sample] = []
        self._stopping = threading.Event()

    def run(self) -> None:
        admin = make_admin(self.access)
        consumer = KafkaConsumer(**self.access.client_config(), metadata_max_age_ms=1000)
        try:
            while not self._stopping.is_set():
                partitions = [TopicPartition(t, p) for t in TOPICS for p in consumer.partitions_for_topic(t) or ()]
                end = consumer.end_offsets(partitions)
                committed = {tp: m.offset for tp, m in admin.list_consumer_group_offsets(GROUP).items()}
                done = {tp: max(0, committed.get(tp, 0)) for tp in partitions}
                lag = sum(max(0, end[tp] - done[tp]) for tp in partitions)
                self.samples.append(Sample(time.monotonic(), lag, sum(done.values())))
                self._stopping.wait(self.every_s)
        finally:
            admin.close()
            consumer.close()

    def stop(self) -> None:
        self._stopping.set()
        if self.ident is not None:  # started
            self.join(30)

    def first(self, timeout: float = 60) -> Sample:
        """The first sample (waits for it): the group's position before the load."""
        deadline = time.monotonic() + timeout
        while not self.samples and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.samples[0]

    def between(self, start: float, end: float) -> list[Sample]:
        return [s for s in self.samples if start <= s.at <= end]

    def first_from(self, at: float, committed: int = 0, drained: bool = False, timeout: float = 300) -> Sample:
        """The first sample at or after ``at`` (with ``drained``: with ``committed`` records taken and nothing
        left; the count guards against a lag of 0 read before the outbox relays had published the load);
        waits for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next(
                (s for s in self.samples if s.at >= at and (not drained or (s.lag == 0 and s.committed >= committed))),
                None,
            )
            if found is not None:
                return found
            time.sleep(self.every_s)
        raise AssertionError(f"the supervision view still lags {self.samples[-1].lag} records after {timeout} s")


def burst_results(
    sampler: LagSampler,
    before: Sample,
    began: float,
    written: float,
    delivered: float,
    saturation: float,
    burst: int,
) -> list[Result]:
    """The burst: the lag's peak, the drain after the last registration, the rate the view took it at.
    ``before``: the sample before the burst; ``delivered``: when the CPPCC's feed had the whole burst, by
    which time every event it caused is on the topics (what the view must have taken to be drained)."""
    produced = sampler.first_from(delivered)
    drained = sampler.first_from(began + written, produced.committed + produced.lag, drained=True)
    during = sampler.between(began, drained.at)
    taken = drained.committed - before.committed
    rate = taken / (drained.at - began)
    return [
        Result("supervision", "view consumer under the pipeline burst: events taken", rate, "events/s",
               baseline="the gateway's path to the CPPCC feed (pipeline saturation)", baseline_value=saturation,
               note=f"{taken:,} events of the four topics ({burst:,} registrations of CPPCC members, each two events "
                    "on registry.person.v1: registered, representative_changed) from the burst's start until "
                    "the group's lag was 0 again; bounded by the load offered, it says whether the view keeps up "
                    "with the gateway"),
        Result("supervision", "view consumer lag in the burst, peak", max(s.lag for s in during), "records"),
        Result("supervision", "view consumer catch-up after the burst's last registration",
               max(0.0, drained.at - (began + written)), "s"),
    ]  # fmt: skip


def steady_results(sampler: LagSampler, start: float, end: float, rate: float) -> list[Result]:
    lags = [s.lag for s in sampler.between(start, end)]
    pct = percentiles([float(x) for x in lags])
    return [
        Result("supervision", f"view consumer lag at {rate:,.0f} events/s (steady), p99", pct["p99"], "records",
               note=f"{len(lags)} samples of the group's lag every {sampler.every_s} s during the steady phase"),
        Result("supervision", f"view consumer lag at {rate:,.0f} events/s (steady), peak", max(lags), "records"),
    ]  # fmt: skip


def _bare_read(access: KafkaAccess) -> tuple[int, float]:
    """The four topics read from offset 0 to their end by a bare consumer: records and seconds (its
    connection included, as the replay's)."""
    began = time.perf_counter()
    consumer = KafkaConsumer(**access.client_config(), max_poll_records=200)
    partitions = [TopicPartition(t, p) for t in TOPICS for p in sorted(consumer.partitions_for_topic(t) or ())]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    seen = 0
    while any(consumer.position(tp) < end[tp] for tp in partitions):
        seen += sum(len(records) for records in consumer.poll(timeout_ms=500).values())
    seconds = time.perf_counter() - began
    consumer.close()
    return seen, seconds


def replay_results(platform) -> list[Result]:
    """Capacity: the worker stopped, its whole view rebuilt from offset 0 in this process; the digest
    before and after must be the same."""
    from run_platform import SERVICES  # deploy/ is on the path once bench.pipeline is imported

    worker = dict(platform.processes)["supervision-worker"]
    worker.terminate()
    worker.wait(30)
    service = next(s for s in SERVICES if s.name == "supervision")
    sv = bootstrap(SupervisionSettings.from_env(platform.env(service)))
    before = view.digest_of_view(sv.engine)
    began = time.perf_counter()
    count = view_consumer(sv).replay(lambda session: view.reset(joining(sv.uow, session), sv.clock()))
    seconds = time.perf_counter() - began
    after = view.digest_of_view(sv.engine)
    sv.engine.dispose()
    assert after == before, f"the replayed view's digest {after[:12]} is not the one before, {before[:12]}"
    bare, bare_seconds = _bare_read(_access(platform))
    return [
        Result("supervision", "view rebuilt from offset 0 (replay): events taken", count / seconds, "events/s",
               baseline="a bare kafka-python consumer reading the same four topics", baseline_value=bare / bare_seconds,
               note=f"{count:,} events in {seconds:.1f} s (bare read: {bare:,} in {bare_seconds:.1f} s), each "
                    "connecting first; one transaction per event as the running worker; digest the same before "
                    "and after"),
    ]  # fmt: skip
