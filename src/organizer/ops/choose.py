"""Which runtime the ops commands act on, and whether a compose stack exists here.

`auto` (the default) asks docker, cheaply and with a timeout, whether the
compose project has containers: then `compose`, else `local`. Whatever the
answer, the choice carries its reason so that every ops command can say in
its first line what it acts on and why.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from organizer.errors import ConfigError

RUNTIMES = ("auto", "compose", "local")
PROBE_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class StackProbe:
    """What docker said about the compose project's containers."""

    project: str
    containers: int
    why: str

    @property
    def exists(self) -> bool:
        return self.containers > 0


@dataclass(frozen=True)
class Choice:
    """The runtime picked (compose or local) and why."""

    name: str
    why: str

    def line(self) -> str:
        return f"runtime: {self.name} ({self.why})"


def probe_stack(project: str, timeout: float = PROBE_TIMEOUT_S) -> StackProbe:
    """Count the containers (any state) labelled with the compose project; never raises."""
    argv = ["docker", "ps", "-a", "-q", "--filter", f"label=com.docker.compose.project={project}"]
    none = f"no containers of compose project {project}"
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                                stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        return StackProbe(project, 0, f"{none}; docker is not installed")
    except OSError as exc:
        return StackProbe(project, 0, f"{none}; docker cannot be run ({exc.strerror})")
    except subprocess.TimeoutExpired:
        return StackProbe(project, 0, f"{none}; docker gave no answer in {timeout:g} s")
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        return StackProbe(project, 0, f"{none}; docker engine not reachable: "
                                      f"{said[0] if said else f'exit {result.returncode}'}")
    ids = [line for line in result.stdout.split() if line.strip()]
    if not ids:
        return StackProbe(project, 0, none)
    plural = "s" if len(ids) > 1 else ""
    return StackProbe(project, len(ids), f"{len(ids)} container{plural} of compose project "
                                         f"{project}")


def choose(requested: str, source: str, project: str) -> Choice:
    """`compose` or `local` as asked, or for `auto` by the project's containers.

    `source` says where the request came from: `--runtime` or `ORGANIZER_RUNTIME`.
    """
    wanted = requested.strip().lower()
    said = f"{source} {wanted}" if source.startswith("-") else f"{source}={wanted}"
    if wanted not in RUNTIMES:
        raise ConfigError(f"{source} {requested!r} is not auto, compose or local; pick one")
    if wanted != "auto":
        return Choice(wanted, said)
    stack = probe_stack(project)
    return Choice("compose" if stack.exists else "local", f"auto: {stack.why}")
