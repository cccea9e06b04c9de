"""Rules of a canon that its JSON schema cannot say, each with the key path it is about.

Known intent names and match order, the parts of the day a repeat names, patterns
that compile and name known macros, and reply templates that exist and render.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from typing import Any

from organizer.parsing.grammar import INTENTS, pattern_errors

KeyPath = tuple[str | int, ...]

SCOPES = ("today", "tomorrow", "week", "overdue", "all")
REQUIRED_REPLIES = (
    "task_created", "task_created_no_time", "task_done", "task_cancelled", "task_rescheduled",
    "task_reopened", "undo_done", "nothing_to_undo", *(f"list_header.{s}" for s in SCOPES),
    "list_empty", "list_item", "list_item_no_time", "list_page", "note_marker",
    "tz_current", "help", "start_allowed", "start_denied", "not_found",
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
    "button_cancel", "button_alternative", "start_id", "edited_ignored", "duration_hours",
    "duration_minutes", "calendar_repeat", "refused.already_done", "refused.cancelled",
    "refused.already_open",
)  # fmt: skip


def semantic_errors(
    data: Mapping[str, Any], *, patterns: bool = True
) -> Iterator[tuple[KeyPath, str]]:
    """Each rule the canon breaks; `patterns=False` leaves regexes to the grammar's build."""
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
    words = data.get("words")
    if isinstance(words, Mapping):
        yield from _template_errors(words, ("words",))


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
    yield from _template_errors(replies, ("replies",))


def _template_errors(
    node: Mapping[str, Any], at: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Templates that do not render, or whose en placeholders differ from ru."""
    for key_path, template in _templates(node, at):
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
