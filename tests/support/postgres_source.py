"""The tests' PostgreSQL server: ``TEST_POSTGRES_URL``, a testcontainers container if a Docker
engine answers, or Debian's PostgreSQL in a temporary cluster; a fresh database per test."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

from tests.support.infra import docker_available, free_port, say

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


class PostgresSource:
    """A PostgreSQL server for the session; ``new_database()`` gives each test a fresh one."""

    def __init__(self):
        self.admin_url = ""
        self.kind = ""
        self._stop = lambda: None

    def start(self, tmp: Path) -> PostgresSource | None:
        if env := os.environ.get("TEST_POSTGRES_URL"):
            self.admin_url, self.kind = env, "TEST_POSTGRES_URL"
        elif docker_available():
            from testcontainers.postgres import PostgresContainer

            container = PostgresContainer("postgres:16-alpine", driver="psycopg").start()
            self.admin_url, self.kind = container.get_connection_url(), "testcontainers PostgreSQL"
            self._stop = container.stop
        elif PG_BIN_DIRS:
            self._start_local_cluster()
        else:
            return None
        say(f"PostgreSQL: {self.kind}")
        return self

    def _start_local_cluster(self) -> None:
        # initdb refuses to run as root: as root, the cluster belongs to the postgres
        # user, in a directory of its own (pytest's tmp dirs are private to root).
        bin_dir = PG_BIN_DIRS[0]
        base = Path(tempfile.mkdtemp(prefix="tongxin-pg-"))
        data, socket_dir = base / "data", base / "sock"
        socket_dir.mkdir()
        port = free_port()
        run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if run_as:
            for path in (base, socket_dir):
                shutil.chown(path, "postgres")
        subprocess.run(
            [
                *run_as,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(
            [
                *run_as,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(data / "server.log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        self.kind = f"local PostgreSQL cluster ({bin_dir.parent.name}) on 127.0.0.1:{port}"

        def stop() -> None:
            subprocess.run(
                [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True
            )
            shutil.rmtree(base, ignore_errors=True)

        self._stop = stop

    def new_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return sa.engine.make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def stop(self) -> None:
        self._stop()
