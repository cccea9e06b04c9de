"""Titles and references: the user's own words, minus time and commands (a reference also minus
decoration: "готово 5 👍" is task 5)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from organizer.parsing.grammar import Grammar
from organizer.parsing.normalise import is_decoration
from organizer.parsing.vocab import fold

_RUNS = re.compile(r"[!?]{2,}|[.]{4,}|…{2,}|[(\[]\s*[)\]]")
_SPACES = re.compile(r"\s+")
_LEAD = re.compile(r"^[\s,.;:!?\-—–•*>)=|/\\]+")
_TRAIL = re.compile(r"[\s,.;:!?\-—–…(*=|/\\]+$")
_PERIOD = re.compile(r"(?<![.])[.]$|\s+$")
_NUMBER_REF = re.compile(r"^[#№]?\s*(\d{1,6})$")
_PAIRS = {"«": "»", "(": ")", '"': '"', "'": "'", "“": "”", "„": "“"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def _same_length_fold(text: str) -> str:
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join(c if len(f := fold(c)) != 1 else f for c in text)


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with each span replaced by spaces (positions stay put)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _lone_edge_quotes(text: str) -> str:
    if len(text) > 2 and text[0] in _PAIRS and text[-1] == _PAIRS[text[0]]:
        inner = text[1:-1]
        if text[0] not in inner and text[-1] not in inner:  # the whole title was quoted
            return inner.strip()
    if text and text[0] in _PAIRS and _PAIRS[text[0]] not in text[1:]:
        text = text[1:]
    if text and text[-1] in _CLOSERS and _CLOSERS[text[-1]] not in text[:-1]:
        text = text[:-1]
    return text


def tidy(text: str) -> str:
    """Drop decoration: emoji, control characters, "!!!", runs of spaces, edge punctuation."""
    text = "".join(" " if is_decoration(c) else c for c in text)
    text = _RUNS.sub(" ", text)
    text = _SPACES.sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = _LEAD.sub("", text)
        text = _TRAIL.sub("", text)
        text = _lone_edge_quotes(text)
    return text.strip()


def _strip_prefixes(text: str, prefix: re.Pattern[str]) -> str:
    for _ in range(8):
        match = prefix.match(_same_length_fold(text))
        if match is None or match.end() == 0:
            break
        text = text[match.end() :]
    return text


def _strip_trailing(text: str, words: frozenset[str], cut: bool = True) -> str:
    """Without the filler words left at the end; a capital letter ("витамин А", "план Б")
    is a name, not a preposition, unless a removed time stood right after it."""
    parts = text.split(" ")
    while parts and fold(parts[-1].strip(",.;:!?")) in words:
        if parts[-1].isupper() and not cut:
            break
        parts.pop()
    return " ".join(parts)


def _kept(char: str) -> bool:
    """Emoji, joiners and marks stay in a title; control characters and lone surrogates go."""
    category = unicodedata.category(char)
    return category not in ("Cc", "Cs") or char in "\n\t"


def _edges(text: str) -> tuple[str, str, str]:
    """The pictures and spaces before the words, the words, and the pictures and spaces after."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or is_decoration(text[start])):
        start += 1
    while end > start and (text[end - 1].isspace() or is_decoration(text[end - 1])):
        end -= 1
    return text[:start], text[start:end], text[end:]


def _pictures(edge: str) -> str:
    """The pictures of an edge, without control characters, single-spaced."""
    return _SPACES.sub(" ", "".join(c if _kept(c) else " " for c in edge)).strip()


def _title_tidy(text: str, cut_head: bool, cut_tail: bool) -> str:
    """Runs of "!"/"?" and spaces go; edge punctuation goes only where something was cut."""
    text = "".join(c if _kept(c) else " " for c in text)
    text = _SPACES.sub(" ", _RUNS.sub(" ", text))
    previous = None
    while previous != text:
        previous = text
        text = text.strip()
        if cut_head:
            text = _LEAD.sub("", text)
        text = (_TRAIL if cut_tail else _PERIOD).sub("", text)
        if cut_head and cut_tail:
            text = _lone_edge_quotes(text)
    return text.strip()


def make_title(original: str, spans: Iterable[tuple[int, int]], grammar: Grammar) -> str | None:
    """The task title: the message without its time spans and command words, and otherwise
    every character the person wrote (emoji, quotes, other scripts)."""
    text = blank(original, spans)
    polite = grammar.title_words.finditer(_same_length_fold(text))
    text = blank(text, (m.span() for m in polite))
    head, words, tail = _edges(text)
    before, _, after = _edges(original)
    cut_head = len(head) > len(before)
    cut_tail = len(tail) > len(after)
    stripped = _strip_prefixes(words.strip(), grammar.title_prefix)
    cut_head = cut_head or stripped != words.strip()
    words = _title_tidy(stripped, cut_head, cut_tail)
    words = _title_tidy(_strip_trailing(words, grammar.title_trailing, cut_tail), cut_head, cut_tail)
    if not any(c.isalnum() for c in words):
        return None
    before_words, after_words = _pictures(head), _pictures(tail)
    if before_words:  # as close to the words as they were written ("🍎купить", "‏שלום‏")
        words = before_words + (" " if head[-1].isspace() else "") + words
    if after_words:
        words += (" " if tail[0].isspace() else "") + after_words
    return words


_TASK_NOUN = re.compile(r"^(?:задач[уаи]?|задани[ея]|пункт|таск[уа]?|дело|запись|task|item|one)$")


def _ordinal(text: str, ordinals: dict[str, int]) -> int | None:
    """ "вторую задачу" / "задачу вторую" / "the second task": a list number."""
    words = fold(text).split()
    if words and words[0] == "the":
        words = words[1:]
    if len(words) != 2:
        return None
    for ordinal, noun in (words, words[::-1]):
        if ordinal in ordinals and _TASK_NOUN.match(noun):
            return ordinals[ordinal]
    return None


# The reference to the most recently created task ("последнюю задачу", "the last one"):
# TaskService.resolve reads it.
LAST = "last"


def _is_last(text: str, last: frozenset[str]) -> bool:
    """ "последнюю", "последнюю задачу", "the last one", "самую последнюю добавленную"."""
    words = [w for w in fold(text).split() if w not in ("the", "самую", "самая", "самый")]
    if not words or words[0] not in last:
        return False
    return all(w in last or _TASK_NOUN.match(w) for w in words[1:]) and len(words) <= 3


# A dictated correction inside a reference keeps the last one: "отмени 2 ой нет 3" is 3.
_REF_CORRECTION = re.compile(
    r"\s(?:ой\s+|а\s+)?(?:нет|точнее|вернее|то\s+есть|i\s+mean|sorry|no)\s+(?=\S)", re.IGNORECASE
)


def make_ref(original: str, grammar: Grammar, spans: Iterable[tuple[int, int]] = ()) -> str | None:
    """A task reference: a list number ("3"), words of a title ("молоко"), or `LAST`."""
    text = tidy(blank(original, spans))
    text = _REF_CORRECTION.split(text)[-1]
    if (nth := _ordinal(text, grammar.ref_ordinals)) is not None:
        return str(nth)
    if grammar.ref_last and _is_last(text, grammar.ref_last):
        return LAST
    text = tidy(_strip_prefixes(text, grammar.ref_prefix))
    text = tidy(_strip_trailing(text, grammar.ref_trailing))
    number = _NUMBER_REF.match(text)
    if number:
        return number.group(1)
    said = grammar.time.numbers.values.get(fold(text))
    if said:  # a dictated list number: "cancel number two"
        return str(said)
    if not any(c.isalnum() for c in text):
        return None
    return text
