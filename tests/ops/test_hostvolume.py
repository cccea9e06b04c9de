"""verify-volume's host view on real `docker inspect` output, and the 2026-02-22 split volume."""

from __future__ import annotations

import copy
from pathlib import Path

from organizer.ops import hostvolume
from organizer.ops.compose import parse_inspect
from organizer.ops.model import Status

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "docker"


def stack() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for name in ("inspect_api.json", "inspect_worker.json", "inspect_migrate_exited.json"):
        found.update(parse_inspect((FIX / name).read_text()))
    return found


def test_real_stack_is_on_deploy_db_data() -> None:
    results = hostvolume.verify(stack(), "deploy_db_data")
    assert {s for s, _ in results} == {"api", "worker", "migrate"}
    assert all(v[0] is Status.OK for _, v in results)
    assert hostvolume.split_volumes(results) is None


def test_split_volume_incident_is_caught() -> None:
    containers = stack()
    migrate = copy.deepcopy(containers["migrate"])
    for mount in migrate["Mounts"]:
        if mount["Destination"] == "/data":
            mount["Name"] = "deploy_runtime_data"
            mount["Source"] = "/var/lib/docker/volumes/deploy_runtime_data/_data"
    containers["migrate"] = migrate
    results = dict(hostvolume.verify(containers, "deploy_db_data"))
    assert results["migrate"][0] is Status.FAIL
    assert "deploy_runtime_data" in results["migrate"][1]
    assert "EXPECTED_DB_VOLUME is deploy_db_data" in results["migrate"][1]
    assert results["api"][0] is Status.OK
    split = hostvolume.split_volumes(list(results.items()))
    assert split is not None and "deploy_runtime_data" in split and "deploy_db_data" in split


def test_bind_mount_and_wrong_db_path_fail() -> None:
    worker = copy.deepcopy(stack()["worker"])
    worker["Mounts"] = [m for m in worker["Mounts"] if m["Destination"] != "/data"]
    worker["Config"]["Env"] = [e for e in worker["Config"]["Env"] if not e.startswith("DB_PATH=")]
    worker["Config"]["Env"].append("DB_PATH=/app/organizer.db")
    status, reason, _ = hostvolume.container_verdict("worker", worker, "deploy_db_data")
    assert status is Status.FAIL
    assert "own layer" in reason and "DB_PATH=/app/organizer.db" in reason


def test_database_verdict() -> None:
    assert hostvolume.database_verdict({"db": {"exists": False}})[0] is Status.FAIL
    missing = {"db": {"exists": True, "current": False, "error": "lacks table(s) tasks"}}
    assert "tasks" in hostvolume.database_verdict(missing)[1]
    good = {"db": {"exists": True, "current": True, "version": "0001_init.sql"}}
    assert hostvolume.database_verdict(good)[0] is Status.OK
