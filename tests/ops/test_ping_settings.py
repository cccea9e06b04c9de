"""OPS_DAILY_CHECK_AT and OPS_PING_URL: validated at load, the ping URL never shown;
`organizer ops daily-check` by hand pings the dead-man's switch too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from organizer.errors import ConfigError
from organizer.settings import load_settings
from tests.fakes.ping_server import PingServer

SRC = Path(__file__).resolve().parents[2] / "src"
HIDDEN = "https://hc-ping.com/5b1f0c7e-93aa-4d2e-b8f1-0e6c2a9d7f31"


def cli(env: dict[str, str], *args: str, cwd: Path | None = None,
        ) -> subprocess.CompletedProcess[str]:
    env = {**env, "PYTHONPATH": str(SRC)}  # this tree's organizer, whatever is installed
    return subprocess.run([sys.executable, "-m", "organizer", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("value", ["25:00", "9.30", "12:60", "noon", "09:30:00"])
def test_a_bad_daily_check_time_is_one_line_at_load(env: dict[str, str], value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({**env, "OPS_DAILY_CHECK_AT": value}, env_file=None)
    assert str(caught.value).startswith(f"OPS_DAILY_CHECK_AT={value!r} is not a time of day")


def test_a_daily_check_time_is_normalised(env: dict[str, str]) -> None:
    assert load_settings({**env, "OPS_DAILY_CHECK_AT": "7:05"},
                         env_file=None).ops_daily_check_at == "07:05"
    assert load_settings(env, env_file=None).ops_daily_check_at is None


def test_the_ping_url_is_a_secret(env: dict[str, str]) -> None:
    bad = cli({**env, "OPS_PING_URL": "hc-ping.com/5b1f0c7e-93aa"}, "config", "show")
    assert bad.returncode == 2
    assert bad.stderr == ("Error: OPS_PING_URL is not an http(s) URL; set it like "
                          "https://hc-ping.com/<uuid> or unset it\n")
    assert "5b1f0c7e" not in bad.stderr
    shown = cli({**env, "OPS_PING_URL": HIDDEN}, "config", "show", "--json")
    assert shown.returncode == 0, shown.stderr
    rows = {r["key"]: r for r in json.loads(shown.stdout)}
    assert rows["OPS_PING_URL"]["value"] == "(secret, set)"
    assert "5b1f0c7e" not in shown.stdout + shown.stderr
    assert "5b1f0c7e" not in repr(load_settings({**env, "OPS_PING_URL": HIDDEN}, env_file=None))


def test_a_daily_check_by_hand_pings_start_then_fail(env: dict[str, str], tmp_path: Path) -> None:
    assert cli(env, "migrate").returncode == 0
    with PingServer() as pings:
        run = cli({**env, "OPS_PING_URL": pings.ping_url, "ORGANIZER_RUNTIME": "local",
                   "API_PORT": "9"}, "ops", "daily-check", "--no-backup", cwd=tmp_path)
        # nothing runs here: the check fails, and the switch hears it
        assert run.returncode == 1, run.stderr
        start, done = pings.wait_pings(2, timeout=10)
    assert start[:2] == ("GET", "/ping/0f3c9d2e-7a41-4b1e-9c55-2d8e6f1a0b77/start")
    assert done[:2] == ("POST", "/ping/0f3c9d2e-7a41-4b1e-9c55-2d8e6f1a0b77/fail")
    assert done[2].decode().startswith("organizer Day ? — ")
    assert "FAIL API health" in done[2].decode()
    assert "0f3c9d2e" not in run.stdout + run.stderr


def test_a_dead_monitor_is_one_warning_and_the_check_still_decides(env: dict[str, str],
                                                                   tmp_path: Path) -> None:
    assert cli(env, "migrate").returncode == 0
    with PingServer(status=503) as pings:
        run = cli({**env, "OPS_PING_URL": pings.ping_url, "ORGANIZER_RUNTIME": "local",
                   "API_PORT": "9"}, "ops", "daily-check", "--no-backup", "--json",
                  cwd=tmp_path)
        assert len(pings.wait_pings(2, timeout=10)) == 2
    assert run.returncode == 1  # the check's own FAIL, not the ping's
    assert json.loads(run.stdout)["status"] == "FAIL"
    warned = [line for line in run.stderr.splitlines() if "ping failed" in line]
    assert warned == ["OPS_PING_URL start ping failed (HTTP 503); the daily check goes on"]
    assert "0f3c9d2e" not in run.stderr


def test_a_hung_monitor_costs_the_timeout_and_one_warning(caplog: pytest.LogCaptureFixture,
                                                          ) -> None:
    import socket

    from organizer.ops.model import Status
    from organizer.ops.ping import TIMEOUT_S, Pinger

    assert TIMEOUT_S <= 5
    with socket.socket() as hung:  # accepts connections (the backlog) and never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        pinger = Pinger(f"http://127.0.0.1:{hung.getsockname()[1]}/ping/x", timeout=0.3)
        pinger.start()
        pinger.finish(Status.OK, "summary")
    assert pinger.failed == "start: ReadTimeout"
    assert [r.getMessage() for r in caplog.records] == [
        "OPS_PING_URL start ping failed (ReadTimeout); the daily check goes on"]
