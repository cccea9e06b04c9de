"""End-to-end harness: a real Docker engine, the real image, the real compose files.

Run as root with `pytest tests/e2e -m e2e` (what `nox -s e2e` does); a plain
`pytest` deselects every test in this folder. The session makes sure an engine
and Compose v2 are there (`ops/install-docker.sh`), builds the image
(`ops/build-image.sh`), and runs one stack under the prod project name `deploy`
from a temp directory holding copies of the prod compose files, the test
layers (compose.*.yml here), a test `.env.prod` and the `canon` and
`migrations` links, so nothing in the work tree is touched. The stack is
taken down with its containers, networks and volumes, whatever the tests did.
Measurements go to `.bench/e2e.json` for `nox -s bench`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
HERE = Path(__file__).resolve().parent
# The prod pair, copied byte for byte into the test project directory.
PROD_FILES = ("docker-compose.yml", "docker-compose.vps.override.yml")
# Test-only layers: the fake Bot API server; the split-volume incident; no canon mount.
E2E_LAYER, INCIDENT_LAYER, NO_CANON_LAYER = (
    "compose.e2e.yml", "compose.incident.yml", "compose.no-canon.yml")
PROJECT = "deploy"
VOLUME = "deploy_db_data"
IMAGE = os.environ.get("ORGANIZER_IMAGE", "organizer:local")
BENCH_FILE = REPO / ".bench" / "e2e.json"
BOT_TOKEN = "123456:TEST"  # the fake server's; never a real one
USER_ID = 1001

# The test deployment: the example with what a test run needs on top.
TEST_ENV = {
    "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
    "TELEGRAM_API_BASE": "http://telegram-api:8081",
    "TG_LONGPOLL_SEC": "5",
    "TG_HTTP_READ_TIMEOUT": "15",
    "TG_RECEIVE_STALE_SEC": "20",  # the half-dead scenario waits this long for a 503
    "TG_ALLOWED_USER_IDS": str(USER_ID),
    "LOG_FORMAT": "json",
}
# What every compose call (ours and the ops toolkit's) interpolates.
COMPOSE_ENV = {"ORGANIZER_IMAGE": IMAGE, "E2E_TESTS_DIR": str(REPO / "tests")}


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
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command, text in and out; on failure, fail the test with its output."""
    result = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
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
    """Numbers measured in this run, written to .bench/e2e.json at the end (replacing it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, Any] = {}

    def record(self, key: str, value: Any) -> None:
        self.values[key] = value

    def save(self) -> None:
        if not self.values:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Only this run's figures: ratios must come from one run, never mixed with an older one.
        data = dict(self.values)
        data["recorded_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


class Stack:
    """Compose project `deploy` in a test project directory: the prod pair plus test layers.

    Compose runs with that directory as its working directory and relative
    `-f` names, exactly as an operator runs it in deploy/ (and as the ops
    toolkit does), so `./canon`, `./migrations` and `.env.prod` resolve there.
    """

    def __init__(self, project_dir: Path, layers: Sequence[str] = (E2E_LAYER,)) -> None:
        self.project_dir = project_dir
        self.files = [*PROD_FILES, *layers]

    def compose(
        self, *args: str, check: bool = True, timeout: float = 180,
        layers: Sequence[str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        files = self.files if layers is None else [*PROD_FILES, *layers]
        argv: list[str | Path] = ["docker", "compose", "-p", PROJECT]
        for file in files:
            argv += ["-f", file]
        return run([*argv, *args], check=check, timeout=timeout, env=COMPOSE_ENV,
                   cwd=self.project_dir)

    def up(self, *args: str, layers: Sequence[str] | None = None) -> float:
        """`up -d --wait`: seconds until every service is healthy (migrate: exited 0)."""
        started = time.monotonic()
        self.compose("up", "-d", "--wait", *args, timeout=300, layers=layers)
        return time.monotonic() - started

    def down(self) -> None:
        """Containers, networks and volumes of the project, whatever layer made them."""
        self.compose("down", "-v", "--remove-orphans", "--timeout", "5", check=False,
                     layers=(E2E_LAYER, INCIDENT_LAYER))
        left = run(["docker", "volume", "ls", "-q", "--filter",
                    f"label=com.docker.compose.project={PROJECT}"], check=False).stdout.split()
        if left:
            run(["docker", "volume", "rm", "-f", *left], check=False)

    def ps(self) -> dict[str, dict[str, Any]]:
        """Service name -> its `docker compose ps -a --format json` object."""
        out = self.compose("ps", "-a", "--format", "json").stdout.strip()
        rows = json.loads(out) if out.startswith("[") else [
            json.loads(line) for line in out.splitlines() if line.strip()]
        return {row["Service"]: row for row in rows}

    def container(self, service: str) -> str:
        return self.compose("ps", "-a", "-q", service).stdout.strip()

    def inspect(self, service: str) -> dict[str, Any]:
        data: list[dict[str, Any]] = json.loads(
            run(["docker", "inspect", self.container(service)]).stdout
        )
        return data[0]

    def exec(
        self, service: str, *argv: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return self.compose("exec", "-T", service, *argv, check=check, timeout=timeout)

    def organizer(self, *argv: str, check: bool = True,
                  timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """The operator's `organizer ...` on the host, pointed at this stack (prod files only)."""
        env = {
            **COMPOSE_ENV,
            "ORGANIZER_RUNTIME": "compose",
            "ORGANIZER_COMPOSE_DIR": str(self.project_dir),
            "ORGANIZER_COMPOSE_PROJECT": PROJECT,
            "ORGANIZER_COMPOSE_FILES": ",".join(PROD_FILES),
            "ORGANIZER_COMPOSE_ENV_FILE": ".env.prod",
            "ORGANIZER_JOURNAL": str(self.project_dir / "journal.jsonl"),
        }
        return run([sys.executable, "-m", "organizer", *argv], check=check, timeout=timeout,
                   env=env, cwd=self.project_dir)

    def published(self, service: str, port: int) -> str:
        """host:port where `service`'s `port` is published."""
        return self.compose("port", service, str(port)).stdout.strip()


