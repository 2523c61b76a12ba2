"""What orchestrators and scrapers ask a service: ``/healthz`` (the process answers), ``/readyz``
(its database answers; a Kafka outage only degrades it, since writes go to the outbox) and
``/metrics`` (Prometheus, only with the ``METRICS_TOKEN`` bearer token: it names every endpoint
and its load, which helps an attacker plan).
"""

from __future__ import annotations

import hmac

import sqlalchemy as sa
from flask import Flask, Response, jsonify, request

from chassis import kafka, metrics
from chassis.errors import Unauthorized
from chassis.http.problems import from_app_error
from chassis.settings import BaseSettings


def install(app: Flask, settings: BaseSettings, engine: sa.Engine | None) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok", service=settings.service_name)

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        # Only the database decides readiness: writes go to the outbox, so a Kafka
        # outage degrades event delivery but must not take the API out of service.
        checks = {"database": "ok", "kafka": "ok"}
        if engine is not None:
            try:
                with engine.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
            except Exception as exc:
                checks["database"] = f"error: {type(exc).__name__}"
        if not kafka.reachable(settings.kafka_bootstrap_servers, timeout=0.5):
            checks["kafka"] = "unreachable"
        ready = checks["database"] == "ok"
        body = {"status": "ready" if ready else "not-ready", "degraded": checks["kafka"] != "ok", "checks": checks}
        return jsonify(body), 200 if ready else 503

    @app.get("/metrics", endpoint="metrics")
    def metrics_view() -> Response:
        # Endpoint names, load and backlogs help an attacker plan: only the scraper may read them.
        scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
        expected = settings.metrics_token
        if not expected or scheme != "Bearer" or not hmac.compare_digest(offered.strip().encode(), expected.encode()):
            answer = from_app_error(Unauthorized("需要监控令牌", "The metrics bearer token is required"))
            answer.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return answer
        body, content_type = metrics.exposition()
        return Response(body, mimetype=content_type.split(";")[0])
