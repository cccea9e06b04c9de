"""`organizer task add/reschedule` with repetition and with dates that do not exist."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.core.test_cli_tasks import organizer

pytestmark = pytest.mark.slow


@pytest.fixture
def cli_env(env: dict[str, str]) -> dict[str, str]:
    assert organizer(env, "migrate").returncode == 0
    return env


def test_a_repeating_task_is_added_listed_done_and_undone(cli_env: dict[str, str]) -> None:
    added = organizer(cli_env, "task", "add", "каждый понедельник в 09:00 планёрка")
    assert (added.returncode, added.stderr) == (0, "")
    (task,) = json.loads(organizer(cli_env, "task", "list", "--json").stdout)
    first = date.fromisoformat(task["due_date"])
    assert (task["repeat"], task["due_time"], first.weekday()) == (
        "FREQ=WEEKLY;BYDAY=MO", "09:00", 0)
    assert added.stdout == f"added 1. планёрка — {first} 09:00 ↻ каждый понедельник [open]\n"
    table = organizer(cli_env, "task", "list")
    assert "↻ каждый пн" in table.stdout
    done = organizer(cli_env, "task", "done", "1")
    following = first + timedelta(days=7)
    assert done.stdout == (
        f"done this time: 1. планёрка — next {following} 09:00 ↻ каждый понедельник [open]\n")
    undone = organizer(cli_env, "task", "undo")
    assert undone.stdout == f"undone: 1. планёрка — {first} 09:00 ↻ каждый понедельник [open]\n"
    events = organizer(cli_env, "events", "tail", "--json")
    types = [ev["type"] for ev in json.loads(events.stdout)]
    assert types[-3:] == ["task.created", "task.advanced", "task.advanced"]
    assert organizer(cli_env, "projections", "verify").returncode == 0


def test_a_date_that_does_not_exist_changes_nothing(cli_env: dict[str, str]) -> None:
    refused = organizer(cli_env, "task", "add", "31.02 сдать отчёт")
    assert refused.returncode == 1
    assert refused.stderr == "Error: there is no such date as '31.02'; nothing was changed\n"
    organizer(cli_env, "task", "add", "завтра сдать отчёт")
    moved = organizer(cli_env, "task", "reschedule", "1", "30 февраля")
    assert (moved.returncode, moved.stderr) == (
        1, "Error: there is no such date as '30 февраля'; nothing was changed\n")
    listed = json.loads(organizer(cli_env, "task", "list", "--json").stdout)
    assert [(t["title"], t["due_time"]) for t in listed] == [("сдать отчёт", None)]


def test_parse_prints_repeat_and_invalid_date_only_when_there(cli_env: dict[str, str]) -> None:
    now = "2025-03-12T14:00:00+03:00"
    repeating = organizer(cli_env, "parse", "по будням в 7 зарядка", "--now", now, "--json")
    assert json.loads(repeating.stdout) == {
        "intent": "add_task", "title": "зарядка", "due_date": "2025-03-13", "due_time": "07:00",
        "ref": None, "scope": None, "repeat": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    }  # fmt: skip
    impossible = organizer(cli_env, "parse", "31.02 сдать отчёт", "--now", now, "--json")
    assert json.loads(impossible.stdout) == {
        "intent": "add_task", "title": "сдать отчёт", "due_date": None, "due_time": None,
        "ref": None, "scope": None, "invalid_date": "31.02",
    }  # fmt: skip
