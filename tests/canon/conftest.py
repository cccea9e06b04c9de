"""Shared fixtures: the repository's canon, loaded once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from organizer.canon import Canon, load_canon

REPO = Path(__file__).resolve().parents[2]
CANON_FILE = REPO / "canon" / "intents_v2.yml"


@pytest.fixture(scope="session")
def canon() -> Canon:
    return load_canon(CANON_FILE)


def whole_canon_text() -> str:
    """The repository's canon written as one file (a canon without `parts`), for edits."""
    entry = CANON_FILE.read_text(encoding="utf-8")
    data = yaml.safe_load(entry)
    parts = [(CANON_FILE.parent / name).read_text(encoding="utf-8") for name in data["parts"]]
    head = "".join(line for line in entry.splitlines(keepends=True)
                   if not line.startswith("parts:"))  # fmt: skip
    return "\n".join([head, *parts])


def copy_canon(directory: Path) -> Path:
    """The repository's canon (entry and parts) copied into `directory`; the entry's path."""
    shutil.copytree(CANON_FILE.parent, directory, dirs_exist_ok=True)
    return directory / CANON_FILE.name
