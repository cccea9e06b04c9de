"""`organizer task note|show|history` as the operator runs them."""

from __future__ import annotations

import json

import pytest

from tests.core.test_cli_tasks import organizer

pytestmark = pytest.mark.slow


@pytest.fixture
def cli_env(env: dict[str, str]) -> dict[str, str]:
    env = {**env, "TG_ALLOWED_USER_IDS": "111,222", "DEFAULT_TZ": "Europe/Moscow",
           "DEFAULT_LANG": "ru"}
    assert organizer(env, "migrate").returncode == 0
    return env


def test_notes_are_shown_and_undone(cli_env: dict[str, str]) -> None:
    assert organizer(cli_env, "task", "add", "08.12.2030 в 10 к врачу").returncode == 0
    first = organizer(cli_env, "task", "note", "1", "код домофона 45К")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("noted on 1. к врачу")
    assert organizer(cli_env, "task", "note", "врач", "взять полис").returncode == 0
    shown = organizer(cli_env, "task", "show", "1")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "1. к врачу [open] — 2030-12-08 10:00"
    assert [line.split(": ", 1)[1] for line in lines[1:]] == ["код домофона 45К", "взять полис"]
    undone = organizer(cli_env, "task", "undo")
    assert undone.returncode == 0, undone.stderr
    data = json.loads(organizer(cli_env, "task", "show", "1", "--json").stdout)
    assert [n["text"] for n in data["notes"]] == ["код домофона 45К"]
    assert data["version"] == 4  # created, two notes, the second taken back
    for step in ("verify", "rebuild", "verify"):
        done = organizer(cli_env, "projections", step)
        assert done.returncode == 0, done.stdout + done.stderr
    after = json.loads(organizer(cli_env, "task", "show", "1", "--json").stdout)
    assert after == data


def test_bad_notes_are_one_line_and_change_nothing(cli_env: dict[str, str]) -> None:
    organizer(cli_env, "task", "add", "купить молоко")
    too_long = organizer(cli_env, "task", "note", "1", "я" * 4001)
    assert too_long.returncode == 1
    assert too_long.stderr == ("Error: a note is at most 4000 characters, this one has 4001; "
                               "split it into shorter notes\n")
    empty = organizer(cli_env, "task", "note", "1", "  ")
    assert empty.returncode == 2
    assert len(empty.stderr.splitlines()) == 1
    other = organizer(cli_env, "task", "note", "1", "чужая", "--user", "222")
    assert other.returncode == 1
    assert other.stderr.startswith("Error: there is no task 1")
    data = json.loads(organizer(cli_env, "task", "show", "1", "--json").stdout)
    assert data["notes"] == [] and data["version"] == 1


def test_history_in_words_and_json(cli_env: dict[str, str]) -> None:
    organizer(cli_env, "task", "add", "08.12.2030 в 10 к врачу")
    organizer(cli_env, "task", "reschedule", "1", "09.12.2030 11:00")
    organizer(cli_env, "task", "rename", "1", "к зубному")
    organizer(cli_env, "task", "note", "1", "кабинет 12")
    organizer(cli_env, "task", "undo")
    organizer(cli_env, "task", "done", "1")
    told = organizer(cli_env, "task", "history", "1")
    assert told.returncode == 0, told.stderr
    lines = told.stdout.splitlines()
    assert lines[0] == "🕘 История задачи 1 «к зубному»:"
    what = [line.split(" — ", 1)[1] for line in lines[1:]]
    assert what == [
        "создана «к врачу» (8 дек 10:00) (из командной строки)",
        "перенесено с 8 дек 10:00 на 9 дек 11:00 (из командной строки)",
        "переименована: «к врачу» → «к зубному» (из командной строки)",
        "заметка: кабинет 12 (из командной строки)",
        "заметка убрана: кабинет 12 (отменой)",
        "выполнена (из командной строки)",
    ]
    data = json.loads(organizer(cli_env, "task", "history", "1", "--json").stdout)
    assert [c["what"] for c in data] == ["created", "moved", "renamed", "noted", "note_removed",
                                         "done"]
    assert data[1]["values"] == {"from_date": "2030-12-08", "from_time": "10:00",
                                 "to_date": "2030-12-09", "to_time": "11:00"}
    missing = organizer(cli_env, "task", "history", "1", "--user", "222")
    assert missing.returncode == 1
    assert missing.stderr == "Error: there is no task 1; see the numbers with `task list`\n"
