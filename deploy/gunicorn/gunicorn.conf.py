"""gunicorn settings shared by every Tongxin API (override any of them with environment variables).

gunicorn -c deploy/gunicorn/gunicorn.conf.py 'registry.entrypoints.api.app:create_app()'
"""

import json
import multiprocessing
import os

from gunicorn.glogging import Logger

from chassis.logs import redact

# Development mode (make run) accepts the shipped default secrets, so it serves this machine only.
_development = os.environ.get("DEVELOPMENT_MODE", "").strip().lower() in {"1", "true", "yes", "on"}
bind = os.environ.get("BIND", "127.0.0.1:8000" if _development else "0.0.0.0:8000")
if _development and bind.rpartition(":")[0].strip("[]") not in {"127.0.0.1", "localhost", "::1"}:
    raise SystemExit(f"DEVELOPMENT_MODE serves loopback only: BIND={bind} refused (use 127.0.0.1:<port>)")
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
        "request": "%(r)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "ms": "%(M)s",
        "request_id": "%({x-request-id}o)s",
    }
)
errorlog = "-"


class RedactingLogger(Logger):
    """The access log without secrets: rating tokens and receipt codes in paths, ID numbers,
    phones and tokens in query strings are redacted as in the services' own JSON logs."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms


logger_class = RedactingLogger
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def on_starting(server):
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
