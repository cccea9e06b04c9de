"""Shared fixtures: the repository's canon, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from organizer.canon import Canon, load_canon

REPO = Path(__file__).resolve().parents[2]
CANON_FILE = REPO / "canon" / "intents_v2.yml"


@pytest.fixture(scope="session")
def canon() -> Canon:
    return load_canon(CANON_FILE)
