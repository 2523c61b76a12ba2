"""Entrypoints: the HTTP API, the worker (relay and consumers), the admin CLI."""
