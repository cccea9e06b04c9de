"""The append-only journal record and its prod-v0 markdown rendering."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

from organizer.ops import journal
from organizer.ops.daily import day_record
from organizer.ops.model import CheckResult, Status
from organizer.ops.render import render
from organizer.ops.runner import Check, run_checks


def results(bot: Status = Status.OK) -> list[CheckResult]:
    return [CheckResult("services", "`docker compose ps`", Status.OK, "all up"),
            CheckResult("health", "API health", Status.OK, "200 ok"),
            CheckResult("worker_logs", "Worker logs (last 120)", Status.OK, "fine"),
            CheckResult("bot_logs", "Bot logs (last 120)", bot, "no_such_table x1: hint"),
            CheckResult("backup", "Backup created", Status.OK, "b.db", details={"created": True}),
            CheckResult("disk", "Free disk", Status.WARN, "0.9 GiB free")]


def test_append_is_whole_lines_and_a_torn_line_is_fenced_off(tmp_path: Path) -> None:
    path = tmp_path / "ops" / "journal.jsonl"
    journal.append(path, "incident", {"symptom": "a"})
    with path.open("ab") as handle:  # a session dropped mid-write
        handle.write(b'{"kind": "incident", "symp')
    assert [r["symptom"] for r in journal.read(path)] == ["a"]
    journal.append(path, "incident", {"symptom": "b"})
    assert [r["symptom"] for r in journal.read(path)] == ["a", "b"]
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_second_check_on_a_day_updates_that_day(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal.append(path, "baseline", {"git_sha": "abc", "services": [], "env_keys": ["DB_PATH"]},
                   at=datetime(2026, 2, 20, 9, 0, tzinfo=UTC))
    records = journal.read(path)
    journal.append(path, "day", day_record(results(Status.FAIL), records, "compose",
                                           today=date(2026, 2, 22)))
    journal.append(path, "day", day_record(results(), records, "compose", notes="fixed",
                                           today=date(2026, 2, 22)))
    text = render(journal.read(path))
    assert text.count("### Day 3 — 2026-02-22") == 1
    section = text.split("### Day 3 — 2026-02-22\n")[1].split("\n\n")[0].splitlines()
    assert section[:5] == ["- `docker compose ps`: OK", "- API health: OK",
                           "- Worker logs (last 120): OK", "- Bot logs (last 120): OK",
                           "- Backup created: YES — b.db"]
    assert section[-1] == "- Notes: disk WARN (0.9 GiB free); fixed"


def test_render_has_every_section_of_the_prod_v0_journal(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal.append(path, "environment", {"host": "vps1", "compose_project": "deploy",
                                         "compose_files": ["docker-compose.yml"],
                                         "volume": "deploy_db_data"})
    journal.append(path, "baseline", {"git_sha": "abc", "config_sha256": "f00",
                                      "services": ["api running (healthy)"], "health": "200 ok",
                                      "env_keys": ["DB_PATH", "TG_LONGPOLL_SEC"]})
    journal.append(path, "incident", {"title": "Split SQLite volume incident",
                                      "when": "2026-02-22T00:00:00Z", "symptom": "no such table",
                                      "impact": "", "root_cause": "wrong volume",
                                      "action": "migrated", "result": "closed",
                                      "prevention": "verify-volume"})
    journal.append(path, "stable", {"date": "2026-03-01", "contour": ["3 контейнера"]})
    text = render(journal.read(path))
    for heading in ("# OPS Journal (prod-v0)", "## Environment", "## Baseline snapshot",
                    "## Daily checks (Day 1..14)", "## Incidents and actions",
                    "### 2026-02-22 00:00 UTC — Split SQLite volume incident",
                    "## PROD-V0 STABLE", "Дата фиксации: 2026-03-01"):
        assert heading in text
    assert "- Compose project: `deploy`" in text
    assert "- Env keys list only (no values): DB_PATH, TG_LONGPOLL_SEC" in text
    assert "- Root cause (if known): wrong volume" in text


def test_checks_run_concurrently_and_a_slow_one_times_out() -> None:
    def sleeper(seconds: float) -> Check:
        return Check(f"s{seconds}", "sleep", lambda: (time.sleep(seconds), (Status.OK, "", {}))[1],
                     timeout=0.5)

    def broken() -> tuple[Status, str, dict[str, object]]:
        raise RuntimeError("boom")

    started = time.perf_counter()
    out = run_checks([sleeper(0.2), sleeper(0.2), sleeper(0.2), sleeper(2.0),
                      Check("broken", "broken", broken)])
    wall = time.perf_counter() - started
    assert wall < 0.9
    assert [r.status for r in out] == [Status.OK] * 3 + [Status.FAIL] * 2
    assert out[3].reason == "no answer within 0.5 s"
    assert out[4].reason == "RuntimeError: boom"
