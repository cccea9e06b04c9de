"""Render the journal's records as the prod-v0 journal's markdown."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from organizer.ops import journal
from organizer.ops.daily import day_number

# The journal's own fixed lines, in the language the person kept it in (beside this module).
WORDS: dict[str, str] = json.loads(
    (Path(__file__).with_name("journal_words.json")).read_text(encoding="utf-8"))
GOAL = WORDS["goal"]
# The journal's five daily lines, by check name, then the extras that go into Notes.
DAILY_LINES = ("services", "health", "worker_logs", "bot_logs", "backup")
INCIDENT_FIELDS = (("symptom", "Symptom"), ("impact", "Impact"),
                   ("root_cause", "Root cause (if known)"), ("action", "Action taken"),
                   ("result", "Result"), ("prevention", "Prevention"))
_ENV_LINES = (("host", "VPS/Host"), ("os", "OS"), ("project_path", "Project path"),
              ("compose_project", "Compose project"), ("compose_files", "Compose files"),
              ("env_file", "Env file"), ("db_path", "DB path in container"),
              ("volume", "Runtime volume"), ("calendar_mode", "Calendar mode"),
              ("runtime", "Runtime"), ("journal", "Journal record"))


def _code(value: Any) -> str:
    return f"`{value}`" if value not in (None, "") else ""


def environment(record: dict[str, Any] | None) -> list[str]:
    lines = ["## Environment"]
    for key, label in _ENV_LINES:
        value = (record or {}).get(key, "")
        if isinstance(value, list):
            value = " + ".join(f"`{v}`" for v in value)
        elif key in ("project_path", "compose_project", "env_file", "db_path", "volume"):
            value = _code(value)
        lines.append(f"- {label}: {value}".rstrip())
    return lines


def baseline(record: dict[str, Any] | None) -> list[str]:
    r = record or {}
    health_url = r.get("health_url", "http://127.0.0.1:8101/health")
    services = ", ".join(r.get("services", []))
    keys = ", ".join(r.get("env_keys", []))
    return [
        "## Baseline snapshot",
        f"- Date (UTC): {r.get('at', '')}".rstrip(),
        f"- Git SHA: {_code(r.get('git_sha'))}".rstrip(),
        f"- Compose SHA256: {_code(r.get('config_sha256'))}".rstrip(),
        f"- Services from `docker compose ps`: {services}".rstrip(),
        f"- Health (`{health_url}`): {r.get('health', '')}".rstrip(),
        f"- Env keys list only (no values): {keys}".rstrip(),
    ]


def _line(check: dict[str, Any]) -> str:
    status = check["status"]
    if check["name"] == "backup":
        word = "YES" if check.get("details", {}).get("created") and status != "FAIL" else "NO"
        return f"- {check['label']}: {word} — {check['reason']}"
    if status == "OK":
        return f"- {check['label']}: OK"
    return f"- {check['label']}: {status} — {check['reason']}"


def day(record: dict[str, Any]) -> list[str]:
    checks = {c["name"]: c for c in record.get("checks", [])}
    n = record.get("n")
    lines = [f"### Day {n if n is not None else '?'} — {record['date']}"]
    lines += [_line(checks[name]) for name in DAILY_LINES if name in checks]
    notes = [f"{c['name']} {c['status']}" + ("" if c["status"] == "OK" else f" ({c['reason']})")
             for name, c in checks.items() if name not in DAILY_LINES]
    if record.get("notes"):
        notes.append(record["notes"])
    lines.append(f"- Checked at: {record['at']}, overall {record.get('status', '?')}")
    lines.append("- Notes: " + "; ".join(notes))
    return lines


def incident(record: dict[str, Any]) -> list[str]:
    when = record.get("when") or record["at"]
    heading = f"### {when[:10]} {when[11:16]} UTC"
    if record.get("title"):
        heading += f" — {record['title']}"
    lines = [heading]
    for key, label in INCIDENT_FIELDS:
        lines.append(f"- {label}: {record.get(key) or ''}".rstrip())
    if record.get("evidence"):
        lines += evidence(record["evidence"])
    return lines


def _said(text: Any) -> str:
    return str(text).replace("`", "'")


def evidence(piece: dict[str, Any]) -> list[str]:
    """What the system saw, as the incident's last item with nested lines."""
    lines = [f"- Evidence (gathered {piece.get('at', '')}, runtime {piece.get('runtime', '')}):"]
    check = piece.get("last_check", {})
    if check.get("error"):
        lines.append(f"  - Last daily check: {check['error']}")
    else:
        lines.append(f"  - Last daily check: Day {check.get('n') or '?'} — {check.get('date')}"
                     f" ({check.get('at')}), overall {check.get('status')}")
        lines += [f"    - {_said(line)}" for line in check.get("lines", [])]
    for log in piece.get("logs", []):
        label = f"{log['daemon'].capitalize()} logs (scanned now)"
        if log.get("error"):
            lines.append(f"  - {label}: {log['error']}")
            continue
        lines.append(f"  - {label}: {log['status']} — {_said(log['reason'])}")
        lines += [f"    - `{_said(line)}`" for line in log.get("lines", [])]
    drift = piece.get("drift", {})
    lines.append(f"  - Drift since baseline: {drift.get('error') or ''}"
                 f"{drift.get('status', '')}{' — ' if 'reason' in drift else ''}"
                 f"{_said(drift.get('reason', ''))}")
    health = piece.get("health", {})
    if health.get("error"):
        lines.append(f"  - Health (`{health.get('url')}`): {_said(health['error'])}")
    else:
        body = json.dumps(health.get("body"), ensure_ascii=False, sort_keys=True)
        lines.append(f"  - Health (`{health.get('url')}`): HTTP {health.get('http')} "
                     f"`{_said(body)}`")
    return lines


def stable_statement(streak: int) -> str:
    """The stable marker's closing line: how many days in a row had no FAIL."""
    return WORDS["stable_streak"].format(streak=streak)


def stable(record: dict[str, Any]) -> list[str]:
    lines = ["## PROD-V0 STABLE", "", WORDS["fixed_on"].format(date=record["date"]), "",
             WORDS["contour"]]
    lines += [f"- {item}" for item in record.get("contour", [])]
    lines += ["", record.get("statement", WORDS["stable_default"])]
    return lines


def render(records: list[dict[str, Any]]) -> str:
    """The whole journal: Environment, Baseline, Daily checks, Incidents, the stable marker."""
    out = ["# OPS Journal (prod-v0)", "", GOAL, ""]
    out += environment(journal.latest(records, "environment")) + [""]
    out += baseline(journal.latest(records, "baseline")) + [""]
    days = journal.days(records)
    last = max((d.get("n") or 0 for d in days), default=14)
    out += [f"## Daily checks (Day 1..{max(14, last)})"]
    for record in days:
        if record.get("n") is None:  # a check that could not see the baseline (in the stack)
            record = {**record, "n": day_number(records, date.fromisoformat(record["date"]))}
        out += day(record)
    out += ["", "## Incidents and actions"]
    for record in (r for r in records if r["kind"] == "incident"):
        out += incident(record) + [""]
    marker = journal.latest(records, "stable")
    if marker:
        out += stable(marker)
    return "\n".join(out).rstrip() + "\n"
