"""`parse`: one message, a moment and a zone in; an intent with its slots out."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol, TypedDict
from zoneinfo import ZoneInfo

from organizer.domain.users import read_digest_time
from organizer.errors import InvalidDigestTime
from organizer.parsing.extract import find_pieces
from organizer.parsing.grammar import Grammar, group_span
from organizer.parsing.intents import Detected, detect, original_span, scope_of
from organizer.parsing.lead import lead_minutes
from organizer.parsing.model import Parsed
from organizer.parsing.normalise import Message, one_typo_apart, read_message, with_first_word
from organizer.parsing.resolve import When, resolve
from organizer.parsing.title import make_ref, make_title, tidy

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


class HasGrammar(Protocol):
    """What parsing needs of a canon (organizer.canon.Canon): its compiled grammar."""

    @property
    def grammar(self) -> Grammar: ...


def parse(text: str, now: datetime, tz: str, canon: HasGrammar, *,
          replying: bool = False) -> Parsed:
    """Understand one message; never raises on any text.

    `replying`: the message answers one of the bot's messages about a task, so patterns
    with the empty group `replying` count too ("заметка: код 45К" notes on that task).

    `now` is converted to `tz` first (a naive `now` is taken as already local);
    dates and times in the result are local to `tz`. An unknown `tz` raises
    ZoneInfoNotFoundError: zones are checked where they are configured.
    """
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone) if now.tzinfo is not None else now.replace(tzinfo=zone)
    try:
        return parse_local(text, local_now, canon.grammar, replying=replying)
    except Exception:  # a parser bug must not take a daemon down; the fuzz test hunts them
        return Parsed("unknown", lang=language(text))


def parse_when(text: str, now: datetime, tz: str, canon: HasGrammar) -> Parsed:
    """Read `text` ("завтра в 11") as a new date and time, exactly as the bot reads it in
    "перенеси N на <text>", so that the operator's channel and the bot agree."""
    return parse(f"перенеси 1 на {text}", now, tz, canon)


def language(text: str) -> str:
    """ "en" when the message has more Latin than Cyrillic letters, else "ru"."""
    sample = text[:500]
    return "en" if len(_LATIN.findall(sample)) > len(_CYRILLIC.findall(sample)) else "ru"


def parse_local(text: str, now: datetime, grammar: Grammar, *,
                replying: bool = False) -> Parsed:
    """`parse` with `now` already local and no safety net (what the fuzz test calls)."""
    lang = language(text)
    message = read_message(text, grammar.symbols, grammar.polite, grammar.leading,
                           grammar.requests, grammar.request_verbs)
    detected = detect(message, grammar, replying=replying)
    if detected is None:
        message, detected = _with_typo_fixed(message, grammar)
    if detected is None:
        return _task(message, now, grammar, lang)
    intent, match = detected.intent, detected.match
    if match is not None and _needs_other_timing(match, message, grammar):
        return _task(message, now, grammar, lang)  # "я записалась к врачу на пятницу"
    if intent in ("complete_task", "cancel_task"):
        return Parsed(intent, ref=_ref(message, match, grammar), lang=lang)
    if intent in ("show_task", "task_history"):
        return Parsed(intent, ref=_ref(message, match, grammar), lang=lang)
    if intent in ("note_task", "rename_task"):
        return _with_text(message, match, grammar, intent, lang)
    if intent == "reschedule_task":
        return _reschedule(message, detected, now, grammar, lang)
    if intent == "list_tasks":
        return Parsed(intent, scope=scope_of(message.command, grammar), lang=lang)
    if intent == "add_task":
        return _task(message, now, grammar, lang)
    if intent == "set_reminder_lead":
        return _reminder_lead(message, match, grammar, lang)
    if intent == "set_digest" and match is not None:
        return _digest(match, now, grammar, lang)
    return Parsed(intent, lang=lang)


def _needs_other_timing(match: re.Match[str], message: Message, grammar: Grammar) -> bool:
    """A pattern with the empty group `untimed` counts only when no date or time is said
    ("я купила корм"), one with `timed` only when one is ("созвон лучше на четверг")."""
    untimed = group_span(match, "untimed") is not None
    timed = group_span(match, "timed") is not None
    if not untimed and not timed:
        return False
    said = bool(find_pieces(message.flat, grammar.time, loose=timed))
    return said if untimed else not said


def _with_typo_fixed(message: Message, grammar: Grammar) -> tuple[Message, Detected | None]:
    """Retry with a misspelt first command word ("гатово 3"); the message as is otherwise."""
    if not message.tokens or len(message.tokens[0].text) < 5:
        return message, None
    first = message.tokens[0].text
    if first.endswith(("ть", "ться", "ти", "чь")):
        return message, None  # an infinitive is a to-do, never a misspelt command
    for word in sorted(grammar.command_words):
        # a different ending is another form of a word, not a typo ("сделай" is no "сделал")
        if first != word and first[-1] == word[-1] and one_typo_apart(first, word):
            fixed = with_first_word(message, word)
            detected = detect(fixed, grammar)
            if detected is not None and detected.intent != "unknown":
                return fixed, detected
    return message, None


