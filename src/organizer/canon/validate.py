"""Every problem of a canon file, each with the line and column it is at.

Three layers: YAML syntax and duplicate keys (marked_yaml), the JSON schema
shipped with this code (intents_v2.schema.json, the same file as
canon/intents_v2.schema.json in the repository), then rules a schema cannot
say: known intent names, patterns that compile, reply templates that render.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from organizer.canon.examples import example_errors
from organizer.canon.marked_yaml import (
    MarkedDocument,
    MarkedYamlError,
    Position,
    alias_problem,
    dotted,
    load_marked,
)
from organizer.canon.parts import CanonFile
from organizer.canon.rules import semantic_errors
from organizer.canon.schema_check import Check, compile_schema

SCHEMA_FILE = Path(__file__).with_name("intents_v2.schema.json")
@dataclass(frozen=True)
class CanonIssue:
    """One problem, printed as `path:line:col: key: message`."""

    path: Path
    line: int
    column: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.key}: {self.message}"


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Draft202012Validator(_inline_refs(schema, schema.get("$defs", {})))


@cache
def _fast_check() -> Check:
    """The schema's verdict without jsonschema (see schema_check); its errors come from `_validator`."""
    return compile_schema(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _inline_refs(node: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with its local `#/$defs/...` references written out (a third faster).

    A reference with only annotations beside it ("description") is written out too,
    keeping them: once `$defs` is gone nothing could resolve it later.
    """
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        beside = {k: v for k, v in node.items() if k != "$ref"}
        if (isinstance(ref, str) and ref.startswith("#/$defs/")
                and set(beside) <= {"description", "title", "$comment"}):
            target = _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
            return {**target, **beside} if isinstance(target, Mapping) else target
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    return node


def find_issues(
    files: Sequence[CanonFile], *, examples: bool = False
) -> tuple[list[CanonIssue], Mapping[str, Any] | None]:
    """All issues of a canon's files (empty when valid) and its data if every file parsed.

    Each issue names the file its key is written in: a section belongs to the part
    that holds it, anything else to the entry (the first file). With `examples`, a
    canon with no other issue has its patterns tried on their examples too.
    """
    docs: list[tuple[CanonFile, MarkedDocument]] = []
    issues: list[CanonIssue] = []
    for file in files:
        try:
            docs.append((file, load_marked(file.text)))
        except MarkedYamlError as exc:
            where = exc.position
            issues.append(CanonIssue(file.path, where.line, where.column, "(document)", str(exc)))
    if issues:
        return issues, None
    owner: dict[Any, tuple[CanonFile, MarkedDocument]] = {}  # section -> the file holding it
    data: dict[Any, Any] = {}
    unmerged = False  # a file that is no mapping, or a section in two files
    for file, doc in docs:
        for key_path, where in doc.duplicates:
            issues.append(_duplicate(file.path, doc, key_path, where))
        if not isinstance(doc.data, Mapping):
            what = "the canon" if file is files[0] else f"canon part {file.path.name}"
            issues.append(CanonIssue(
                file.path, 1, 1, "(document)",
                f"{what} must be a mapping of sections (version, intents, time, replies, ...)",
            ))  # fmt: skip
            unmerged = True
            continue
        for key, value in doc.data.items():
            if key in owner:
                first = owner[key][0].path
                where = doc.position((key,))
                issues.append(CanonIssue(
                    file.path, where.line, where.column, str(key),
                    f"section {key!r} is already in {first.name}; keep it in one file",
                ))  # fmt: skip
                unmerged = True
                continue
            owner[key] = (file, doc)
            data[key] = value
    if unmerged:
        return issues, None

    def add(key_path: tuple[str | int, ...], message: str) -> None:
        file, doc = owner.get(key_path[0], docs[0]) if key_path else docs[0]
        where = doc.position(key_path)
        issues.append(CanonIssue(file.path, where.line, where.column, dotted(key_path), message))

    for key_path, message in _schema_errors(data):
        add(key_path, message)
    for key_path, message in semantic_errors(data):
        add(key_path, message)
    if examples and not issues:
        for key_path, message in example_errors(data):
            add(key_path, message)
    issues.sort(key=lambda i: (str(i.path), i.line, i.column, i.key))
    return issues, data


def _duplicate(
    path: Path, doc: MarkedDocument, key_path: tuple[str | int, ...], where: Position
) -> CanonIssue:
    what = "intent" if key_path[:1] == ("intents",) and len(key_path) == 2 else "key"
    first = doc.position(key_path)
    return CanonIssue(
        path, where.line, where.column, dotted(key_path),
        f"duplicate {what} {key_path[-1]!r} (first defined at line {first.line}); "
        "keep one of them",
    )  # fmt: skip


def _schema_errors(data: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    yield from _located(_validator().iter_errors(data))


def _located(errors: Iterable[Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """jsonschema's errors as (key path, message); a oneOf that failed in only one of its
    options inside the value ("an object with an unknown key") says that option's errors."""
    for error in errors:
        if error.validator == "oneOf" and error.context:
            inner = [e for e in error.context if e.relative_path or e.validator != "type"]
            if inner and len({e.relative_schema_path[0] for e in inner}) == 1:
                yield from _located(inner)
                continue
        where = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
            allowed = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    known = ", ".join(sorted(allowed))
                    yield (*where, key), f"unknown key {key!r}; allowed: {known}"
            continue
        message = error.message
        if error.validator == "oneOf" and error.context:
            message = "; or ".join(sorted({e.message for e in error.context}))
        if len(message) > 240:
            message = message[:237] + "..."
        yield where, message


def quick_check(files: Sequence[CanonFile]) -> Mapping[str, Any] | None:
    """The canon's data when the cheap checks pass, None when `find_issues` must look closer.

    The fast path of every load: no positions are kept, the schema's verdict comes
    from schema_check (jsonschema is not even imported), and patterns are left to
    `build_grammar`, which compiles each of them once anyway.
    """
    data: dict[Any, Any] = {}
    for file in files:
        if alias_problem(file.text) is not None:
            return None  # find_issues says where
        try:
            part = yaml.load(file.text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader
        except (yaml.YAMLError, _DuplicateKey):
            return None
        if not isinstance(part, Mapping) or any(key in data for key in part):
            return None
        data.update(part)
    if not _fast_check()(data):
        return None
    if next(semantic_errors(data, patterns=False), None) is not None:
        return None
    return data


class _DuplicateKey(Exception):
    pass


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Compared as written: "1" and 1 look alike here, and find_issues then decides.
        keys = [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
        if len(keys) != len(set(keys)):
            raise _DuplicateKey
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]
