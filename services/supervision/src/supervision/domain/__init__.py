"""The supervision's rules: indicators, how events contribute to them, the assessment scheme and
rankings. Pure: no Flask, SQLAlchemy, Kafka or clock of its own."""
