"""Files are private: the journal and backups are created 0600 in 0700 directories, and a
database that others can read is named by `ops check` and the daily check with its fix."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from organizer.ops import journal
from organizer.ops.filemodes import mode_facts, mode_verdict
from organizer.ops.model import Status
from organizer.settings import Settings
from organizer.store.backup import create_backup


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_journal_and_its_new_directories_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "data" / "ops" / journal.FILE_NAME
        journal.append(path, "incident", {"text": "x"})
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700


def test_backups_and_their_records_are_private(settings: Settings, db: object,
                                               tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        record = create_backup(settings.db_path, tmp_path / "deep" / "backups")
    finally:
        os.umask(old)
    directory = tmp_path / "deep" / "backups"
    assert mode(directory) == 0o700 and mode(directory.parent) == 0o700
    assert mode(directory / record.file) == 0o600
    assert mode(directory / (record.file + ".json")) == 0o600


def test_a_database_others_can_read_is_a_warn_naming_the_chmod(settings: Settings,
                                                               db: object) -> None:
    assert mode_verdict(mode_facts(settings.db_path))[0] is Status.OK
    os.chmod(settings.db_path, 0o644)
    status, reason, _details = mode_verdict(mode_facts(settings.db_path))
    assert status is Status.WARN
    assert f"{settings.db_path} is 0644" in reason
    assert f"`chmod 600 {settings.db_path}" in reason


@pytest.mark.slow
def test_ops_check_and_the_daily_check_name_it(env: dict[str, str], tmp_path: Path) -> None:
    env = {**env, "BACKUP_DIR": str(tmp_path / "backups"),
           "ORGANIZER_JOURNAL": str(tmp_path / "journal.jsonl")}

    def run(*args: str) -> list[dict[str, object]]:
        result = subprocess.run([sys.executable, "-m", "organizer", *args, "--runtime", "local",
                                 "--json"], env=env, capture_output=True, text=True, timeout=300)
        assert "Traceback" not in result.stderr
        found = json.loads(result.stdout)
        return found["checks"] if isinstance(found, dict) else found  # type: ignore[no-any-return]

    assert subprocess.run([sys.executable, "-m", "organizer", "migrate"], env=env,
                          capture_output=True, timeout=60).returncode == 0
    db = Path(env["DB_PATH"])
    os.chmod(db, 0o640)
    for command in (("ops", "check"), ("ops", "daily-check")):
        [line] = [r for r in run(*command) if r["name"] == "db_mode"]
        assert line["status"] == "WARN", (command, line)
        assert f"`chmod 600 {db}" in str(line["reason"])


def test_ops_check_on_compose_reads_the_modes_from_inside_the_stack(tmp_path: Path) -> None:
    from organizer.ops.daily import Once
    from organizer.ops.predeploy_run import _stack_db_mode

    db = tmp_path / "organizer.db"
    db.write_bytes(b"")
    os.chmod(db, 0o644)

    def down() -> dict[str, object]:
        raise RuntimeError("service worker is not running")

    assert _stack_db_mode(Once(down))[0] is Status.OK  # before the first deploy: nothing to read
    status, reason, _ = _stack_db_mode(Once(lambda: {"db_modes": mode_facts(db)}))
    assert status is Status.WARN and f"`chmod 600 {db}`" in reason
