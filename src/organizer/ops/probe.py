"""Database-side facts, gathered where the database is.

The local runtime calls `gather` in process; the compose runtime runs
`organizer ops probe --json --runtime local` inside a service container
(`docker compose exec -T`) and parses the same dictionary. Nothing here writes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from organizer.errors import OrganizerError
from organizer.ops.filemodes import mode_facts
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.backup import latest_backup
from organizer.store.db import connect, quick_check, translate
from organizer.store.log_facts import event_count
from organizer.store.migrations import require_current
from organizer.store.volume import MOUNTINFO, describe_place, mount_of, parse_mountinfo


def volume_facts(settings: Settings) -> dict[str, Any]:
    """Which mount holds DB_PATH and whether it is EXPECTED_DB_VOLUME."""
    expected = settings.expected_db_volume
    try:
        mount = mount_of(settings.db_path.parent, parse_mountinfo(MOUNTINFO.read_text()))
    except OSError:
        mount = None
    actual = mount.volume if mount else None
    return {"expected": expected, "volume": actual, "place": describe_place(mount),
            "ok": expected is None or actual == expected}


def schema_facts(settings: Settings) -> dict[str, Any]:
    """Current schema or the refusal a daemon would give; plus quick_check and counts."""
    facts: dict[str, Any] = {"exists": settings.db_path.exists()}
    if not facts["exists"]:
        facts["error"] = f"database {settings.db_path} does not exist"
        return facts
    try:
        conn = connect(settings.db_path, readonly=True)
    except OrganizerError as exc:
        facts["error"] = str(exc)
        return facts
    try:
        try:
            status = require_current(conn, settings.migrations_dir)
            facts.update(current=True, version=status.version)
        except OrganizerError as exc:
            facts.update(current=False, error=str(exc))
        facts["quick_check"] = quick_check(conn, 5) or "ok"
        if facts.get("current") and facts["quick_check"] == "ok":
            facts["events"] = event_count(conn)
            now = datetime.now(UTC)
            facts["heartbeats"] = {
                name: {"age_s": round(heartbeats.age_seconds(b.beat_at, now), 1),
                       "status": b.status, "why": _why(b.detail)}
                for name, b in heartbeats.read_all(conn).items()
            }
    except sqlite3.Error as exc:  # a page the quick check did not reach, or a lock
        facts["error"] = str(translate(exc, settings.db_path))
    finally:
        conn.close()
    return facts


def _why(detail: dict[str, Any]) -> str | None:
    """What a daemon says is wrong with it (the bot: why it cannot receive)."""
    receive = detail.get("receive") or {}
    return receive.get("fatal") or receive.get("error")


def file_facts(path: Path) -> dict[str, Any]:
    """Exists, readable by this user, and whether everyone may read it (never its content)."""
    try:
        info = path.stat()
    except OSError as exc:
        return {"path": str(path), "exists": False, "error": exc.strerror}
    return {"path": str(path), "exists": True, "readable": os.access(path, os.R_OK),
            "mode": oct(stat.S_IMODE(info.st_mode)),
            "world_readable": bool(info.st_mode & stat.S_IROTH)}


def gather(settings: Settings) -> dict[str, Any]:
    """Everything the daily check and `ops check` need from the database's side."""
    usage = shutil.disk_usage(settings.db_path.parent) if settings.db_path.parent.exists() \
        else None
    backup = latest_backup(settings.backup_dir)
    return {
        "db_path": str(settings.db_path),
        "volume": volume_facts(settings),
        "db": schema_facts(settings),
        "db_modes": mode_facts(settings.db_path),
        "disk": {"free": usage.free, "total": usage.total} if usage else None,
        "latest_backup": None if backup is None else {
            "file": backup.file, "created_at": backup.created_at, "events": backup.events},
        "backup_dir": str(settings.backup_dir),
        "calendar_configured": settings.calendar_configured,
        "sa_file": file_facts(settings.google_sa_file) if settings.calendar_configured else None,
        "canon": file_facts(settings.canon_path),
    }
