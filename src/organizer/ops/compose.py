"""The compose runtime: the prod topology, driven through the docker CLI.

Every docker call goes through `ComposeTarget.compose(...)` (the prod-v0
journal's `docker compose -p deploy -f ... --env-file .env.prod`); anything
that touches the database runs inside a service container with
`docker compose exec -T <service> organizer ... --runtime local --json`.
The parsers take docker's own output as captured in tests/fixtures/docker.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from organizer.errors import OrganizerError
from organizer.ops.model import Status
from organizer.ops.runtime import DAEMONS, ServiceState, sha256_json
from organizer.settings import SECRET_KEYS, mask_url, read_env_file

SERVICE_OF = {"api": "api", "worker": "worker", "bot": "telegram-bot"}
DAEMON_OF = {v: k for k, v in SERVICE_OF.items()}
DEFAULT_FILES = ("deploy/docker-compose.yml", "deploy/docker-compose.vps.override.yml")
DEFAULT_HEALTH_URL = "http://127.0.0.1:8101/health"
# Where the worker's scheduled daily check keeps its journal inside the stack (on the volume;
# docker-compose.yml sets ORGANIZER_JOURNAL to it): `ops journal` on the host merges it in.
STACK_JOURNAL = "/data/ops/journal.jsonl"


class DockerError(OrganizerError):
    """A docker command failed or is not available."""


class DockerMissing(DockerError):
    """The docker CLI, the engine or the Compose v2 plugin is not there: exit 2."""

    exit_code = 2


INSTALL_HINT = "install them with `sh ops/install-docker.sh` (as root)"
NO_DOCKER = f"docker is not installed on this host: the compose runtime needs the engine and " \
            f"the Compose v2 plugin; {INSTALL_HINT}"
NO_PLUGIN = ("the Docker Compose v2 plugin is missing (`docker compose` is not a docker "
             "command): install it with `sh ops/install-docker.sh` (as root)")
# What the docker CLI prints when `compose` is no plugin it knows: 20.10 parses
# `docker compose -p ...` as its own flags, newer CLIs name the unknown command.
_NO_PLUGIN_SAID = ("unknown shorthand flag", "unknown command: docker compose",
                   "'compose' is not a docker command", "unknown flag: --project-name")


def explain(said: str) -> str | None:
    """One line naming a missing plugin or a stopped engine and the fix; None otherwise."""
    if any(marker in said for marker in _NO_PLUGIN_SAID):
        return NO_PLUGIN
    if "Cannot connect to the Docker daemon" in said:
        first = next(line for line in said.splitlines() if "Cannot connect" in line)
        return (f"the Docker engine is not running ({first.strip()}): start it with "
                "`sh ops/install-docker.sh` (as root)")
    return None


def parse_ps(text: str) -> list[dict[str, Any]]:
    """`docker compose ps --format json`: one object per line (v2.21+) or one array (older)."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        data = json.loads(text)
        return [d for d in data if isinstance(d, dict)]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def parse_inspect(text: str) -> dict[str, dict[str, Any]]:
    """`docker inspect ...` -> {compose service name: container}."""
    found = {}
    for container in json.loads(text or "[]"):
        labels = (container.get("Config") or {}).get("Labels") or {}
        service = labels.get("com.docker.compose.service") or container.get("Name", "").strip("/")
        found[service] = container
    return found


# A container still starting after this many restarts is crash-looping, not starting.
CRASH_LOOP_RESTARTS = 2


