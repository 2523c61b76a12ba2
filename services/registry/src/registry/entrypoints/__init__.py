"""Entrypoints: the HTTP API, the worker (outbox relay, consumers, import jobs), the admin CLI."""
