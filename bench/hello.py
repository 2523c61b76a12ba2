"""The HTTP baseline: the smallest Flask app, served by the same gunicorn configuration as the
services (``gunicorn -c deploy/gunicorn/gunicorn.conf.py 'bench.hello:create_app()'``)."""

from flask import Flask


def create_app() -> Flask:
    app = Flask("hello")

    @app.get("/")
    def hello():
        return {"hello": "同心"}

    return app
