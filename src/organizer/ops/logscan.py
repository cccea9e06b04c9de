"""Classify a daemon's last log lines: errors, tracebacks, repeated warnings and known
incident signatures.

Each signature is an incident prod-v0 lived through, with the one-line hint
the runbook (ops/runbook.md) gives for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from organizer.ops.model import Status, Verdict, worst


@dataclass(frozen=True)
class Signature:
    key: str
    pattern: re.Pattern[str]
    status: Status
    hint: str


SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "no_such_table", re.compile(r"no such table", re.I), Status.FAIL,
        "the runtime DB lacks the schema (split volume?): run `organizer ops verify-volume`, "
        "then `organizer ops migrate` (it runs the stack's migrate service on deploy_db_data; "
        "never `organizer migrate` on the host)",
    ),
    Signature(
        "getupdates_conflict",
        re.compile(r"Conflict: terminated by other getUpdates request", re.I), Status.FAIL,
        "two processes poll with the same bot token: stop the other one "
        "(a second stack, a local `organizer run`) — only one bot may poll",
    ),
    Signature(
        "read_timeout",
        re.compile(r"ReadTimeout|read timed? ?out|Request timeout error|TimeoutError", re.I),
        Status.WARN,
        "long-poll read timeouts: keep TG_HTTP_READ_TIMEOUT >= TG_LONGPOLL_SEC + 10 "
        "(`organizer ops check`) and check the network",
    ),
    Signature(
        "canon_missing", re.compile(r"intents_v2\.yml.*(not found|does not exist|missing)", re.I),
        Status.FAIL,
        "the canon file is missing in the container: mount ./canon:/canon:ro "
        "(`organizer ops check`)",
    ),
    Signature(
        "volume_mismatch", re.compile(r"EXPECTED_DB_VOLUME is \S+", re.I), Status.FAIL,
        "DB_PATH is not on the expected volume: `organizer ops verify-volume`",
    ),
    Signature(
        "database_locked", re.compile(r"database is locked|stayed locked", re.I), Status.WARN,
        "writers waited for the DB lock: look for a long-running process holding it",
    ),
)

CALENDAR_HINT = (
    "calendar mode changes back and forth: the mode must be stable on a healthy config — "
    "check GOOGLE_CALENDAR_ID and the SA file (`organizer ops check`)"
)
_MODE_RE = re.compile(r"calendar mode[ :=]+(NOT_CONFIGURED|CONFIGURED|DEGRADED)", re.I)
_ERROR_RE = re.compile(r"(^|\s)(ERROR|CRITICAL|FATAL)(\s|:|$)")
_WARNING_RE = re.compile(r"(^|\s)(WARNING|WARN)(\s|:|$)")
_LEVEL_PREFIX_RE = re.compile(r"^.*?\b(WARNING|WARN|ERROR|CRITICAL|FATAL)\s+(\S+\s+)?")
_NUMBER_RE = re.compile(r"\d+(\.\d+)?")
# Repeated warnings (and errors) of one shape in the scanned tail (120 lines): a daemon that
# says the same thing again and again is failing at it, however low the level. The shape is
# the message with its numbers blanked ("getUpdates failed (...); retrying in 3.2 s").
# 10 repeats (one line in twelve) is WARN; 60 (half the tail: it does little else) is FAIL.
# The bot says "getUpdates failed" once a minute while receiving fails, so WARN here is ten
# minutes of it; /health's bot check already fails it after TG_RECEIVE_STALE_SEC.
REPEATED_WARN = 10
REPEATED_FAIL = 60
MATCHED_KEPT = 50  # the matched lines a report keeps (the newest), for incident evidence
_TRACEBACK = "Traceback (most recent call last)"
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class LogReport:
    lines: int
    errors: list[str] = field(default_factory=list)
    tracebacks: int = 0
    found: dict[str, int] = field(default_factory=dict)  # signature key -> count
    mode_changes: int = 0
    repeated: dict[str, int] = field(default_factory=dict)  # message shape -> count
    examples: dict[str, str] = field(default_factory=dict)  # message shape -> its last line
    matched: list[str] = field(default_factory=list)  # the lines the scan flagged, oldest first

    def most_repeated(self) -> tuple[str, int] | None:
        if not self.repeated:
            return None
        shape, count = max(self.repeated.items(), key=lambda item: item[1])
        return self.examples[shape], count

    def repeated_hint(self) -> tuple[Status, str] | None:
        top = self.most_repeated()
        if top is None or top[1] < REPEATED_WARN:
            return None
        example, count = top
        status = Status.FAIL if count >= REPEATED_FAIL else Status.WARN
        return status, (f"repeated x{count} in {self.lines} lines: {example[:160]} "
                        "(a daemon that says it again and again is failing at it)")

    def verdict(self) -> Verdict:
        """OK, WARN or FAIL; the reason is the most severe hint, else the first error."""
        hints: list[tuple[Status, str]] = []
        repeated = self.repeated_hint()
        if repeated is not None:
            hints.append(repeated)
        for signature in SIGNATURES:
            count = self.found.get(signature.key)
            if count:
                hints.append((signature.status, f"{signature.key} x{count}: {signature.hint}"))
        if self.mode_changes >= 2:
            hints.append((Status.WARN,
                          f"calendar_mode_flapping x{self.mode_changes}: {CALENDAR_HINT}"))
        statuses = [status for status, _ in hints]
        if self.tracebacks:
            statuses.append(Status.FAIL)
        elif self.errors:
            statuses.append(Status.WARN)
        status = worst(statuses)
        details = {"lines": self.lines, "errors": len(self.errors), "tracebacks": self.tracebacks,
                   "signatures": dict(self.found), "mode_changes": self.mode_changes,
                   "hints": [text for _, text in hints],
                   "first_error": self.errors[0][:200] if self.errors else None,
                   "most_repeated": self.most_repeated()}
        if status is Status.OK:
            return status, f"{self.lines} lines, no errors", details
        if hints:
            return status, max(hints, key=lambda h: h[0].rank)[1], details
        shown = self.errors[0][:120] if self.errors else "(no ERROR line)"
        return status, (f"{self.tracebacks} tracebacks, {len(self.errors)} error lines; "
                        f"first: {shown}"), details


def _message_and_level(line: str) -> tuple[str, str | None]:
    """A JSON log line's message and level; a text line as it is."""
    # `docker compose logs` (2.26) starts lines with ESC[2K even under --no-color.
    text = _ANSI_RE.sub("", line).strip()
    if text.startswith("{"):
        try:
            record = json.loads(text)
        except ValueError:
            return text, None
        if isinstance(record, dict):
            return str(record.get("message", text)), str(record.get("level", "")) or None
    return text, None


