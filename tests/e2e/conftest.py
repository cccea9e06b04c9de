"""End-to-end harness: a real Docker engine, the real image, the real compose files.

Run as root with `pytest tests/e2e -m e2e` (what `nox -s e2e` does); a plain
`pytest` deselects every test in this folder. The session makes sure an engine
and Compose v2 are there (`ops/install-docker.sh`), builds the image
(`ops/build-image.sh`), and runs stacks under the prod project name `deploy`
with `--project-directory` a temp dir holding the test `.env.prod` and the
`canon` and `migrations` links, so nothing in the work tree is touched.
Every stack is taken down with its volumes, whatever the tests did.
Measurements go to `.bench/e2e.json` for `nox -s bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILES = (DEPLOY / "docker-compose.yml", DEPLOY / "docker-compose.vps.override.yml")
STAND_IN = Path(__file__).with_name("compose.stand-in.yml")
PROJECT = "deploy"
VOLUME = "deploy_db_data"
IMAGE = os.environ.get("ORGANIZER_IMAGE", "organizer:local")
BENCH_FILE = REPO / ".bench" / "e2e.json"
HERE = Path(__file__).resolve().parent

# The test deployment: the example with what a test run needs on top.
TEST_ENV = {
    "TG_ALLOWED_USER_IDS": "1001",
    "LOG_FORMAT": "json",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: needs root and a Docker engine; run with `pytest tests/e2e -m e2e`"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark everything here e2e, and leave it out unless `-m` asks for e2e."""
    ours = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    for item in ours:
        item.add_marker(pytest.mark.e2e)
    if "e2e" in (config.getoption("markexpr") or ""):
        return
    if ours:
        config.hook.pytest_deselected(items=ours)
        items[:] = [item for item in items if item not in ours]


