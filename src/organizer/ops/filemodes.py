"""Whether the database's files are private: a WARN naming the `chmod` that makes them so.

Files organizer creates are 0600 (`store/private.py`); a database made
earlier, copied in, or restored by hand may be readable by the group or by
everyone, and its tasks are the person's own. The facts are gathered where the
database is (`probe.py`: in process, or inside a compose service).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from organizer.ops.model import Verdict, ok, warn
from organizer.store.private import open_mode, readable_by_others

COMPANIONS = ("", "-wal", "-shm")


def mode_facts(db_path: Path) -> dict[str, Any]:
    """The database, -wal and -shm that exist, and which of them others may read."""
    present = [Path(f"{db_path}{suffix}") for suffix in COMPANIONS]
    present = [path for path in present if path.exists()]
    exposed = {str(path): open_mode(path) for path in present if readable_by_others(path)}
    return {"files": [str(path) for path in present], "readable_by_others": exposed}


def mode_verdict(facts: dict[str, Any] | None) -> Verdict:
    if not facts or not facts.get("files"):
        return ok("no database file yet")
    exposed: dict[str, str] = facts.get("readable_by_others") or {}
    if not exposed:
        return ok("private (readable by its owner only)", **facts)
    shown = ", ".join(f"{path} is {mode}" for path, mode in exposed.items())
    return warn(f"{shown}: others can read the tasks; fix with `chmod 600 "
                f"{' '.join(exposed)}`", **facts)
