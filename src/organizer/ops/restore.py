"""Restore the live database from a backup, optionally as of a moment of its event log.

The order is what makes it safe to re-run after a dropped session: verify the
file first (a restore drill), then back up the current database, then copy
the verified state in through SQLite's backup API, then migrate it to the
current schema. Nothing is touched until the file has proven itself.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from organizer.errors import StorageError
from organizer.ops.backups import drill, resolve, restore_into, state_at
from organizer.settings import Settings
from organizer.store.backup import create_backup


@dataclass
class RestoreReport:
    source: str
    at: str | None
    drill: dict[str, Any]
    events: int
    safety_backup: str | None = None
    migrated: list[str] = field(default_factory=list)


def parse_at(value: str) -> datetime:
    """ISO 8601; a moment without a zone is UTC."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise StorageError(f"--at {value!r} is not ISO 8601; write it like 2026-02-22T14:30:00Z") \
            from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def restore(settings: Settings, name: str, at: datetime | None = None) -> RestoreReport:
    """Verify `name`, save the current DB, put the backup's (or its state at `at`) in place."""
    from organizer.app.database import migrate

    path = resolve(settings.backup_dir, name)
    report = drill(path)
    if not report.ok:
        raise StorageError(f"backup {path.name} failed its restore drill ({report.reason}); "
                           "nothing was changed — pick another file (`organizer backup list`)")
    with tempfile.TemporaryDirectory(prefix="organizer-restore-") as scratch:
        source, events = path, report.events
        if at is not None:
            source = Path(scratch) / "state_at.db"
            events = state_at(path, at, source, settings.migrations_dir)
        result = RestoreReport(str(path), None if at is None else at.isoformat(),
                               report.to_json(), events)
        if settings.db_path.exists():
            saved = create_backup(settings.db_path, settings.backup_dir, reason="before-restore")
            result.safety_backup = str(settings.backup_dir / saved.file)
        restore_into(source, settings.db_path)
    migrated = migrate(settings, say=lambda _line: None)
    result.migrated = migrated.applied
    return result


def to_json(report: RestoreReport) -> dict[str, Any]:
    return asdict(report)
