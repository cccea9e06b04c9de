"""The CLI as a user runs it: a subprocess, exact output, exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from organizer.settings import bundled_migrations_dir
from organizer.store.migrations import load_migrations

pytestmark = pytest.mark.slow
SRC = Path(__file__).resolve().parents[2] / "src"


def organizer(env: dict[str, str], *args: str, cwd: Path | None = None,
              ) -> subprocess.CompletedProcess[str]:
    env = {**env, "PYTHONPATH": str(SRC)}  # this checkout's code, not the installed one
    return subprocess.run([sys.executable, "-m", "organizer", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_migrate_then_config_show(env: dict[str, str], tmp_path: Path) -> None:
    first = organizer(env, "migrate")
    db = tmp_path / "data" / "organizer.db"
    assert first.returncode == 0, first.stderr
    bundled = [m.name for m in load_migrations(bundled_migrations_dir())]
    assert first.stdout.splitlines() == [
        f"CREATING a new database at {db} (no file was there)",
        *(f"applied {name}" for name in bundled),
        f"schema now at {bundled[-1]}",
    ]
    assert organizer(env, "ops", "migrate").stdout == f"up to date at {bundled[-1]}\n"
    token = "123456789:AAHsecretsecretsecretsecretsecret12"
    shown = organizer({**env, "TELEGRAM_BOT_TOKEN": token}, "config", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    rows = {r["key"]: r for r in json.loads(shown.stdout)}
    assert rows["TELEGRAM_BOT_TOKEN"] == {"key": "TELEGRAM_BOT_TOKEN", "set": True,
                                          "value": "(secret, set)"}
    assert token not in shown.stdout + shown.stderr


def test_bad_config_is_one_line_and_exit_2(env: dict[str, str]) -> None:
    result = organizer({**env, "TG_HTTP_READ_TIMEOUT": "20"}, "migrate")
    assert result.returncode == 2
    assert result.stderr == (
        "Error: TG_HTTP_READ_TIMEOUT=20 is below TG_LONGPOLL_SEC + 10 = 40; set "
        "TG_HTTP_READ_TIMEOUT to at least 40 or lower TG_LONGPOLL_SEC\n")


def test_env_file_option(env: dict[str, str], tmp_path: Path) -> None:
    env_file = tmp_path / "prod.env"
    env_file.write_text("GOOGLE_CALENDAR_ID=primary\n")
    result = organizer(env, "--env-file", str(env_file), "config", "show")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: GOOGLE_CALENDAR_ID=primary is refused")


def test_not_a_database_is_exit_2_and_untouched(env: dict[str, str], tmp_path: Path) -> None:
    db = Path(env["DB_PATH"])
    db.parent.mkdir(parents=True)
    db.write_text("hello\n" * 200)
    for args in (("migrate",), ("events", "tail")):
        result = organizer(env, *args)
        assert result.returncode == 2
        assert result.stderr.startswith(f"Error: database {db} is not an SQLite database")
    assert db.read_text() == "hello\n" * 200


def test_unwritable_database_directory_is_exit_2(env: dict[str, str], tmp_path: Path) -> None:
    # A regular file where the directory should be: unwritable even for root.
    (tmp_path / "blocked").write_text("not a directory")
    result = organizer({**env, "DB_PATH": str(tmp_path / "blocked" / "organizer.db")}, "migrate")
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: cannot create directory {tmp_path / 'blocked'}")
    assert len(result.stderr.splitlines()) == 1


def as_a_user(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI with permission bits in force, as they are for the person running it.

    Root passes permission checks through CAP_DAC_OVERRIDE; dropping it (and
    CAP_DAC_READ_SEARCH) from the bounding set makes a 0555 directory read-only
    for root too, without needing another user able to reach the interpreter.
    """
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test permissions when run as root"
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
    return subprocess.run([*prefix, sys.executable, "-m", "organizer", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_read_only_directory_is_exit_2_and_nothing_is_lost(env: dict[str, str],
                                                           tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    fresh.chmod(0o555)
    created = as_a_user({**env, "DB_PATH": str(fresh / "organizer.db")}, "migrate")
    assert created.returncode == 2, created.stdout
    assert created.stderr.startswith(f"Error: cannot open database {fresh / 'organizer.db'}")
    assert "not writable" in created.stderr
    assert len(created.stderr.splitlines()) == 1
    assert list(fresh.iterdir()) == []

    assert organizer(env, "migrate").returncode == 0
    assert organizer(env, "task", "add", "--user", "7", "купить молоко").returncode == 0
    db = Path(env["DB_PATH"])
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    db.parent.chmod(0o555)
    try:
        for args in (("task", "add", "--user", "7", "позвонить маме"), ("task", "list")):
            result = as_a_user(env, *args)
            assert result.returncode == 2, result.stdout
            assert result.stderr.startswith("Error: "), result.stderr
            assert str(db) in result.stderr and "writable" in result.stderr
            assert len(result.stderr.splitlines()) == 1
    finally:
        db.parent.chmod(0o755)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    listed = organizer(env, "task", "list", "--user", "7", "--json")
    assert [t["title"] for t in json.loads(listed.stdout)] == ["купить молоко"]


def test_schema_newer_than_code_is_exit_2(env: dict[str, str], tmp_path: Path) -> None:
    assert organizer(env, "migrate").returncode == 0
    db = Path(env["DB_PATH"])
    newer = db.parent.parent / "newer"
    newer.mkdir()
    shutil.rmtree(newer)
    shutil.copytree(bundled_migrations_dir(), newer)
    (newer / "0999_x.sql").write_text("CREATE TABLE x (id INT);\n")
    result = organizer({**env, "MIGRATIONS_DIR": str(newer)}, "migrate")
    assert result.returncode == 0, result.stderr
    older = organizer(env, "events", "tail")
    assert older.returncode == 2
    assert "has migration 0999_x.sql, newer than this code knows" in older.stderr


def test_events_tail_and_projections(env: dict[str, str]) -> None:
    assert organizer(env, "migrate").returncode == 0
    assert organizer(env, "events", "tail", "--json").stdout == "[]\n"
    verify = organizer(env, "projections", "verify")
    assert (verify.returncode, verify.stdout) == (0, "projections verify: OK (0 events)\n")
    rebuild = organizer(env, "projections", "rebuild")
    assert rebuild.stdout.startswith("rebuilt from 0 events: tasks 0, calendar_links 0")


def test_projections_verify_covers_the_users_settings(env: dict[str, str],
                                                      tmp_path: Path) -> None:
    import sqlite3

    from organizer.app.users import UserService
    from organizer.settings import load_settings
    from organizer.store.db import connect

    assert organizer(env, "migrate").returncode == 0
    conn = connect(load_settings(env, env_file=None).db_path)
    users = UserService(conn)
    users.set_lead("1001", 30)
    users.note_telegram_lang("1001", "en")
    assert organizer(env, "projections", "verify").returncode == 0
    conn.execute("UPDATE users SET lead_min = NULL")
    conn.close()
    verify = organizer(env, "projections", "verify")
    assert (verify.returncode, verify.stdout) == (
        1, "users 1001: lead_min: None != 30\nprojections verify: 1 differences (2 events)\n")
    assert organizer(env, "projections", "rebuild").returncode == 0
    row = sqlite3.connect(tmp_path / "data" / "organizer.db").execute(
        "SELECT lead_min, tg_lang FROM users").fetchone()
    assert row == (30, "en")


def test_every_command_has_help_with_an_example() -> None:
    import typer.main

    from organizer.cli.main import app

    group = typer.main.get_command(app)

    def walk(command, path):  # type: ignore[no-untyped-def]
        sub = getattr(command, "commands", None)
        if sub:
            for name, child in sub.items():
                yield from walk(child, [*path, name])
        else:
            yield path, command

    leaves = list(walk(group, []))
    assert len(leaves) >= 15
    missing = [" ".join(p) for p, cmd in leaves if "Example: organizer" not in (cmd.help or "")]
    assert missing == []


def test_help_does_not_import_heavy_libraries() -> None:
    code = ("import sys; from organizer.cli.main import app; "
            "heavy = [m for m in ('aiogram', 'googleapiclient', 'litestar', 'uvicorn') "
            "if m in sys.modules]; print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "[]"


def _refused(result: subprocess.CompletedProcess[str], db: Path) -> str:
    """Exit 2, exactly one line on stderr, and no database was created."""
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
    assert not db.exists() and not db.parent.exists()
    return result.stderr


def test_a_named_env_file_that_is_missing_is_exit_2(env: dict[str, str], tmp_path: Path) -> None:
    db = Path(env["DB_PATH"])
    missing = tmp_path / "nope.env"
    line = _refused(organizer(env, "--env-file", str(missing), "migrate"), db)
    assert line.startswith(f"Error: --env-file {missing}: no such file")
    # the implicit ./.env may be absent
    assert organizer(env, "config", "show", cwd=tmp_path).returncode == 0


def test_an_env_file_that_is_not_utf8_names_file_and_line(env: dict[str, str],
                                                           tmp_path: Path) -> None:
    env_file = tmp_path / "cp1251.env"
    env_file.write_bytes("DEFAULT_LANG=ru\n# пароль от сервера\n".encode("cp1251"))
    line = _refused(organizer(env, "--env-file", str(env_file), "migrate"), Path(env["DB_PATH"]))
    assert line.startswith(f"Error: {env_file}:2: not UTF-8")


@pytest.mark.parametrize(("key", "value"), [
    ("DEFAULT_TZ", "Europe"),
    ("DEFAULT_TZ", "A" * 300),
    ("DEFAULT_TZ", "../../../etc/passwd"),
    ("DEFAULT_TZ", "Europe/../Europe/Moscow"),
    ("TELEGRAM_API_BASE", "http://[::1"),
    ("ASR_SERVICE_URL", "http://host:99999/"),
    ("API_PORT", "9" * 5000),
    ("OPS_ADMIN_CHAT_ID", "1" * 5000),
    ("TG_ALLOWED_USER_IDS", "2" * 5000),
])
def test_hostile_values_are_one_line_naming_the_variable(env: dict[str, str], key: str,
                                                          value: str) -> None:
    line = _refused(organizer({**env, key: value}, "migrate"), Path(env["DB_PATH"]))
    assert key in line
    assert len(line) < 300


def test_config_show_masks_passwords_inside_urls(env: dict[str, str]) -> None:
    shown = organizer({**env, "ASR_SERVICE_URL": "http://user:PASSWORD@asr.lan:9000/",
                       "GOOGLE_CALENDAR_API_BASE": "https://gw.lan/?api_token=s3cr3tvalue&x=1"},
                      "config", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    rows = {r["key"]: r["value"] for r in json.loads(shown.stdout)}
    assert rows["ASR_SERVICE_URL"] == "http://user:***@asr.lan:9000/"
    assert rows["GOOGLE_CALENDAR_API_BASE"] == "https://gw.lan/?api_token=***&x=1"
    assert "PASSWORD" not in shown.stdout + shown.stderr
    assert "s3cr3tvalue" not in shown.stdout + shown.stderr


def test_an_api_open_to_every_interface_is_named(env: dict[str, str]) -> None:
    shown = organizer({**env, "API_HOST": "0.0.0.0"}, "config", "show")
    assert shown.returncode == 0
    assert shown.stderr.count("API_HOST=0.0.0.0 exposes the api") == 1
    quiet = organizer({**env, "API_HOST": "127.0.0.1"}, "config", "show")
    assert "exposes" not in quiet.stderr
