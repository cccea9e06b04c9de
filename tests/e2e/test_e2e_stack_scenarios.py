"""The prod-v0 journal on a real engine: checks, a message, a crash, the incidents, backups.

In file order on the one stack of the session; each scenario leaves the stack
healthy again for the next. The operator's commands run on the host
(`organizer ops ...`, `organizer backup ...` with the compose runtime, the
prod compose files only); task commands run in a container with
`docker compose exec -T`, as on the VPS.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest

from conftest import (
    E2E_LAYER,
    IMAGE,
    INCIDENT_LAYER,
    NO_CANON_LAYER,
    PROJECT,
    USER_ID,
    Stack,
    run,
    wait_for,
)

DAEMONS = ("api", "worker", "telegram-bot")
HEALTH_URL = "http://127.0.0.1:8101/health"


def checks_of(stdout: str) -> dict[str, dict[str, Any]]:
    """`ops daily-check --json` -> check name -> its result."""
    return {c["name"]: c for c in json.loads(stdout)["checks"]}


def daily_check(stack: Stack, *extra: str) -> tuple[int, dict[str, dict[str, Any]]]:
    result = stack.organizer("ops", "daily-check", "--json", *extra, check=False, timeout=300)
    assert result.stdout.strip(), result.stderr
    return result.returncode, checks_of(result.stdout)


def tasks(stack: Stack, *extra: str) -> list[dict[str, Any]]:
    out = stack.exec("api", "organizer", "task", "list", "--json", *extra).stdout
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def control(stack: Stack, path: str, body: dict[str, Any] | None = None) -> Any:
    """The fake Bot API server's /_test API through its published port."""
    url = f"http://{stack.published('telegram-api', 8081)}/_test/{path}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def health() -> tuple[int | None, str]:
    try:
        with urllib.request.urlopen(HEALTH_URL, timeout=3) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError as exc:
        return None, str(exc)


def all_healthy(stack: Stack) -> bool:
    ps = stack.ps()
    return all(ps.get(s, {}).get("Health") == "healthy" for s in DAEMONS)


def test_daily_check_on_a_fresh_stack_is_all_ok(stack: Stack) -> None:
    stack.organizer("ops", "baseline", "--json")  # drift is measured against it
    code, checks = daily_check(stack)
    bad = {name: (c["status"], c["reason"]) for name, c in checks.items() if c["status"] != "OK"}
    assert not bad and code == 0, bad
    assert {"services", "health", "worker_logs", "bot_logs", "backup", "volume", "drift",
            "disk", "quick_check"} <= set(checks)


def test_a_telegram_message_creates_a_task(stack: Stack) -> None:
    control(stack, "updates", {"kind": "text", "user_id": USER_ID,
                               "text": "завтра в 10 позвонить маме"})
    sent = wait_for("the bot's answer", lambda: [
        m for m in control(stack, "sent") if m.get("chat", {}).get("id") == USER_ID], timeout=60)
    created = wait_for("the task in `task list`", lambda: [
        t for t in tasks(stack) if "позвонить маме" in t["title"]], timeout=30)
    assert len(created) == 1, created
    task = created[0]
    assert (task["status"], task["due_time"]) == ("open", "10:00"), task
    assert task["due_at"] and task["owner"], task
    assert sent[0]["text"], sent


