"""The checks behind /health, each a plain function over one read connection.

Every check returns a Check with its own status (ok, degraded, fail) and a
one-line reason; nothing here ever puts a setting's value that could be a
secret into a reason.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from organizer.app.calendar_mode import DEGRADED, current_mode
from organizer.errors import OrganizerError
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.backup import latest_backup
from organizer.store.db import table_names
from organizer.store.log_facts import first_recorded_at, last_position
from organizer.store.migrations import REQUIRED_TABLES, check_drift, read_status
from organizer.store.projections import checkpoint
from organizer.store.views import unsyncable_count
from organizer.store.volume import verify_volume

OK, DEGRADED_STATUS, FAIL = "ok", "degraded", "fail"
HEARTBEAT_STALE_S = 30.0
BACKUP_STALE_S = 26 * 3600.0


@dataclass
class Check:
    """One check's verdict: status, a one-line reason and a few safe details."""

    status: str
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, **self.detail}


def overall(results: dict[str, Check]) -> str:
    """The worst status among the checks."""
    statuses = {c.status for c in results.values()}
    return FAIL if FAIL in statuses else (DEGRADED_STATUS if DEGRADED_STATUS in statuses else OK)


class CanonView(Protocol):
    """What health needs of the live canon."""

    @property
    def current(self) -> Any: ...

    @property
    def last_error(self) -> str | None: ...


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@dataclass
class MissingCanon:
    """Stands in for the live canon when CANON_PATH could not be loaded at all."""

    last_error: str
    current: Any = None


def volume(settings: Settings, mountinfo: str | None = None) -> Check:
    """DB_PATH on EXPECTED_DB_VOLUME; `mountinfo` is /proc/self/mountinfo's text by default."""
    if not settings.expected_db_volume:
        return Check(OK, "not required (EXPECTED_DB_VOLUME is unset)")
    try:
        mount = verify_volume(settings.db_path, settings.expected_db_volume, mountinfo)
    except OrganizerError as exc:
        return Check(FAIL, str(exc))
    except OSError as exc:
        return Check(FAIL, f"cannot read the mount table: {exc.strerror}")
    name = mount.volume if mount else settings.expected_db_volume
    return Check(OK, f"{settings.db_path} is on docker volume {name}", {"volume": name})


def canon(live: CanonView | None, settings: Settings) -> Check:
    """The canon the process serves (version, sha256); degraded while the file is gone or bad."""
    if live is None or live.current is None:
        why = live.last_error if live is not None else None
        return Check(FAIL, why or f"no canon loaded from {settings.canon_path}")
    loaded = live.current
    detail = {"version": loaded.version, "sha256": loaded.sha256}
    if not settings.canon_path.exists():
        return Check(DEGRADED_STATUS, f"{settings.canon_path} is gone; serving the last good "
                     f"canon {loaded.version}; restore the file or its mount", detail)
    error = live.last_error
    if error:
        return Check(DEGRADED_STATUS, f"the last edit was refused ({error}); serving "
                     f"{loaded.version}", detail)
    return Check(OK, f"canon {loaded.version} loaded", detail)


def schema(conn: sqlite3.Connection, settings: Settings) -> tuple[Check, Check]:
    """(schema at the latest migration, required tables present)."""
    try:
        status = read_status(conn, settings.migrations_dir)
        check_drift(status, settings.migrations_dir, settings.db_path)
    except OrganizerError as exc:
        schema_check = Check(FAIL, str(exc))
    else:
        detail = {"version": status.version, "latest": status.latest}
        if status.pending:
            schema_check = Check(FAIL, f"schema {status.version}, {len(status.pending)} "
                                 "migration(s) pending; run `organizer migrate`", detail)
        else:
            schema_check = Check(OK, f"at {status.version}", detail)
    missing = sorted(REQUIRED_TABLES - table_names(conn))
    if missing:
        tables = Check(FAIL, f"missing table(s): {', '.join(missing)}; the runtime cannot "
                       "work (run `organizer migrate` against this DB_PATH)", {"missing": missing})
    else:
        tables = Check(OK, f"all {len(REQUIRED_TABLES)} required tables present")
    return schema_check, tables


def calendar(conn: sqlite3.Connection, settings: Settings) -> Check:
    """The derived calendar mode; NOT_CONFIGURED is a normal state, DEGRADED is not."""
    mode, reason = current_mode(conn, settings)
    status = DEGRADED_STATUS if mode == DEGRADED else OK
    detail: dict[str, Any] = {"mode": mode}
    stuck = unsyncable_count(conn)
    if stuck:  # the rest sync; these wait for their owner to change the date
        detail["not_syncable"] = stuck
        reason += (f"; {stuck} task(s) not syncable: the calendar cannot hold their time "
                   "(`organizer task list --all` marks them)")
    return Check(status, reason, detail)