def write_project_dir(path: Path, env: dict[str, str]) -> Path:
    """A deploy directory: the compose files, .env.prod, canon/ and migrations/ links."""
    path.mkdir(parents=True, exist_ok=True)
    for name in PROD_FILES:
        shutil.copyfile(DEPLOY / name, path / name)
    for name in (E2E_LAYER, INCIDENT_LAYER, NO_CANON_LAYER):
        shutil.copyfile(HERE / name, path / name)
    lines = (DEPLOY / ".env.prod.example").read_text().splitlines()
    keys = {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}
    body = [line for line in lines if line.split("=", 1)[0] not in env]
    body += [f"{key}={value}" for key, value in env.items()]
    missing = set(env) - keys
    assert not missing, f"test env sets keys the example lacks: {sorted(missing)}"
    (path / ".env.prod").write_text("\n".join(body) + "\n")
    (path / ".env.prod").chmod(0o600)
    for name in ("canon", "migrations"):
        (path / name).symlink_to((REPO / name).resolve())
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
        pytest.fail("the e2e suite installs and drives a Docker engine: run it as root", pytrace=False)
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


@pytest.fixture(scope="session")
def stack(image: str, tmp_path_factory: pytest.TempPathFactory, bench: Bench) -> Iterator[Stack]:
    """The real stack (migrate, api, worker, telegram-bot) plus the fake Bot API server.

    Brought up cold (no containers, no volume) once; the scenarios leave it
    healthy again after whatever they break. Taken down with its volumes at the end.
    """
    project_dir = write_project_dir(tmp_path_factory.mktemp("deploy"), TEST_ENV)
    stack = Stack(project_dir)
    stack.down()  # leftovers of an interrupted run
    try:
        bench.record("up_cold_s", round(stack.up(), 1))
        yield stack
    finally:
        stack.down()


def wait_for(what: str, probe: Callable[[], Any], timeout: float = 60,
             every: float = 0.5) -> Any:
    """Poll `probe` until it returns something truthy; fail naming `what` and the last value."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:g} s (last: {last!r})", pytrace=False)
        time.sleep(every)
