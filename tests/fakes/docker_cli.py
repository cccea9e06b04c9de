"""A `docker` executable for PATH that answers with real docker output (tests/fixtures/docker).

`install(bin_dir, scenario, log)` writes `bin_dir/docker`; organizer finds it
through PATH like the real CLI. Each call appends its argv (one JSON list per
line) to `log`. Scenarios, each replaying what the real CLI printed in that
situation:

- `stack`: the compose project has three containers (`docker ps -a -q --filter
  label=...`); `docker compose version` and `docker version` answer; `docker
  compose ... run --rm -T migrate ...` prints what the migrate service prints
  on a current database.
- `empty`: the engine runs, the project has no containers.
- `no-plugin`: the project has containers, but the Compose v2 plugin is absent
  (docker 20.10's own words for `docker compose -p ...` and `docker compose version`).
- `engine-down`: the CLI is there, the engine is not.

With FAKE_DOCKER_DATA set, `docker compose ... exec -T <service> organizer ARGS`
runs this tree's `organizer ARGS` as the container would, its `/data` being
that directory (the volume).

`path_without_docker(tmp)` is a PATH on which no `docker` is found at all.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "docker"
UP_TO_DATE = "up to date at 0005_repeating_tasks.sql\n"


def install(bin_dir: Path, scenario: str, log: Path) -> Path:
    """Write an executable `docker` into bin_dir that plays `scenario`; returns it."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "docker"
    script.write_text(f"#!/bin/sh\nFAKE_DOCKER_SCENARIO={scenario} FAKE_DOCKER_LOG='{log}' "
                      f"exec '{sys.executable}' '{Path(__file__).resolve()}' \"$@\"\n")
    script.chmod(0o755)
    return script


def path_without_docker(tmp: Path) -> str:
    """PATH with every directory that holds a `docker` replaced by a copy without it."""
    parts = []
    for index, entry in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
        folder = Path(entry)
        if not (folder / "docker").exists():
            parts.append(entry)
            continue
        shadow = tmp / f"path-{index}"
        shadow.mkdir(parents=True, exist_ok=True)
        for item in folder.iterdir():
            if item.name != "docker" and not (shadow / item.name).exists():
                (shadow / item.name).symlink_to(item)
        parts.append(str(shadow))
    return os.pathsep.join(parts)


def _answer(scenario: str, argv: list[str]) -> tuple[str, str, int]:
    """(stdout, stderr, exit code) for one call."""
    if scenario == "engine-down" and argv[:2] != ["compose", "version"]:
        return "", (FIX / "engine_down.txt").read_text(), 1
    if argv[:1] == ["ps"]:
        ids = (FIX / "ps_q_project.txt").read_text() if scenario != "empty" else ""
        return ids, "", 0
    if argv[:1] == ["version"]:
        return "20.10.24+dfsg1\n", "", 0
    if argv[:1] == ["compose"] and scenario == "no-plugin":
        if argv[1:2] == ["version"]:
            return "", (FIX / "no_plugin_compose_version.txt").read_text(), 1
        return "", (FIX / "no_plugin_compose_ps.txt").read_text(), 125
    if argv[:2] == ["compose", "version"]:
        return (FIX / "compose_version.txt").read_text(), "", 0
    if argv[:1] == ["compose"] and "run" in argv:
        return UP_TO_DATE, "", 0
    if argv[:1] == ["compose"] and "exec" in argv and os.environ.get("FAKE_DOCKER_DATA"):
        return _exec(argv[argv.index("exec") + 3:], os.environ["FAKE_DOCKER_DATA"])
    return "", f"fake docker: no answer scripted for {argv}\n", 1


def _exec(args: list[str], volume: str) -> tuple[str, str, int]:
    """`organizer ARGS` inside a service container: /data is the volume directory."""
    import subprocess

    args = [volume + a[len("/data"):] if a.startswith("/data/") else a for a in args[1:]]
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": src, "DB_PATH": f"{volume}/organizer.db"}
    done = subprocess.run([sys.executable, "-m", "organizer", *args], env=env,
                          capture_output=True, text=True, timeout=60)
    return done.stdout, done.stderr, done.returncode


def main() -> int:
    argv = sys.argv[1:]
    with open(os.environ["FAKE_DOCKER_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(argv) + "\n")
    out, err, code = _answer(os.environ["FAKE_DOCKER_SCENARIO"], argv)
    sys.stdout.write(out)
    sys.stderr.write(err)
    return code


if __name__ == "__main__":
    sys.exit(main())
