"""`organizer migrate` / `ops migrate` never make a second database beside a compose stack.

The stack is what docker says (tests/fakes/docker_cli.py replays the real
CLI's output); "inside a container" is read from mountinfo as captured in one
(tests/fixtures/mountinfo_*.txt).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from organizer.cli.main import app
from organizer.store.volume import inside_container
from tests.fakes import docker_cli

FIX = Path(__file__).resolve().parents[1] / "fixtures"
HOST_MOUNTINFO = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"


@pytest.fixture
def host(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A host shell in tmp_path, DB_PATH under it, no database yet."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("ORGANIZER_RUNTIME", raising=False)
    monkeypatch.chdir(tmp_path)
    return Path(env["DB_PATH"])


def with_docker(scenario: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "docker-calls.jsonl"
    docker_cli.install(tmp_path / "bin", scenario, log)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return log


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_no_new_host_database_beside_a_stack(host: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    with_docker("stack", tmp_path, monkeypatch)
    for args in (["migrate"], ["migrate", "--dry-run"], ["ops", "migrate", "--runtime", "local"]):
        code, out, err = invoke(*args)
        assert code == 2, args
        refusal = err.splitlines()[-1]
        assert refusal == (
            f"Error: no database at {host} on this host, but 3 containers of compose project "
            "organizer-tests exist here: the stack's database is on its volume — run "
            "`organizer ops migrate` (it runs inside the stack), or pass --create-here if you "
            "really mean a new database on this host")
        assert not host.exists() and not host.parent.exists()


def test_create_here_makes_it_loudly_and_then_it_is_migrated_as_any(
        host: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_docker("stack", tmp_path, monkeypatch)
    code, out, _ = invoke("migrate", "--create-here")
    assert code == 0
    assert out.splitlines()[0] == f"CREATING a new database at {host} (no file was there)"
    code, out, _ = invoke("migrate")  # an existing host database is this host's own business
    assert code == 0 and out.startswith("up to date at ")


def test_create_here_still_keeps_to_the_expected_volume(
        host: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_docker("stack", tmp_path, monkeypatch)
    monkeypatch.setenv("EXPECTED_DB_VOLUME", "deploy_db_data")
    code, out, err = invoke("migrate", "--create-here")
    assert code == 2 and out == ""
    assert err.startswith(f"Error: DB_PATH {host} is on ") and "deploy_db_data" in err
    assert len(err.splitlines()) == 1 and not host.exists()


def test_without_a_stack_a_new_database_is_created_loudly(
        host: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_docker("empty", tmp_path, monkeypatch)
    code, out, err = invoke("migrate", "--json")
    assert code == 0
    assert err.splitlines()[0] == f"CREATING a new database at {host} (no file was there)"
    assert json.loads(out)["created"] is True


def test_ops_migrate_with_a_stack_runs_the_stacks_migrate_service(
        host: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = with_docker("stack", tmp_path, monkeypatch)
    code, out, err = invoke("ops", "migrate")
    assert code == 0, err
    assert err.splitlines()[0] == \
        "runtime: compose (auto: 3 containers of compose project organizer-tests)"
    assert out == docker_cli.UP_TO_DATE  # what the service printed, passed on
    run = [c for c in (json.loads(line) for line in log.read_text().splitlines())
           if "run" in c]
    assert len(run) == 1
    assert run[0][:3] == ["compose", "-p", "organizer-tests"]
    assert run[0][run[0].index("run"):] == ["run", "--rm", "-T", "migrate", "migrate",
                                            "--verify-volume"]
    assert not host.exists() and not host.parent.exists()  # no host path touched


def test_ops_migrate_compose_refuses_create_here(host: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    with_docker("stack", tmp_path, monkeypatch)
    code, _, err = invoke("ops", "migrate", "--create-here")
    assert code == 2
    assert "--runtime local" in err.splitlines()[-1]
    assert not host.exists()


@pytest.mark.parametrize(("mountinfo", "dockerenv", "inside"), [
    ("mountinfo_docker_volume.txt", False, True),   # /data is the volume: in the stack
    ("mountinfo_container_layer.txt", True, True),  # overlay root and /.dockerenv
    ("mountinfo_bind_mount.txt", True, True),
    ("mountinfo_container_layer.txt", False, False),  # overlay alone is a host too
])
def test_inside_container_reads_mountinfo(mountinfo: str, dockerenv: bool, inside: bool) -> None:
    text = (FIX / mountinfo).read_text()
    assert inside_container(Path("/data/organizer.db"), text, dockerenv) is inside


def test_a_host_with_the_dockerenv_marker_is_still_a_host() -> None:
    assert not inside_container(Path("/srv/data/organizer.db"), HOST_MOUNTINFO, dockerenv=True)
