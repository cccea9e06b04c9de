"""Reading a canon: `check_canon` lists its problems, `load_canon` builds it or refuses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from organizer.canon.marked_yaml import alias_problem
from organizer.canon.model import Canon
from organizer.canon.parts import fingerprint, read_canon_files
from organizer.canon.validate import CanonIssue, find_issues, quick_check
from organizer.errors import CanonError
from organizer.parsing.grammar import Grammar, all_patterns, build_grammar, expand_macros


def check_canon(path: Path) -> list[CanonIssue]:
    """Every problem of the canon at `path` (its entry file and parts, and each pattern tried on
    its examples and counter-examples); empty when it is valid."""
    path = Path(path).absolute()
    try:
        files = read_canon_files(path)
    except CanonError as exc:
        return [CanonIssue(path, 0, 0, "(file)", str(exc))]
    issues, _ = find_issues(files, examples=True)
    return issues


def refusal(path: Path) -> CanonIssue | None:
    """Why a file of the canon at `path` must not even be built (aliases beyond the bounds).

    `organizer canon check` ends with exit 2 on it rather than listing problems to fix.
    """
    path = Path(path).absolute()
    try:
        files = read_canon_files(path)
    except CanonError:
        return None  # check_canon names it
    for file in files:
        problem = alias_problem(file.text)
        if problem is not None:
            where = problem.position
            return CanonIssue(file.path, where.line, where.column, "(document)", str(problem))
    return None


def load_canon(path: Path) -> Canon:
    """The canon at `path`, validated and compiled; CanonError (one line) when it cannot be."""
    path = Path(path).absolute()
    files = read_canon_files(path)
    data = quick_check(files)
    grammar = _compiled(data) if data is not None else None
    if data is None or grammar is None:
        # Something is wrong: the full check finds every problem and where it is.
        issues, checked = find_issues(files)
        if issues or checked is None:
            more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
            raise CanonError(
                f"canon file {path} is invalid: {issues[0]}{more}; "
                f"run `organizer canon check {path}` and fix it"
            )
        data, grammar = checked, build_grammar(checked)
    return Canon(
        version=str(data["version"]),
        sha256=fingerprint(files),
        path=path,
        data=data,
        grammar=grammar,
        files=tuple(file.path for file in files),
    )


def _compiled(data: Mapping[str, Any]) -> Grammar | None:
    """The grammar, or None when a pattern does not compile (find_issues will say which)."""
    try:
        grammar = build_grammar(data)
        used = "\n".join(text for _, text in all_patterns(data) if isinstance(text, str))
        for name, value in data["macros"].items():  # an unused macro must compile too
            if isinstance(value, str) and "{{" + name + "}}" not in used:
                re.compile(expand_macros(value, data["macros"]))
    except (re.error, KeyError):
        return None
    return grammar
