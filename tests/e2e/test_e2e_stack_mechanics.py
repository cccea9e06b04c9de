"""The compose topology itself, with stand-in daemons: volume, mounts, ports, policies.

These hold whatever the daemons do; the scenarios with the real daemons live
beside them and use the same harness.
"""

from __future__ import annotations

import json
import time
import urllib.request

from conftest import VOLUME, Stack, run


def mount_line(stack: Stack, service: str, target: str) -> list[str]:
    mountinfo = stack.exec(service, "cat", "/proc/self/mountinfo").stdout
    lines = [line.split() for line in mountinfo.splitlines() if line.split()[4:5] == [target]]
    assert len(lines) == 1, f"{target} in {service}: {lines}"
    return lines[0]


def test_every_service_healthy_and_migrate_done(stand_in_stack: Stack) -> None:
    ps = stand_in_stack.ps()
    assert set(ps) == {"migrate", "api", "worker", "telegram-bot"}
    assert (ps["migrate"]["State"], ps["migrate"]["ExitCode"]) == ("exited", 0)
    for service in ("api", "worker", "telegram-bot"):
        assert (ps[service]["State"], ps[service]["Health"]) == ("running", "healthy"), service


def test_data_is_the_named_volume_in_every_daemon(stand_in_stack: Stack) -> None:
    for service in ("api", "worker", "telegram-bot"):
        fields = mount_line(stand_in_stack, service, "/data")
        root, options = fields[3], fields[5]
        assert root.endswith(f"/volumes/{VOLUME}/_data"), (service, root)
        assert options.startswith("rw"), (service, options)


def test_canon_and_migrations_are_read_only(stand_in_stack: Stack) -> None:
    for target in ("/canon", "/app/migrations"):
        assert mount_line(stand_in_stack, "worker", target)[5].startswith("ro"), target
    denied = stand_in_stack.exec("worker", "touch", "/canon/x", check=False)
    assert denied.returncode != 0 and "Read-only" in denied.stderr


def test_api_published_on_loopback_only(stand_in_stack: Stack) -> None:
    ports = stand_in_stack.inspect("api")["NetworkSettings"]["Ports"]
    assert ports == {"8101/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8101"}]}
    with urllib.request.urlopen("http://127.0.0.1:8101/health", timeout=5) as response:
        assert response.status == 200 and json.load(response)["status"] == "ok"
    for service in ("worker", "telegram-bot"):
        assert not stand_in_stack.inspect(service)["NetworkSettings"]["Ports"].get("8101/tcp")


def test_logs_rotate_and_memory_is_capped(stand_in_stack: Stack) -> None:
    for service in ("api", "worker", "telegram-bot"):
        host = stand_in_stack.inspect(service)["HostConfig"]
        assert host["LogConfig"] == {
            "Type": "json-file",
            "Config": {"max-file": "5", "max-size": "10m"},
        }, service
        assert 0 < host["Memory"] <= 512 * 2**20, service
        assert host["RestartPolicy"]["Name"] == "unless-stopped", service


def test_a_crashed_daemon_is_restarted(stand_in_stack: Stack) -> None:
    # A crash, not `docker kill`: the engine never restarts a container it was told to kill.
    pid = stand_in_stack.inspect("worker")["State"]["Pid"]
    run(["kill", "-9", str(pid)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = stand_in_stack.inspect("worker")["State"]
        if state["Running"] and state["Pid"] != pid:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"worker not restarted: {state}")
    assert stand_in_stack.inspect("worker")["RestartCount"] >= 1


def test_down_then_up_keeps_the_volume(stand_in_stack: Stack) -> None:
    stand_in_stack.exec("worker", "sh", "-c", "echo kept > /data/marker")
    stand_in_stack.compose("down", "--timeout", "5")
    stand_in_stack.up()
    assert stand_in_stack.exec("api", "cat", "/data/marker").stdout.strip() == "kept"
