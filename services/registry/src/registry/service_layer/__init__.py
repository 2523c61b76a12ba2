"""Use cases: one handler per command, each in a fresh unit of work."""
