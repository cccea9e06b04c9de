"""What the checks need from a deployment, whichever runtime runs it.

Two implementations: `ComposeRuntime` (the prod topology through the docker
CLI) and `LocalRuntime` (an `organizer run` on this machine). The checks in
daily.py and baseline.py only speak to this interface.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from organizer.errors import OrganizerError
from organizer.ops.model import Status

DAEMONS = ("api", "worker", "bot")


class LogsNotVisible(OrganizerError):
    """This runtime cannot read a daemon's log from where it runs (a WARN, not a FAIL)."""


@dataclass
class ServiceState:
    """One daemon as the runtime sees it; `status` is this service's own verdict."""

    daemon: str
    service: str
    state: str
    health: str | None
    restarts: int | None
    status: Status
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}

    def summary(self) -> str:
        health = f" ({self.health})" if self.health else ""
        return f"{self.service} {self.state}{health}"


@dataclass
class HealthReply:
    url: str
    status_code: int | None
    body: dict[str, Any] | None
    error: str | None


class Runtime(Protocol):
    name: str
    project_dir: Path
    health_url: str

    def services(self) -> list[ServiceState]: ...

    def log_tail(self, daemon: str, lines: int) -> list[str]: ...

    def probe(self) -> dict[str, Any]: ...

    def backup(self, reason: str) -> dict[str, Any]: ...

    def config_sha256(self) -> str: ...

    def env_keys(self) -> list[str]: ...

    def describe(self) -> dict[str, Any]: ...


def get_health(url: str, timeout: float) -> HealthReply:
    """GET the health URL; a refused connection is an answer too."""
    import httpx

    try:
        response = httpx.get(url, timeout=timeout)
    except httpx.ConnectError as exc:
        return HealthReply(url, None, None, f"connection refused ({exc.__class__.__name__}): "
                                            "the api is not listening")
    except httpx.HTTPError as exc:
        return HealthReply(url, None, None, f"{exc.__class__.__name__}: {exc}")
    try:
        body = response.json()
    except ValueError:
        body = None
    return HealthReply(url, response.status_code, body if isinstance(body, dict) else None, None)


def sha256_json(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def git(project_dir: Path, *args: str, timeout: float = 10) -> str:
    """Run git in the deploy's work tree; '' when it is not a git tree."""
    try:
        result = subprocess.run(["git", "-C", str(project_dir), *args], capture_output=True,
                                text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.rstrip() if result.returncode == 0 else ""


def git_facts(project_dir: Path) -> dict[str, Any]:
    status = git(project_dir, "status", "--porcelain")
    return {"sha": git(project_dir, "rev-parse", "HEAD") or None,
            "branch": git(project_dir, "rev-parse", "--abbrev-ref", "HEAD") or None,
            "dirty": [line[3:] for line in status.splitlines()]}
