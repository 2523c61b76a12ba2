"""Adapters: SQLAlchemy tables and repositories, pinyin, spreadsheets, unit data."""
