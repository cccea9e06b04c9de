"""The baseline snapshot and drift against it.

A baseline records what a healthy deployment looked like: the git SHA of the
deploy's work tree, the sha256 of the merged compose config (secrets masked;
the effective settings on the local runtime), the services, health, and the
set of env keys — never a value. The daily check compares against the latest.
"""

from __future__ import annotations

from typing import Any

from organizer.ops import journal
from organizer.ops.model import Verdict, fail, ok, warn
from organizer.ops.runtime import Runtime, get_health, git_facts


def snapshot(runtime: Runtime) -> dict[str, Any]:
    """What drift is measured on: git SHA, config sha256, env keys."""
    return {"git_sha": git_facts(runtime.project_dir)["sha"],
            "config_sha256": runtime.config_sha256(), "env_keys": runtime.env_keys()}


def take(runtime: Runtime, health_timeout: float = 3.0) -> dict[str, Any]:
    """The full baseline record (without kind/at, which the journal adds)."""
    data = snapshot(runtime)
    try:
        services = [s.summary() for s in runtime.services()]
    except Exception as exc:  # a baseline still records what it could see
        services = [f"unavailable: {exc}"]
    reply = get_health(runtime.health_url, health_timeout)
    health = (f"{reply.status_code} {(reply.body or {}).get('status', '')}".strip()
              if reply.status_code is not None else f"FAIL: {reply.error}")
    return {**data, "services": services, "health": health, "health_url": runtime.health_url,
            "runtime": runtime.name}


def compare(base: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """One line per thing that changed; env keys by name only."""
    changes = []
    if base.get("git_sha") != now.get("git_sha"):
        changes.append(f"git SHA {str(base.get('git_sha'))[:12]} -> {str(now.get('git_sha'))[:12]}")
    if base.get("config_sha256") != now.get("config_sha256"):
        changes.append(f"config sha256 {str(base.get('config_sha256'))[:12]} -> "
                       f"{str(now.get('config_sha256'))[:12]}")
    before, after = set(base.get("env_keys", [])), set(now.get("env_keys", []))
    if before != after:
        added, removed = sorted(after - before), sorted(before - after)
        parts = ([f"+{', +'.join(added)}"] if added else []) + \
            ([f"-{', -'.join(removed)}"] if removed else [])
        changes.append("env keys " + " ".join(parts))
    return changes


def drift_verdict(runtime: Runtime, records: list[dict[str, Any]]) -> Verdict:
    base = journal.latest(records, "baseline")
    if base is None:
        return warn("no baseline yet: run `organizer ops baseline` on a healthy deployment")
    changes = compare(base, snapshot(runtime))
    if changes:
        return fail("drifted since the baseline of " + base["at"][:10] + ": " + "; ".join(changes),
                    changes=changes)
    return ok(f"unchanged since the baseline of {base['at'][:10]}")
