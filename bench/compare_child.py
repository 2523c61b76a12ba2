"""The child side of ``bench.compare``: one benchmark entry of one checkout, run in a process started
from that checkout's virtualenv, so it imports that checkout's own ``bench`` functions, services and
migrations. ``python compare_child.py SPEC_FILE`` reads the entry's parameters and writes its results."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path


def _run_entry(spec: dict) -> list[dict]:
    """Run one entry with the code of the tree this process was started in (cwd on sys.path)."""
    import sharing_gateway

    import bench
    import chassis
    import registry

    tree = Path(spec["tree"]).resolve()
    for package in (bench, chassis, registry, sharing_gateway):  # this tree's code, not the other's
        assert Path(package.__file__).resolve().is_relative_to(tree), f"{package.__file__} is not in {tree}"
    tmp, kind = Path(spec["tmp"]), spec["kind"]
    if kind == "import":
        from bench import registry

        results = registry.bench_import(spec["url"], spec["backend"], spec["rows"])
    elif kind == "search":
        from bench import registry

        _fill_defaults()
        results = registry.bench_search(spec["url"], spec["backend"], spec["sizes"], spec["repeats"])
    elif kind == "search_api":
        _fill_defaults()
        results = _search_as_the_api_does(spec["url"], spec["backend"], spec["size"], spec["repeats"])
    elif kind == "policy":
        from bench import gateway

        results = gateway.bench_policy_engine(spec["url"], tmp, spec["events"])
    elif kind == "end_to_end":
        from bench import gateway
        from chassis.kafka import KafkaAccess

        access = KafkaAccess(**spec["kafka"])
        results = gateway.bench_end_to_end(spec["url"], tmp, access, spec["burst"], spec["steady"])
    else:
        raise ValueError(kind)
    return [dataclasses.asdict(r) for r in results]


def _search_as_the_api_does(url: str, backend: str, size: int, repeats: int) -> list:
    """The search as ``GET /people`` runs it, each call in its own transaction: before the refactor
    on a pooled connection (``engine.connect()``), after it in a fresh unit of work (``reg.uow``).

    Not an entry of ``make bench``, whose search entry times the service call in one session held
    open (since the refactor, a joined unit of work, i.e. a SAVEPOINT per call); this is the cost a
    request pays, to tell a benchmark's artefact from a cost in production.
    """
    from bench import registry as bench_registry
    from bench.report import Result
    from registry.bootstrap import bootstrap
    from registry.config import RegistrySettings
    from registry.service_layer.units import load_shipped_units

    reg = bootstrap(RegistrySettings(database_url=url))
    reg.migrate()
    load_shipped_units(reg.engine)
    bench_registry.fill(reg.engine, size, 0, reg.settings.id_digest_secret)
    try:  # after the refactor: the use case takes the unit-of-work factory
        from registry.service_layer import search

        def call(f):
            return search.search(reg.uow, bench_registry.ADMIN, f, limit=50)
    except ImportError:  # before it: the view opened a connection and passed it
        from registry.service_layer import queries

        def call(f):
            with reg.engine.connect() as conn:
                return queries.search(conn, bench_registry.ADMIN, f, limit=50)

    results = []
    for label, filters in bench_registry.SEARCHES.items():
        lat = bench_registry._latencies(lambda f=filters: call(f), repeats)
        for q in ("p50", "p95"):
            name = f"{label}, {size:,} people, own transaction per call ({backend}) {q}"
            results.append(Result("registry search as the API", name, lat[q] * 1000, "ms"))
    reg.engine.dispose()
    return results


def _fill_defaults() -> None:
    """Let an older tree's search set-up write today's people table.

    Before the unit-of-work refactor, ``bench.registry.fill`` did not write the ``people``
    columns that the privacy review (migration 0003) had made mandatory, so that tree's search
    benchmark failed at its set-up. Client-side defaults give them the values the current
    ``fill`` writes (the same search text; the registered.v1 event's version); a tree whose
    ``fill`` writes them never uses the defaults.
    """
    import sqlalchemy as sa

    from registry.adapters.tables import people

    defaults = {
        "search_text_all": lambda ctx: ctx.get_current_parameters()["search_text"],
        "event_version": 1,
    }
    for name, value in defaults.items():
        column = people.c.get(name)
        if column is not None and column.default is None and column.server_default is None:
            sa.ColumnDefault(value)._set_parent_with_dispatch(column)


def _child(spec_file: str) -> int:
    spec = json.loads(Path(spec_file).read_text())
    Path(spec["out"]).write_text(json.dumps(_run_entry(spec), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
