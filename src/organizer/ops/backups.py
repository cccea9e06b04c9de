"""Backups beyond `create`: the restore drill, retention, restore and restore --at.

A verify is a restore drill, not a checksum: the copy is restored to a scratch
file, opened, `integrity_check`ed, its event count and last event's hash are
compared with what was recorded at backup time, and its projections are
rebuilt from its own events and compared with its tables.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from organizer.errors import StorageError
from organizer.store.backup import (
    BackupRecord,
    create_backup,
    file_sha256,
    last_event_hash,
    read_records,
)
from organizer.store.db import connect, translate
from organizer.store.rebuild import copy_log_until
from organizer.store.rebuild import verify as verify_projections


@dataclass
class DrillReport:
    file: str
    ok: bool = True
    steps: list[dict[str, Any]] = field(default_factory=list)
    events: int = 0

    def step(self, name: str, ok: bool, detail: str) -> None:
        self.steps.append({"step": name, "ok": ok, "detail": detail})
        self.ok = self.ok and ok

    @property
    def reason(self) -> str:
        failed = [s for s in self.steps if not s["ok"]]
        if failed:
            return f"{failed[0]['step']}: {failed[0]['detail']}"
        return f"restore drill passed ({self.events} events)"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "reason": self.reason}


def record_for(path: Path) -> BackupRecord | None:
    sidecar = path.with_name(path.name + ".json")
    try:
        return BackupRecord(**json.loads(sidecar.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def resolve(backup_dir: Path, name: str | None) -> Path:
    """A backup by path or by file name in BACKUP_DIR; the newest when none is named."""
    if name is None:
        records = read_records(backup_dir)
        if not records:
            raise StorageError(f"no backups in {backup_dir}; run `organizer backup create`")
        return backup_dir / records[-1].file
    path = Path(name)
    if not path.exists() and (backup_dir / name).exists():
        path = backup_dir / name
    if not path.exists():
        raise StorageError(f"backup {name} not found (looked in {backup_dir} too); "
                           "see `organizer backup list`")
    return path.absolute()


def drill(path: Path) -> DrillReport:
    """Restore `path` to a scratch copy and prove the copy is a working database."""
    report = DrillReport(file=str(path))
    record = record_for(path)
    if record is None:
        report.step("record", False, "no readable sidecar record (.json) next to the file")
    else:
        digest = file_sha256(path)
        report.step("sha256", digest == record.sha256,
                    "matches the record" if digest == record.sha256
                    else f"file {digest[:12]} != recorded {record.sha256[:12]}")
    with tempfile.TemporaryDirectory(prefix="organizer-drill-") as scratch:
        copy = Path(scratch) / "restored.db"
        shutil.copyfile(path, copy)
        try:
            conn = connect(copy)
        except StorageError as exc:
            report.step("open", False, str(exc))
            return report
        try:
            _drill_open(conn, record, report)
        except (sqlite3.Error, StorageError) as exc:
            error = translate(exc) if isinstance(exc, sqlite3.Error) else exc
            report.step("read", False, str(error))
        finally:
            conn.close()
    return report


def _drill_open(conn: sqlite3.Connection, record: BackupRecord | None, report: DrillReport) -> None:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    report.step("integrity_check", rows == ["ok"], "ok" if rows == ["ok"] else "; ".join(rows[:3]))
    count, _last, digest = last_event_hash(conn)
    report.events = count
    if record is not None:
        same = (count, digest) == (record.events, record.last_event_hash)
        report.step("event log", same, f"{count} events, last hash matches" if same else
                    f"{count} events / hash {str(digest)[:12]} != recorded {record.events} / "
                    f"{str(record.last_event_hash)[:12]}")
    rebuilt = verify_projections(conn)
    report.step("projections", not rebuilt.differences,
                f"rebuilt {rebuilt.rows} equal the tables" if not rebuilt.differences
                else f"{len(rebuilt.differences)} differences, first: "
                     f"{rebuilt.differences[0].describe()}")


def create_and_verify(db_path: Path, backup_dir: Path, reason: str) -> dict[str, Any]:
    record = create_backup(db_path, backup_dir, reason)
    report = drill(backup_dir / record.file)
    return {"record": asdict(record), "drill": report.to_json()}


def plan_prune(records: list[BackupRecord], daily: int, weekly: int) -> tuple[list[str], list[str]]:
    """(keep, delete): the newest backup of each of the last `daily` days and `weekly` ISO weeks."""
    newest_first = sorted(records, key=lambda r: (r.created_at, r.file), reverse=True)
    keep: set[str] = set()
    if newest_first:
        keep.add(newest_first[0].file)
    days: list[str] = []
    weeks: list[tuple[int, int]] = []
    for record in newest_first:
        moment = datetime.strptime(record.created_at, "%Y-%m-%dT%H:%M:%SZ")
        day = moment.date().isoformat()
        week = tuple(moment.isocalendar())[:2]
        if day not in days and len(days) < daily:
            days.append(day)
            keep.add(record.file)
        if week not in weeks and len(weeks) < weekly:
            weeks.append(week)  # type: ignore[arg-type]
            keep.add(record.file)
    ordered = [r.file for r in newest_first]
    return [f for f in ordered if f in keep], [f for f in ordered if f not in keep]


def prune(backup_dir: Path, daily: int, weekly: int, dry_run: bool = False) -> dict[str, Any]:
    keep, delete = plan_prune(read_records(backup_dir), daily, weekly)
    if not dry_run:
        for name in delete:
            (backup_dir / name).unlink(missing_ok=True)
            (backup_dir / (name + ".json")).unlink(missing_ok=True)
    return {"kept": keep, "deleted": delete, "dry_run": dry_run}


def state_at(source: Path, at: datetime, target: Path, migrations_dir: Path) -> int:
    """Build at `target` a database holding `source`'s events recorded at or before `at`.

    A fresh schema is migrated, the events (and the idempotency keys wholly
    inside them) are copied as they were, and the projections are rebuilt from
    them. Returns the number of events kept.
    """
    from organizer.app.database import migrate
    from organizer.settings import load_settings

    cutoff = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    settings = load_settings({"DB_PATH": str(target), "MIGRATIONS_DIR": str(migrations_dir)},
                             env_file=None)
    migrate(settings, say=lambda _line: None)
    try:
        return copy_log_until(target, source, cutoff)
    except sqlite3.Error as exc:
        raise translate(exc, source) from exc


def restore_into(verified: Path, db_path: Path) -> None:
    """Copy `verified` over the live database through SQLite's backup API (WAL-safe, atomic)."""
    source = connect(verified, readonly=True)
    target = connect(db_path, create=True)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise translate(exc, db_path) from exc
    finally:
        source.close()
        target.close()
    os.chmod(db_path, 0o600)
