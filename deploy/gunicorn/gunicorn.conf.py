"""gunicorn settings shared by every Tongxin API (override any of them with environment variables).

gunicorn -c deploy/gunicorn/gunicorn.conf.py 'registry.entrypoints.api.app:create_app()'
"""

import json
import multiprocessing
import os
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger

from chassis.logs import redact

# Development mode (make run) accepts the shipped default secrets, so it serves this machine only.
_development = os.environ.get("DEVELOPMENT_MODE", "").strip().lower() in {"1", "true", "yes", "on"}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
bind = os.environ.get("BIND", "127.0.0.1:8000" if _development else "0.0.0.0:8000")
# Workers from CPU count (2n+1 is gunicorn's rule of thumb for I/O-bound apps), capped for small hosts.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
# Threads per worker (gthread) for APIs that hold requests open, like the gateway's long-polled
# feed; 1 keeps the plain sync worker.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Behind a reverse proxy, trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# The apps log their own JSON access lines (with request and trace ids); gunicorn's
# own error log stays, and its access log is off unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = json.dumps(
    {
        "remote": "%(h)s",
        # Method, path and protocol, never the query string: its values are typed by people.
        "request": "%(m)s %(U)s %(H)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "ms": "%(M)s",
        "request_id": "%({x-request-id}o)s",
    }
)
errorlog = "-"


def redact_atoms(atoms: dict) -> dict:
    """Access-log atoms without secrets: the query string left out of the request line and its
    own atoms, every path decoded (``%33%37…``, ``%EF%BC%91`` full-width digits) before it is
    redacted as in the services' own JSON logs, so no encoding slips past."""
    atoms = dict(atoms)
    for key in ("q", "{query_string}e"):
        if key in atoms:
            atoms[key] = "-"
    if isinstance(atoms.get("r"), str):
        method, _, rest = atoms["r"].partition(" ")
        target, _, protocol = rest.rpartition(" ")
        atoms["r"] = f"{method} {target.split('?', 1)[0]} {protocol}"
    for key in ("r", "U", "f"):
        if isinstance(atoms.get(key), str):
            atoms[key] = redact(unquote_plus(atoms[key]))
    return atoms


class RedactingLogger(Logger):
    """The access log without secrets (``redact_atoms``)."""

    def atoms(self, resp, req, environ, request_time):
        return redact_atoms(super().atoms(resp, req, environ, request_time))


logger_class = RedactingLogger
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def on_starting(server):
    # Checked on the final addresses: -b on the command line and GUNICORN_CMD_ARGS override BIND above.
    if _development:
        public = [
            a
            for a in server.cfg.bind
            if not a.startswith("unix:") and a.rpartition(":")[0].strip("[]") not in _LOOPBACK
        ]
        if public:
            raise SystemExit(f"DEVELOPMENT_MODE serves loopback only: bind {public} refused (use 127.0.0.1:<port>)")
    # Prometheus multiprocess mode needs an empty directory shared by the workers.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