def judge_services(ps: list[dict[str, Any]], inspected: dict[str, dict[str, Any]],
                   expected: Sequence[str] = DAEMONS) -> list[ServiceState]:
    """Each expected daemon's container: running, healthy when it has a healthcheck, restarts."""
    by_service = {row.get("Service"): row for row in ps}
    states = []
    for daemon in expected:
        service = SERVICE_OF[daemon]
        row = by_service.get(service)
        if row is None:
            states.append(ServiceState(daemon, service, "missing", None, None, Status.FAIL,
                                       "no container: `docker compose up -d` was not run"))
            continue
        container = inspected.get(service, {})
        restarts = container.get("RestartCount")
        state, health = str(row.get("State", "")), str(row.get("Health", "")) or None
        if state != "running":
            status, detail = Status.FAIL, f"{row.get('Status', state)}"
        elif health == "starting" and (restarts or 0) >= CRASH_LOOP_RESTARTS:
            # Caught between two crashes: up for a moment, never healthy again.
            status = Status.FAIL
            detail = (f"{row.get('Status', state)}, restarted {restarts} times without "
                      "becoming healthy: crash loop, read its log")
        elif health not in (None, "healthy"):
            status = Status.WARN if health == "starting" else Status.FAIL
            detail = f"{row.get('Status', state)}"
        elif restarts:
            status, detail = Status.WARN, f"{row.get('Status')}, restarted {restarts} times"
        else:
            status, detail = Status.OK, str(row.get("Status", state))
        states.append(ServiceState(daemon, service, state, health, restarts, status, detail))
    return states


def masked_config(config: dict[str, Any]) -> dict[str, Any]:
    """The merged config with secret values replaced, safe to hash and to keep."""
    services = {}
    for name, service in (config.get("services") or {}).items():
        env = dict(service.get("environment") or {})
        for key in env:
            if key.upper() in SECRET_KEYS:
                env[key] = "***" if env[key] else ""
            elif isinstance(env[key], str):
                env[key] = mask_url(env[key])
        services[name] = {**service, "environment": env}
    return {**config, "services": services}


