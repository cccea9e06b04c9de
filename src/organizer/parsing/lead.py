"""How long before a due time a person wants reminders: an amount of time said in words.

The canon's `set_reminder_lead` patterns decide that a message is about the
reminder setting and mark the amount (group `lead`: "30 минут", "полтора часа",
"1 ч 30 мин", "an hour") or a reminder right at the due time (group `zero`:
"в момент задачи", "без заранее"). This module reads the amount with the
canon's own time vocabulary (units, number and quantity words, fixed
durations), so "за пару часов" means what "через пару часов" means.
"""

from __future__ import annotations

import re

from organizer.parsing.timegrammar import TimeGrammar

MINUTES_PER_UNIT = {"minute": 1, "hour": 60, "day": 24 * 60, "week": 7 * 24 * 60,
                    "month": 30 * 24 * 60}  # a month only ever shows up as too long
# /remind's argument: a whole number and an optional unit ("15", "15 мин", "2h", "1 час").
REMIND_ARGUMENT = re.compile(
    r"^([+-]?\d+)\s*(m|min|mins|minutes?|мин|минут[аы]?|h|hours?|ч|час|часа|часов)?\.?$")
HOUR_UNITS = frozenset({"h", "hour", "hours", "ч", "час", "часа", "часов"})
_WORD = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:-[^\W\d_]+)*")
_JOINERS = frozenset({"и", "and"})
_LONGEST_PHRASE = 5  # "an hour and a half"


def lead_minutes(text: str, grammar: TimeGrammar) -> int | None:
    """Whole minutes in an amount of time ("30 минут" = 30, "1,5 часа" = 90, "час 15" = 75),
    or None when it does not read as one or is not a whole number of minutes."""
    words = _WORD.findall(" ".join(text.lower().replace("ё", "е").split()))
    total = 0.0
    count: float | None = None
    last_unit = 0.0  # minutes per unit of the last unit word; 0: none yet
    index = 0
    while index < len(words):
        length, kind, value = _longest(words, index, grammar)
        index += length
        if kind == "joiner":
            continue
        if kind == "count":
            if count is not None and not (count >= 20 and count % 10 == 0 and 0 < value < 10):
                return None  # two numbers in a row, other than "двадцать пять"
            count = value if count is None else count + value
        elif kind == "fixed" and count is None:
            total, last_unit = total + value, value
        elif kind == "unit":
            total += (1.0 if count is None else count) * value
            count, last_unit = None, value
        else:
            return None
    if count is not None:  # "час 30": minutes after an hour
        if last_unit != MINUTES_PER_UNIT["hour"]:
            return None
        total += count
    if not last_unit or total != int(total):
        return None
    return int(total)


def _longest(words: list[str], index: int, grammar: TimeGrammar) -> tuple[int, str, float]:
    """The longest phrase at `index` the vocabulary knows: (its words, kind, value).

    kind is unit (value = minutes per unit), count, fixed (minutes), joiner, or ""
    for a word that says no amount.
    """
    for length in range(min(_LONGEST_PHRASE, len(words) - index), 0, -1):
        phrase = " ".join(words[index : index + length])
        if length == 1 and phrase[0].isdecimal():
            return 1, "count", float(phrase.replace(",", "."))
        if phrase in grammar.fixed_durations:
            return length, "fixed", float(grammar.fixed_durations[phrase])
        if phrase in grammar.units:
            return length, "unit", float(MINUTES_PER_UNIT[grammar.units[phrase]])
        if phrase in grammar.quantity_words:
            return length, "count", float(grammar.quantity_words[phrase])
        number = grammar.numbers.values.get(phrase)
        if number is not None:
            return length, "count", float(number)
        if length == 1 and phrase in _JOINERS:
            return 1, "joiner", 0.0
    return 1, "", 0.0
