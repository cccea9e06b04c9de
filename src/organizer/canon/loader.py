"""Reading a canon file: `check_canon` lists its problems, `load_canon` builds it or refuses."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from organizer.canon.marked_yaml import alias_problem
from organizer.canon.model import Canon
from organizer.canon.validate import CanonIssue, find_issues, quick_check
from organizer.errors import CanonError
from organizer.parsing.grammar import Grammar, build_grammar, expand_macros

_FIX_MISSING = "mount ./canon:/canon:ro or set CANON_PATH"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CanonError(f"canon file {path} does not exist; {_FIX_MISSING}") from None
    except IsADirectoryError:
        raise CanonError(
            f"canon file {path} is a directory; set CANON_PATH to the intents_v2.yml inside it"
        ) from None
    except OSError as exc:
        raise CanonError(
            f"canon file {path} cannot be read ({exc.strerror}); check its permissions and mount"
        ) from None


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CanonError(
            f"canon file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None


def check_canon(path: Path) -> list[CanonIssue]:
    """Every problem of the canon file at `path`; empty when it is valid."""
    path = Path(path).absolute()
    try:
        text = _decode(_read(path), path)
    except CanonError as exc:
        return [CanonIssue(path, 0, 0, "(file)", str(exc))]
    issues, _ = find_issues(text, path)
    return issues


def refusal(path: Path) -> CanonIssue | None:
    """Why the file at `path` must not even be built (aliases beyond the bounds), or None.

    `organizer canon check` ends with exit 2 on it rather than listing problems to fix.
    """
    path = Path(path).absolute()
    try:
        text = _decode(_read(path), path)
    except CanonError:
        return None  # check_canon names it
    problem = alias_problem(text)
    if problem is None:
        return None
    where = problem.position
    return CanonIssue(path, where.line, where.column, "(document)", str(problem))


def load_canon(path: Path) -> Canon:
    """The canon at `path`, validated and compiled; CanonError (one line) when it cannot be."""
    path = Path(path).absolute()
    raw = _read(path)
    text = _decode(raw, path)
    data = quick_check(text)
    grammar = _compiled(data) if data is not None else None
    if data is None or grammar is None:
        # Something is wrong: the full check finds every problem and where it is.
        issues, doc = find_issues(text, path)
        if issues or doc is None:
            more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
            raise CanonError(
                f"canon file {path} is invalid: {issues[0]}{more}; "
                f"run `organizer canon check {path}` and fix it"
            )
        data, grammar = doc.data, build_grammar(doc.data)
    return Canon(
        version=str(data["version"]),
        sha256=hashlib.sha256(raw).hexdigest(),
        path=path,
        data=data,
        grammar=grammar,
    )


def _compiled(data: Mapping[str, Any]) -> Grammar | None:
    """The grammar, or None when a pattern does not compile (find_issues will say which)."""
    try:
        grammar = build_grammar(data)
        used = json.dumps(data["intents"], ensure_ascii=False) + json.dumps(data["macros"])
        for name, value in data["macros"].items():  # an unused macro must compile too
            if isinstance(value, str) and "{{" + name + "}}" not in used:
                re.compile(expand_macros(value, data["macros"]))
    except (re.error, KeyError):
        return None
    return grammar
