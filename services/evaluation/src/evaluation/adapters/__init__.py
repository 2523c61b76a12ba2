"""Adapters: SQLAlchemy tables."""
