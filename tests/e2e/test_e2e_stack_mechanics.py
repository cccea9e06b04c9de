"""The compose topology with the real daemons: health, volume, mounts, ports, policies.

The scenarios (test_e2e_stack_scenarios.py) run on the same stack after these.
"""

from __future__ import annotations

import json
import urllib.request

from conftest import VOLUME, Stack


def mount_line(stack: Stack, service: str, target: str) -> list[str]:
    mountinfo = stack.exec(service, "cat", "/proc/self/mountinfo").stdout
    lines = [line.split() for line in mountinfo.splitlines() if line.split()[4:5] == [target]]
    assert len(lines) == 1, f"{target} in {service}: {lines}"
    return lines[0]


def test_every_service_healthy_and_migrate_done(stack: Stack) -> None:
    ps = stack.ps()
    assert set(ps) == {"migrate", "api", "worker", "telegram-bot", "telegram-api"}
    assert (ps["migrate"]["State"], ps["migrate"]["ExitCode"]) == ("exited", 0)
    for service in ("api", "worker", "telegram-bot"):
        assert (ps[service]["State"], ps[service]["Health"]) == ("running", "healthy"), service


def test_data_is_the_named_volume_in_every_daemon(stack: Stack) -> None:
    for service in ("api", "worker", "telegram-bot"):
        fields = mount_line(stack, service, "/data")
        root, options = fields[3], fields[5]
        assert root.endswith(f"/volumes/{VOLUME}/_data"), (service, root)
        assert options.startswith("rw"), (service, options)


def test_canon_and_migrations_are_read_only(stack: Stack) -> None:
    for target in ("/canon", "/app/migrations"):
        assert mount_line(stack, "worker", target)[5].startswith("ro"), target
    denied = stack.exec("worker", "touch", "/canon/x", check=False)
    assert denied.returncode != 0 and "Read-only" in denied.stderr


def test_api_published_on_loopback_only(stack: Stack) -> None:
    ports = stack.inspect("api")["NetworkSettings"]["Ports"]
    assert ports == {"8101/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8101"}]}
    with urllib.request.urlopen("http://127.0.0.1:8101/health", timeout=5) as response:
        body = json.load(response)
    assert response.status == 200 and body["status"] == "ok", body
    for service in ("worker", "telegram-bot"):
        assert not stack.inspect(service)["NetworkSettings"]["Ports"].get("8101/tcp")


def test_logs_rotate_and_memory_is_capped(stack: Stack) -> None:
    for service in ("api", "worker", "telegram-bot"):
        host = stack.inspect(service)["HostConfig"]
        assert host["LogConfig"] == {
            "Type": "json-file",
            "Config": {"max-file": "5", "max-size": "10m"},
        }, service
        assert 0 < host["Memory"] <= 512 * 2**20, service
        assert host["RestartPolicy"]["Name"] == "unless-stopped", service


def test_worker_and_bot_health_is_their_heartbeat(stack: Stack) -> None:
    for service, daemon in (("worker", "worker"), ("telegram-bot", "bot")):
        test = stack.inspect(service)["Config"]["Healthcheck"]["Test"]
        assert test[1:5] == ["organizer", "ops", "heartbeat", daemon], test
        said = stack.exec(service, *test[1:]).stdout
        assert said.startswith(f"{daemon}: ok, "), said
