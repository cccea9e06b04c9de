"""The daily check: the journal's five lines plus volume, drift, disk and quick_check.

Each check is a function of the runtime returning a Verdict; `run_checks`
runs them concurrently, each with its own timeout. The database-side facts
are gathered once (one `probe`) and shared by the checks that need them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from organizer.ops import logscan
from organizer.ops.baseline import drift_verdict
from organizer.ops.filemodes import mode_verdict
from organizer.ops.model import CheckResult, Status, Verdict, fail, ok, warn, worst
from organizer.ops.runner import Check, run_checks
from organizer.ops.runtime import LogsNotVisible, Runtime, get_health
from organizer.store.db import RESTORE_HINT

LOG_LINES = 120
BACKUP_MAX_AGE_H = 26.0
GIB = 1 << 30


class Once:
    """A value computed by the first caller; later callers wait for it (or its error)."""

    def __init__(self, func: Callable[[], dict[str, Any]]) -> None:
        self.func = func
        self.lock = threading.Lock()
        self.value: dict[str, Any] | None = None
        self.error: BaseException | None = None

    def __call__(self) -> dict[str, Any]:
        with self.lock:
            if self.value is None and self.error is None:
                try:
                    self.value = self.func()
                except Exception as exc:
                    self.error = exc
            if self.error is not None:
                raise self.error
            assert self.value is not None
            return self.value


def services_verdict(runtime: Runtime) -> Verdict:
    states = runtime.services()
    status = worst(s.status for s in states)
    details = {"services": [s.to_json() for s in states]}
    bad = [s for s in states if s.status is not Status.OK]
    if not bad:
        return ok(", ".join(s.summary() for s in states), **details)
    return status, "; ".join(f"{s.service}: {s.detail}" for s in bad), details


def health_verdict(runtime: Runtime, timeout: float) -> Verdict:
    reply = get_health(runtime.health_url, timeout)
    if reply.status_code is None:
        return fail(f"{reply.url}: {reply.error}", url=reply.url)
    body = reply.body or {}
    said = body.get("status")
    failing = [name for name, item in (body.get("checks") or {}).items()
               if isinstance(item, dict) and item.get("status") in ("fail", "degraded")]
    shown = f" ({', '.join(failing)})" if failing else ""
    details = {"url": reply.url, "http": reply.status_code, "status": said}
    if reply.status_code == 200 and said == "ok":
        return ok(f"200 ok from {reply.url}", **details)
    if reply.status_code == 200 and said == "degraded":
        return warn(f"200 degraded{shown}", **details)
    return fail(f"HTTP {reply.status_code} {said or ''}{shown}".strip(), **details)


def logs_verdict(runtime: Runtime, daemon: str) -> Verdict:
    try:
        lines = runtime.log_tail(daemon, LOG_LINES)
    except LogsNotVisible as exc:
        return warn(str(exc))
    return logscan.classify(lines).verdict()


def backup_verdict(runtime: Runtime, create: bool, probe: Once,
                   now: datetime | None = None) -> Verdict:
    if create:
        result = runtime.backup("daily")
        drill, record = result["drill"], result["record"]
        details = {"created": True, "file": record["file"], "events": record["events"],
                   "drill": drill["ok"]}
        if not drill["ok"]:
            return fail(f"{record['file']} failed its restore drill: {drill['reason']}", **details)
        return ok(f"{record['file']}, {record['events']} events, restore drill passed", **details)
    latest = probe()["latest_backup"]
    if latest is None:
        return warn("no backup yet: run `organizer backup create`", created=False)
    made = datetime.strptime(latest["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    age_h = (now - made).total_seconds() / 3600
    details = {"created": made.date() == now.date(), "file": latest["file"], "age_h": age_h}
    if age_h > BACKUP_MAX_AGE_H:
        return warn(f"latest backup {latest['file']} is {age_h:.0f} h old: run "
                    "`organizer backup create`", **details)
    return ok(f"latest backup {latest['file']} is {age_h:.1f} h old", **details)


def volume_verdict(probe: Once) -> Verdict:
    volume = probe()["volume"]
    if volume["expected"] is None:
        return ok(f"no EXPECTED_DB_VOLUME; DB on {volume['place']}", **volume)
    if volume["ok"]:
        return ok(f"DB on {volume['expected']}", **volume)
    return fail(f"DB_PATH is on {volume['place']}, not {volume['expected']}: "
                "`organizer ops verify-volume`", **volume)


def disk_verdict(probe: Once) -> Verdict:
    disk = probe()["disk"]
    if disk is None:
        return fail("the database directory does not exist")
    free, total = disk["free"], disk["total"] or 1
    shown = f"{free / GIB:.1f} GiB free ({100 * free / total:.0f}%)"
    if free < 200 * (1 << 20) or free / total < 0.03:
        return fail(shown + ": free space now, SQLite stops writing on a full disk", **disk)
    if free < GIB or free / total < 0.10:
        return warn(shown + ": prune backups (`organizer backup prune`)", **disk)
    return ok(shown, **disk)


def quick_check_verdict(probe: Once) -> Verdict:
    db = probe()["db"]
    if not db.get("exists"):
        return fail(db.get("error", "no database"))
    if not db.get("current", False):
        return fail(db.get("error", "schema not current"), quick_check=db.get("quick_check"))
    if db.get("quick_check") != "ok":
        return fail(f"the database file is damaged (quick_check: {db.get('quick_check')}): "
                    f"{RESTORE_HINT}")
    return ok(f"ok, schema {db['version']}, {db.get('events', 0)} events")


def daily_checks(runtime: Runtime, records: list[dict[str, Any]], *, create_backup: bool = True,
                 health_timeout: float = 3.0) -> list[Check]:
    probe = Once(runtime.probe)
    is_compose = runtime.name == "compose"
    return [
        Check("services", "`docker compose ps`" if is_compose else "Daemons (heartbeats)",
              lambda: services_verdict(runtime), 20),
        Check("health", "API health", lambda: health_verdict(runtime, health_timeout),
              health_timeout + 1),
        Check("worker_logs", f"Worker logs (last {LOG_LINES})",
              lambda: logs_verdict(runtime, "worker"), 15),
        Check("bot_logs", f"Bot logs (last {LOG_LINES})", lambda: logs_verdict(runtime, "bot"), 15),
        Check("backup", "Backup created", lambda: backup_verdict(runtime, create_backup, probe),
              180),
        Check("volume", "DB volume", lambda: volume_verdict(probe), 45),
        Check("drift", "Drift since baseline", lambda: drift_verdict(runtime, records), 45),
        Check("disk", "Free disk", lambda: disk_verdict(probe), 45),
        Check("quick_check", "PRAGMA quick_check", lambda: quick_check_verdict(probe), 60),
        Check("db_mode", "DB file mode", lambda: mode_verdict(probe().get("db_modes")), 60),
    ]


def day_number(records: list[dict[str, Any]], today: date) -> int | None:
    """Day N counted from the baseline's date (its day is Day 1)."""
    from organizer.ops import journal

    base = journal.latest(records, "baseline")
    if base is None:
        return None
    start = datetime.strptime(base["at"][:10], "%Y-%m-%d").date()
    return (today - start).days + 1


def day_record(results: list[CheckResult], records: list[dict[str, Any]],
               runtime_name: str, notes: str = "", today: date | None = None) -> dict[str, Any]:
    today = today or datetime.now(UTC).date()
    return {"date": today.isoformat(), "n": day_number(records, today), "runtime": runtime_name,
            "status": worst(r.status for r in results).value,
            "checks": [r.to_json() for r in results], "notes": notes}


def run_daily(runtime: Runtime, records: list[dict[str, Any]], **options: Any) -> list[CheckResult]:
    return run_checks(daily_checks(runtime, records, **options))
