"""`organizer api` as a process: real HTTP, a graceful SIGTERM, a taken port."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.api.support import free_port


def start_api(env: dict[str, str], port: int, **extra: str) -> subprocess.Popen[str]:
    """`organizer api` in a subprocess on `port`, once it listens (or has exited)."""
    proc = subprocess.Popen([sys.executable, "-m", "organizer", "api"],
                            env={**env, "API_PORT": str(port), **extra},
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            assert time.monotonic() < deadline, "organizer api did not start listening"
            time.sleep(0.05)
    return proc


@pytest.fixture
def api_process(env: dict[str, str],
                db: sqlite3.Connection) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    proc = start_api(env, port)
    yield proc, port
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    assert proc.stderr is not None
    proc.stderr.close()


@pytest.mark.slow
def test_serves_then_stops_on_sigterm_within_5_s(
        api_process: tuple[subprocess.Popen[str], int]) -> None:
    proc, port = api_process
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)  # kept alive across requests
    conn.request("GET", "/health")
    response = conn.getresponse()
    body = json.loads(response.read())
    assert response.status == 200
    assert body["status"] == "degraded"  # no worker runs beside it, and health says so
    assert body["checks"]["worker"]["status"] == "degraded"
    assert body["checks"]["bot"]["state"] == "off"
    conn.request("GET", "/metrics")
    assert b"organizer_schema_version" in conn.getresponse().read()
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)  # with the keep-alive connection still open
    assert proc.wait(timeout=5) == 0
    assert time.monotonic() - started < 5
    conn.close()
    assert proc.stderr is not None
    log = proc.stderr.read()
    assert f"api listening on http://127.0.0.1:{port}" in log
    assert "api stopped" in log


@pytest.mark.slow
def test_taken_port_is_one_clear_line(api_process: tuple[subprocess.Popen[str], int],
                                      env: dict[str, str]) -> None:
    _, port = api_process
    second = subprocess.run([sys.executable, "-m", "organizer", "api"],
                            env={**env, "API_PORT": str(port)}, capture_output=True, text=True,
                            timeout=60)
    assert second.returncode == 2
    assert second.stderr.strip().splitlines()[-1] == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; stop what holds "
        "the port or set API_PORT / API_HOST")


@pytest.mark.slow
def test_an_api_bound_to_every_interface_says_so_once_at_start(env: dict[str, str],
                                                      db: sqlite3.Connection) -> None:
    from pathlib import Path

    proc = start_api(env, free_port(), API_HOST="0.0.0.0")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert proc.stderr is not None
    log = proc.stderr.read()
    proc.stderr.close()
    said = [line for line in log.splitlines() if "API_HOST=0.0.0.0" in line]
    assert len(said) == 1
    from organizer.store.volume import inside_container

    if inside_container(Path(env["DB_PATH"])):  # in a container compose decides exposure
        assert " INFO api API_HOST=0.0.0.0 inside a container" in said[0]
    else:
        assert " WARNING api API_HOST=0.0.0.0 exposes the api" in said[0]
        assert "every network interface" in said[0] and "API_HOST=127.0.0.1" in said[0]


def test_the_api_start_line_about_its_host() -> None:
    import logging

    from organizer.config_safety import api_exposure_line

    assert api_exposure_line("127.0.0.1", in_container=False) is None
    assert api_exposure_line("::1", in_container=True) is None
    level, line = api_exposure_line("0.0.0.0", in_container=False)  # type: ignore[misc]
    assert level == logging.WARNING and line.startswith("API_HOST=0.0.0.0 exposes the api")
    level, line = api_exposure_line("0.0.0.0", in_container=True)  # type: ignore[misc]
    assert level == logging.INFO and "compose publishes the port" in line
