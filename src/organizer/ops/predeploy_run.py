"""Assemble `ops check` and `ops verify-volume` for a runtime and run them concurrently."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from organizer.ops import hostvolume, predeploy
from organizer.ops.daily import Once
from organizer.ops.filemodes import mode_facts, mode_verdict
from organizer.ops.model import CheckResult, Status, Verdict, fail, ok
from organizer.ops.probe import file_facts, schema_facts, volume_facts
from organizer.ops.runner import Check, run_checks
from organizer.ops.runtime import Runtime, git_facts
from organizer.settings import Settings, exposed_host_warning


def _config_checks(config: Once, project_dir: Path, probe: Once) -> list[Check]:
    def sa_file() -> dict[str, Any] | None:
        try:
            facts = probe()
        except Exception:
            return None  # the stack is not running: google() says so
        value = facts.get("sa_file")
        return value if isinstance(value, dict) else None

    def compose_config() -> Verdict:
        services = sorted(config().get("services") or {})
        return ok(f"valid: services {', '.join(services)}")

    return [
        Check("compose_config", "docker compose config", compose_config, 40),
        Check("mounts", "Mounts (db_data, canon:ro, migrations:ro)",
              lambda: predeploy.mounts(config()), 40),
        Check("db_env", "EXPECTED_DB_VOLUME / DB_PATH", lambda: predeploy.environment(config()),
              40),
        Check("ports", "Published ports", lambda: predeploy.ports(config()), 40),
        Check("settings", "Service settings", lambda: predeploy.service_settings(config()), 40),
        Check("telegram_timeout", "Telegram timeout rule",
              lambda: predeploy.telegram_timeout(config()), 40),
        Check("google", "Google calendar", lambda: predeploy.google(config(), sa_file()), 40),
        Check("canon", "Canon validates",
              lambda: predeploy.canon(predeploy.canon_path(config(), project_dir)), 40),
    ]


def run_predeploy(runtime: Runtime, settings: Settings, env_file: Path) -> list[CheckResult]:
    git = Once(lambda: git_facts(runtime.project_dir))
    checks = [Check("branch", "Branch runtime-stable", lambda: predeploy.git_branch(git()), 15),
              Check("clean", "Clean work tree", lambda: predeploy.git_clean(git()), 15)]
    if runtime.name == "compose":
        target = runtime.target  # type: ignore[attr-defined]
        checks.append(Check("env_file", ".env.prod", lambda: predeploy.env_file(target.env_path()),
                            10))
        config = Once(runtime.config)  # type: ignore[attr-defined]
        probe = Once(runtime.probe)
        checks += _config_checks(config, runtime.project_dir, probe)
        checks.append(Check("db_mode", "DB file mode", lambda: _stack_db_mode(probe), 40))
    else:
        def local_google() -> Verdict:
            if not settings.calendar_configured:
                return ok("calendar NOT_CONFIGURED (allowed)")
            fake = {"services": {"local": {"environment": {
                "GOOGLE_CALENDAR_ID": settings.google_calendar_id}}}}
            return predeploy.google(fake, file_facts(settings.google_sa_file))

        if env_file.exists():
            checks.append(Check("env_file", str(env_file), lambda: predeploy.env_file(env_file),
                                10))
        def api_host() -> Verdict:
            warning = exposed_host_warning(settings.api_host)
            if warning:
                return Status.WARN, warning, {"api_host": settings.api_host}
            return ok(f"api only on this machine ({settings.api_host})")

        checks += [Check("api_host", "API exposure", api_host, 5),
                   Check("google", "Google calendar", local_google, 10),
                   Check("canon", "Canon validates",
                         lambda: predeploy.canon(settings.canon_path), 20),
                   Check("db_mode", "DB file mode",
                         lambda: mode_verdict(mode_facts(settings.db_path)), 10)]
    return run_checks(checks)


def _stack_db_mode(probe: Once) -> Verdict:
    try:
        facts = probe()
    except Exception:
        return ok("not checked: the stack is not running (before the first deploy)")
    return mode_verdict(facts.get("db_modes"))


def _const(verdict: Verdict) -> Callable[[], Verdict]:
    return lambda: verdict


def run_verify_volume(runtime: Runtime, settings: Settings) -> list[CheckResult]:
    if runtime.name == "local":
        def volume() -> Verdict:
            facts = volume_facts(settings)
            if facts["ok"]:
                return ok(f"{settings.db_path} on {facts['place']}", **facts)
            return fail(f"{settings.db_path} is on {facts['place']}, EXPECTED_DB_VOLUME is "
                        f"{facts['expected']}", **facts)

        def database() -> Verdict:
            return hostvolume.database_verdict({"db": schema_facts(settings),
                                                "db_path": str(settings.db_path)})

        return run_checks([Check("volume", "DB volume", volume, 10),
                           Check("database", "Database at DB_PATH", database, 30)])
    rows = runtime.ps()  # type: ignore[attr-defined]
    inspected = runtime.inspect([str(r["ID"]) for r in rows if r.get("ID")])  # type: ignore[attr-defined]
    try:
        expected = predeploy.volume_name(runtime.config())  # type: ignore[attr-defined]
    except Exception:
        expected = "deploy_db_data"
    verdicts = hostvolume.verify(inspected, expected)
    checks = [Check(f"volume:{service}", f"{service} /data", _const(verdict), 5)
              for service, verdict in verdicts]
    split = hostvolume.split_volumes(verdicts)
    if split:
        checks.append(Check("split", "Split volume", lambda: fail(split), 5))
    checks.append(Check("database", "Database at DB_PATH",
                        lambda: hostvolume.database_verdict(runtime.probe()), 45))
    return run_checks(checks)
