"""The runbook tells the operator what the daily check's log scan tells them."""

from __future__ import annotations

from pathlib import Path

from organizer.ops.logscan import SIGNATURES

RUNBOOK = Path(__file__).resolve().parents[2] / "ops" / "runbook.md"


def test_the_migrate_hint_is_the_runbooks() -> None:
    hint = next(s.hint for s in SIGNATURES if s.key == "no_such_table")
    row = next(line for line in RUNBOOK.read_text().splitlines()
               if line.startswith("| `no_such_table` |"))
    assert row.rstrip(" |").endswith(hint)
    assert "`organizer ops migrate` (it runs the stack's migrate service" in hint
