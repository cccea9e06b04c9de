"""`organizer ops incident` and `organizer ops journal`: writing and reading the journal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from organizer.cli import context
from organizer.cli.ops_support import (
    JournalOpt,
    JsonOpt,
    RuntimeOpt,
    journal_path,
    make_runtime,
    pick_runtime,
)

STABLE_DAYS = 7


def incident(
    symptom: str | None = typer.Option(None, "--symptom", help="What was seen."),
    impact: str | None = typer.Option(None, "--impact", help="What it broke."),
    root_cause: str | None = typer.Option(None, "--root-cause", help="Why, if known."),
    action: str | None = typer.Option(None, "--action", help="What was done."),
    result: str | None = typer.Option(None, "--result", help="What that gave."),
    prevention: str | None = typer.Option(None, "--prevention", help="What keeps it from "
                                                                     "happening again."),
    title: str = typer.Option("", "--title", help="A short name for the heading."),
    when: str | None = typer.Option(None, "--when", help="When it began (ISO 8601, UTC); "
                                                        "default now."),
    runtime: str | None = RuntimeOpt,
    as_json: bool = JsonOpt,
    journal_file: Path | None = JournalOpt,
    evidence: bool = typer.Option(True, "--evidence/--no-evidence",
                                  help="Record what the system sees now (default), or only "
                                       "the text (an incident written up elsewhere, later)."),
) -> None:
    """Record an incident (Symptom, Impact, Root cause, Action, Result, Prevention) and its evidence.

    Fields come from the flags; on a terminal the missing ones are asked for. The
    evidence: the last daily check's failing lines, the log lines the scan flags
    now, the drift from the baseline and the /health body (secrets masked).
    Example: organizer ops incident --title "Split volume" --symptom "no such table: tasks"
    """
    from organizer.ops import journal
    from organizer.ops.render import INCIDENT_FIELDS
    from organizer.ops.restore import parse_at

    given = {"symptom": symptom, "impact": impact, "root_cause": root_cause, "action": action,
             "result": result, "prevention": prevention}
    if sys.stdin.isatty():
        for key, label in INCIDENT_FIELDS:
            if given[key] is None:
                given[key] = typer.prompt(label, default="", show_default=False)
    if not given["symptom"]:
        raise context.fail("an incident needs at least --symptom")
    with context.errors_to_exit():
        moment = journal.stamp(parse_at(when)) if when else None
        path = journal_path(journal_file)
        data: dict[str, Any] = {"title": title, "when": moment,
                                **{k: v or "" for k, v in given.items()}}
        if evidence:
            data["evidence"] = _evidence(runtime, journal.read(path))
        else:
            pick_runtime(runtime)  # the journal is one file; the line says what this is
        record = journal.append(path, "incident", data)
    if as_json:
        context.print_json({**record, "journal": str(path)})
    else:
        print(f"incident recorded at {record['when'] or record['at']} in {path}")
        if evidence:
            from organizer.ops.render import evidence as shown

            print("\n".join(shown(record["evidence"])))


def _evidence(runtime: str | None, records: list[dict[str, Any]]) -> dict[str, Any]:
    from organizer.ops.evidence import gather

    rt = make_runtime(runtime)
    settings = context.settings()
    return gather(rt, records, secrets=(settings.telegram_bot_token or "",
                                        settings.ops_ping_url or ""))


def show_journal(
    runtime: str | None = RuntimeOpt,
    as_json: bool = JsonOpt,
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the markdown here."),
    mark_stable: bool = typer.Option(False, "--mark-stable",
                                     help=f"Record the stable marker (needs {STABLE_DAYS} "
                                          "consecutive OK days)."),
    journal_file: Path | None = JournalOpt,
) -> None:
    """Render the whole journal in the prod-v0 markdown format from its record.

    Example: organizer ops journal -o ops-journal.md
    """
    from organizer.ops import journal
    from organizer.ops.render import render

    stack = _stack_journal() if pick_runtime(runtime) == "compose" else []
    with context.errors_to_exit():
        path = journal_path(journal_file)
        records = _merged(journal.read(path), stack)
        if mark_stable:
            _mark_stable(path, records)
            records = _merged(journal.read(path), stack)
    if as_json:
        context.print_json({"journal": str(path), "records": records})
        return
    text = render(records)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        print(f"written {output} ({len(records)} records from {path})")
    else:
        sys.stdout.write(text)


def _stack_journal() -> list[dict[str, Any]]:
    """The stack's records (the worker's scheduled checks, on the volume); [] when unreadable."""
    from organizer.cli.ops_support import build_runtime
    from organizer.errors import OrganizerError

    try:
        return list(build_runtime("compose").stack_journal())
    except (OrganizerError, ValueError) as exc:
        print(f"the stack's journal (scheduled checks) not read: {exc}", file=sys.stderr)
        return []


def _merged(records: list[dict[str, Any]], stack: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The host's records and the stack's, in time order (the host's first on a tie)."""
    return sorted(records + stack, key=lambda r: str(r.get("at", ""))) if stack else records


def _mark_stable(path: Path, records: list[dict[str, Any]]) -> None:
    from organizer.ops import journal
    from organizer.ops.render import stable_statement

    days = journal.days(records)
    streak = 0
    for record in reversed(days):
        if record.get("status") == "FAIL":
            break
        streak += 1
    if streak < STABLE_DAYS:
        raise context.fail(f"only {streak} consecutive days without FAIL; the stable marker "
                           f"needs {STABLE_DAYS}", code=1)
    env = journal.latest(records, "environment") or {}
    base = journal.latest(records, "baseline") or {}
    contour = [f"Host: {env.get('host', '')}, {env.get('os', '')}",
               f"Runtime: {env.get('runtime', '')}, project {env.get('compose_project', '')}",
               "Services: " + ", ".join(base.get("services", [])),
               f"SQLite in {env.get('volume', '')}",
               f"Git SHA {base.get('git_sha', '')}", f"Calendar: {env.get('calendar_mode', '')}"]
    journal.append(path, "stable", {
        "date": str(days[-1]["date"]), "contour": contour,
        "statement": stable_statement(streak)})


def add(app: typer.Typer) -> None:
    app.command("incident")(incident)
    app.command("journal")(show_journal)
