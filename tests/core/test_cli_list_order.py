"""`organizer task list` in the order of the bot's lists: overdue first, then by due time,
tasks without a date last, each owner's together; `--json` keeps its fields in that order."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from organizer.app.tasks import TaskService
from organizer.domain.commands import AddTask
from organizer.store.db import connect
from tests.core.test_cli_tasks import listed, organizer

pytestmark = pytest.mark.slow
ZONE = "Europe/Moscow"


@pytest.fixture
def cli_env(env: dict[str, str]) -> dict[str, str]:
    env = {**env, "TG_ALLOWED_USER_IDS": "111,222"}
    assert organizer(env, "migrate").returncode == 0
    return env


def add(env: dict[str, str], owner: str, title: str, day: date | None,
        at: time | None = None) -> None:
    conn = connect(Path(env["DB_PATH"]))
    try:
        TaskService(conn).execute(AddTask(owner, title, day, at, ZONE, title))
    finally:
        conn.close()


def test_task_list_is_in_agenda_order(cli_env: dict[str, str]) -> None:
    today = datetime.now(ZoneInfo(ZONE)).date()
    add(cli_env, "111", "без срока", None)
    add(cli_env, "111", "послезавтра", today + timedelta(days=2), time(8, 0))
    add(cli_env, "111", "завтра вечером", today + timedelta(days=1), time(20, 0))
    add(cli_env, "222", "чужая старая", today - timedelta(days=5), time(9, 0))
    add(cli_env, "111", "позавчера", today - timedelta(days=2))
    add(cli_env, "111", "завтра утром", today + timedelta(days=1), time(7, 0))
    add(cli_env, "111", "неделю назад", today - timedelta(days=7), time(12, 0))
    rows = listed(cli_env)
    assert [(r["owner"], r["title"]) for r in rows] == [
        ("111", "неделю назад"), ("111", "позавчера"), ("111", "завтра утром"),
        ("111", "завтра вечером"), ("111", "послезавтра"), ("111", "без срока"),
        ("222", "чужая старая")]
    assert set(rows[0]) >= {"id", "owner", "number", "title", "status", "due_date",
                            "due_time", "due_at", "repeat", "calendar_event_id"}
    mine = listed(cli_env, "--user", "111")
    assert [r["number"] for r in mine] == [6, 4, 5, 3, 2, 1]
    table = organizer(cli_env, "task", "list", "--user", "111")
    assert table.returncode == 0, table.stderr
    titles = ["неделю назад", "позавчера", "завтра утром", "завтра вечером", "послезавтра",
              "без срока"]
    where = [table.stdout.index(title) for title in titles]
    assert where == sorted(where)
