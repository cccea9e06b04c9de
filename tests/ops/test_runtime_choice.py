"""`--runtime auto|compose|local`: what each ops command acts on, said in its first line.

docker is either absent from PATH or the `docker` of tests/fakes/docker_cli.py,
which replays the real CLI's output for a project with containers, an empty
project, a missing Compose plugin and a stopped engine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from organizer.cli.main import app
from organizer.ops.choose import choose, probe_stack
from organizer.ops.compose import NO_PLUGIN, explain
from tests.fakes import docker_cli

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "docker"
PROJECT = "organizer-tests"  # tests/conftest.py's env


@pytest.fixture
def docker_log(tmp_path: Path) -> Path:
    return tmp_path / "docker-calls.jsonl"


@pytest.fixture
def with_env(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("ORGANIZER_RUNTIME", raising=False)
    monkeypatch.delenv("ORGANIZER_JOURNAL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fake_docker(scenario: str, tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    docker_cli.install(bin_dir, scenario, log)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_auto_is_compose_when_the_project_has_containers(
        with_env: Path, docker_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_docker("stack", with_env, docker_log, monkeypatch)
    code, out, err = invoke("ops", "journal", "--json")
    assert code == 0
    assert err.splitlines()[0] == \
        f"runtime: compose (auto: 3 containers of compose project {PROJECT})"
    assert json.loads(out)["records"] == []  # --json stays one JSON document
    assert calls(docker_log)[0] == ["ps", "-a", "-q", "--filter",
                                    f"label=com.docker.compose.project={PROJECT}"]


def test_auto_is_local_when_the_project_has_no_containers(
        with_env: Path, docker_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_docker("empty", with_env, docker_log, monkeypatch)
    code, _, err = invoke("backup", "list")
    assert code == 0
    assert err.splitlines()[0] == \
        f"runtime: local (auto: no containers of compose project {PROJECT})"
    assert [c[0] for c in calls(docker_log)] == ["ps"]  # nothing else is asked of docker


def test_auto_is_local_when_the_engine_is_down(
        with_env: Path, docker_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_docker("engine-down", with_env, docker_log, monkeypatch)
    code, _, err = invoke("ops", "journal")
    assert code == 0
    assert err.splitlines()[0] == (
        f"runtime: local (auto: no containers of compose project {PROJECT}; docker engine not "
        "reachable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
        "Is the docker daemon running?)")


def test_explicit_runtime_is_named_with_where_it_came_from(
        with_env: Path, docker_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_docker("stack", with_env, docker_log, monkeypatch)
    assert invoke("ops", "journal", "--runtime", "local")[2].splitlines()[0] == \
        "runtime: local (--runtime local)"
    monkeypatch.setenv("ORGANIZER_RUNTIME", "local")
    assert invoke("ops", "journal")[2].splitlines()[0] == \
        "runtime: local (ORGANIZER_RUNTIME=local)"
    assert calls(docker_log) == []  # an explicit local never asks docker


def test_an_unknown_runtime_is_one_line_exit_2(with_env: Path) -> None:
    code, out, err = invoke("ops", "daily-check", "--runtime", "kubernetes")
    assert code == 2 and out == ""
    assert err == "Error: --runtime 'kubernetes' is not auto, compose or local; pick one\n"


@pytest.mark.parametrize("command", [("ops", "daily-check"), ("backup", "create"),
                                     ("ops", "baseline"), ("ops", "migrate")])
def test_missing_compose_plugin_is_one_line_with_the_fix(
        command: tuple[str, ...], with_env: Path, docker_log: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake_docker("no-plugin", with_env, docker_log, monkeypatch)
    code, out, err = invoke(*command, "--runtime", "compose")
    assert code == 2 and out == ""
    assert err.splitlines() == ["runtime: compose (--runtime compose)", f"Error: {NO_PLUGIN}"]
    assert "sh ops/install-docker.sh" in err and "docker --help" not in err
    assert not (with_env / "ops").exists()  # no journal record of a check that never ran


def test_auto_with_a_stack_but_no_plugin_says_the_same(
        with_env: Path, docker_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_docker("no-plugin", with_env, docker_log, monkeypatch)
    code, _, err = invoke("backup", "list")
    assert code == 2
    assert err.splitlines()[-1] == f"Error: {NO_PLUGIN}"


def test_compose_without_docker_names_the_install_script(env: dict[str, str],
                                                         tmp_path: Path) -> None:
    run_env = {**env, "PATH": docker_cli.path_without_docker(tmp_path),
               "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "organizer", "ops", "daily-check", "--runtime",
                           "compose"], env=run_env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == "runtime: compose (--runtime compose)"
    assert lines[1:] == ["Error: docker is not installed on this host: the compose runtime needs "
                         "the engine and the Compose v2 plugin; install them with "
                         "`sh ops/install-docker.sh` (as root)"]


def test_auto_without_docker_is_local(env: dict[str, str], tmp_path: Path) -> None:
    run_env = {**env, "PATH": docker_cli.path_without_docker(tmp_path),
               "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "organizer", "backup", "list", "--json"],
                          env=run_env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (f"runtime: local (auto: no containers of compose "
                                           f"project {PROJECT}; docker is not installed)")
    assert json.loads(done.stdout) == []


def test_one_journal_whatever_the_runtime(with_env: Path, docker_log: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    fake_docker("stack", with_env, docker_log, monkeypatch)
    assert invoke("ops", "incident", "--symptom", "seen from compose")[0] == 0
    assert invoke("ops", "incident", "--symptom", "seen locally", "--runtime", "local")[0] == 0
    code, out, _ = invoke("ops", "journal", "--json", "--runtime", "local")
    shown = json.loads(out)
    assert shown["journal"] == str(with_env / "ops" / "journal" / "journal.jsonl")
    assert [r["symptom"] for r in shown["records"]] == ["seen from compose", "seen locally"]


def test_ops_journal_on_the_host_shows_the_scheduled_checks_kept_on_the_volume(
        with_env: Path, docker_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from organizer.ops import journal

    fake_docker("stack", with_env, docker_log, monkeypatch)
    volume = with_env / "volume"  # what the stack's containers see as /data
    monkeypatch.setenv("FAKE_DOCKER_DATA", str(volume))
    host = with_env / "ops" / "journal" / "journal.jsonl"
    journal.append(host, "baseline", {"git_sha": "abc", "services": ["api"]},
                   at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    journal.append(volume / "ops" / "journal.jsonl", "day", {
        "date": "2026-03-02", "n": None, "runtime": "local", "status": "WARN",
        "scheduled_for": "2026-03-02", "by": "worker", "notes": "",
        "checks": [{"name": "health", "label": "API health", "status": "OK", "reason": "ok"}]},
        at=datetime(2026, 3, 2, 6, 30, tzinfo=UTC))
    code, out, err = invoke("ops", "journal")
    assert code == 0, err
    assert "- Date (UTC): 2026-03-01T09:00:00Z" in out
    assert "### Day 2 — 2026-03-02\n- API health: OK\n- Checked at: 2026-03-02T06:30:00Z, " \
           "overall WARN" in out
    execs = [c for c in calls(docker_log) if "exec" in c]
    assert [c[c.index("exec"):] for c in execs] == [[
        "exec", "-T", "worker", "organizer", "ops", "journal", "--journal",
        "/data/ops/journal.jsonl", "--runtime", "local", "--json"]]


def test_parsers_of_docker_failures() -> None:
    assert explain((FIX / "no_plugin_compose_ps.txt").read_text()) == NO_PLUGIN
    assert explain((FIX / "no_plugin_compose_version.txt").read_text()) == NO_PLUGIN
    down = explain((FIX / "engine_down.txt").read_text())
    assert down is not None and down.startswith("the Docker engine is not running (Cannot connect")
    assert "sh ops/install-docker.sh" in down
    assert explain("Error response from daemon: No such container: x") is None


def test_probe_never_raises_and_choice_says_why(tmp_path: Path, docker_log: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", docker_cli.path_without_docker(tmp_path))
    assert probe_stack("deploy").why == "no containers of compose project deploy; " \
                                        "docker is not installed"
    assert choose("AUTO", "--runtime", "deploy").name == "local"
    assert choose("compose", "ORGANIZER_RUNTIME", "deploy").line() == \
        "runtime: compose (ORGANIZER_RUNTIME=compose)"
