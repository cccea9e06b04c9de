"""Migrations: checksums, drift, a SIGKILL midway, backups, the volume check."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from organizer.app.database import migrate, open_database
from organizer.errors import MigrationDrift, SchemaError, VolumeMismatch
from organizer.settings import Settings, bundled_migrations_dir
from organizer.store.migrations import load_migrations
from organizer.store.volume import verify_volume

QUIET = {"say": lambda _line: None}
# Every bundled migration, whichever areas added theirs; test-only files use 09xx.
BUNDLED = [m.name for m in load_migrations(bundled_migrations_dir())]


@pytest.fixture
def own_migrations(tmp_path: Path, settings: Settings) -> Settings:
    directory = tmp_path / "migrations"
    shutil.copytree(bundled_migrations_dir(), directory)
    return replace(settings, migrations_dir=directory)


def applied(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
    finally:
        conn.close()


def test_fresh_database_is_created_loudly(settings: Settings) -> None:
    lines: list[str] = []
    report = migrate(settings, say=lines.append)
    assert report.created and report.applied == BUNDLED
    assert lines[0] == f"CREATING a new database at {settings.db_path} (no file was there)"
    assert migrate(settings, **QUIET).applied == []


def test_dry_run_changes_nothing(settings: Settings) -> None:
    report = migrate(settings, dry_run=True, **QUIET)
    assert report.pending == BUNDLED
    assert not settings.db_path.exists()


def test_changed_applied_file_is_drift(own_migrations: Settings) -> None:
    migrate(own_migrations, **QUIET)
    first = own_migrations.migrations_dir / "0001_init.sql"
    first.write_text(first.read_text() + "\n-- edited on the VPS\n")
    with pytest.raises(MigrationDrift, match="0001_init.sql .* changed after it was applied"):
        migrate(own_migrations, **QUIET)
    with pytest.raises(MigrationDrift):
        open_database(own_migrations)


def test_missing_applied_file_is_drift(own_migrations: Settings) -> None:
    extra = own_migrations.migrations_dir / "0902_notes.sql"
    extra.write_text("CREATE TABLE notes (id INTEGER PRIMARY KEY);\n")
    migrate(own_migrations, **QUIET)
    extra.rename(own_migrations.migrations_dir / "0902_notes.sql.bak")
    (own_migrations.migrations_dir / "0903_more.sql").write_text("SELECT 1;\n")
    with pytest.raises(MigrationDrift, match="0902_notes.sql was applied .* but is missing"):
        migrate(own_migrations, **QUIET)


def test_schema_newer_than_code_is_refused(own_migrations: Settings) -> None:
    extra = own_migrations.migrations_dir / "0999_future.sql"
    extra.write_text("CREATE TABLE future (id INTEGER);\n")
    migrate(own_migrations, **QUIET)
    extra.unlink()
    with pytest.raises(SchemaError, match="0999_future.sql, newer than this code knows"):
        open_database(own_migrations)


def test_pending_migration_stops_daemons(own_migrations: Settings) -> None:
    migrate(own_migrations, **QUIET)
    (own_migrations.migrations_dir / "0902_notes.sql").write_text("CREATE TABLE n (id INT);\n")
    with pytest.raises(SchemaError, match="pending: 0902_notes.sql.*run `organizer migrate`"):
        open_database(own_migrations)


def test_non_empty_database_is_backed_up_before_migrating(own_migrations: Settings) -> None:
    migrate(own_migrations, **QUIET)
    (own_migrations.migrations_dir / "0902_notes.sql").write_text("CREATE TABLE n (id INT);\n")
    report = migrate(own_migrations, **QUIET)
    assert report.backup is not None
    backup = Path(report.backup)
    assert backup.stat().st_mode & 0o777 == 0o600
    assert applied(backup) == BUNDLED


def test_a_failing_migration_leaves_the_previous_version(own_migrations: Settings) -> None:
    migrate(own_migrations, **QUIET)
    (own_migrations.migrations_dir / "0902_bad.sql").write_text(
        "CREATE TABLE half (id INT);\nINSERT INTO no_such_table VALUES (1);\n")
    with pytest.raises(Exception, match="0902_bad.sql failed"):
        migrate(own_migrations, **QUIET)
    conn = sqlite3.connect(own_migrations.db_path)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name='half'").fetchone()[0] == 0
    conn.close()
    assert applied(own_migrations.db_path) == BUNDLED


@pytest.mark.slow
def test_sigkill_midway_leaves_the_previous_version(own_migrations: Settings,
                                                     env: dict[str, str]) -> None:
    migrate(own_migrations, **QUIET)
    (own_migrations.migrations_dir / "0902_slow.sql").write_text(
        "CREATE TABLE big (n INTEGER);\n"
        "INSERT INTO big WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
        "WHERE x < 1000000000) SELECT x FROM c;\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "organizer", "migrate"],
        env={**env, "MIGRATIONS_DIR": str(own_migrations.migrations_dir), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    for line in proc.stdout:  # wait until it is inside the slow file
        if "backup before migrating" in line or time.monotonic() > deadline:
            break
    time.sleep(1.0)
    assert proc.poll() is None, "the migration finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()
    assert applied(own_migrations.db_path) == BUNDLED
    conn = sqlite3.connect(own_migrations.db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name='big'").fetchone()[0] == 0
    conn.close()


VOLUME_MOUNTINFO = (
    "612 540 0:52 / / rw,relatime master:300 - overlay overlay rw,lowerdir=/x\n"
    "640 612 254:1 /var/lib/docker/volumes/{name}/_data /data rw,relatime master:1 - ext4 "
    "/dev/vda1 rw\n"
    "641 612 254:1 /work/canon /canon ro,relatime - ext4 /dev/vda1 rw\n"
)


def test_volume_check_accepts_the_expected_volume() -> None:
    mount = verify_volume(Path("/data/organizer.db"), "deploy_db_data",
                          VOLUME_MOUNTINFO.format(name="deploy_db_data"))
    assert mount is not None and mount.volume == "deploy_db_data"


def test_volume_check_names_both_volumes() -> None:
    with pytest.raises(VolumeMismatch) as info:
        verify_volume(Path("/data/organizer.db"), "deploy_db_data",
                      VOLUME_MOUNTINFO.format(name="deploy_runtime_data"))
    assert "docker volume deploy_runtime_data" in str(info.value)
    assert "EXPECTED_DB_VOLUME is deploy_db_data" in str(info.value)


def test_volume_root_without_the_docker_prefix() -> None:
    # /var/lib/docker on its own filesystem: the root field starts at /volumes.
    text = VOLUME_MOUNTINFO.replace("/var/lib/docker/volumes", "/volumes")
    mount = verify_volume(Path("/data/organizer.db"), "deploy_db_data",
                          text.format(name="deploy_db_data"))
    assert mount is not None and mount.volume == "deploy_db_data"


def test_volume_check_refuses_the_container_layer() -> None:
    only_root = VOLUME_MOUNTINFO.splitlines()[0] + "\n"
    with pytest.raises(VolumeMismatch, match="container's own layer"):
        verify_volume(Path("/data/organizer.db"), "deploy_db_data", only_root)


def test_migrate_refuses_a_db_off_the_expected_volume(settings: Settings) -> None:
    expecting = replace(settings, expected_db_volume="deploy_db_data")
    with pytest.raises(VolumeMismatch):
        migrate(expecting, **QUIET)
    assert not settings.db_path.exists()


FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("fixture", "verdict"),
    [
        ("mountinfo_docker_volume.txt", None),
        ("mountinfo_wrong_volume.txt", "docker volume deploy_runtime_data"),
        ("mountinfo_container_layer.txt", "the container's own layer"),
        ("mountinfo_bind_mount.txt", "mount"),
    ],
)
def test_volume_check_on_real_container_mountinfo(fixture: str, verdict: str | None) -> None:
    text = (FIXTURES / fixture).read_text()
    if verdict is None:
        mount = verify_volume(Path("/data/organizer.db"), "deploy_db_data", text)
        assert mount is not None and mount.volume == "deploy_db_data"
        return
    with pytest.raises(VolumeMismatch) as info:
        verify_volume(Path("/data/organizer.db"), "deploy_db_data", text)
    assert verdict in str(info.value)
