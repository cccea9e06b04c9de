"""`bootstrap(settings)`: what daemons and commands are built from, made only when asked for.

Real parts throughout: a migrated SQLite file, the repository's canon, the fake
Telegram server driven through the real httpx sender.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from organizer.bootstrap import bootstrap
from organizer.domain.commands import AddTask
from organizer.errors import ConfigError, OrganizerError
from organizer.settings import Settings, load_settings
from tests.fakes.telegram_server import FakeTelegram

TOKEN = "123456789:AAbootstrap-test-token-0123456789"


def test_the_database_is_opened_checked_and_the_task_path_writes_through_it(
        settings: Settings, db: sqlite3.Connection) -> None:
    moment = datetime(2026, 2, 22, 9, 0, tzinfo=UTC)
    services = bootstrap(settings, clock=lambda: moment)
    tasks = services.tasks()
    outcome = tasks.execute(AddTask("42", "купить хлеб", None, None, "Europe/Moscow"))
    assert outcome.task is not None and outcome.task.title == "купить хлеб"
    conn = services.database(readonly=True)
    try:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1
        assert conn.execute("SELECT recorded_at FROM events").fetchone()[0].startswith(
            "2026-02-22T09:00")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("CREATE TABLE nope (x)")
    finally:
        conn.close()
    users = services.users(tasks.conn)
    users.set_tz("42", "Europe/Berlin")
    assert users.get("42").tz == "Europe/Berlin"


def test_a_database_without_its_schema_is_refused_with_one_line(settings: Settings) -> None:
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(settings.db_path).close()  # exists, never migrated
    with pytest.raises(OrganizerError) as refused:
        bootstrap(settings).database()
    assert "\n" not in str(refused.value) and "migrate" in str(refused.value)


def test_the_canon_is_loaded_once_and_live_on_request(settings: Settings) -> None:
    services = bootstrap(settings)
    canon = services.canon()
    live = services.live_canon()
    assert live.current.version == canon.version


def test_clients_that_lack_their_settings_say_which_setting(settings: Settings) -> None:
    services = bootstrap(settings)
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        services.telegram_sender()
    with pytest.raises(ConfigError, match="GOOGLE_CALENDAR_ID"):
        services.calendar_client(lambda _s: False)


def test_the_telegram_sender_sends_through_telegram_api_base(env: dict[str, str]) -> None:
    with FakeTelegram(tokens=[TOKEN]) as server:
        settings = load_settings({**env, "TELEGRAM_BOT_TOKEN": TOKEN,
                                  "TELEGRAM_API_BASE": server.base_url}, env_file=None)
        sender = bootstrap(settings).telegram_sender()
        try:
            assert sender.send(42, "проверка") is True
        finally:
            sender.close()
        [sent] = server.wait_sent(1, timeout=5)
        assert sent["text"] == "проверка"


def test_nothing_heavy_is_imported_until_it_is_asked_for(
        settings: Settings, db: sqlite3.Connection) -> None:
    """Building the task path imports neither aiogram, nor Google's client, nor httpx."""
    script = (
        "import sys\n"
        "from organizer.bootstrap import bootstrap\n"
        "from organizer.settings import load_settings\n"
        f"s = load_settings({{'DB_PATH': {str(settings.db_path)!r}}}, env_file=None)\n"
        "bootstrap(s).tasks().conn.close()\n"
        "print(sorted(m for m in ('aiogram', 'googleapiclient', 'google.auth', 'httpx')"
        " if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
