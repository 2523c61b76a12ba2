"""The in-memory unit of work (``tests/fakes.py``) for the gateway's use-case tests: the folder's
hyphenated name keeps it from being imported by package path, so it is loaded from its file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("sharing_gateway_fakes", Path(__file__).parents[1] / "fakes.py")
assert _spec is not None and _spec.loader is not None
fakes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fakes)


@pytest.fixture
def fake_uow():
    """``fake_uow(approved)``: a fake unit of work whose agencies in ``approved`` run their feed
    under that policy version (the others are paused)."""
    return fakes.FakeUnitOfWork