def test_a_crashed_worker_fails_the_daily_check_then_the_restart_policy_brings_it_back(
    stack: Stack,
) -> None:
    # A crash, not `docker kill` (which the engine never restarts): SIGKILL to the
    # container's init from the host, again at each restart — a crash loop, the
    # engine's restart delay doubling — until the daily check has seen it.
    container = stack.container("worker")
    before = stack.inspect("worker")["RestartCount"]
    stop, kills = threading.Event(), []

    def crash_loop() -> None:
        while not stop.is_set():
            state = json.loads(run(["docker", "inspect", "-f", "{{json .State}}", container],
                                   check=False).stdout or "{}")
            if state.get("Running") and state.get("Pid") and state["Pid"] not in kills:
                try:
                    os.kill(state["Pid"], signal.SIGKILL)
                    kills.append(state["Pid"])
                except ProcessLookupError:
                    pass
            stop.wait(0.05)

    killer = threading.Thread(target=crash_loop, daemon=True)
    killer.start()
    try:
        wait_for("4 crashes", lambda: len(kills) >= 4, timeout=60, every=0.2)

        def fails_naming_worker() -> tuple[int, dict[str, Any]] | None:
            code, checks = daily_check(stack, "--no-backup")
            services = checks["services"]
            if code == 1 and services["status"] == "FAIL" and "worker" in services["reason"]:
                return code, services
            return None

        _, services = wait_for("daily-check FAIL naming the worker", fails_naming_worker,
                               timeout=120, every=0)
    finally:
        stop.set()
        killer.join(timeout=10)
    assert "api" not in services["reason"] and "telegram-bot" not in services["reason"], services
    # No compose command from here on: only the restart policy can bring it back.
    wait_for("the worker running and healthy again", lambda: (
        stack.inspect("worker")["State"].get("Health", {}).get("Status") == "healthy"
        and stack.inspect("worker")["State"]["Pid"] not in kills), timeout=150, every=1)
    assert stack.inspect("worker")["RestartCount"] >= before + len(kills)
    assert stack.container("worker") == container  # the same container, restarted
    code, checks = daily_check(stack, "--no-backup")
    assert checks["services"]["status"] == "WARN" and "restarted" in checks["services"]["reason"]
    assert checks["health"]["status"] == "OK", checks["health"]


def verify_volume(stack: Stack) -> dict[str, dict[str, Any]]:
    """`ops verify-volume --json` by check name, without the test-only Bot API container.

    verify-volume judges every container of the project; the fake Bot API
    server has no /data (it is no part of prod), so its verdict is set aside.
    """
    out = stack.organizer("ops", "verify-volume", "--json", check=False).stdout
    verdicts = {r["name"]: r for r in json.loads(out)}
    fake = verdicts.pop("volume:telegram-api")
    assert fake["status"] == "FAIL" and "own layer" in fake["reason"], fake
    return verdicts


def test_migrate_on_a_second_volume_is_refused_and_verify_volume_names_both(
    stack: Stack,
) -> None:
    before = verify_volume(stack)
    assert all(v["status"] == "OK" for v in before.values()), before
    assert {f"volume:{s}" for s in (*DAEMONS, "migrate")} <= set(before)
    # The 2026-02-22 incident: migrate against deploy_runtime_data, the runtime on deploy_db_data.
    refused = stack.compose("up", "--no-deps", "--exit-code-from", "migrate", "migrate",
                            layers=(E2E_LAYER, INCIDENT_LAYER), check=False, timeout=120)
    said = refused.stdout + refused.stderr
    assert refused.returncode == 2, said
    assert "deploy_runtime_data" in said and "EXPECTED_DB_VOLUME is deploy_db_data" in said, said
    listing = run(["docker", "run", "--rm", "-v", f"{PROJECT}_runtime_data:/v", "--entrypoint",
                   "ls", IMAGE, "-A", "/v"]).stdout
    assert listing.strip() == "", f"the refused migrate wrote into the second volume: {listing}"

    verdicts = verify_volume(stack)
    assert verdicts["volume:migrate"]["status"] == "FAIL", verdicts
    assert "deploy_runtime_data" in verdicts["volume:migrate"]["reason"]
    split = verdicts["split"]["reason"]
    assert "deploy_runtime_data" in split and "deploy_db_data" in split, split
    for service in DAEMONS:
        assert verdicts[f"volume:{service}"]["status"] == "OK", verdicts[f"volume:{service}"]

    stack.up()  # migrate back on db_data
    run(["docker", "volume", "rm", f"{PROJECT}_runtime_data"])
    after = verify_volume(stack)
    assert all(v["status"] == "OK" for v in after.values()), after


