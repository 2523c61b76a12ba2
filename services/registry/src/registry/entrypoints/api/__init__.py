"""The registry's HTTP API (flask-smorest)."""
