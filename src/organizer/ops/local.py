"""The local runtime: an `organizer run` on this machine.

Liveness comes from the heartbeats table, health from API_HOST:API_PORT,
logs from `<data dir>/logs/<daemon>.log` (written by `organizer run`), and the
database facts are gathered in this process.
"""

from __future__ import annotations

import os
import platform
from collections import deque
from pathlib import Path
from typing import Any

from organizer.errors import OrganizerError
from organizer.ops import probe as probe_mod
from organizer.ops.backups import create_and_verify
from organizer.ops.model import Status
from organizer.ops.runtime import DAEMONS, LogsNotVisible, ServiceState, get_health, sha256_json
from organizer.settings import DEFAULTS, SECRET_KEYS, Settings, mask_url, read_env_file

STALE_AFTER_S = 60.0


def off_reason(settings: Settings, daemon: str) -> str | None:
    """Why a daemon is off by configuration: only the bot can be (no TELEGRAM_BOT_TOKEN);
    the api and the worker always run (organizer.daemons' `off_reason` say the same)."""
    return settings.bot_off_reason if daemon == "bot" else None


def judge_heartbeats(beats: dict[str, dict[str, Any]], off: dict[str, str | None],
                     stale_after: float) -> list[ServiceState]:
    """A daemon is OK when off by configuration or its heartbeat is fresh."""
    states = []
    for daemon in DAEMONS:
        beat = beats.get(daemon)
        if off.get(daemon):
            states.append(ServiceState(daemon, daemon, "off", None, None, Status.OK,
                                       f"off: {off[daemon]}"))
        elif beat is None:
            states.append(ServiceState(daemon, daemon, "missing", None, None, Status.FAIL,
                                       "no heartbeat ever: the daemon is not running"))
        elif beat["age_s"] > stale_after:
            states.append(ServiceState(
                daemon, daemon, "stale", beat["status"], None, Status.FAIL,
                f"last heartbeat {beat['age_s']:.0f} s ago (> {stale_after:.0f} s): stopped"))
        else:
            status = {"ok": Status.OK, "off": Status.OK, "fail": Status.FAIL}.get(
                beat["status"], Status.WARN)
            why = f": {beat['why']}" if beat.get("why") else ""
            states.append(ServiceState(daemon, daemon, "running", beat["status"], None, status,
                                       f"heartbeat {beat['age_s']:.0f} s ago{why}"))
    return states


def tail_file(path: Path, lines: int) -> list[str]:
    """The last `lines` lines of a log file (the rotated one too when it is short)."""
    found: deque[str] = deque(maxlen=lines)
    for candidate in (path.with_name(path.name + ".1"), path):
        if candidate.exists():
            with candidate.open(encoding="utf-8", errors="replace") as handle:
                found.extend(line.rstrip("\n") for line in handle)
    return list(found)


class LocalRuntime:
    name = "local"

    def __init__(self, settings: Settings, env_file: Path | None,
                 stale_after: float = STALE_AFTER_S, project_dir: Path | None = None,
                 health_url: str | None = None, logs_in_files: bool = True) -> None:
        self.settings = settings
        self.env_file = env_file
        self.stale_after = stale_after
        self.project_dir = project_dir or Path.cwd()
        self.health_url = health_url or f"http://{settings.api_host}:{settings.api_port}/health"
        # False for the worker's own check: in a container the daemons log to stdout only.
        self.logs_in_files = logs_in_files

    def probe(self) -> dict[str, Any]:
        return probe_mod.gather(self.settings)

    def services(self) -> list[ServiceState]:
        facts = probe_mod.schema_facts(self.settings)
        if "heartbeats" not in facts:
            reason = facts.get("error", "database unreadable")
            return [ServiceState(d, d, "unknown", None, None, Status.FAIL, reason)
                    for d in DAEMONS]
        off = {d: off_reason(self.settings, d) for d in DAEMONS}
        states = judge_heartbeats(facts["heartbeats"], off, self.stale_after)
        return [self._api_by_health(s) if s.daemon == "api" and s.status is not Status.OK
                else s for s in states]

    def _api_by_health(self, state: ServiceState) -> ServiceState:
        """The api beats no heartbeat of its own: it is alive when /health answers at all."""
        reply = get_health(self.health_url, 2.0)
        if reply.status_code is None:
            return ServiceState("api", "api", "stopped", None, None, Status.FAIL,
                                f"{self.health_url}: {reply.error}")
        return ServiceState("api", "api", "running", None, None, Status.OK,
                            f"answers /health ({reply.status_code})")

    def log_tail(self, daemon: str, lines: int) -> list[str]:
        path = self.settings.log_dir / f"{daemon}.log"
        if not path.exists() and not self.logs_in_files:
            raise LogsNotVisible(f"no log file {path} here (in a container the daemons log to "
                                 "docker): run `organizer ops daily-check` on the host to scan "
                                 "the logs")
        if not path.exists():
            raise OrganizerError(f"no log file {path}: `organizer run` writes it; is it running "
                                 "with this DB_PATH?")
        return tail_file(path, lines)

    def backup(self, reason: str) -> dict[str, Any]:
        return create_and_verify(self.settings.db_path, self.settings.backup_dir, reason)

    def env_keys(self) -> list[str]:
        keys = set(read_env_file(self.env_file)) if self.env_file and self.env_file.exists() \
            else set()
        keys |= {k for k in DEFAULTS if os.environ.get(k, "").strip()}
        return sorted(keys)

    def config_sha256(self) -> str:
        """The effective settings, secrets masked: what `organizer run` is configured with."""
        shown = {k: ("***" if k.upper() in SECRET_KEYS else mask_url(str(v)))
                 for k, v in vars(self.settings).items()}
        return sha256_json(shown)

    def describe(self) -> dict[str, Any]:
        return {"host": platform.node(), "os": _os_name(), "runtime": self.name,
                "project_path": str(self.project_dir), "compose_project": "",
                "compose_files": ["organizer run (one process)"],
                "env_file": str(self.env_file or ""), "db_path": str(self.settings.db_path),
                "volume": self.settings.expected_db_volume or "(local file, no volume)"}


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.partition("=")[2].strip('"')
    except OSError:
        pass
    return platform.platform()
