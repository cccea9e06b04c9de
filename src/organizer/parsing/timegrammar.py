"""The date and time rules, compiled once from the canon's `time` vocabulary.

Each rule is one regular expression over the folded message (lower case, ё as
е, decoration blanked, number words as digits, same length as the original so
spans cut the title). Reading number words once, up front, keeps the rules
small: they compile at every canon load.
Rules are tried in the order of RULE_ORDER; a span taken by an earlier rule is
not looked at again. What a match means is decided in `extract.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

from organizer.parsing.vocab import NumberWords, alternation, fold, folded_map

B = r"(?<!\w)"  # a word starts here
E = r"(?!\w)"  # a word ends here

RULE_ORDER = (
    "duration",
    "snooze",
    "date_iso",
    "date_numeric",
    "date_day_month",
    "date_month_day",
    "day_only",
    "relative_day",
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
class TimeGrammar:
    """Vocabulary lookups plus the compiled rules, strict and loose (reschedule)."""

    numbers: NumberWords
    relative_days: dict[str, int]
    weekdays: dict[str, int]
    weekdays_need_preposition: frozenset[str]
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
    numerals: re.Pattern[str]  # number words, read as digits before the rules run
    counted_after: re.Pattern[str]  # a unit or counted thing right after a number
    not_due: re.Pattern[str]  # matches the end of a text whose next date is not a due date
    rules: tuple[tuple[str, re.Pattern[str]], ...]
    loose_rules: tuple[tuple[str, re.Pattern[str]], ...]

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

        return self.numerals.sub(digits, flat), words_end

    def day_ordinal(self, text: str) -> int | None:
        """'пятого' = 5, 'двадцать пятого' = 25, or None."""
        parts = " ".join(text.split()).split(" ")
        if len(parts) == 1:
            return self.day_ordinals.get(parts[0])
        tens = self.numbers.values.get(parts[0])
        unit = self.day_ordinals.get(parts[1])
        if tens in (20, 30) and unit is not None and unit < 10:
            return tens + unit
        return None


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def build_time_grammar(spec: Mapping[str, Any]) -> TimeGrammar:
    """Compile the rules from the `time` section of a validated canon."""
    numbers = NumberWords(spec["numbers"])
    weekdays: dict[str, int] = {}
    for index, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    ):
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
    parts = {
        " ".join(fold(w).split()): PartOfDay(_hhmm(p["at"]), p["meridiem"])
        for p in spec["parts_of_day"].values()
        for w in p["words"]
    }
    v = _Vocabulary(spec, numbers, weekdays, months, units, parts)
    compiled = tuple((name, re.compile(v.rule(name))) for name in RULE_ORDER)
    return TimeGrammar(
        numbers=numbers,
        relative_days={k: int(n) for k, n in folded_map(spec["relative_days"]).items()},
        weekdays=weekdays,
        weekdays_need_preposition=frozenset(fold(w) for w in spec["weekdays_need_preposition"]),
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
        numerals=re.compile(rf"{B}{numbers.pattern}{E}"),
        counted_after=re.compile(v.counted_after),
        not_due=re.compile(rf"{B}{alternation(spec['not_due_after'])}\s*$"),
        rules=tuple(r for r in compiled if r[0] not in RESCHEDULE_ONLY),
        loose_rules=compiled,
    )


class _Vocabulary:
    """Regex fragments for the rules."""

    def __init__(
        self,
        spec: Mapping[str, Any],
        numbers: NumberWords,
        weekdays: dict[str, int],
        months: dict[str, int],
        units: dict[str, str],
        parts: dict[str, PartOfDay],
    ) -> None:
        tens = [w for w, n in numbers.values.items() if n in (20, 30)]
        self.day_word = rf"(?:{alternation(tens)}\s+)?{alternation(spec['day_ordinals'])}"
        self.hour_ordinal = alternation(spec["hour_ordinals"])
        self.relative = alternation(spec["relative_days"])
        self.weekday = alternation(weekdays)
        self.weekday_mod = alternation(spec["weekday_modifiers"])
        self.month = alternation(months)
        self.units = alternation(units)
        self.minute_units = alternation(spec["units"]["minute"])
        self.day_units = alternation([*spec["units"]["day"], *spec["units"]["week"]])
        self.fixed_durations = alternation(spec["fixed_durations"])
        self.quantity = alternation(spec["quantity_words"])
        self.duration_prefix = alternation(spec["duration_prefixes"])
        self.date_prep = alternation(spec["date_prepositions"])
        self.clock_prep = alternation(spec["clock_prepositions"])
        self.any_prep = alternation([*spec["clock_prepositions"], *spec["loose_prepositions"]])
        self.meridiem = alternation(spec["meridiem"])
        self.fixed_times = alternation(spec["fixed_times"])
        self.parts = alternation(parts)
        counted = "|".join(f"(?:{w.replace('ё', 'е')})" for w in spec["counted_words"])
        # What may not follow a number read as a time: a unit or a counted thing
        # ("5-10 минут", "в 3 магазина"); checked after the match, one regex for all rules.
        self.counted_after = rf"\s*(?:{self.units}|{counted}){E}"

    def rule(self, name: str) -> str:
        mer = self.meridiem
        prep = self.any_prep
        opt_mer = rf"(?:\s*(?P<mer>{mer}))?"
        rules = {
            "duration": (
                rf"{B}{self.duration_prefix}\s+(?:(?P<fixed>{self.fixed_durations})|"
                rf"(?:(?P<n>\d{{1,4}}(?:[.,]5)?|{self.quantity})\s*)?(?P<unit>{self.units})"
                rf"(?:\s+(?:и\s+|and\s+)?(?P<n2>\d{{1,2}})\s*"
                rf"(?P<unit2>{self.minute_units}))?)"
                rf"{E}"
            ),
            "snooze": (
                rf"{B}(?:на|for|by)\s+(?:(?P<fixed>{self.fixed_durations})|(?:(?P<n>\d{{1,3}})\s*)?"
                rf"(?P<unit>{self.minute_units}|{self.day_units})|(?P<hour>час|an\s+hour|one\s+hour))"
                rf"(?:\s+(?:вперед|позже|later|ahead))?{E}"
            ),
            "date_iso": (
                rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-"
                rf"(?P<d>\d{{1,2}}){E}"
            ),
            "date_numeric": (
                rf"(?<![\w.])(?:(?P<prep>{self.date_prep}|{prep})\s*)?(?P<d>\d{{1,2}})[./]"
                rf"(?P<m>\d{{1,2}})(?:[./](?P<y>\d{{4}}|\d{{2}}))?(?!\w|[.:/]\d)"
            ),
            "date_day_month": (
                rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?:(?P<d>\d{{1,2}})|(?P<dw>{self.day_word}))"
                rf"(?:\s*-?\s*(?:го|е|ое|ого|th|st|nd|rd))?\s+(?:of\s+)?(?P<mon>{self.month})"
                rf"(?:\s+(?P<y>\d{{4}})(?:\s*(?:года|год|г))?)?{E}"
            ),
            "date_month_day": (
                rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?P<mon>{self.month})\s+(?P<d>\d{{1,2}})"
                rf"(?:st|nd|rd|th)?(?:\s*,?\s*(?P<y>\d{{4}}))?{E}(?!\s*(?:[:.]\d|{mer}{E}))"
            ),
            "day_only": (
                rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?:(?P<d>\d{{1,2}})\s*-?\s*(?:го|ого|е|ое)"
                rf"(?:\s+числа)?|(?P<d2>\d{{1,2}})\s+числа|(?P<dw>{self.day_word})\s+числа|"
                rf"(?:the\s+)?(?P<d3>\d{{1,2}})(?:st|nd|rd|th)){E}"
            ),
            "relative_day": rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?P<rel>{self.relative}){E}",
            "weekday": (
                rf"{B}(?:(?P<every>кажд\w*|every|each)\s+)?(?:(?P<prep>{self.date_prep})\s+)?"
                rf"(?:(?P<mod>{self.weekday_mod})\s+)?(?P<wd>{self.weekday}){E}"
            ),
            # "с 10 до 12", "from 3 to 5pm": the start counts, am/pm said once for both
            "clock_range": (
                rf"{B}(?:с|со|from|between)\s+(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}}))?"
                rf"(?:\s*(?:ч|час\w*))?\s*(?:до|по|to|till|until|and|-|–)\s*(?P<h2>\d{{1,2}})"
                rf"(?:[:.](?P<m2>\d{{2}}))?(?:\s*(?:ч|час\w*))?{opt_mer}{E}"
            ),
            "clock_span": (
                rf"(?<![\w:.])(?:(?P<prep>{prep})\s*)?(?P<h>\d{{1,2}})[:.](?P<m>\d{{2}})(?:\s*(?:-|–|—|до|to)\s*|\s+)"
                rf"(?P<h2>\d{{1,2}})[:.](?P<m2>\d{{2}}){opt_mer}{E}"
            ),
            "clock_colon": (
                rf"(?<![\w:.])(?:(?P<prep>{prep})\s*)?(?P<h>\d{{1,2}})(?:\s*:\s*|[.\-])(?P<m>\d{{2}})"
                rf"(?:\s*(?:ч|час\w*|h){E})?{opt_mer}(?!\w|[:.]\d)"
            ),
            "clock_hours_minutes": (
                rf"{B}(?:(?P<prep>{prep})\s*)?(?P<h>\d{{1,2}})\s*(?:ч|час(?:а|ов)?|h)\.?\s*"
                rf"(?P<m>\d{{1,2}})\s*(?:мин(?:ут[аы]?)?|м|min|m)?\.?{opt_mer}{E}"
            ),
            "clock_half": (
                rf"{B}(?:(?P<prep>{prep})\s+)?(?:в\s+)?(?:(?P<half>половин[еауы]\s+|пол\s*-?\s*)|"
                rf"(?P<quarter>четверть\s+))(?P<ho>{self.hour_ordinal}){opt_mer}{E}(?!\s+этаж)"
            ),
            "clock_without": (
                rf"{B}(?:(?P<prep>{prep})\s+)?без\s+(?:(?P<q>четверти)|(?P<mm>\d{{1,2}})"
                rf"(?:\s*мин\w*)?)\s+(?P<h>\d{{1,2}}|час){opt_mer}{E}"
            ),
            "clock_english": (
                rf"{B}(?:(?P<prep>{prep})\s+)?(?:(?P<half>half)|(?P<quarter>(?:a\s+)?quarter)|"
                rf"(?P<mm>\d{{1,2}})\s+minutes?)\s+(?P<dir>past|after|to|till)\s+(?P<h>\d{{1,2}})"
                rf"{opt_mer}{E}"
            ),
            # "9am", "в 7 вечера", "10ч", "в 2 часа дня", "в час ночи": an hour with a unit or am/pm
            "clock_hour": (
                rf"{B}(?:(?P<prep>{prep})\s*)?(?P<h>\d{{1,2}}|час)(?:\s*[:.]\s*(?P<m>\d{{2}}))?"
                rf"(?:\s*(?P<unit>ч|час(?:а|ов)?|часик(?:а|ов)?|h|o'?clock)\.?)?{opt_mer}{E}"
            ),
            "clock_fixed": rf"{B}(?:(?P<prep>{prep})\s+)?(?P<fixed>{self.fixed_times}){E}",
            "clock_bare": (
                rf"{B}(?P<prep>{prep})\s*(?P<h>\d{{1,2}}|час)"
                rf"(?:\s+(?P<m>[0-5]\d))?{E}"
                rf"(?!\s*[.:,]?\d)"
            ),
            "part_of_day": rf"{B}(?P<part>{self.parts}){E}",
        }
        return rules[name]