@dataclass
class ComposeTarget:
    """Where the deployment is and how docker compose is called for it."""

    project_dir: Path = field(default_factory=Path.cwd)
    project: str = "deploy"
    files: tuple[str, ...] = DEFAULT_FILES
    env_file: str = ""
    health_url: str = DEFAULT_HEALTH_URL
    exec_services: tuple[str, ...] = ("worker", "api", "telegram-bot")

    @classmethod
    def from_environment(cls) -> ComposeTarget:
        """ORGANIZER_COMPOSE_DIR / _PROJECT / _FILES / _ENV_FILE, ORGANIZER_HEALTH_URL."""
        get = os.environ.get
        target = cls(project_dir=Path(get("ORGANIZER_COMPOSE_DIR", "") or ".").absolute(),
                     project=get("ORGANIZER_COMPOSE_PROJECT", "") or "deploy",
                     health_url=get("ORGANIZER_HEALTH_URL", "") or DEFAULT_HEALTH_URL)
        files = [f.strip() for f in get("ORGANIZER_COMPOSE_FILES", "").split(",") if f.strip()]
        if files:
            target.files = tuple(files)
        target.env_file = get("ORGANIZER_COMPOSE_ENV_FILE", "") or target.default_env_file()
        return target

    def default_env_file(self) -> str:
        """`.env.prod` beside the compose files (deploy/), else in the project directory."""
        beside = Path(self.files[0]).parent / ".env.prod"
        return str(beside) if (self.project_dir / beside).exists() else ".env.prod"

    def env_path(self) -> Path:
        return self.project_dir / self.env_file

    def command(self, *args: str) -> list[str]:
        argv = ["docker", "compose", "-p", self.project]
        for name in self.files:
            argv += ["-f", name]
        if self.env_path().exists():
            argv += ["--env-file", self.env_file]
        return argv + list(args)

    def run(self, argv: Sequence[str], timeout: float, merge_stderr: bool = False,
            label: str = "") -> str:
        try:
            result = subprocess.run(
                list(argv), cwd=self.project_dir, capture_output=not merge_stderr,
                stdout=subprocess.PIPE if merge_stderr else None,
                stderr=subprocess.STDOUT if merge_stderr else None,
                text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except FileNotFoundError as exc:
            raise DockerMissing(NO_DOCKER) from exc
        except subprocess.TimeoutExpired as exc:
            raise DockerError(f"`{label or ' '.join(argv[:2])}` gave no answer in {timeout:g} s") \
                from exc
        if result.returncode != 0:
            text = (result.stderr or result.stdout or "").strip()
            missing = explain(text)
            if missing:
                raise DockerMissing(missing)
            said = text.splitlines()
            raise DockerError(f"`{label or ' '.join(argv[:2])}` failed: "
                              f"{said[-1] if said else f'exit {result.returncode}'}")
        return result.stdout

    def attempt(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        """A compose call whose output and exit code the caller passes on as they are.

        Only a missing docker, Compose plugin or engine, or no answer in time, raise.
        """
        argv = self.command(*args)
        try:
            result = subprocess.run(argv, cwd=self.project_dir, capture_output=True, text=True,
                                    timeout=timeout, stdin=subprocess.DEVNULL)
        except FileNotFoundError as exc:
            raise DockerMissing(NO_DOCKER) from exc
        except subprocess.TimeoutExpired as exc:
            raise DockerError(f"`docker compose {args[0]}` gave no answer in {timeout:g} s") \
                from exc
        missing = explain(result.stderr) if result.returncode != 0 else None
        if missing:
            raise DockerMissing(missing)
        return result

    def preflight(self) -> None:
        """Refuse in one line when the docker CLI, its Compose v2 plugin or the engine is missing."""
        self.run(["docker", "compose", "version"], timeout=15, label="docker compose version")
        self.run(["docker", "version", "--format", "{{.Server.Version}}"], timeout=15,
                 label="docker version")

    def compose(self, *args: str, timeout: float = 30, merge_stderr: bool = False) -> str:
        label = "docker compose " + " ".join(a for a in args[:3] if not a.startswith("-"))
        return self.run(self.command(*args), timeout, merge_stderr, label.strip())


class ComposeRuntime:
    name = "compose"

    def __init__(self, target: ComposeTarget) -> None:
        self.target = target
        self.project_dir = target.project_dir
        self.health_url = target.health_url

    def ps(self, all_: bool = True) -> list[dict[str, Any]]:
        return parse_ps(self.target.compose("ps", *(["-a"] if all_ else []), "--format", "json"))

    def inspect(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        return parse_inspect(self.target.run(["docker", "inspect", *ids], timeout=15))

    def services(self) -> list[ServiceState]:
        rows = self.ps()
        return judge_services(rows, self.inspect([str(r["ID"]) for r in rows if r.get("ID")]))

    def log_tail(self, daemon: str, lines: int) -> list[str]:
        text = self.target.compose("logs", "--no-color", "--no-log-prefix", "--tail", str(lines),
                                   SERVICE_OF[daemon], merge_stderr=True)
        return text.splitlines()[-lines:]

    def organizer(self, *args: str, timeout: float = 60) -> dict[str, Any]:
        """`organizer ARGS --runtime local --json` in the first running service that answers."""
        errors = []
        for service in self.target.exec_services:
            try:
                out = self.target.compose("exec", "-T", service, "organizer", *args,
                                          "--runtime", "local", "--json", timeout=timeout)
            except DockerError as exc:
                errors.append(f"{service}: {exc}")
                continue
            data = json.loads(out)
            return data if isinstance(data, dict) else {"result": data}
        raise DockerError("no service container could run organizer: " + "; ".join(errors))

    def probe(self) -> dict[str, Any]:
        return self.organizer("ops", "probe", timeout=30)

    def stack_journal(self) -> list[dict[str, Any]]:
        """The records the worker's scheduled checks wrote on the volume."""
        data = self.organizer("ops", "journal", "--journal", STACK_JOURNAL, timeout=30)
        records = data.get("records", [])
        return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []

    def backup(self, reason: str) -> dict[str, Any]:
        return self.organizer("backup", "create", "--verify", "--reason", reason, timeout=120)

    def config(self) -> dict[str, Any]:
        data = json.loads(self.target.compose("config", "--format", "json", timeout=30))
        return data if isinstance(data, dict) else {}

    def config_sha256(self) -> str:
        return sha256_json(masked_config(self.config()))

    def env_keys(self) -> list[str]:
        path = self.target.env_path()
        return sorted(read_env_file(path)) if path.exists() else []

    def describe(self) -> dict[str, Any]:
        from organizer.ops.local import _os_name

        return {"host": platform.node(), "os": _os_name(), "runtime": self.name,
                "project_path": str(self.project_dir), "compose_project": self.target.project,
                "compose_files": list(self.target.files), "env_file": self.target.env_file,
                "db_path": "/data/organizer.db", "volume": "deploy_db_data (compose key: db_data)"}
