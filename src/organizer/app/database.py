"""Opening the database the way every command and daemon must: on the right volume,
at the current schema. Migration itself lives here too, because it is the one
operation allowed to create or change the schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from organizer.settings import Settings
from organizer.store.backup import create_backup
from organizer.store.db import connect, require_sound, table_names
from organizer.store.migrations import (
    Migration,
    apply_one,
    check_drift,
    read_status,
    require_current,
)
from organizer.store.volume import verify_volume


def check_volume_setting(settings: Settings) -> None:
    """When EXPECTED_DB_VOLUME is set, refuse a DB_PATH that is not on that volume."""
    if settings.expected_db_volume:
        verify_volume(settings.db_path, settings.expected_db_volume)


def open_database(settings: Settings, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection to the current-schema database at DB_PATH, or a clear refusal."""
    check_volume_setting(settings)
    conn = connect(settings.db_path, readonly=readonly)
    try:
        require_current(conn, settings.migrations_dir)
    except Exception:
        conn.close()
        raise
    return conn


@dataclass
class MigrateReport:
    created: bool
    applied: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    backup: str | None = None
    version: str = "none"


def migrate(settings: Settings, *, dry_run: bool = False, verify: bool = False,
            say: Callable[[str], None] = print) -> MigrateReport:
    """Apply pending migrations, each in its own transaction, after a backup of a non-empty DB."""
    if verify or settings.expected_db_volume:
        if verify and not settings.expected_db_volume:
            from organizer.errors import ConfigError

            raise ConfigError(
                "--verify-volume needs EXPECTED_DB_VOLUME; set it to the compose volume "
                "(deploy_db_data) or drop --verify-volume"
            )
        check_volume_setting(settings)
        say(f"volume check: {settings.db_path} is on {settings.expected_db_volume}")
    path = settings.db_path
    created = not path.exists()
    if created and dry_run:
        from organizer.store.migrations import load_migrations

        names = [m.name for m in load_migrations(settings.migrations_dir)]
        say(f"would CREATE a new database at {path}")
        return MigrateReport(created=True, pending=names)
    if created:
        say(f"CREATING a new database at {path} (no file was there)")
    conn = connect(path, create=True)
    try:
        if not created:
            require_sound(conn)  # never "up to date" on a damaged file, never migrate one
        status = read_status(conn, settings.migrations_dir)
        check_drift(status, settings.migrations_dir, path)
        pending: list[Migration] = status.pending
        report = MigrateReport(created=created, pending=[m.name for m in pending],
                               version=status.version)
        if dry_run or not pending:
            return report
        if _has_data(conn):
            record = create_backup(path, settings.backup_dir, reason="before-migrate")
            report.backup = str(settings.backup_dir / record.file)
            say(f"backup before migrating: {report.backup}")
        for migration in pending:
            apply_one(conn, migration)
            report.applied.append(migration.name)
            report.version = migration.name
            say(f"applied {migration.name}")
        require_current(conn, settings.migrations_dir)
        return report
    finally:
        conn.close()


def _has_data(conn: sqlite3.Connection) -> bool:
    tables = table_names(conn) - {"sqlite_sequence"}
    return bool(tables)
