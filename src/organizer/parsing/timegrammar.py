"""The date and time rules, compiled once from the canon's `time` vocabulary.

Each rule is one regular expression over the folded message (lower case, ё as
е, decoration blanked, number words as digits, same length as the original so
spans cut the title). Reading number words once, up front, keeps the rules
small: they compile at every canon load.
Rules are tried in the order of RULE_ORDER; a span taken by an earlier rule is
not looked at again. The regular expressions are written in `patterns.py`;
what a match means is decided by the handlers (rules.py, dates.py, repeat.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from functools import cached_property, partial
from typing import Any

from organizer.parsing.patterns import B, E, Vocabulary
from organizer.parsing.pieces import Repeat
from organizer.parsing.vocab import NumberWords, alternation, fold, folded_map

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RULE_ORDER = (
    "repeat",
    "duration",
    "snooze",
    "date_iso",
    "date_numeric",
    "date_day_month",
    "date_month_day",
    "day_only",
    "relative_day",
    "week",
    "weekday",
    "clock_range",
    "clock_span",
    "clock_colon",
    "clock_hours_minutes",
    "clock_half",
    "clock_without",
    "clock_english",
    "clock_hour",
    "clock_fixed",
    "clock_bare",
    "part_of_day",
)
# Rules only a reschedule uses ("отложи 3 на час").
RESCHEDULE_ONLY = frozenset({"snooze"})


@dataclass(frozen=True)
class PartOfDay:
    at: time
    meridiem: str


@dataclass(frozen=True)
class TimesPer:
    """A count of times in a period (canon `time.repeat.times`): "трижды" = 3, and for each
    count the hours of a day, the weekdays of a week and the days of a month it means."""

    counts: dict[str, int]
    per_day: dict[int, tuple[int, ...]]
    per_week: dict[int, tuple[int, ...]]
    per_month: dict[int, tuple[int, ...]]


@dataclass(frozen=True)
class TimeGrammar:
    """Vocabulary lookups plus the compiled rules, strict and loose (reschedule)."""

    numbers: NumberWords
    relative_days: dict[str, int]
    weekdays: dict[str, int]
    weekdays_need_preposition: frozenset[str]
    next_modifiers: frozenset[str]  # "следующую среду": that weekday of next week
    next_week: frozenset[str]  # "следующей неделе"; the this_week words are the others
    repeat_phrases: dict[str, Repeat]  # "ежедневно", "по будням", "каждое утро"
    repeat_parts: dict[str, PartOfDay]  # "каждое утро": daily at the morning's time
    repeat_weekdays: dict[str, int]  # "понедельникам" -> 0
    times: TimesPer  # "2 раза в день", "twice a week": how the times are spread
    months: dict[str, int]
    hour_ordinals: dict[str, int]
    day_ordinals: dict[str, int]
    units: dict[str, str]
    fixed_durations: dict[str, int]
    quantity_words: dict[str, int]
    meridiem: dict[str, str]
    fixed_times: dict[str, time]
    parts: dict[str, PartOfDay]
    clock_prepositions: frozenset[str]
    loose_prepositions: frozenset[str]  # a bare "на 11" is a time only in a reschedule
    numerals_source: str  # number words, read as digits before the rules run
    not_due_source: str  # matches the end of a text whose next date is not a due date
    make_vocabulary: Callable[[], Vocabulary] = field(compare=False, repr=False)

    # The rules are written from escaped canon words and this package's templates, so they
    # cannot fail to compile for any canon that passed its checks: they are written and
    # compiled when a message is first read, not when the canon loads. The worker and the
    # API load the canon only for its replies and never pay for them. (The canon's own
    # regexes, which can be wrong, are compiled at load: see grammar.build_grammar.)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return self.make_vocabulary()

    @cached_property
    def rule_sources(self) -> tuple[tuple[str, str], ...]:
        """RULE_ORDER and each rule's regex."""
        return tuple((name, self.vocabulary.rule(name)) for name in RULE_ORDER)

    @cached_property
    def counted_after(self) -> re.Pattern[str]:
        """A unit or counted thing right after a number."""
        return re.compile(self.vocabulary.counted_after)

    @cached_property
    def not_due(self) -> re.Pattern[str]:
        return re.compile(self.not_due_source)

    @cached_property
    def loose_rules(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """Every rule, compiled, in RULE_ORDER; a reschedule reads with these."""
        return tuple((name, re.compile(source)) for name, source in self.rule_sources)

    @cached_property
    def rules(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """The rules a new task is read with."""
        return tuple(r for r in self.loose_rules if r[0] not in RESCHEDULE_ONLY)

    @cached_property
    def numerals(self) -> re.Pattern[str]:
        return re.compile(self.numerals_source)

    def with_digits(self, flat: str) -> tuple[str, dict[int, int]]:
        """Number words as digits, padded to keep positions ("в десять" -> "в 10    "),
        and for each digit written, where its word ended (a span ending there ends there)."""
        words_end: dict[int, int] = {}

        def digits(match: re.Match[str]) -> str:
            word = match.group()
            value = self.numbers.value(word)
            text = str(value) if value is not None else word
            if len(text) > len(word):
                return word
            for offset in range(1, len(word) + 1):
                words_end[match.start() + offset] = match.end()
            return text.ljust(len(word))

        def zero_minutes(match: re.Match[str]) -> str:
            for offset in range(1, len(match.group()) + 1):
                words_end[match.start() + offset] = match.end()
            return f"0{self.numbers.value(match.group(1))}".ljust(len(match.group()))

        # dictated minutes: "девятнадцать ноль ноль" = 19:00, "девять ноль пять" = 9:05
        flat = _ZERO_MINUTES.sub(zero_minutes, flat)
        return self.numerals.sub(digits, flat), words_end

    def day_ordinal(self, text: str) -> int | None:
        """'пятого' = 5, 'двадцать пятого' = 25, or None."""
        parts = " ".join(text.split()).split(" ")
        if len(parts) == 1:
            return self.day_ordinals.get(parts[0])
        tens = int(parts[0]) if parts[0].isdigit() else self.numbers.values.get(parts[0])
        unit = self.day_ordinals.get(parts[1])
        if tens in (20, 30) and unit is not None and unit < 10:
            return tens + unit
        return None


_ZERO_MINUTES = re.compile(
    r"(?<!\w)ноль\s+(ноль|один|два|три|четыре|пять|шесть|семь|восемь|девять)(?!\w)"
)


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def build_time_grammar(spec: Mapping[str, Any]) -> TimeGrammar:
    """Compile the rules from the `time` section of a validated canon."""
    numbers = NumberWords(spec["numbers"])
    weekdays: dict[str, int] = {}
    for index, name in enumerate(WEEKDAYS):
        weekdays.update({fold(w): index for w in spec["weekdays"][name]})
    months: dict[str, int] = {}
    for index, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    ):
        months.update({fold(w): index for w in spec["months"][name]})
    units = {" ".join(fold(w).split()): unit for unit, ws in spec["units"].items() for w in ws}
    named = {n: PartOfDay(_hhmm(p["at"]), p["meridiem"]) for n, p in spec["parts_of_day"].items()}
    parts = {_key(w): named[n] for n, p in spec["parts_of_day"].items() for w in p["words"]}
    phrases, repeat_parts = _repeat_phrases(spec["repeat"], named)
    repeat_words = {**phrases, **repeat_parts}
    return TimeGrammar(
        numbers=numbers,
        relative_days={k: int(n) for k, n in folded_map(spec["relative_days"]).items()},
        weekdays=weekdays,
        weekdays_need_preposition=frozenset(fold(w) for w in spec["weekdays_need_preposition"]),
        next_modifiers=_phrases(spec["next_modifiers"]),
        next_week=_phrases(spec["next_week"]),
        repeat_phrases=phrases,
        repeat_parts=repeat_parts,
        times=_times(spec["repeat"].get("times") or {}, named),
        repeat_weekdays={
            _key(w): WEEKDAYS.index(day)
            for table in ("weekdays", "short_weekdays")
            for day, words in spec["repeat"].get(table, {}).items()
            for w in words
        },
        months=months,
        hour_ordinals={k: int(n) for k, n in folded_map(spec["hour_ordinals"]).items()},
        day_ordinals={k: int(n) for k, n in folded_map(spec["day_ordinals"]).items()},
        units=units,
        fixed_durations={k: int(n) for k, n in folded_map(spec["fixed_durations"]).items()},
        quantity_words={k: int(n) for k, n in folded_map(spec["quantity_words"]).items()},
        meridiem={k: str(m) for k, m in folded_map(spec["meridiem"]).items()},
        fixed_times={k: _hhmm(str(t)) for k, t in folded_map(spec["fixed_times"]).items()},
        parts=parts,
        clock_prepositions=frozenset(" ".join(fold(w).split()) for w in spec["clock_prepositions"]),
        loose_prepositions=frozenset(" ".join(fold(w).split()) for w in spec["loose_prepositions"]),
        numerals_source=rf"{B}{numbers.pattern}{E}",
        not_due_source=rf"{B}{alternation(spec['not_due_after'])}\s*$",
        make_vocabulary=partial(
            Vocabulary, spec, numbers, weekdays, months, units, parts, repeat_words
        ),
    )


def _times(spec: Mapping[str, Any], parts: Mapping[str, PartOfDay]) -> TimesPer:
    def table(name: str, value: Any) -> dict[int, tuple[int, ...]]:
        return {int(n): tuple(sorted({value(x) for x in xs})) for n, xs in spec.get(name, {}).items()}

    # a part of day the canon does not define is a `canon check` error, never a KeyError here
    return TimesPer(
        counts={_key(w): int(n) for w, n in (spec.get("counts") or {}).items()},
        per_day=table("per_day", lambda part: parts[part].at.hour),
        per_week=table("per_week", WEEKDAYS.index),
        per_month=table("per_month", int),
    )


def _key(word: str) -> str:
    return " ".join(fold(word).split())


def _phrases(words: list[str]) -> frozenset[str]:
    return frozenset(_key(w) for w in words)


def _repeat_phrases(
    spec: Mapping[str, Any], parts: Mapping[str, PartOfDay]
) -> tuple[dict[str, Repeat], dict[str, PartOfDay]]:
    """Repetition said in one phrase: its rule, and the part of day of "каждое утро"-like ones."""
    every_day = {
        "daily": Repeat("DAILY"),
        "weekly": Repeat("WEEKLY"),
        "monthly": Repeat("MONTHLY"),
        "yearly": Repeat("YEARLY"),
        "workdays": Repeat("WEEKLY", weekdays=(0, 1, 2, 3, 4)),
        "weekends": Repeat("WEEKLY", weekdays=(5, 6)),
    }
    phrases = {_key(w): rule for name, rule in every_day.items() for w in spec[name]}
    # a part of day the canon does not define is a `canon check` error, never a KeyError here
    by_phrase = {_key(w): parts[name] for name, words in spec["parts"].items() for w in words}
    return phrases, by_phrase
