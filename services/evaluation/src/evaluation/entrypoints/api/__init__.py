"""The evaluation service's HTTP API."""