def test_without_the_canon_mount_the_daemons_refuse_to_start_and_health_fails(
    stack: Stack,
) -> None:
    layers = (E2E_LAYER, NO_CANON_LAYER)
    for service in DAEMONS:
        refused = stack.compose("run", "--rm", "--no-deps", "-T", service, layers=layers,
                                check=False, timeout=120)
        lines = [line for line in (refused.stdout + refused.stderr).splitlines()
                 if "intents_v2.yml" in line]
        assert refused.returncode == 2, (service, refused.stdout, refused.stderr)
        assert len(lines) == 1 and "/canon/intents_v2.yml" in lines[0], (service, lines)

    stack.compose("up", "-d", "--no-deps", *DAEMONS, layers=layers)
    try:
        wait_for("/health unreachable", lambda: health()[0] is None, timeout=60)
        for service in DAEMONS:
            wait_for(f"{service} refusing in its log", lambda s=service: "/canon/intents_v2.yml"
                     in stack.compose("logs", "--no-log-prefix", s, check=False).stdout,
                     timeout=60)
            # The restart policy has brought it back (and it has refused) more than once.
            wait_for(f"{service} restarted twice", lambda s=service: int(
                stack.inspect(s).get("RestartCount") or 0) >= 2, timeout=60)
        code, checks = daily_check(stack, "--no-backup")
        assert code == 1 and checks["health"]["status"] == "FAIL", checks["health"]
        assert checks["services"]["status"] == "FAIL", checks["services"]
    finally:
        stack.up()  # the mount back: recreated, healthy
    status, body = health()
    assert status == 200 and json.loads(body)["checks"]["canon"]["status"] == "ok", body


def test_a_bot_that_cannot_receive_turns_health_503_then_recovers_with_no_restart(
    stack: Stack,
) -> None:
    # Telegram's edge answering nginx 502 pages and empty 504s to every getUpdates: the bot
    # can still send, but hears nothing. Past TG_RECEIVE_STALE_SEC (20 s here) that is a failure.
    restarts = stack.inspect("telegram-bot")["RestartCount"]
    control(stack, "faults", {"kind": "outage", "seconds": 45,
                              "kinds": ["html502", "empty504"], "method": "getUpdates"})

    def failing() -> dict[str, Any] | None:
        code, body = health()
        if code != 503:
            return None
        check: dict[str, Any] = json.loads(body)["checks"]["bot"]
        return check if check["status"] == "fail" else None

    check = wait_for("/health 503 naming the bot", failing, timeout=60)
    assert check["reason"].startswith("getUpdates failing for "), check
    assert "502 Bad Gateway" in check["reason"] or "504 with an empty answer" in check["reason"]
    wait_for("/health 200 again", lambda: health()[0] == 200, timeout=90)
    control(stack, "updates", {"kind": "text", "user_id": USER_ID,
                               "text": "после сбоя купить хлеб"})
    wait_for("the bot's answer after the outage", lambda: [
        m for m in control(stack, "sent") if "купить хлеб" in m.get("text", "")], timeout=60)
    state = stack.inspect("telegram-bot")
    assert state["RestartCount"] == restarts and state["State"]["Running"], state["State"]


def test_backup_create_and_restore_inside_the_volume(stack: Stack) -> None:
    kept = tasks(stack, "--all")
    made = json.loads(stack.organizer("backup", "create", "--json").stdout)["record"]
    stack.exec("api", "organizer", "task", "add", "купить хлеб послезавтра")
    assert any("купить хлеб" in t["title"] for t in tasks(stack))
    listed = stack.exec("worker", "ls", "/data/backups").stdout.split()
    assert made["file"] in listed, listed

    restored = json.loads(stack.organizer("backup", "restore", made["file"], "--json",
                                          timeout=600).stdout)
    assert restored["safety_backup"], restored
    stack.up()  # a no-op when the writers are back; waits until they are healthy
    after = tasks(stack, "--all")
    assert [t["id"] for t in after] == [t["id"] for t in kept], after
    assert wait_for("all healthy after the restore", lambda: all_healthy(stack), timeout=60)


def test_down_then_up_keeps_every_task(stack: Stack) -> None:
    stack.exec("api", "organizer", "task", "add", "оплатить интернет в пятницу")
    before = tasks(stack, "--all")
    assert len(before) >= 2, before
    stack.compose("down", "--timeout", "10")
    assert not stack.ps()
    stack.up()
    assert tasks(stack, "--all") == before


@pytest.mark.parametrize("kind", ["container", "network", "volume"])
def test_cleanup_leaves_nothing_of_the_project(stack: Stack, kind: str) -> None:
    stack.down()
    label = f"label=com.docker.compose.project={PROJECT}"
    listing = {"container": ["docker", "ps", "-aq", "--filter", label],
               "network": ["docker", "network", "ls", "-q", "--filter", label],
               "volume": ["docker", "volume", "ls", "-q", "--filter", label]}[kind]
    assert run(listing).stdout.strip() == ""
