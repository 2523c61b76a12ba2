"""Tongxin's shared chassis: what every service needs alike and nothing service-specific.

- ``events``: the CloudEvents envelope; ``contracts``: event schemas and topics.
- ``outbox`` and ``relay``: the transactional outbox and its publisher.
- ``consumer``: the idempotent consumer runner with retries, DLQ and replay.
- ``http``: the Flask app chassis (problem+json, auth, health, metrics).
- ``auth`` and ``units``: staff tokens and admin-unit scope.
"""
