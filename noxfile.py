"""Sessions: tests, lint, typecheck, bench, e2e.

They run in the project's own virtualenv (made by `sh ops/bootstrap.sh --dev`),
so no session downloads anything.
"""

from __future__ import annotations

import sys

import nox

# The interpreter nox runs under is the project's venv (`.venv/bin/nox`), which
# has organizer and every test tool installed: run them all through it.
PYTHON = sys.executable

nox.options.default_venv_backend = "none"
nox.options.sessions = ["tests"]


@nox.session
def tests(session: nox.Session) -> None:
    """The default suite: unit and integration tests (no Docker)."""
    session.run(PYTHON, "-m", "pytest", "-q", "-m", "not e2e", *session.posargs,
                success_codes=[0, 5])


@nox.session
def e2e(session: nox.Session) -> None:
    """The end-to-end suite on a real Docker engine (as root): builds the image, runs the stack.

    Writes .bench/e2e.json, which `nox -s bench` (bench/bench_deploy.py) reads.
    """
    session.run(PYTHON, "-m", "pytest", "-q", "tests/e2e", "-m", "e2e", *session.posargs)
    # The bot through three minutes of mixed Bot API edge faults, then a message (no Docker).
    session.run(PYTHON, "-m", "pytest", "-q", "tests/bot/test_receive_faults.py", "-k",
                "long_mixed_outage", env={"ORGANIZER_SOAK_S": "180"})


@nox.session
def lint(session: nox.Session) -> None:
    session.run(PYTHON, "-m", "ruff", "check", "src", "tests", "bench", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.run(PYTHON, "-m", "mypy", "src/organizer")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks; `nox -s bench -- --quick` finishes in under a minute."""
    session.run(PYTHON, "-m", "bench", *session.posargs)
