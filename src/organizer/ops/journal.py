"""The ops journal's record: one JSON object per line, appended atomically.

Each append is a single `write` of one complete line followed by `fsync`, so
a dropped SSH session or a killed process leaves either the whole record or
none of it. A torn last line (a crash mid-write on a full disk) is skipped on
read and fenced off with a newline by the next append. Nothing is ever
rewritten: a second daily check on the same day appends a newer record for
that day, and the renderer shows the latest one.

The file lives in the git-ignored `ops/journal/` of the deploy's work tree
(or at ORGANIZER_JOURNAL), the same file whichever runtime a command acts on,
so ops work never makes the tree dirty and never splits the journal.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from organizer.store.private import FILE_MODE, private_dirs

KINDS = ("environment", "baseline", "day", "incident", "stable")
FILE_NAME = "journal.jsonl"


def utc_now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def append(path: Path, kind: str, data: dict[str, Any], at: datetime | None = None) -> dict[str, Any]:
    """Append one record atomically (write + fsync); returns the record."""
    if kind not in KINDS:
        raise ValueError(f"unknown journal record kind {kind!r}")
    record = {"kind": kind, "at": stamp(at or utc_now()), **data}
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    private_dirs(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        size = os.fstat(fd).st_size
        if size and not _ends_with_newline(path, size):
            line = "\n" + line  # fence off a torn last line instead of gluing onto it
        payload = line.encode("utf-8")
        written = os.write(fd, payload)
        if written != len(payload):  # a short write only happens on a full disk
            raise OSError(f"journal {path}: wrote {written} of {len(payload)} bytes")
        os.fsync(fd)
    finally:
        os.close(fd)
    return record


def _ends_with_newline(path: Path, size: int) -> bool:
    with path.open("rb") as handle:
        handle.seek(size - 1)
        return handle.read(1) == b"\n"


def read(path: Path) -> list[dict[str, Any]]:
    """Every complete record, in append order; torn or foreign lines are skipped."""
    if not path.exists():
        return []
    records = []
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                continue  # torn final line
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("kind") in KINDS:
                records.append(record)
    return records


def latest(records: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    found = [r for r in records if r["kind"] == kind]
    return found[-1] if found else None


def days(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The latest day record of each date, oldest date first."""
    by_date: dict[str, dict[str, Any]] = {}
    for record in records:
        if record["kind"] == "day":
            by_date[record["date"]] = record
    return [by_date[d] for d in sorted(by_date)]


def default_path(project_dir: Path) -> Path:
    """ORGANIZER_JOURNAL, else the git-ignored `ops/journal/` of the deploy's work tree.

    One place for every runtime: the compose and the local runtime, `ops
    incident` and `ops journal` all read and write this one file.
    """
    configured = os.environ.get("ORGANIZER_JOURNAL", "").strip()
    if configured:
        return Path(configured).expanduser().absolute()
    return project_dir.absolute() / "ops" / "journal" / FILE_NAME