def classify(lines: Sequence[str]) -> LogReport:
    """Scan lines (oldest first) for errors, tracebacks, signatures and mode changes."""
    report = LogReport(lines=len(lines))
    last_mode: str | None = None
    for line in lines:
        message, level = _message_and_level(line)
        if _TRACEBACK in message:
            report.tracebacks += message.count(_TRACEBACK)
        is_error = (level or "").upper() in ("ERROR", "CRITICAL") if level is not None \
            else bool(_ERROR_RE.search(message))
        is_warning = (level or "").upper() == "WARNING" if level is not None \
            else bool(_WARNING_RE.search(message))
        first = message.splitlines()[0] if message else line
        flagged = is_error or is_warning or _TRACEBACK in message
        if is_error:
            report.errors.append(first)
        if is_error or is_warning:
            _count_repeat(report, first, bare=level is not None)
        for signature in SIGNATURES:
            if signature.pattern.search(message):
                report.found[signature.key] = report.found.get(signature.key, 0) + 1
                flagged = True
        if flagged:
            report.matched.append(first)
        mode = _MODE_RE.search(message)
        if mode:
            value = mode.group(1).upper()
            if last_mode is not None and value != last_mode:
                report.mode_changes += 1
            last_mode = value
    del report.matched[:-MATCHED_KEPT]
    return report


def _count_repeat(report: LogReport, first: str, bare: bool) -> None:
    """Count a warning or error line by its shape: no time, level, daemon or numbers."""
    said = first if bare else _LEVEL_PREFIX_RE.sub("", first, count=1)
    shape = _NUMBER_RE.sub("#", said)[:120]
    report.repeated[shape] = report.repeated.get(shape, 0) + 1
    report.examples[shape] = said
