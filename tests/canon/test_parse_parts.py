"""Small pieces of the parser on their own: vocabulary regexes, typo distance, time rules."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from organizer.canon import Canon
from organizer.parsing import parse
from organizer.parsing.normalise import one_typo_apart
from organizer.parsing.vocab import NumberWords, alternation

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2025, 3, 12, 14, 0, tzinfo=MOSCOW)  # a Wednesday


def test_alternation_prefers_the_longest_phrase() -> None:
    pattern = re.compile(alternation(["после", "после завтра", "пт", "пятница"]))
    assert pattern.match("после   завтра").group() == "после   завтра"
    assert pattern.match("пятница").group() == "пятница"
    assert alternation([]) == "(?!)"


def test_number_words() -> None:
    words = NumberWords({"двадцать": 20, "пять": 5, "десять": 10})
    assert words.value("двадцать пять") == 25
    assert words.value("10") == 10
    assert words.value("много") is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("гатово", "готово", True),
        ("перенси", "перенеси", True),
        ("спиок", "список", True),
        ("спсок", "писок", False),
        ("сипсок", "список", True),
        ("готово", "готово", True),
        ("abc", "xyz", False),
    ],
)
def test_one_typo_apart(a: str, b: str, expected: bool) -> None:
    assert one_typo_apart(a, b) is expected


@pytest.mark.parametrize(
    ("text", "due_date", "due_time"),
    [
        ("в 12 ночи позвонить", date(2025, 3, 13), time(0, 0)),
        ("в 12 дня позвонить", date(2025, 3, 13), time(12, 0)),
        ("в 12am позвонить", date(2025, 3, 13), time(0, 0)),
        ("в 12pm позвонить", date(2025, 3, 13), time(12, 0)),
        ("29 февраля праздник", date(2028, 2, 29), None),
        ("31-го зарплата", date(2025, 3, 31), None),
        ("30-го зарплата", date(2025, 3, 30), None),
        ("через месяц отчет", date(2025, 4, 12), None),
        ("в половине первого обед", date(2025, 3, 13), time(12, 30)),
        ("без четверти час обед", date(2025, 3, 13), time(12, 45)),
        ("quarter to 8pm call", date(2025, 3, 12), time(19, 45)),
        ("half past 7 pm call", date(2025, 3, 12), time(19, 30)),
    ],
)
def test_time_readings(canon: Canon, text: str, due_date: date, due_time: time | None) -> None:
    result = parse(text, NOW, "Europe/Moscow", canon)
    assert (result.intent, result.due_date, result.due_time) == ("add_task", due_date, due_time)


def test_day_of_month_skips_months_without_it(canon: Canon) -> None:
    april = datetime(2025, 4, 5, 12, 0, tzinfo=MOSCOW)
    assert parse("31-го оплатить", april, "Europe/Moscow", canon).due_date == date(2025, 5, 31)


def test_duration_crosses_a_dst_change(canon: Canon) -> None:
    before = datetime(2025, 3, 30, 1, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    result = parse("через 1 час проверить", before, "Europe/Berlin", canon)
    assert (result.due_date, result.due_time) == (date(2025, 3, 30), time(3, 30))


def test_the_last_task_is_a_reference_the_task_service_reads(canon: Canon) -> None:
    from organizer.app.tasks import LAST_REF
    from organizer.parsing.title import LAST

    assert LAST == LAST_REF
    for text, intent in (("последнюю задачу сделал", "complete_task"),
                         ("последнюю отмени", "cancel_task"),
                         ("done with the last one", "complete_task")):
        got = parse(text, NOW, "Europe/Moscow", canon)
        assert (got.intent, got.ref) == (intent, LAST)
    # with the verb first it stays the undo of DESIGN.md
    assert parse("отмени последнее", NOW, "Europe/Moscow", canon).intent == "undo"


def test_conditionals_in_patterns_get_the_group_suffix_too() -> None:
    from organizer.parsing.grammar import _one_pattern

    pattern = _one_pattern(["a", "(?:x|(?P<y>y))+(?(y)|(?!))"], {})
    assert pattern.fullmatch("xy") and not pattern.fullmatch("xx")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("я купила корм для кошки", "complete_task"),  # `untimed`: no date or time said
        ("я записалась к врачу на пятницу в 10", "add_task"),
        ("созвон лучше на четверг", "reschedule_task"),  # `timed`: a date is said
        ("купить молоко лучше на рынке", "add_task"),
        ("а можно перенести встречу на 17:00", "reschedule_task"),  # a request, then a verb
        ("перенести встречу на завтра", "add_task"),
    ],
)
def test_patterns_that_depend_on_a_time_or_a_request(canon: Canon, text: str, intent: str) -> None:
    assert parse(text, NOW, "Europe/Moscow", canon).intent == intent


def test_a_correction_or_a_denial_between_two_times(canon: Canon) -> None:
    said = parse("в пятницу в семь вечера нет в восемь ужин", NOW, "Europe/Moscow", canon)
    assert (said.due_date, said.due_time) == (date(2025, 3, 14), time(20, 0))
    denied = parse("в субботу в одиннадцать не в двенадцать футбол", NOW, "Europe/Moscow", canon)
    assert (denied.due_time, denied.title) == (time(11, 0), "футбол")
    assert parse("отмени 2 ой нет 3", NOW, "Europe/Moscow", canon).ref == "3"
