"""Sessions: tests, lint, typecheck, bench, e2e.

They run in the project's own virtualenv (made by `sh ops/bootstrap.sh --dev`),
so no session downloads anything.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["tests"]


@nox.session
def tests(session: nox.Session) -> None:
    """The default suite: unit and integration tests (no Docker)."""
    session.run("python", "-m", "pytest", "-q", "-m", "not e2e", *session.posargs,
                success_codes=[0, 5])


@nox.session
def lint(session: nox.Session) -> None:
    session.run("ruff", "check", "src", "tests", "bench", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.run("mypy", "src/organizer")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks; `nox -s bench -- --quick` finishes in under a minute."""
    session.run("python", "-m", "bench", *session.posargs)
