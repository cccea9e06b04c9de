"""Every problem of a canon file, each with the line and column it is at.

Three layers: YAML syntax and duplicate keys (marked_yaml), the JSON schema
shipped with this code (intents_v2.schema.json, the same file as
canon/intents_v2.schema.json in the repository), then rules a schema cannot
say: known intent names, patterns that compile, reply templates that render.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from organizer.canon.marked_yaml import (
    MarkedDocument,
    MarkedYamlError,
    Position,
    alias_problem,
    dotted,
    load_marked,
)
from organizer.canon.parts import CanonFile
from organizer.canon.schema_check import Check, compile_schema
from organizer.parsing.grammar import INTENTS, pattern_errors

SCHEMA_FILE = Path(__file__).with_name("intents_v2.schema.json")
SCOPES = ("today", "tomorrow", "week", "overdue", "all")
REQUIRED_REPLIES = (
    "task_created", "task_created_no_time", "task_done", "task_cancelled", "task_rescheduled",
    "task_reopened", "undo_done", "nothing_to_undo", *(f"list_header.{s}" for s in SCOPES),
    "list_empty", "list_item", "help", "start_allowed", "start_denied", "not_found",
    "ambiguous", "unknown", "asr_unavailable", "voice_recognised", "reminder", "tz_set",
    "tz_invalid", "error", "reminder_late", "reminder_snoozed", "button_done",
    "button_snooze_min", "button_snooze_hours", "remind_set", "remind_current",
    "remind_lead_before", "remind_lead_at_due", "remind_invalid.not_a_number",
    "remind_invalid.negative", "remind_invalid.too_long",
    "repeat_set", "repeat_marker", "task_done_next", "repeat_move_only", "date_invalid",
    "lang_current.chosen", "lang_current.telegram",
    "lang_current.default", "lang_auto", "lang_invalid", "language_name.russian",
    "language_name.english", "button_invalid",
    "calendar_unsyncable_marker", "calendar_unsyncable",
)  # fmt: skip


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


def find_issues(files: Sequence[CanonFile]) -> tuple[list[CanonIssue], Mapping[str, Any] | None]:
    """All issues of a canon's files (empty when valid) and its data if every file parsed.

    Each issue names the file its key is written in: a section belongs to the part
    that holds it, anything else to the entry (the first file).
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
    owner: dict[Any, tuple[CanonFile, MarkedDocument]] = {}
    data: dict[Any, Any] = {}
    for file, doc in docs:
        for key_path, where in doc.duplicates:
            issues.append(_duplicate(file.path, doc, key_path, where))
        if not isinstance(doc.data, Mapping):
            what = "the canon" if file is files[0] else f"canon part {file.path.name}"
            issues.append(CanonIssue(
                file.path, 1, 1, "(document)",
                f"{what} must be a mapping of sections (version, intents, time, replies, ...)",
            ))  # fmt: skip
            continue
        for key, value in doc.data.items():
            if key in owner:
                first = owner[key][0].path
                where = doc.position((key,))
                issues.append(CanonIssue(
                    file.path, where.line, where.column, str(key),
                    f"section {key!r} is already in {first.name}; keep it in one file",
                ))  # fmt: skip
                continue
            owner[key] = (file, doc)
            data[key] = value
    if len(issues) > sum(len(doc.duplicates) for _, doc in docs):
        return issues, None

    def add(key_path: tuple[str | int, ...], message: str) -> None:
        file, doc = owner.get(key_path[0], docs[0]) if key_path else docs[0]
        where = doc.position(key_path)
        issues.append(CanonIssue(file.path, where.line, where.column, dotted(key_path), message))

    for key_path, message in _schema_errors(data):
        add(key_path, message)
    for key_path, message in _semantic_errors(data):
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
    for error in _validator().iter_errors(data):
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
    if next(_semantic_errors(data, patterns=False), None) is not None:
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


def _semantic_errors(
    data: Mapping[str, Any], *, patterns: bool = True
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    known = ", ".join(INTENTS)
    intents = data.get("intents")
    if isinstance(intents, Mapping):
        for name in intents:
            if name not in INTENTS:
                yield ("intents", name), f"unknown intent {name!r}; known intents: {known}"
    order = data.get("match_order")
    if isinstance(order, list):
        seen: set[Any] = set()
        for index, name in enumerate(order):
            if name not in INTENTS:
                yield ("match_order", index), f"unknown intent {name!r}; known intents: {known}"
            elif name in seen:
                yield ("match_order", index), f"intent {name!r} is listed twice"
            elif isinstance(intents, Mapping) and name not in intents:
                yield ("match_order", index), f"intent {name!r} has no entry under intents"
            seen.add(name)
    yield from _repeat_part_errors(data.get("time"))
    if patterns:
        for error in pattern_errors(data):
            yield error.path, str(error)
    replies = data.get("replies")
    if isinstance(replies, Mapping):
        yield from _reply_errors(replies)


def _repeat_part_errors(time_spec: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """`time.repeat.parts` and `time.repeat.times.per_day` name parts of the day that
    `time.parts_of_day` defines."""
    if not isinstance(time_spec, Mapping):
        return
    repeat, defined = time_spec.get("repeat"), time_spec.get("parts_of_day")
    if not isinstance(repeat, Mapping) or not isinstance(repeat.get("parts"), Mapping):
        return
    known = set(defined) if isinstance(defined, Mapping) else set()
    named: list[tuple[tuple[str | int, ...], Any]] = [
        (("time", "repeat", "parts", name), name) for name in repeat["parts"]
    ]
    times = repeat.get("times")
    per_day = times.get("per_day") if isinstance(times, Mapping) else None
    if isinstance(per_day, Mapping):  # "2 раза в день": the parts of the day it means
        named += [(("time", "repeat", "times", "per_day", count, index), part)
                  for count, parts in per_day.items() if isinstance(parts, list)
                  for index, part in enumerate(parts)]  # fmt: skip
    for path, name in named:
        if name not in known:
            yield (
                path,
                f"no part of day {name!r} in time.parts_of_day; known: {', '.join(sorted(known))}",
            )


def _reply_errors(replies: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for key in REQUIRED_REPLIES:
        node: Any = replies
        for part in key.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is None:
            yield ("replies",), f"missing reply template {key!r}"
    for key_path, template in _templates(replies, ("replies",)):
        if not isinstance(template, Mapping):
            continue
        names: dict[str, set[str]] = {}
        for lang, text in template.items():
            if not isinstance(text, str):
                continue
            try:
                fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            except ValueError as exc:
                yield (*key_path, lang), f"template does not render: {exc}; write {{{{ for a brace"
                continue
            bad = sorted(f for f in fields if not f.isidentifier())
            if bad:
                yield (
                    (*key_path, lang),
                    (f"placeholder {bad[0]!r} must be a plain name like {{title}}"),
                )
            names[lang] = fields
        if "ru" in names and "en" in names and names["ru"] != names["en"]:
            yield (
                (*key_path, "en"),
                (
                    f"placeholders differ from ru: ru has {sorted(names['ru'])}, "
                    f"en has {sorted(names['en'])}"
                ),
            )


def _templates(
    node: Mapping[str, Any], key_path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    for key, value in node.items():
        if isinstance(value, Mapping) and "ru" not in value:
            yield from _templates(value, (*key_path, key))
        else:
            yield (*key_path, key), value
