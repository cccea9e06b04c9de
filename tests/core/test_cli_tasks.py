"""`organizer task ...` as the operator runs it, with the parser the bot uses."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def organizer(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "organizer", *args], env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def cli_env(env: dict[str, str]) -> dict[str, str]:
    env = {**env, "TG_ALLOWED_USER_IDS": "111,222"}
    assert organizer(env, "migrate").returncode == 0
    return env


def listed(env: dict[str, str], *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = organizer(env, "task", "list", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_add_list_done_undo(cli_env: dict[str, str]) -> None:
    added = organizer(cli_env, "task", "add", "завтра в 10 позвонить маме")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added 1. позвонить маме — ")
    assert added.stdout.rstrip().endswith("10:00 [open]")
    organizer(cli_env, "task", "add", "купить 2 кг картошки")
    [call, potatoes] = listed(cli_env)
    assert set(call) >= {"id", "owner", "number", "title", "status", "due_date", "due_time",
                         "due_at", "calendar_event_id"}
    assert (call["owner"], call["due_time"], call["calendar_event_id"]) == ("111", "10:00", None)
    assert call["due_at"].endswith(":00:00Z")
    assert (potatoes["title"], potatoes["due_date"], potatoes["due_at"]) == (
        "купить 2 кг картошки", None, None)
    assert organizer(cli_env, "task", "done", "мама").stdout.startswith("done 1. позвонить маме")
    assert [t["number"] for t in listed(cli_env)] == [2]
    assert [t["status"] for t in listed(cli_env, "--all")] == ["done", "open"]
    assert organizer(cli_env, "task", "undo").stdout.startswith("undone: 1. позвонить маме")
    assert [t["status"] for t in listed(cli_env, "--all")] == ["open", "open"]


def test_reschedule_and_cancel(cli_env: dict[str, str]) -> None:
    organizer(cli_env, "task", "add", "купить молоко")
    moved = organizer(cli_env, "task", "reschedule", "1", "20.12 18:00")
    assert moved.returncode == 0, moved.stderr
    assert "-12-20 18:00 [open]" in moved.stdout
    assert organizer(cli_env, "task", "cancel", "молоко").returncode == 0
    again = organizer(cli_env, "task", "done", "1")
    assert again.returncode == 1
    assert again.stderr == ("Error: cannot complete task 1 (купить молоко): it is cancelled\n")


def test_owners_are_separate(cli_env: dict[str, str]) -> None:
    organizer(cli_env, "task", "add", "моя задача")
    organizer(cli_env, "task", "add", "чужая задача", "--user", "222")
    assert [t["title"] for t in listed(cli_env, "--user", "222")] == ["чужая задача"]
    assert len(listed(cli_env)) == 2
    refused = organizer(cli_env, "task", "done", "чужая")
    assert refused.returncode == 1
    assert refused.stderr == "Error: no open task matches 'чужая'\n"


def test_bad_refs_are_one_line(cli_env: dict[str, str]) -> None:
    organizer(cli_env, "task", "add", "позвонить маме")
    organizer(cli_env, "task", "add", "позвонить папе")
    ambiguous = organizer(cli_env, "task", "done", "позвонить")
    assert ambiguous.returncode == 1
    assert ambiguous.stderr.startswith("Error: 'позвонить' matches 2 tasks")
    missing = organizer(cli_env, "task", "cancel", "17")
    assert missing.stderr == "Error: there is no task 17; see the numbers with `task list`\n"
    when = organizer(cli_env, "task", "reschedule", "1", "когда-нибудь")
    assert when.returncode == 1 and when.stderr.startswith("Error: no date or time found")
    nothing = organizer(cli_env, "task", "undo", "--user", "999")
    assert (nothing.returncode, nothing.stderr) == (1, "Error: nothing to undo\n")


def test_plain_output_without_a_tty(cli_env: dict[str, str]) -> None:
    organizer(cli_env, "task", "add", "[x] не потерять скобки")
    out = organizer(cli_env, "task", "list").stdout
    assert "[x] не потерять скобки" in out
    assert not any(ch in out for ch in "│─┃\x1b")


def test_rename_and_replay_errors(cli_env: dict[str, str]) -> None:
    import sqlite3
    from pathlib import Path

    organizer(cli_env, "task", "add", "купить молоко")
    renamed = organizer(cli_env, "task", "rename", "1", "купить кефир")
    assert renamed.stdout == "renamed 1. купить кефир [open]\n"
    conn = sqlite3.connect(Path(cli_env["DB_PATH"]))
    conn.execute("INSERT INTO events (stream, version, type, schema_version, data, recorded_at) "
                 "VALUES ('task-z', 1, 'task.exploded', 1, '{}', '2026-11-28T00:00:00Z')")
    conn.commit()
    conn.close()
    result = organizer(cli_env, "projections", "rebuild")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: event at position 3 has unknown type 'task.exploded'")
    assert [t["title"] for t in listed(cli_env)] == ["купить кефир"]


def test_titles_keep_what_was_written(cli_env: dict[str, str]) -> None:
    for text in ("купить молоко 🍎", "'; DROP TABLE tasks; --", "לקנות חלב", "купить витамин А"):
        added = organizer(cli_env, "task", "add", text)
        assert added.returncode == 0, added.stderr
    assert [t["title"] for t in listed(cli_env)] == [
        "купить молоко 🍎", "'; DROP TABLE tasks; --", "לקנות חלב", "купить витамин А"]


@pytest.mark.parametrize("title", ["", "   ", "\t"])
def test_rename_to_nothing_is_refused(cli_env: dict[str, str], title: str) -> None:
    organizer(cli_env, "task", "add", "купить молоко")
    result = organizer(cli_env, "task", "rename", "1", title)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: a title cannot be empty;")
    assert result.stderr.count("\n") == 1
    assert [t["title"] for t in listed(cli_env)] == ["купить молоко"]


def test_argument_that_is_not_utf8_is_one_line(cli_env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable.encode(), b"-m", b"organizer", b"task", b"add", b"\xff\xfe"],
                            env={**cli_env, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
                            capture_output=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode() == ("Error: argument 3 is not valid UTF-8 text; "
                                      "set a UTF-8 locale (LANG=C.UTF-8) or retype it\n")
    assert listed(cli_env) == []


def test_a_moment_past_year_9999_in_utc_is_refused(cli_env: dict[str, str]) -> None:
    west = {**cli_env, "DEFAULT_TZ": "America/Los_Angeles"}
    result = organizer(west, "task", "add", "31.12.9999 в 23:59 салют")
    assert result.returncode == 1
    assert result.stderr == ("Error: 9999-12-31 23:59 in America/Los_Angeles is outside the "
                             "moments a task can have (years 1 to 9999 in UTC); choose another date\n")
    assert listed(cli_env) == []
    east = organizer(cli_env, "task", "add", "31.12.9999 в 23:59 салют")
    assert east.returncode == 0, east.stderr
    assert listed(cli_env)[0]["due_date"] == "9999-12-31"


def test_a_year_before_1900_is_no_date(cli_env: dict[str, str]) -> None:
    result = organizer(cli_env, "task", "add", "01.01.0001 отчет")
    assert result.returncode == 1
    assert "'01.01.0001'" in result.stderr
    assert listed(cli_env) == []
