"""`organizer ops heartbeat DAEMON`: a container healthcheck from the daemon's own heartbeat row.

The worker and the bot have no port to probe; what says they are alive is the
row each overwrites in `heartbeats` every few seconds. This command reads it
(read-only, on the checked volume and schema) and exits 0 when it is fresh and
its status is ok — or `off`, a daemon idling because it is off by
configuration — and 1 otherwise, with one line saying which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from organizer.cli import context

if TYPE_CHECKING:
    from organizer.store.heartbeats import Heartbeat

HEALTHY = ("ok", "off", "degraded")  # degraded: failing, not yet for TG_RECEIVE_STALE_SEC


def judge(beat: Heartbeat | None, daemon: str, max_age: float,
          age: float | None) -> tuple[bool, str]:
    """(healthy, one line) for a daemon's heartbeat row."""
    if beat is None or age is None:
        return False, f"{daemon}: no heartbeat yet"
    if age > max_age:
        return False, f"{daemon}: last heartbeat {age:.0f} s ago (more than {max_age:g} s)"
    if beat.status not in HEALTHY:
        return False, f"{daemon}: reports {beat.status} ({age:.0f} s ago)"
    reason = (beat.detail or {}).get("reason")
    said = f" ({reason})" if beat.status == "off" and reason else ""
    return True, f"{daemon}: {beat.status}{said}, {age:.0f} s ago"


def heartbeat(
    daemon: str = typer.Argument(..., help="worker or bot."),
    max_age: float = typer.Option(30.0, "--max-age", help="Seconds after which a beat is stale."),
) -> None:
    """Exit 0 when DAEMON's heartbeat is fresh and ok (or off by configuration), else 1.

    Example: organizer ops heartbeat worker --max-age 30
    """
    from organizer.bootstrap import bootstrap
    from organizer.store import heartbeats

    if daemon not in ("worker", "bot"):
        raise context.fail(f"unknown daemon {daemon!r}: pick worker or bot")
    settings = context.settings()
    with context.errors_to_exit():
        conn = bootstrap(settings).database(readonly=True)
        try:
            beat = heartbeats.read_all(conn).get(daemon)
        finally:
            conn.close()
    age = heartbeats.age_seconds(beat.beat_at) if beat else None
    healthy, line = judge(beat, daemon, max_age, age)
    print(line)
    if not healthy:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    # Under `organizer ops`, whose sub-app lives in ops_cmds.
    from organizer.cli.ops_cmds import ops_app

    ops_app.command("heartbeat")(heartbeat)
