"""Which intent a message is, by the canon's whole-message patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from organizer.parsing.grammar import LONG_INTENTS, Grammar, group_span
from organizer.parsing.normalise import Message


@dataclass(frozen=True)
class Detected:
    intent: str
    match: re.Match[str] | None


def detect(message: Message, grammar: Grammar, *, replying: bool = False) -> Detected | None:
    """The first intent in match order whose pattern covers the whole command; None = a task.

    A pattern with the empty group `replying` counts only in a reply to the bot's message
    about a task (`replying`); an intent's earlier patterns are tried first."""
    command = message.command
    if not command:
        return Detected("unknown", None)
    long = len(command) > grammar.max_command_chars
    for intent, pattern in grammar.intents:
        if long and intent not in LONG_INTENTS:
            continue
        match = pattern.fullmatch(command)
        if match is not None and (replying or group_span(match, "replying") is None):
            return Detected(intent, match)
    return None


def original_span(message: Message, start: int, end: int) -> tuple[int, int]:
    """Where the command text's characters [start, end) stand in the original message."""
    position = 0
    first: int | None = None
    last = 0
    for token in message.tokens:
        token_end = position + len(token.text)
        if token_end > start and position < end:
            width = token.end - token.start
            offset_start = min(max(start - position, 0), width)
            offset_end = min(max(end - position, 0), width)
            if token.text != message.flat[token.start : token.end]:  # a symbol read as a word
                offset_start, offset_end = 0, width
            if first is None:
                first = token.start + offset_start
            last = token.start + offset_end
        position = token_end + 1
    if first is None:
        return (0, 0)
    return (first, max(first, last))


def scope_of(command: str, grammar: Grammar) -> str:
    """today, tomorrow, week, overdue or all: the first scope word found, in canon order."""
    for scope, pattern in grammar.scopes:
        if pattern.search(command):
            return scope
    return grammar.default_scope
