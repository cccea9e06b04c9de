"""Online backups: a consistent copy of the live database, mode 0600, with a sidecar record.

The record (sha256, event count, last event's hash) is what a restore drill
compares the copy against later.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from organizer.errors import StorageError
from organizer.store.db import connect, translate
from organizer.store.filecopy import CopyError, CopyJob
from organizer.store.interrupt import interrupts_raise, partial_name, sweep_partials
from organizer.store.private import private_dirs
from organizer.store.snapshot import PinnedSnapshot, pin_snapshot

# How long to keep trying to pin a snapshot before taking the slower backup API way.
PIN_PATIENCE_S = 1.0

_Facts = tuple[int, int, str | None, str]  # events, last position, last event's hash, schema


@dataclass(frozen=True)
class BackupRecord:
    file: str
    sha256: str
    created_at: str
    reason: str
    events: int
    last_position: int
    last_event_hash: str | None
    schema: str
    size: int

    def sidecar(self, directory: Path) -> Path:
        return directory / (self.file + ".json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def last_event_hash(conn: sqlite3.Connection) -> tuple[int, int, str | None]:
    """(event count, last position, sha256 of the last event's row)."""
    count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    row = conn.execute(
        "SELECT position, stream, version, type, schema_version, data, recorded_at FROM events "
        "ORDER BY position DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return 0, 0, None
    digest = hashlib.sha256(json.dumps(list(row), ensure_ascii=False).encode()).hexdigest()
    return int(count), int(row[0]), digest


def create_backup(db_path: Path, backup_dir: Path, reason: str = "manual") -> BackupRecord:
    """A consistent copy of the live database, taken while others may be writing.

    The fast way pins a snapshot in the main file (`snapshot.py`) and copies its
    bytes once, hashing them on the way (`filecopy.py`); when no snapshot can be
    pinned (a reader elsewhere holds an old one), SQLite's backup API does it.
    Either way the copy is written under a temporary name, fsynced, and only
    then renamed into place and described by its sidecar record.
    """
    try:
        private_dirs(backup_dir)
    except OSError as exc:
        raise StorageError(
            f"cannot create backup directory {backup_dir}: {exc.strerror}; set BACKUP_DIR"
        ) from exc
    sweep_partials(backup_dir)  # what a killed backup left behind
    with interrupts_raise("backup"):
        return _create(db_path, backup_dir, reason)


def _create(db_path: Path, backup_dir: Path, reason: str) -> BackupRecord:
    now = datetime.now(UTC)
    name = f"organizer-{now.strftime('%Y%m%dT%H%M%S%fZ')}.db"
    final = backup_dir / name
    partial = backup_dir / partial_name(name)
    try:
        pinned = pin_snapshot(db_path, PIN_PATIENCE_S)
        copied = _copy_pinned(pinned, db_path, partial) if pinned is not None else None
        sha256, facts = copied if copied is not None else _copy_with_backup_api(db_path, partial)
        os.replace(partial, final)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise translate(exc, db_path) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    events, last, digest, schema = facts
    record = BackupRecord(
        file=name, sha256=sha256, created_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        reason=reason, events=events, last_position=last, last_event_hash=digest,
        schema=schema, size=final.stat().st_size,
    )
    try:
        _write_sidecar(record, backup_dir)
    except BaseException:
        final.unlink(missing_ok=True)  # a copy nobody has a record of is no backup
        raise
    return record


def _facts(conn: sqlite3.Connection) -> _Facts:
    events, last, digest = last_event_hash(conn)
    schema = conn.execute(
        "SELECT coalesce(max(name), 'none') FROM schema_migrations"
    ).fetchone()[0] if _has_ledger(conn) else "none"
    return events, last, digest, str(schema)


def _copy_pinned(pinned: PinnedSnapshot, db_path: Path, partial: Path) -> tuple[str, _Facts] | None:
    """Copy the pinned main file in a child process; read the record meanwhile. None: fall back."""
    try:
        job = CopyJob(db_path, partial, pinned.length, pinned.inode)
        try:
            facts = _facts(pinned.conn)  # the same snapshot the copy holds
            return job.result(), facts
        except BaseException:
            job.cancel()  # a signal or an error here: the child stops writing first
            raise
    except CopyError:
        partial.unlink(missing_ok=True)
        return None
    finally:
        pinned.release()


def _copy_with_backup_api(db_path: Path, partial: Path) -> tuple[str, _Facts]:
    """SQLite's backup API in one step: consistent under writers, whatever they hold."""
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    source = connect(db_path)
    try:
        target = sqlite3.connect(partial, isolation_level=None)
        try:
            # Speed only: read pages through mmap, and no journal or syncs on the fresh copy
            # (a crash leaves a .partial that is never used; the file is fsynced below).
            source.execute("PRAGMA mmap_size = 2147418112")
            target.execute("PRAGMA journal_mode = OFF")
            target.execute("PRAGMA synchronous = OFF")
            source.backup(target)  # one step: consistent even under a writer
            target.execute("PRAGMA journal_mode = DELETE")
            facts = _facts(target)
        finally:
            target.close()
    finally:
        source.close()
    return _sync_and_hash(partial), facts


def _write_sidecar(record: BackupRecord, backup_dir: Path) -> None:
    """The record, durably: its file fsynced, renamed, and the directory fsynced (both names)."""
    sidecar = record.sidecar(backup_dir)
    tmp = backup_dir / partial_name(sidecar.name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, json.dumps(asdict(record), indent=2).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, sidecar)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    directory = os.open(backup_dir, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _sync_and_hash(path: Path) -> str:
    """fsync the file while hashing it from the page cache: both release the GIL."""
    with path.open("rb") as handle:
        syncing = threading.Thread(target=os.fsync, args=(handle.fileno(),))
        syncing.start()
        try:
            return file_sha256(path)
        finally:
            syncing.join()


def _has_ledger(conn: sqlite3.Connection) -> bool:
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'"
    ).fetchone() is not None


def read_records(backup_dir: Path) -> list[BackupRecord]:
    """Every backup's record in `backup_dir`, oldest first; unreadable sidecars are skipped."""
    records: list[BackupRecord] = []
    if not backup_dir.is_dir():
        return records
    for sidecar in sorted(backup_dir.glob("organizer-*.db.json")):
        try:
            records.append(BackupRecord(**json.loads(sidecar.read_text())))
        except (OSError, ValueError, TypeError):
            continue
    return sorted(records, key=lambda r: r.created_at)


def latest_backup(backup_dir: Path) -> BackupRecord | None:
    records = read_records(backup_dir)
    return records[-1] if records else None
