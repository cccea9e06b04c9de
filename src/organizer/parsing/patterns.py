"""The regular expression of each time rule, written from the canon's `time` vocabulary.

Rules run over the folded message with number words already read as digits
(timegrammar.TimeGrammar.with_digits); what a match means is decided by the
handlers in rules.py, dates.py and repeat.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from organizer.parsing.vocab import NumberWords, alternation

B = r"(?<!\w)"  # a word starts here
E = r"(?!\w)"  # a word ends here


class Vocabulary:
    """Regex fragments for the rules."""

    def __init__(
        self,
        spec: Mapping[str, Any],
        numbers: NumberWords,
        weekdays: Mapping[str, int],
        months: Mapping[str, int],
        units: Mapping[str, str],
        parts: Mapping[str, Any],
        repeat_words: Mapping[str, Any],
    ) -> None:
        tens = [w for w, n in numbers.values.items() if n in (20, 30)]
        # the ten may already be digits ("20 пятого"): number words are read first
        self.day_word = rf"(?:(?:{alternation(tens)}|[23]0)\s+)?{alternation(spec['day_ordinals'])}"
        # a genitive day ordinal may stand alone: "двадцать первого позвонить в банк"
        # and a dative one after "к": "к двадцать пятому сдать отчёт"
        genitive = [w for w in spec["day_ordinals"] if str(w).endswith("ого")]
        dative = [w for w in spec["day_ordinals"] if str(w).endswith("ому")]
        # (an ordinal alone followed by its noun is no date: "второго ребенка", "к первому
        # подъезду"; "двадцать первого" is a date whatever follows)
        ten = rf"(?:{alternation(tens)}|[23]0)\s+"
        self.day_word_alone = (
            rf"(?:{ten}{alternation(genitive)}|{alternation(genitive)}(?!\s+\w+[ая]{E}))"
            if genitive else "(?!)"
        )
        self.day_word_to = (
            rf"(?:{ten}{alternation(dative)}|{alternation(dative)}(?!\s+\w+[ую]{E}))"
            if dative else "(?!)"
        )
        self.hour_ordinal = alternation(spec["hour_ordinals"])
        self.relative = alternation(spec["relative_days"])
        self.weekday = alternation(weekdays)
        self.weekday_mod = alternation([*spec["weekday_modifiers"], *spec["next_modifiers"]])
        self.weeks = alternation([*spec["next_week"], *spec["this_week"]])
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
        repeat = spec["repeat"]
        self.every = alternation(repeat["every"])
        self.other = alternation(repeat["other"])
        self.by = alternation(repeat["by"])
        self.repeat_phrases = alternation(repeat_words)
        times = repeat.get("times") or {}
        self.times = (
            rf"(?:(?P<tn>\d{{1,2}})\s*{alternation(times['word'])}|"
            rf"(?P<tw>{alternation(times.get('counts') or {})}))\s+{alternation(times['per'])}\s+"
            rf"(?P<tunit>{self.units})|" if times else ""
        )
        self.plural_weekdays = alternation(
            [w for words in repeat["weekdays"].values() for w in words]
        )
        short = [w for words in repeat.get("short_weekdays", {}).values() for w in words]
        by_short = repeat.get("by_short", [])
        self.short_weekdays = (
            rf"(?:{alternation(by_short)})\s+(?P<short>{alternation(short)})|"
            if short and by_short else ""
        )
        counted = "|".join(f"(?:{w.replace('ё', 'е')})" for w in spec["counted_words"])
        # What may not follow a number read as a time: a unit or a counted thing
        # ("5-10 минут", "в 3 магазина"); checked after the match, one regex for all rules.
        self.counted_after = rf"\s*(?:{self.units}|{counted}){E}"

    def rule(self, name: str) -> str:
        """The regular expression of rule `name` (see timegrammar.RULE_ORDER)."""
        return getattr(self, f"_{name}")()  # type: ignore[no-any-return]

    def _opt_mer(self) -> str:
        return rf"(?:\s*(?P<mer>{self.meridiem}))?"

    def _repeat(self) -> str:
        every = self.every
        return (
            rf"{B}(?:{self.times}(?P<every>{every})\s+(?:(?P<n>\d{{1,3}})\s*|(?P<other>{self.other})\s+)?"
            rf"(?P<unit>{self.units})|{every}\s+(?P<fixed>{self.fixed_durations})|"
            rf"{every}\s+(?:the\s+)?(?P<md>\d{{1,2}})(?:\s*-?\s*(?:е|ое|го|ого)(?:\s+числ\w*)?|"
            rf"\s+числ\w*|st|nd|rd|th)|(?P<phrase>{self.repeat_phrases})|"
            rf"(?:{self.by}\s+)?(?P<plural>{self.plural_weekdays})|{self.short_weekdays}"
            rf"(?P<bare>{every})(?=\s+\S)){E}"
        )

    def _duration(self) -> str:
        return (
            rf"{B}{self.duration_prefix}\s+(?:(?P<fixed>{self.fixed_durations})|"
            rf"(?:(?P<n>\d{{1,4}}(?:[.,]5)?|{self.quantity})\s*)?(?P<unit>{self.units})"
            rf"(?:\s+(?:и\s+|and\s+)?(?P<n2>\d{{1,2}})\s*"
            rf"(?P<unit2>{self.minute_units}))?)"
            rf"{E}"
        )

    def _snooze(self) -> str:
        return (
            rf"{B}(?:на|for|by)\s+(?:(?P<fixed>{self.fixed_durations})|(?:(?P<n>\d{{1,3}})\s*)?"
            rf"(?P<unit>{self.minute_units}|{self.day_units})|(?P<hour>час|an\s+hour|one\s+hour))"
            rf"(?:\s+(?:вперед|позже|later|ahead))?{E}"
        )

    def _date_iso(self) -> str:
        return (
            rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-"
            rf"(?P<d>\d{{1,2}}){E}"
        )

    def _date_numeric(self) -> str:
        # 20.11, 20/11, 12/25 (month first only when day first is impossible), 25-12
        return (
            rf"(?<![\w.])(?:(?P<prep>{self.date_prep}|{self.any_prep})\s*)?(?P<d>\d{{1,2}})"
            rf"(?P<sep>[./-])(?P<m>\d{{1,2}})(?:[./-](?P<y>\d{{4}}|\d{{2}}))?(?!\w|[.:/-]\d)"
        )

    def _date_day_month(self) -> str:
        return (
            rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?:(?P<d>\d{{1,2}})|(?P<dw>{self.day_word}))"
            rf"(?:\s*-?\s*(?:го|е|ое|ого|th|st|nd|rd))?\s+(?:of\s+)?(?P<mon>{self.month})"
            rf"(?:\s+(?P<y>\d{{4}})(?:\s*(?:года|год|г))?)?{E}"
        )

    def _date_month_day(self) -> str:
        return (
            rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?P<mon>{self.month})\s+(?:(?P<d>\d{{1,2}})"
            rf"(?:st|nd|rd|th)?|(?P<dw>{self.day_word}))(?:\s*,?\s*(?P<y>\d{{4}}))?{E}"
            rf"(?!\s*(?:[:.]\d|{self.meridiem}{E}))"
        )

    def _day_only(self) -> str:
        # "31-го", "15 числа", "к 25 числу", "на 10 число", "the 3rd", "on the first",
        # "двадцать первого" (a genitive ordinal alone: the day, unless it names an hour as in
        # "в половине седьмого", "двадцать минут девятого")
        return (
            rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?:(?P<d>\d{{1,2}})\s*-?\s*(?:го|ого|е|ое)"
            rf"(?:\s+числ[ауо])?|(?P<d2>\d{{1,2}})\s+числ[ауо]|(?:(?P<the>(?<=on\s)the)\s+)?"
            rf"(?P<dw>{self.day_word})(?:\s+числ[ауо]|(?(the)(?!\w)|(?!)))|"
            rf"(?<!половине\s)(?<!половина\s)(?<!пол\s)(?<!пол-)(?<!четверть\s)(?<!минут\s)"
            rf"(?<!минуты\s)(?<!минута\s)(?<!\d\s)(?<!без\s)(?<!начале\s)(?<!часа\s)"
            rf"(?<!половину\s)(?<!половины\s)"
            rf"(?P<dwa>{self.day_word_alone})(?!\s+(?:{self.meridiem}){E})|"
            rf"(?<=к\s)(?P<dwk>{self.day_word_to})|"
            rf"(?:the\s+)?(?P<d3>\d{{1,2}})(?:st|nd|rd|th)){E}"
        )

    def _relative_day(self) -> str:
        return rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?P<rel>{self.relative}){E}"

    def _week(self) -> str:
        return rf"{B}(?:(?P<prep>{self.date_prep})\s+)?(?P<week>{self.weeks}){E}"

    def _weekday(self) -> str:
        return (
            rf"{B}(?:(?P<prep>{self.date_prep})\s+)?"
            rf"(?:(?P<mod>{self.weekday_mod})\s+)?(?P<wd>{self.weekday}){E}"
        )

    def _clock_range(self) -> str:
        # "с 10 до 12", "from 3 to 5pm": the start counts, am/pm said once for both
        return (
            rf"{B}(?:с|со|from|between)\s+(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}}))?"
            rf"(?:\s*(?:ч|час\w*))?\s*(?:до|по|to|till|until|and|-|–)\s*(?P<h2>\d{{1,2}})"
            rf"(?:[:.](?P<m2>\d{{2}}))?(?:\s*(?:ч|час\w*))?{self._opt_mer()}{E}"
        )

    def _clock_span(self) -> str:
        return (
            rf"(?<![\w:.])(?:(?P<prep>{self.any_prep})\s*)?(?P<h>\d{{1,2}})[:.](?P<m>\d{{2}})"
            rf"(?:\s*(?:-|–|—|до|to)\s*|\s+)"
            rf"(?P<h2>\d{{1,2}})[:.](?P<m2>\d{{2}}){self._opt_mer()}{E}"
        )

    def _clock_colon(self) -> str:
        return (
            rf"(?<![\w:.])(?:(?P<prep>{self.any_prep})\s*)?(?P<h>\d{{1,2}})(?:\s*:\s*|[.\-])"
            rf"(?P<m>\d{{2}})(?:\s*(?:ч|час\w*|h){E})?{self._opt_mer()}(?!\w|[:.]\d)"
        )

    def _clock_hours_minutes(self) -> str:
        return (
            rf"{B}(?:(?P<prep>{self.any_prep})\s*)?(?P<h>\d{{1,2}})\s*(?:ч|час(?:а|ов)?|h)\.?\s*"
            rf"(?P<m>\d{{1,2}})\s*(?:мин(?:ут[аы]?)?|м|min|m)?\.?{self._opt_mer()}{E}"
        )

    def _clock_half(self) -> str:
        # "в половине седьмого", "полвосьмого", "четверть девятого", "двадцать пять минут
        # десятого" (9:25, the hour as an ordinal only); "в пол 8" (the hour in
        # digits only after a preposition or with am/pm: "пол" is also a floor)
        return (
            rf"{B}(?:(?P<prep>{self.any_prep})\s+)?(?:в\s+)?(?:(?P<half>половин[еауы]\s+|"
            rf"пол\s*-?\s*)|(?P<quarter>четверть\s+)|(?P<mins>\d{{1,2}})\s*мин\w*\s+)"
            rf"(?:(?P<ho>{self.hour_ordinal})|"
            rf"(?P<hd>\d{{1,2}}))"
            rf"{self._opt_mer()}{E}(?!\s+этаж)"
        )

    def _clock_without(self) -> str:
        return (
            rf"{B}(?:(?P<prep>{self.any_prep})\s+)?без\s+(?:(?P<q>четверти)|(?P<mm>\d{{1,2}})"
            rf"(?:\s*мин\w*)?)\s+(?P<h>\d{{1,2}}|час){self._opt_mer()}{E}"
        )

    def _clock_english(self) -> str:
        # "half past 7", British "half 7" (7:30), "a quarter to 8", "10 minutes past 9";
        # "ten to eight" only in words
        # (find_pieces checks `mmw` came from a number word: "10 to 12" is a range)
        return (
            rf"{B}(?:(?P<prep>{self.any_prep})\s+)?(?:(?P<half>half)(?:\s+(?:past|after))?|"
            rf"(?:(?P<quarter>(?:a\s+)?quarter)|(?P<mm>\d{{1,2}})\s+minutes?|(?P<mmw>\d{{1,2}}))"
            rf"\s+(?P<dir>past|after|to|till))\s+"
            rf"(?P<h>\d{{1,2}}){self._opt_mer()}{E}"
        )

    def _clock_hour(self) -> str:
        # "9am", "в 7 вечера", "10ч", "в 2 часа дня", "в час ночи": an hour with a unit or am/pm
        # (not the minutes of "в 7 15 вечера")
        return (
            rf"{B}(?<!\d\s)(?:(?P<prep>{self.any_prep})\s*)?(?P<h>\d{{1,2}}|час)(?:\s*[:.]\s*(?P<m>\d{{2}}))?"
            rf"(?:\s*(?P<unit>ч|час(?:а|ов)?|часик(?:а|ов)?|h|o'?clock)\.?)?{self._opt_mer()}{E}"
        )

    def _clock_fixed(self) -> str:
        return rf"{B}(?:(?P<prep>{self.any_prep})\s+)?(?P<fixed>{self.fixed_times}){E}"

    def _clock_bare(self) -> str:
        return (
            rf"{B}(?P<prep>{self.any_prep})\s*(?P<h>\d{{1,2}}|час)"
            rf"(?:\s+(?P<m>[0-5]\d))?{self._opt_mer()}{E}"
            rf"(?!\s*[.:,]?\d)"
        )

    def _part_of_day(self) -> str:
        # "с днём рождения", "с днем учителя": a holiday, not the afternoon
        return rf"{B}(?<!\bс\s)(?P<part>{self.parts}){E}"
