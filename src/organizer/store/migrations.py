"""Numbered SQL migrations with checksums, each applied in its own transaction.

`schema_migrations` records every applied file with its sha256; a changed or
missing applied file is drift and is refused, and a database that has applied
files this code does not know is newer than the code and is refused too.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from organizer.errors import MigrationDrift, SchemaError, StorageError
from organizer.store.db import db_file, table_names, transaction

NAME_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
REQUIRED_TABLES = frozenset({
    "events", "idempotency_keys", "tasks", "calendar_links", "projector_checkpoints",
    "heartbeats", "schema_migrations",
})
_LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    name        TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL,
    applied_at  TEXT NOT NULL
)"""


@dataclass(frozen=True)
class Migration:
    name: str
    sha256: str
    sql: str

    @property
    def number(self) -> int:
        return int(self.name[:4])


@dataclass
class Status:
    known: list[Migration]
    applied: dict[str, str] = field(default_factory=dict)  # name -> sha256

    @property
    def pending(self) -> list[Migration]:
        return [m for m in self.known if m.name not in self.applied]

    @property
    def version(self) -> str:
        return max(self.applied) if self.applied else "none"

    @property
    def latest(self) -> str:
        return self.known[-1].name if self.known else "none"


def load_migrations(directory: Path) -> list[Migration]:
    if not directory.is_dir():
        raise StorageError(
            f"migrations directory {directory} does not exist; mount ./migrations:/app/migrations:ro "
            "or unset MIGRATIONS_DIR to use the bundled ones"
        )
    found = []
    for path in sorted(directory.glob("*.sql")):
        if not NAME_RE.match(path.name):
            raise StorageError(
                f"migration file {path} is not named NNNN_words.sql; rename it (e.g. 0002_reminders.sql)"
            )
        data = path.read_bytes()
        found.append(Migration(path.name, hashlib.sha256(data).hexdigest(), data.decode("utf-8")))
    numbers = [m.number for m in found]
    if len(numbers) != len(set(numbers)):
        raise StorageError(f"two migration files in {directory} share a number; renumber one")
    return found


def read_status(conn: sqlite3.Connection, directory: Path) -> Status:
    known = load_migrations(directory)
    status = Status(known)
    if "schema_migrations" in table_names(conn):
        status.applied = dict(conn.execute("SELECT name, sha256 FROM schema_migrations"))
    return status


def check_drift(status: Status, directory: Path, db: Path) -> None:
    """Refuse changed, missing or newer-than-code applied migrations."""
    by_name = {m.name: m for m in status.known}
    latest = status.known[-1].number if status.known else 0
    for name, sha in sorted(status.applied.items()):
        known = by_name.get(name)
        if known is None:
            if int(name[:4]) > latest:
                raise SchemaError(
                    f"database {db} has migration {name}, newer than this code knows "
                    f"(latest {status.latest}); run the organizer version that wrote it"
                )
            raise MigrationDrift(
                f"migration {name} was applied to {db} but is missing from {directory}; "
                "restore the file (applied migrations are never removed)"
            )
        if known.sha256 != sha:
            raise MigrationDrift(
                f"migration {name} in {directory} changed after it was applied to {db} "
                f"(sha256 {sha[:12]} applied, {known.sha256[:12]} now); restore the original "
                "and put the change in a new numbered file"
            )


def _statements(sql: str) -> list[str]:
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip().strip(";").strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buffer.splitlines()
    ):
        raise StorageError("a migration ends with an incomplete SQL statement")
    return statements


def apply_one(conn: sqlite3.Connection, migration: Migration) -> None:
    """Apply one file and record it, in one transaction: all of it or none of it."""
    with transaction(conn):
        conn.execute(_LEDGER)
        for statement in _statements(migration.sql):
            try:
                conn.execute(statement)
            except sqlite3.Error as exc:
                raise StorageError(
                    f"migration {migration.name} failed on {db_file(conn)}: {exc}; "
                    "nothing of it was applied"
                ) from exc
        conn.execute(
            "INSERT INTO schema_migrations (name, sha256, applied_at) VALUES (?, ?, ?)",
            (migration.name, migration.sha256,
             datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
        )


def require_current(conn: sqlite3.Connection, directory: Path) -> Status:
    """Refuse to run on anything but the complete, current schema (the `no such table` incident)."""
    db = db_file(conn)
    status = read_status(conn, directory)
    check_drift(status, directory, db)
    if status.pending:
        names = ", ".join(m.name for m in status.pending)
        raise SchemaError(
            f"database {db} is at schema {status.version} but this code needs {status.latest} "
            f"(pending: {names}); run `organizer migrate` against this DB_PATH"
        )
    missing = REQUIRED_TABLES - table_names(conn)
    if missing:
        raise SchemaError(
            f"database {db} lacks table(s) {', '.join(sorted(missing))} although its migrations "
            "are recorded; restore it from a backup (`organizer backup list`)"
        )
    return status