def run(
    argv: Sequence[str | Path],
    *,
    check: bool = True,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command, text in and out; on failure, fail the test with its output."""
    result = subprocess.run(
        [str(a) for a in argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=None if env is None else {**os.environ, **env},
        stdin=subprocess.DEVNULL,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, argv))} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}",
            pytrace=False,
        )
    return result


class Bench:
    """Numbers measured in this run, merged into .bench/e2e.json at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, Any] = {}

    def record(self, key: str, value: Any) -> None:
        self.values[key] = value

    def save(self) -> None:
        if not self.values:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            data = {}
        data.update(self.values)
        data["recorded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


class Stack:
    """One compose project `deploy` from the real files plus optional test layers."""

    def __init__(self, project_dir: Path, extra_files: Sequence[Path] = ()) -> None:
        self.project_dir = project_dir
        self.files = [*COMPOSE_FILES, *extra_files]

    def compose(
        self, *args: str, check: bool = True, timeout: float = 180
    ) -> subprocess.CompletedProcess[str]:
        argv: list[str | Path] = ["docker", "compose", "--project-directory", self.project_dir]
        for file in self.files:
            argv += ["-f", file]
        return run([*argv, *args], check=check, timeout=timeout, env={"ORGANIZER_IMAGE": IMAGE})

    def up(self) -> float:
        """`up -d --wait`: seconds until every service is healthy (migrate: exited 0)."""
        started = time.monotonic()
        self.compose("up", "-d", "--wait", timeout=300)
        return time.monotonic() - started

    def down(self) -> None:
        self.compose("down", "-v", "--remove-orphans", "--timeout", "5", check=False)

    def ps(self) -> dict[str, dict[str, Any]]:
        """Service name -> its `docker compose ps -a --format json` object."""
        out = self.compose("ps", "-a", "--format", "json").stdout
        rows = [json.loads(line) for line in out.splitlines() if line.strip()]
        return {row["Service"]: row for row in rows}

    def container(self, service: str) -> str:
        return self.compose("ps", "-a", "-q", service).stdout.strip()

    def inspect(self, service: str) -> dict[str, Any]:
        data: list[dict[str, Any]] = json.loads(
            run(["docker", "inspect", self.container(service)]).stdout
        )
        return data[0]

    def exec(
        self, service: str, *argv: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return self.compose("exec", "-T", service, *argv, check=check)


def write_project_dir(path: Path, env: dict[str, str]) -> Path:
    """A compose project directory: .env.prod, and canon/ migrations/ linked to the repo's."""
    path.mkdir(parents=True, exist_ok=True)
    lines = (DEPLOY / ".env.prod.example").read_text().splitlines()
    keys = {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}
    body = [line for line in lines if line.split("=", 1)[0] not in env]
    body += [f"{key}={value}" for key, value in env.items()]
    missing = set(env) - keys
    assert not missing, f"test env sets keys the example lacks: {sorted(missing)}"
    (path / ".env.prod").write_text("\n".join(body) + "\n")
    for name in ("canon", "migrations"):
        source = REPO / name
        if not source.exists():  # until the repo has it: an empty dir, never a dangling link
            source = path / f"{name}.empty"
            source.mkdir(exist_ok=True)
        (path / name).symlink_to(source)
    return path


def refuse_foreign_stack() -> None:
    """Never take down a `deploy` stack this harness did not start (a real deployment)."""
    out = run(
        [
            "docker",
            "ps",
            "-a",
            "--filter",
            f"label=com.docker.compose.project={PROJECT}",
            "--format",
            '{{.Label "com.docker.compose.project.working_dir"}}',
        ],
    ).stdout.split()
    foreign = {d for d in out if not d.startswith(tempfile.gettempdir())}
    if foreign and not os.environ.get("E2E_REPLACE_STACK"):
        pytest.exit(
            f"a compose project {PROJECT!r} from {sorted(foreign)} exists on this engine; "
            "the e2e suite would take it down with its volume. Set E2E_REPLACE_STACK=1 to allow.",
            returncode=2,
        )


@pytest.fixture(scope="session")
def bench() -> Iterator[Bench]:
    recorder = Bench(BENCH_FILE)
    yield recorder
    recorder.save()


@pytest.fixture(scope="session")
def engine(bench: Bench) -> str:
    """A running engine with Compose v2; returns the base image to build on."""
    if os.geteuid() != 0:
        pytest.skip("the e2e suite installs and drives a Docker engine: run it as root")
    started = time.monotonic()
    out = run(["sh", REPO / "ops" / "install-docker.sh"], timeout=900).stdout
    bench.record("engine_install_s", round(time.monotonic() - started, 1))
    refuse_foreign_stack()
    last = [line for line in out.splitlines() if line.startswith("BASE_IMAGE=")][-1]
    return last.split("=", 1)[1]


@pytest.fixture(scope="session")
def image(engine: str, bench: Bench) -> str:
    """The organizer image built from this work tree; its size goes to the bench."""
    base = engine
    started = time.monotonic()
    run(
        ["sh", REPO / "ops" / "build-image.sh"],
        timeout=1200,
        env={"ORGANIZER_IMAGE": IMAGE, "BASE_IMAGE": base},
    )
    bench.record("image_build_s", round(time.monotonic() - started, 1))
    size = int(run(["docker", "image", "inspect", "-f", "{{.Size}}", IMAGE]).stdout)
    bench.record("image", IMAGE)
    bench.record("image_base", base)
    bench.record("image_size_bytes", size)
    bench.record("image_size_mb", round(size / 1e6, 1))
    return IMAGE


@pytest.fixture(scope="module")
def stand_in_stack(
    image: str, tmp_path_factory: pytest.TempPathFactory, bench: Bench
) -> Iterator[Stack]:
    """The real compose files with stand-in daemons: image, volume, mounts, policies."""
    project_dir = write_project_dir(tmp_path_factory.mktemp("deploy-stand-in"), TEST_ENV)
    stack = Stack(project_dir, [STAND_IN])
    stack.down()  # leftovers of an interrupted run
    try:
        bench.record("stand_in_up_s", round(stack.up(), 1))
        yield stack
    finally:
        stack.down()
