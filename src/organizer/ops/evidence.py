"""What the system saw when an incident is recorded: the evidence `ops incident` keeps.

Four pieces, each gathered on its own so that one that cannot be had (the api
down, docker unreachable) is recorded as that fact and the rest still are:
the failing and warning lines of the last daily check (from the journal), the
lines the log scan flags now in each daemon's log tail, the drift from the
baseline, and the /health body at this moment with anything secret masked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from organizer.logs import Scrubber
from organizer.ops import journal, logscan
from organizer.ops.baseline import drift_verdict
from organizer.ops.daily import LOG_LINES
from organizer.ops.runtime import Runtime, get_health

LOG_DAEMONS = ("bot", "worker")
LINES_KEPT = 10  # the newest flagged lines per daemon
_SECRET_KEY_RE = re.compile(r"token|password|passwd|secret|api_?key|private|credential", re.I)
_USERINFO_RE = re.compile(r"(?<=://)[^/@\s]+@")
Piece = dict[str, Any]


def mask(value: Any, scrub: Scrubber) -> Any:
    """A JSON value with secret-named keys, URL passwords and tokens replaced by ***."""
    if isinstance(value, dict):
        return {k: "***" if _SECRET_KEY_RE.search(str(k)) and value[k] not in (None, "")
                else mask(value[k], scrub) for k in value}
    if isinstance(value, list):
        return [mask(item, scrub) for item in value]
    if isinstance(value, str):
        return scrub(_USERINFO_RE.sub("***@", value))
    return value


def last_check(records: list[dict[str, Any]]) -> Piece:
    day = journal.latest(records, "day")
    if day is None:
        return {"error": "no daily check in the journal yet"}
    lines = [f"{c['label']}: {c['status']} — {c['reason']}" for c in day.get("checks", [])
             if c.get("status") != "OK"]
    return {"date": day.get("date"), "n": day.get("n"), "at": day.get("at"),
            "status": day.get("status"), "lines": lines}


def log_scan(runtime: Runtime, daemon: str, scrub: Scrubber) -> Piece:
    report = logscan.classify(runtime.log_tail(daemon, LOG_LINES))
    status, reason, _ = report.verdict()
    return {"daemon": daemon, "status": status.value, "reason": scrub(reason),
            "lines": [scrub(line)[:300] for line in report.matched[-LINES_KEPT:]]}


def drift(runtime: Runtime, records: list[dict[str, Any]]) -> Piece:
    status, reason, _ = drift_verdict(runtime, records)
    return {"status": status.value, "reason": reason}


def health(runtime: Runtime, scrub: Scrubber, timeout: float = 3.0) -> Piece:
    reply = get_health(runtime.health_url, timeout)
    if reply.status_code is None:
        return {"url": reply.url, "error": reply.error}
    return {"url": reply.url, "http": reply.status_code, "body": mask(reply.body, scrub)}


def _piece(gather: Callable[[], Piece], **known: Any) -> Piece:
    try:
        return {**known, **gather()}
    except Exception as exc:  # a piece that cannot be had is recorded as that fact
        return {**known, "error": f"not gathered: {type(exc).__name__}: {exc}"}


def gather(runtime: Runtime, records: list[dict[str, Any]], secrets: tuple[str, ...] = (),
           ) -> dict[str, Any]:
    scrub = Scrubber(tuple(s for s in secrets if s))
    return {
        "at": journal.stamp(journal.utc_now()), "runtime": runtime.name,
        "last_check": _piece(lambda: last_check(records)),
        "logs": [_piece(partial(log_scan, runtime, daemon, scrub), daemon=daemon)
                 for daemon in LOG_DAEMONS],
        "drift": _piece(lambda: drift(runtime, records)),
        "health": _piece(lambda: health(runtime, scrub), url=runtime.health_url),
    }
