"""A canon in parts: the entry file (CANON_PATH, intents_v2.yml) names the files it is made of.

    version: "2.3.0"
    parts: [vocabulary.yml, intents.yml, replies.yml]

Each part is a YAML mapping of top-level sections (`time:`, `intents:`, `replies:`...)
in the entry's directory; together they are one canon, as if written in one file. A
canon without `parts` is all in its entry. A part that is missing or unreadable stops
the load with one line naming it and the entry, like a missing entry does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from organizer.canon.marked_yaml import alias_problem
from organizer.errors import CanonError

_FIX_MISSING = "mount ./canon:/canon:ro or set CANON_PATH"
PART_NAME = re.compile(r"[A-Za-z0-9_-]+\.ya?ml")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class CanonFile:
    """One file of a canon, as read."""

    path: Path
    raw: bytes
    text: str


def read_file(path: Path, entry: Path | None = None) -> CanonFile:
    """The file at `path` (the entry, or a part named by `entry`); CanonError when unreadable."""
    what = f"canon part {path} (named in {entry})" if entry else f"canon file {path}"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CanonError(f"{what} does not exist; {_FIX_MISSING}") from None
    except IsADirectoryError:
        raise CanonError(
            f"{what} is a directory; set CANON_PATH to the intents_v2.yml inside it"
        ) from None
    except OSError as exc:
        raise CanonError(
            f"{what} cannot be read ({exc.strerror}); check its permissions and mount"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CanonError(f"{what} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    return CanonFile(path, raw, text)


def part_paths(entry: Path, data: Any) -> list[Path]:
    """The files the entry's `parts` names (none without `parts`); CanonError for a bad name."""
    if not isinstance(data, dict) or "parts" not in data:
        return []
    names = data["parts"]
    if not isinstance(names, list) or not names:
        raise CanonError(
            f"canon file {entry}: `parts` must list file names, e.g. [intents.yml, replies.yml]"
        )
    paths = []
    for name in names:
        if not isinstance(name, str) or not PART_NAME.fullmatch(name):
            raise CanonError(
                f"canon file {entry}: part {name!r} is not a file name in its directory "
                "(letters, digits, - and _, ending .yml)"
            )
        paths.append(entry.parent / name)
    if len(set(paths)) != len(paths):
        raise CanonError(f"canon file {entry}: `parts` names a file twice; list each once")
    return paths


def read_canon_files(path: Path) -> list[CanonFile]:
    """The entry at `path` and every part it names; CanonError (one line) when one is unreadable.

    An entry that is not plain YAML comes back alone: the checks then say where it is broken.
    """
    entry = read_file(path)
    if alias_problem(entry.text) is not None:
        return [entry]
    try:
        data = yaml.load(entry.text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return [entry]
    return [entry, *(read_file(part, path) for part in part_paths(path, data))]


def fingerprint(files: Sequence[CanonFile]) -> str:
    """The sha256 of the canon: the entry's bytes alone, or with each part's name and bytes."""
    if len(files) == 1:
        return hashlib.sha256(files[0].raw).hexdigest()
    digest = hashlib.sha256(files[0].raw)
    for part in files[1:]:
        digest.update(b"\0" + part.path.name.encode() + b"\0" + part.raw)
    return digest.hexdigest()