def heartbeat(beats: dict[str, heartbeats.Heartbeat], daemon: str, now: datetime,
              off: str | None = None) -> Check:
    """A daemon's liveness from its heartbeat row; `off` names why it is off by config."""
    if off:
        return Check(OK, f"off: {off}", {"state": "off"})
    beat = beats.get(daemon)
    if beat is None:
        return Check(DEGRADED_STATUS, f"no heartbeat from the {daemon} yet; is it running?")
    age = heartbeats.age_seconds(beat.beat_at, now)
    detail = {"age_s": round(age, 1)}
    if age > HEARTBEAT_STALE_S:
        return Check(DEGRADED_STATUS, f"last heartbeat {_age(age)} ago; the {daemon} is "
                     "stopped or stuck", detail)
    if beat.status != "ok":
        return Check(DEGRADED_STATUS, f"{daemon} reports {beat.status}", detail)
    return Check(OK, f"beat {_age(age)} ago", detail)


def bot(beats: dict[str, heartbeats.Heartbeat], now: datetime, settings: Settings,
        off: str | None = None) -> Check:
    """The bot's liveness, and whether it can receive: a bot that only sends is failing.

    Staleness is judged here from when receiving started to fail, so the check
    turns `fail` as TG_RECEIVE_STALE_SEC passes whatever the bot last wrote.
    """
    alive = heartbeat(beats, "bot", now, off)
    beat = beats.get("bot")
    if off or beat is None or alive.reason.startswith("last heartbeat"):
        return alive
    receive = beat.detail.get("receive") or {}
    detail = {**alive.detail, "last_received_at": receive.get("last_received_at")}
    if receive.get("fatal"):
        return Check(FAIL, f"not receiving: {receive['fatal']}", detail)
    stale_s = settings.tg_receive_stale_sec
    if receive.get("failing_since"):
        failing = (now - _parse(receive["failing_since"])).total_seconds()
        spell = f"{failing:.0f} s" if failing < 3600 else _age(failing)
        said = f"getUpdates failing for {spell}: {receive.get('error')}"
        if failing > stale_s:
            return Check(FAIL, said, {**detail, "failing_for_s": round(failing)})
        return Check(DEGRADED_STATUS, f"{said} (fails after {stale_s} s)",
                     {**detail, "failing_for_s": round(failing)})
    last = receive.get("last_received_at")
    if last is not None:  # a hung getUpdates raises nothing until the HTTP read limit
        quiet = (now - _parse(last)).total_seconds()
        if quiet > stale_s + settings.tg_http_read_timeout:
            return Check(FAIL, f"no successful getUpdates for {_age(quiet)}", detail)
    return Check(alive.status, alive.reason, detail)


def worker(beats: dict[str, heartbeats.Heartbeat], now: datetime, settings: Settings) -> Check:
    """The worker's liveness, and then its loops: reminders or digests the Bot API does not
    take are `degraded`, `fail` after TG_RECEIVE_STALE_SEC; calendar calls failing that long are
    `degraded` (the calendar check says more). Back to ok with the first good send."""
    alive = heartbeat(beats, "worker", now)
    if alive.status != OK:
        return alive
    detail = beats["worker"].detail
    for loop in ("reminders", "digest"):  # the two loops that send to Telegram
        since = detail.get(f"{loop}_undeliverable_since")
        if since:
            failing = max(0.0, (now - _parse(since)).total_seconds())
            status = FAIL if failing > settings.tg_receive_stale_sec else DEGRADED_STATUS
            shown = f"{failing:.0f} s" if failing < 600 else _age(failing)
            return Check(status, f"{loop} undeliverable for {shown}: "
                         f"{detail.get(f'{loop}_error') or 'Telegram is failing'}",
                         {**alive.detail, f"{loop}_failing_s": round(failing)})
    since = detail.get("calendar_failing_since")
    if since:
        failing = max(0.0, (now - _parse(since)).total_seconds())
        if failing > settings.tg_receive_stale_sec:
            return Check(DEGRADED_STATUS, f"calendar calls failing for {_age(failing)}: "
                         f"{detail.get('outage') or 'unavailable'}",
                         {**alive.detail, "calendar_failing_s": round(failing)})
    return alive


def projector_lag(conn: sqlite3.Connection) -> Check:
    """Events in the log the projections have not folded in yet."""
    lag = last_position(conn) - checkpoint(conn)
    if lag > 0:
        return Check(DEGRADED_STATUS, f"projections are {lag} event(s) behind the log; run "
                     "`organizer projections verify`", {"lag": lag})
    return Check(OK, "projections are current", {"lag": 0})


def backup(conn: sqlite3.Connection, settings: Settings, now: datetime) -> Check:
    """Age of the newest backup in BACKUP_DIR; none is fine only for a database under a day old."""
    record = latest_backup(settings.backup_dir)
    if record is None:
        first = first_recorded_at(conn)
        young = first is None or (now - _parse(first)).total_seconds() < BACKUP_STALE_S
        if young:
            return Check(OK, "no backup yet (the database is less than a day old)")
        return Check(DEGRADED_STATUS, "no backup yet; run `organizer backup create`")
    age = (now - _parse(record.created_at)).total_seconds()
    detail = {"age_s": round(age), "file": record.file}
    if age > BACKUP_STALE_S:
        return Check(DEGRADED_STATUS, f"last backup {_age(age)} ago; run `organizer backup "
                     "create`", detail)
    return Check(OK, f"last backup {_age(age)} ago", detail)


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
