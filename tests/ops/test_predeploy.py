"""`ops check` rules on the real merged compose config, and each bad input named."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from organizer.ops import predeploy
from organizer.ops.model import Status
from organizer.ops.runtime import git_facts

REPO = Path(__file__).resolve().parents[2]
FIX = REPO / "tests" / "fixtures" / "docker"
EXAMPLE = REPO / "deploy" / ".env.prod.example"


@pytest.fixture
def config() -> dict:
    return json.loads((FIX / "compose_config.json").read_text())


def test_real_config_passes_every_rule(config: dict) -> None:
    for rule in (predeploy.mounts, predeploy.environment, predeploy.ports,
                 predeploy.service_settings, predeploy.telegram_timeout):
        status, reason, _ = rule(config)
        assert status is Status.OK, (rule.__name__, reason)
    assert predeploy.google(config, None)[0] is Status.OK  # NOT_CONFIGURED
    assert predeploy.volume_name(config) == "deploy_db_data"


def test_bind_without_ro_is_named(config: dict) -> None:
    for volume in config["services"]["worker"]["volumes"]:
        if volume["target"] == "/canon":
            volume.pop("read_only")
    status, reason, _ = predeploy.mounts(config)
    assert status is Status.FAIL
    assert reason == "worker: /canon is mounted without :ro"


def test_missing_migrations_mount_and_data_volume(config: dict) -> None:
    api = config["services"]["api"]
    api["volumes"] = [v for v in api["volumes"] if v["target"] != "/app/migrations"]
    api["volumes"][0] = {"type": "volume", "source": "runtime_data", "target": "/data"}
    _, reason, details = predeploy.mounts(config)
    assert "api: /data is not the db_data volume" in details["problems"]
    assert "api: ./migrations:/app/migrations:ro is not mounted" in details["problems"]


def test_override_publishing_on_all_interfaces_fails(config: dict) -> None:
    config["services"]["api"]["ports"][0]["host_ip"] = "0.0.0.0"
    status, reason, _ = predeploy.ports(config)
    assert status is Status.FAIL and "api 0.0.0.0:8101->8101" in reason
    config["services"]["api"]["ports"][0].pop("host_ip")
    assert predeploy.ports(config)[0] is Status.FAIL


def test_base_only_config_publishes_nothing() -> None:
    base = json.loads((FIX / "compose_config_base_only.json").read_text())
    assert predeploy.ports(base)[0] is Status.WARN


def test_expected_volume_unset_is_named(config: dict) -> None:
    config["services"]["telegram-bot"]["environment"].pop("EXPECTED_DB_VOLUME")
    status, reason, _ = predeploy.environment(config)
    assert status is Status.FAIL
    assert "telegram-bot: EXPECTED_DB_VOLUME=(unset), must be deploy_db_data" in reason


def test_timeout_rule_and_primary_calendar(config: dict) -> None:
    config["services"]["telegram-bot"]["environment"]["TG_HTTP_READ_TIMEOUT"] = "35"
    status, reason, _ = predeploy.telegram_timeout(config)
    assert status is Status.FAIL and "telegram-bot" in reason
    assert predeploy.service_settings(config)[0] is Status.FAIL
    config["services"]["worker"]["environment"]["GOOGLE_CALENDAR_ID"] = "primary"
    assert "primary" in predeploy.google(config, None)[1]


def test_google_service_account_file(config: dict, tmp_path: Path) -> None:
    from organizer.ops.probe import file_facts

    config["services"]["worker"]["environment"]["GOOGLE_CALENDAR_ID"] = "x@group.calendar.google.com"
    key = tmp_path / "google_sa.json"
    assert predeploy.google(config, file_facts(key))[0] is Status.FAIL
    key.write_text("{}")
    key.chmod(0o644)
    assert "world-readable" in predeploy.google(config, file_facts(key))[1]
    key.chmod(0o600)
    assert predeploy.google(config, file_facts(key))[0] is Status.OK
    assert predeploy.google(config, None)[0] is Status.WARN


def test_env_file_missing_missing_key_and_valid(tmp_path: Path) -> None:
    env = tmp_path / ".env.prod"
    status, reason, _ = predeploy.env_file(env)
    assert status is Status.FAIL and "is missing" in reason
    shutil.copy(EXAMPLE, env)
    env.chmod(0o600)
    assert predeploy.env_file(env)[0] is Status.OK
    env.write_text("\n".join(line for line in EXAMPLE.read_text().splitlines()
                             if not line.startswith("TG_LONGPOLL_SEC=")))
    status, reason, _ = predeploy.env_file(env)
    assert status is Status.FAIL and "lacks TG_LONGPOLL_SEC" in reason
    env.write_text(EXAMPLE.read_text().replace("TG_HTTP_READ_TIMEOUT=40", "TG_HTTP_READ_TIMEOUT=20"))
    assert "TG_HTTP_READ_TIMEOUT=20" in predeploy.env_file(env)[1]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_branch_and_clean_tree(tmp_path: Path) -> None:
    assert predeploy.git_branch(git_facts(tmp_path))[0] is Status.FAIL
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a.txt").write_text("a")
    _git(tmp_path, "add", "a.txt")
    _git(tmp_path, "-c", "user.email=o@x", "-c", "user.name=o", "commit", "-qm", "a")
    status, reason, _ = predeploy.git_branch(git_facts(tmp_path))
    assert status is Status.FAIL and "branch is main" in reason
    _git(tmp_path, "switch", "-q", "-c", "runtime-stable")
    assert predeploy.git_branch(git_facts(tmp_path))[0] is Status.OK
    assert predeploy.git_clean(git_facts(tmp_path))[0] is Status.OK
    (tmp_path / "a.txt").write_text("edited on the VPS")
    status, reason, _ = predeploy.git_clean(git_facts(tmp_path))
    assert status is Status.FAIL and "a.txt" in reason
