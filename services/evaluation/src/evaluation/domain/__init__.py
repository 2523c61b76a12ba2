"""Evaluation domain: the index, scoring, rounds. No framework imports."""