def _task(message: Message, now: datetime, grammar: Grammar, lang: str) -> Parsed:
    when = resolve(find_pieces(message.flat, grammar.time), now, grammar.time)
    title = make_title(message.original, when.spans, grammar)
    if title is None:
        return Parsed("unknown", lang=lang)
    return Parsed(
        "add_task",
        title=title,
        due_date=when.due_date,
        due_time=when.due_time,
        lang=lang,
        alternative=when.alternative,
        **_said(message.original, when),
    )


class _Said(TypedDict):
    repeat: str | None
    repeat_words: str | None
    invalid_date: str | None


def _said(original: str, when: When, offset: int = 0) -> _Said:
    """The repetition and the impossible date of a message, as the user wrote them."""

    def words(span: tuple[int, int] | None) -> str | None:
        return tidy(original[span[0] + offset : span[1] + offset]) if span else None

    return {
        "repeat": when.repeat,
        "repeat_words": words(when.repeat_span),
        "invalid_date": words(when.invalid),
    }


def _group_span(message: Message, match: re.Match[str] | None, group: str) -> tuple[int, int]:
    span = group_span(match, group) if match is not None else None
    if span is None:
        return (0, 0)
    return original_span(message, *span)


def _ref(message: Message, match: re.Match[str] | None, grammar: Grammar) -> str | None:
    start, end = _group_span(message, match, "ref")
    if start == end:
        return None
    return make_ref(message.original[start:end], grammar)


def _with_text(message: Message, match: re.Match[str] | None, grammar: Grammar, intent: str,
               lang: str) -> Parsed:
    """A note or a new title: the words after the reference (group `text`), as written, to
    the end of the message; a note keeps its punctuation, a title is tidied like any title."""
    start, end = _group_span(message, match, "text")
    said = message.original[start:].strip() if end > start else ""
    ref = _ref(message, match, grammar)
    if intent == "rename_task":
        return Parsed(intent, ref=ref, title=tidy(said) or None, lang=lang)
    return Parsed(intent, ref=ref, text=said.lstrip(":-—– ").strip() or None, lang=lang)


def _reminder_lead(
    message: Message, match: re.Match[str] | None, grammar: Grammar, lang: str
) -> Parsed:
    """The reminder setting: the amount said (group `lead`), 0 for "at the due time"
    (group `zero`), or nothing when the message only asks about it."""
    span = group_span(match, "lead") if match is not None else None
    if match is not None and span is not None:
        start, end = original_span(message, *span)
        return Parsed("set_reminder_lead", lang=lang,
                      lead_min=lead_minutes(match.string[span[0] : span[1]], grammar.time),
                      lead_words=tidy(message.original[start:end]))
    if match is not None and group_span(match, "zero") is not None:
        return Parsed("set_reminder_lead", lang=lang, lead_min=0)
    return Parsed("set_reminder_lead", lang=lang)


def _digest(match: re.Match[str], now: datetime, grammar: Grammar, lang: str) -> Parsed:
    """The digest setting: a time of day (group `at`, read like a task's time; None when the
    words are no time, "25:00"), off, also on empty days (`always`), or just a question."""
    off = any(group_span(match, name) is not None for name in ("off", "off2"))
    always = any(group_span(match, name) is not None for name in ("always", "always_first"))
    span = group_span(match, "at") or group_span(match, "bad")
    if span is None:
        return Parsed("set_digest", lang=lang, digest_off=off)
    said = match.string[span[0] : span[1]].strip()
    at = None
    if group_span(match, "at") is not None:
        when = resolve(find_pieces(said, grammar.time), now, grammar.time)
        at = when.due_time.strftime("%H:%M") if when.due_time else _clock(said)
    return Parsed("set_digest", lang=lang, digest_at=at, digest_always=always, digest_words=said)


def _clock(said: str) -> str | None:
    """"8", "08.30" as "HH:MM" (the time vocabulary wants "в 8"); None for no time of day."""
    try:
        return read_digest_time(said)
    except InvalidDigestTime:
        return None


def _reschedule(
    message: Message, detected: Detected, now: datetime, grammar: Grammar, lang: str
) -> Parsed:
    match = detected.match
    start, end = _group_span(message, match, "rest")
    ref_spans: list[tuple[int, int]] = []
    if start == end:
        start, end = _group_span(message, match, "when")
    else:
        ref_spans = [(start, end)]
    pieces = find_pieces(message.flat[start:end], grammar.time, loose=True)
    when = resolve(pieces, now, grammar.time)
    if ref_spans:
        ref = make_ref(message.original[start:end], grammar, when.spans)
    else:
        ref = _ref(message, match, grammar)
    return Parsed(
        "reschedule_task",
        ref=ref,
        due_date=when.due_date,
        due_time=when.due_time,
        lang=lang,
        alternative=when.alternative,
        **_said(message.original, when, start),
    )
