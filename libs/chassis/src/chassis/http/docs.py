"""Swagger UI at ``/docs``, served by the service itself: no CDN, no inline script.

The page loads Swagger UI from the pinned npm package ``swagger-ui-dist`` (``npm ci`` in
libs/chassis, as make and the Dockerfiles do) and starts it from ``swagger-init.js``,
which reads the spec URL from a data attribute, so the page runs under a strict
Content-Security-Policy. Only the files the page needs are served.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, abort, send_from_directory

ASSETS_URL = "/docs/assets/"
#: The files of swagger-ui-dist the page loads; nothing else of the package is reachable.
DIST_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
                        "favicon-16x16.png", "favicon-32x32.png"})  # fmt: skip
_OWN = Path(__file__).resolve().parent / "assets"
_OWN_FILES = frozenset({"swagger-init.js"})


def install(app: Flask, swagger_ui_dir: str) -> None:
    dist = Path(swagger_ui_dir).resolve()
    app.config.update(OPENAPI_SWAGGER_UI_PATH="/docs", OPENAPI_SWAGGER_UI_URL=ASSETS_URL)

    @app.get(ASSETS_URL + "<name>", endpoint="swagger_ui_assets")
    def swagger_ui_assets(name: str) -> Response:
        if name in _OWN_FILES:
            return send_from_directory(_OWN, name, max_age=3600)
        if name in DIST_FILES:
            return send_from_directory(dist, name, max_age=86400)
        abort(404)
