"""The compose adapter's parsers against real docker output (tests/fixtures/docker)."""

from __future__ import annotations

import json
from pathlib import Path

from organizer.ops.compose import (
    ComposeTarget,
    judge_services,
    masked_config,
    parse_inspect,
    parse_ps,
)
from organizer.ops.model import Status
from organizer.ops.runtime import sha256_json

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "docker"


def fixture(name: str) -> str:
    return (FIX / name).read_text()


def inspected(*names: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for name in names:
        found.update(parse_inspect(fixture(name)))
    return found


def test_ps_lines_and_array_forms_parse_alike() -> None:
    lines = parse_ps(fixture("compose_ps.json"))
    as_array = parse_ps(json.dumps(lines))
    assert [r["Service"] for r in lines] == [r["Service"] for r in as_array]
    assert {r["Service"] for r in lines} == {"api", "worker", "telegram-bot"}
    assert parse_ps("") == []


def test_inspect_keys_containers_by_compose_service() -> None:
    found = inspected("inspect_api.json", "inspect_worker.json", "inspect_migrate_exited.json")
    assert set(found) == {"api", "worker", "migrate"}
    assert found["worker"]["RestartCount"] == 0


def test_all_healthy_stack_is_ok() -> None:
    states = judge_services(parse_ps(fixture("compose_ps_all.json")),
                            inspected("inspect_api.json", "inspect_worker.json"))
    assert [(s.service, s.status) for s in states] == [
        ("api", Status.OK), ("worker", Status.OK), ("telegram-bot", Status.OK)]
    assert "healthy" in states[0].summary()


def test_killed_worker_fails_naming_it() -> None:
    states = judge_services(parse_ps(fixture("compose_ps_worker_killed.json")), {})
    bad = [s for s in states if s.status is Status.FAIL]
    assert [s.service for s in bad] == ["worker"]
    assert "137" in bad[0].detail


def test_restarting_worker_is_not_ok() -> None:
    states = judge_services(parse_ps(fixture("compose_ps_worker_restarting.json")), {})
    worker = next(s for s in states if s.service == "worker")
    assert worker.status is Status.FAIL
    assert worker.state == "restarting"


def test_restart_count_warns() -> None:
    container = parse_inspect(fixture("inspect_worker.json"))
    container["worker"]["RestartCount"] = 3
    states = judge_services(parse_ps(fixture("compose_ps.json")), container)
    worker = next(s for s in states if s.service == "worker")
    assert worker.status is Status.WARN and "3 times" in worker.detail


def test_starting_again_after_restarts_is_a_crash_loop() -> None:
    rows = parse_ps(fixture("compose_ps.json"))
    for row in rows:
        row["Health"], row["Status"] = "starting", "Up 1 second (health: starting)"
    container = parse_inspect(fixture("inspect_worker.json"))
    container["worker"]["RestartCount"] = 2
    states = {s.service: s for s in judge_services(rows, container)}
    assert states["worker"].status is Status.FAIL
    assert "crash loop" in states["worker"].detail and "2 times" in states["worker"].detail
    assert states["api"].status is Status.WARN  # first start: still starting, no restarts


def test_missing_service_fails() -> None:
    rows = [r for r in parse_ps(fixture("compose_ps.json")) if r["Service"] != "telegram-bot"]
    states = judge_services(rows, {})
    assert next(s for s in states if s.daemon == "bot").status is Status.FAIL


def test_config_hash_masks_secrets_but_sees_other_changes() -> None:
    config = json.loads(fixture("compose_config.json"))
    with_token = json.loads(fixture("compose_config.json"))
    for service in with_token["services"].values():
        service["environment"]["TELEGRAM_BOT_TOKEN"] = "123456:SECRETSECRETSECRETSECRET"
    masked = masked_config(with_token)
    assert "SECRETSECRET" not in json.dumps(masked)
    other = json.loads(fixture("compose_config.json"))
    other["services"]["api"]["environment"]["TG_LONGPOLL_SEC"] = "25"
    assert sha256_json(masked_config(config)) != sha256_json(masked_config(other))


def test_compose_command_is_the_journal_one(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / ".env.prod").write_text("X=1\n")
    target = ComposeTarget(project_dir=tmp_path)
    target.env_file = target.default_env_file()
    assert target.command("ps") == [
        "docker", "compose", "-p", "deploy", "-f", "deploy/docker-compose.yml",
        "-f", "deploy/docker-compose.vps.override.yml", "--env-file", "deploy/.env.prod", "ps"]


def test_the_kept_config_masks_a_password_inside_a_url() -> None:
    config = json.loads(fixture("compose_config.json"))
    for service in config["services"].values():
        service["environment"]["ASR_SERVICE_URL"] = "http://voice:S3cretPassw0rd@asr:9000/"
    masked = masked_config(config)
    assert "S3cretPassw0rd" not in json.dumps(masked)
    assert masked["services"]["api"]["environment"]["ASR_SERVICE_URL"] == "http://voice:***@asr:9000/"
