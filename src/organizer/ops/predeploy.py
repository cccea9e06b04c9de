"""`organizer ops check`: is this work tree fit to deploy?

Every rule prod-v0 learned the hard way, read from the merged
`docker compose config --format json`, the env file and the work tree. Each
rule is a function returning a Verdict that names the bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from organizer.errors import OrganizerError
from organizer.ops.model import Verdict, fail, ok, warn
from organizer.settings import DEFAULTS, load_settings, read_env_file

STABLE_BRANCH = "runtime-stable"
DB_PATH = "/data/organizer.db"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
RO_BINDS = (("canon", "/canon"), ("migrations", "/app/migrations"))


def git_branch(facts: dict[str, Any]) -> Verdict:
    if facts.get("sha") is None:
        return fail("not a git work tree: deploy from a clone of the repository")
    if facts.get("branch") != STABLE_BRANCH:
        return fail(f"branch is {facts.get('branch')}, deploys come from {STABLE_BRANCH} only: "
                    f"`git switch {STABLE_BRANCH}`")
    return ok(f"{STABLE_BRANCH} at {str(facts['sha'])[:12]}")


def git_clean(facts: dict[str, Any]) -> Verdict:
    dirty = facts.get("dirty") or []
    if dirty:
        shown = ", ".join(dirty[:5]) + (" ..." if len(dirty) > 5 else "")
        return fail(f"{len(dirty)} local change(s): {shown}; commit them on a branch and merge "
                    "into runtime-stable, or `git stash`", dirty=dirty)
    return ok("no local changes")


def env_file(path: Path) -> Verdict:
    """Present, every key listed, and the file alone passes settings validation."""
    if not path.exists():
        return fail(f"{path} is missing: `cp deploy/.env.prod.example {path}` and fill it in")
    try:
        keys = set(read_env_file(path))
        missing = [k for k in DEFAULTS if k not in keys]
        if missing:
            return fail(f"{path} lacks {', '.join(missing)}: add the line(s) "
                        "(see deploy/.env.prod.example)", missing=missing)
        load_settings({}, env_file=path)
    except OrganizerError as exc:
        return fail(f"{path}: {exc}")
    mode = path.stat().st_mode & 0o077
    if mode:
        return warn(f"{path} is readable by others (mode {oct(path.stat().st_mode & 0o777)}): "
                    f"`chmod 600 {path}`")
    return ok(f"{path.name}: {len(keys)} keys, settings valid")


def _services(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(config.get("services") or {})


def volume_name(config: dict[str, Any]) -> str:
    db = (config.get("volumes") or {}).get("db_data") or {}
    return str(db.get("name") or f"{config.get('name', 'deploy')}_db_data")


def mounts(config: dict[str, Any]) -> Verdict:
    """db_data at /data, ./canon:/canon:ro and ./migrations:/app/migrations:ro everywhere."""
    problems = []
    for name, service in _services(config).items():
        volumes = service.get("volumes") or []
        data = [v for v in volumes if v.get("target") == "/data"]
        if not data or data[0].get("type") != "volume" or data[0].get("source") != "db_data":
            problems.append(f"{name}: /data is not the db_data volume")
        for source, target in RO_BINDS:
            found = [v for v in volumes if v.get("target") == target]
            if not found:
                problems.append(f"{name}: ./{source}:{target}:ro is not mounted")
            elif not found[0].get("read_only"):
                problems.append(f"{name}: {target} is mounted without :ro")
            elif Path(str(found[0].get("source", ""))).name != source:
                problems.append(f"{name}: {target} comes from {found[0].get('source')}, "
                                f"not ./{source}")
    if problems:
        return fail("; ".join(problems), problems=problems)
    return ok(f"{len(_services(config))} services: db_data:/data, canon and migrations :ro")


def environment(config: dict[str, Any]) -> Verdict:
    """EXPECTED_DB_VOLUME = the db_data volume and DB_PATH=/data/organizer.db in every service."""
    expected = volume_name(config)
    problems = []
    for name, service in _services(config).items():
        env = service.get("environment") or {}
        if env.get("EXPECTED_DB_VOLUME") != expected:
            problems.append(f"{name}: EXPECTED_DB_VOLUME={env.get('EXPECTED_DB_VOLUME') or '(unset)'}"
                            f", must be {expected}")
        if env.get("DB_PATH") != DB_PATH:
            problems.append(f"{name}: DB_PATH={env.get('DB_PATH') or '(unset)'}, must be {DB_PATH}")
    if problems:
        return fail("; ".join(problems), problems=problems)
    return ok(f"EXPECTED_DB_VOLUME={expected}, DB_PATH={DB_PATH} everywhere")


def ports(config: dict[str, Any]) -> Verdict:
    """Nothing published beyond loopback (the api only on 127.0.0.1:8101)."""
    problems: list[str] = []
    published: list[str] = []
    for name, service in _services(config).items():
        for port in service.get("ports") or []:
            host = port.get("host_ip") or "0.0.0.0"
            shown = f"{name} {host}:{port.get('published')}->{port.get('target')}"
            (published if host in LOOPBACK else problems).append(shown)
    if problems:
        return fail("published beyond loopback: " + ", ".join(problems) +
                    "; publish as 127.0.0.1:8101:8101", problems=problems)
    if not published:
        return warn("nothing published: the host cannot reach the api's /health "
                    "(is docker-compose.vps.override.yml among the files?)")
    return ok("only " + ", ".join(published))


def service_settings(config: dict[str, Any]) -> Verdict:
    """Each service's environment passes organizer's own settings validation."""
    problems = []
    for name, service in _services(config).items():
        env = {k: "" if v is None else str(v) for k, v in (service.get("environment") or {}).items()}
        try:
            load_settings(env, env_file=None)
        except OrganizerError as exc:
            problems.append(f"{name}: {exc}")
    return fail("; ".join(problems)) if problems else ok("every service's settings validate")


def telegram_timeout(config: dict[str, Any]) -> Verdict:
    problems = []
    for name, service in _services(config).items():
        env = service.get("environment") or {}
        try:
            poll = int(env.get("TG_LONGPOLL_SEC") or DEFAULTS["TG_LONGPOLL_SEC"])
            read = int(env.get("TG_HTTP_READ_TIMEOUT") or DEFAULTS["TG_HTTP_READ_TIMEOUT"])
        except ValueError:
            problems.append(f"{name}: TG_LONGPOLL_SEC / TG_HTTP_READ_TIMEOUT are not numbers")
            continue
        if read < poll + 10:
            problems.append(f"{name}: TG_HTTP_READ_TIMEOUT={read} < TG_LONGPOLL_SEC+10={poll + 10}")
    return fail("; ".join(problems)) if problems else \
        ok("TG_HTTP_READ_TIMEOUT >= TG_LONGPOLL_SEC + 10")


def google(config: dict[str, Any], sa_file: dict[str, Any] | None) -> Verdict:
    """No `primary`; with a calendar id, the SA file readable by the service and not by all."""
    ids = {str((s.get("environment") or {}).get("GOOGLE_CALENDAR_ID") or "")
           for s in _services(config).values()}
    if any(i.lower() == "primary" for i in ids):
        return fail("GOOGLE_CALENDAR_ID=primary: set the id of a calendar shared with the "
                    "service account")
    if ids <= {""}:
        return ok("calendar NOT_CONFIGURED (allowed)")
    if sa_file is None:
        return warn("cannot look at the service-account file: the stack is not running")
    if not sa_file.get("exists"):
        return fail(f"{sa_file['path']} is missing: copy the key onto the volume")
    if not sa_file.get("readable"):
        return fail(f"{sa_file['path']} is not readable by the service user")
    if sa_file.get("world_readable"):
        return fail(f"{sa_file['path']} is world-readable (mode {sa_file['mode']}): chmod 600")
    return ok(f"calendar configured, {sa_file['path']} mode {sa_file['mode']}")


def canon(path: Path) -> Verdict:
    from organizer.canon import load_canon

    try:
        loaded = load_canon(path)
    except OrganizerError as exc:
        return fail(str(exc))
    return ok(f"{path} version {loaded.version}, sha256 {loaded.sha256[:12]}")


def canon_path(config: dict[str, Any], project_dir: Path) -> Path:
    """The host file behind /canon/intents_v2.yml, from the api's bind mount."""
    for service in _services(config).values():
        for volume in service.get("volumes") or []:
            if volume.get("target") == "/canon":
                return Path(str(volume["source"])) / "intents_v2.yml"
    return project_dir / "canon" / "intents_v2.yml"
