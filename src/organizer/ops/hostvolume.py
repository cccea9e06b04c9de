"""`organizer ops verify-volume` from the host: which volume each container has at /data.

`docker inspect` shows every container's mounts; each one is put through the
core's `check_volume`, the same decision migrate and the daemons make from
inside. This is what catches the 2026-02-22 split volume: migrations applied
in `deploy_runtime_data` while the runtime used `deploy_db_data`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from organizer.errors import VolumeMismatch
from organizer.ops.model import Status, Verdict, fail, ok
from organizer.store.volume import check_volume

DB_PATH = "/data/organizer.db"


def data_mount(container: dict[str, Any]) -> tuple[str | None, str]:
    """(volume name or None, a description of what is at /data)."""
    for mount in container.get("Mounts") or []:
        if mount.get("Destination") == "/data":
            if mount.get("Type") == "volume":
                return mount.get("Name"), f"docker volume {mount.get('Name')}"
            return None, f"{mount.get('Type')} mount {mount.get('Source')}"
    return None, "the container's own layer (no volume mounted there)"


def env_of(container: dict[str, Any]) -> dict[str, str]:
    pairs = ((container.get("Config") or {}).get("Env") or [])
    return dict(p.partition("=")[::2] for p in pairs)


def container_verdict(service: str, container: dict[str, Any], expected: str) -> Verdict:
    db_path = env_of(container).get("DB_PATH", "(unset)")
    actual, place = data_mount(container)
    problems = []
    try:
        check_volume(Path(DB_PATH), expected, actual, place)
    except VolumeMismatch as exc:
        problems.append(str(exc))
    if db_path != DB_PATH:
        problems.append(f"DB_PATH={db_path}, must be {DB_PATH}")
    details = {"service": service, "volume": actual, "db_path": db_path}
    if problems:
        return fail(f"{service}: " + "; ".join(problems), **details)
    return ok(f"{service}: /data is {expected}, DB_PATH={DB_PATH}", **details)


def verify(inspected: dict[str, dict[str, Any]], expected: str) -> list[tuple[str, Verdict]]:
    """One verdict per container (exited ones too: a migrate on the wrong volume counts)."""
    if not inspected:
        return [("containers", fail("no containers: `docker compose up -d` first"))]
    return [(service, container_verdict(service, container, expected))
            for service, container in sorted(inspected.items())]


def database_verdict(probe: dict[str, Any]) -> Verdict:
    """The database at DB_PATH, seen from inside a running service: exists, current schema."""
    db = probe.get("db") or {}
    if not db.get("exists"):
        return fail(db.get("error", f"{DB_PATH} does not exist: run migrate on this volume"))
    if not db.get("current"):
        return fail(db.get("error", "schema is not current"))
    return ok(f"{probe.get('db_path', DB_PATH)} at schema {db.get('version')}")


def split_volumes(results: list[tuple[str, Verdict]]) -> str | None:
    """A one-line diagnosis when services disagree on the volume (the prod-v0 incident)."""
    volumes = {v[2].get("volume") for _, v in results if v[0] is not Status.OK or v[2]}
    volumes.discard(None)
    if len(volumes) > 1:
        return ("split volume: containers use " + ", ".join(sorted(str(v) for v in volumes)) +
                " — migrations and runtime must share deploy_db_data")
    return None
