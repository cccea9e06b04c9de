"""Repeating tasks: the rule is recognised and the task is due at its first occurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from organizer.canon import Canon
from organizer.parsing import parse

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2025, 3, 12, 14, 0, tzinfo=MOSCOW)  # a Wednesday
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _rule(rrule: str) -> dict[str, str]:
    return dict(part.split("=") for part in rrule.split(";"))


@pytest.mark.parametrize(
    ("text", "rrule", "due", "at", "words"),
    [
        ("каждый понедельник в 9 планёрка", "FREQ=WEEKLY;BYDAY=MO", date(2025, 3, 17), time(9),
         "каждый понедельник"),
        ("ежедневно в 8 таблетки", "FREQ=DAILY", date(2025, 3, 13), time(8), "ежедневно"),
        ("every day at 9 standup", "FREQ=DAILY", date(2025, 3, 13), time(9), "every day"),
        ("каждую среду в 19 йога", "FREQ=WEEKLY;BYDAY=WE", date(2025, 3, 12), time(19),
         "каждую среду"),
        ("каждую среду в 9 йога", "FREQ=WEEKLY;BYDAY=WE", date(2025, 3, 19), time(9),
         "каждую среду"),
        ("по вторникам и четвергам бег", "FREQ=WEEKLY;BYDAY=TU,TH", date(2025, 3, 13), None,
         "по вторникам и четвергам"),
        ("по будням зарядка", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", date(2025, 3, 12), None,
         "по будням"),
        ("каждую неделю в пятницу отчёт", "FREQ=WEEKLY;BYDAY=FR", date(2025, 3, 14), None,
         "каждую неделю"),
        ("каждый вечер читать", "FREQ=DAILY", date(2025, 3, 12), time(19), "каждый вечер"),
        ("каждые 2 часа пить воду", "FREQ=HOURLY;INTERVAL=2", date(2025, 3, 12), time(16),
         "каждые 2 часа"),
        ("каждые 10 минут размяться", "FREQ=MINUTELY;INTERVAL=10", date(2025, 3, 12),
         time(14, 10), "каждые 10 минут"),
        ("каждые 3 недели стрижка", "FREQ=WEEKLY;INTERVAL=3;BYDAY=WE", date(2025, 3, 12), None,
         "каждые 3 недели"),
        ("каждое 12 число оплатить свет", "FREQ=MONTHLY;BYMONTHDAY=12", date(2025, 3, 12), None,
         "каждое 12 число"),
        ("каждое 31 число отчёт", "FREQ=MONTHLY;BYMONTHDAY=31", date(2025, 3, 31), None,
         "каждое 31 число"),
        ("каждый месяц в 10 счета", "FREQ=MONTHLY;BYMONTHDAY=12", date(2025, 4, 12), time(10),
         "каждый месяц"),
        ("ежегодно 29 февраля праздник", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
         date(2028, 2, 29), None, "ежегодно"),
        ("ежедневно с понедельника зарядка", "FREQ=DAILY", date(2025, 3, 17), None, "ежедневно"),
        ("2 раза в день пить таблетки", "FREQ=DAILY;BYHOUR=9,19", date(2025, 3, 12), time(19),
         "2 раза в день"),
        ("три раза в день таблетки", "FREQ=DAILY;BYHOUR=9,13,19", date(2025, 3, 12), time(19),
         "три раза в день"),
        ("twice a week go swimming", "FREQ=WEEKLY;BYDAY=MO,TH", date(2025, 3, 13), None,
         "twice a week"),
        ("трижды в неделю бегать", "FREQ=WEEKLY;BYDAY=MO,WE,FR", date(2025, 3, 12), None,
         "трижды в неделю"),
        ("2 раза в месяц платить налоги", "FREQ=MONTHLY;BYMONTHDAY=1,15", date(2025, 3, 15),
         None, "2 раза в месяц"),
        ("пить воду 8 раз в день", "FREQ=HOURLY;INTERVAL=3", date(2025, 3, 12), time(17),
         "8 раз в день"),
        ("раз в 2 дня поливать цветы", "FREQ=DAILY;INTERVAL=2", date(2025, 3, 12), None,
         "раз в 2 дня"),
    ],
)  # fmt: skip
def test_repetition_and_its_first_occurrence(
    canon: Canon, text: str, rrule: str, due: date, at: time | None, words: str
) -> None:
    result = parse(text, NOW, "Europe/Moscow", canon)
    assert result.intent == "add_task"
    assert (result.repeat, result.due_date, result.due_time) == (rrule, due, at)
    assert result.repeat_words == words
    assert result.to_json()["repeat"] == rrule


@pytest.mark.parametrize(
    "text",
    ["каждый раз мыть руки", "read every page", "подготовить ежемесячный отчёт",
     "через день позвонить", "купить 2 пары носков"],
)  # fmt: skip
def test_words_that_do_not_repeat_anything(canon: Canon, text: str) -> None:
    result = parse(text, NOW, "Europe/Moscow", canon)
    assert result.repeat is None and "repeat" not in result.to_json()


def test_a_reschedule_to_a_repetition_keeps_the_rule(canon: Canon) -> None:
    result = parse("перенеси 3 на каждую пятницу", NOW, "Europe/Moscow", canon)
    assert (result.intent, result.ref, result.due_date) == ("reschedule_task", "3", date(2025, 3, 14))
    assert result.repeat == "FREQ=WEEKLY;BYDAY=FR"


WEEKDAY_WORDS = ["понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"]


@settings(max_examples=300, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31),
                     timezones=st.just(UTC)),
    day=st.integers(0, 6),
    hour=st.one_of(st.none(), st.integers(0, 23)),
)  # fmt: skip
def test_a_weekly_task_is_due_on_its_day_and_never_in_the_past(
    canon: Canon, now: datetime, day: int, hour: int | None
) -> None:
    said = f" в {hour:02d}:00" if hour is not None else ""
    result = parse(f"каждый {WEEKDAY_WORDS[day]}{said} позвонить маме", now, "Europe/Moscow", canon)
    local = now.astimezone(MOSCOW)
    assert result.repeat == f"FREQ=WEEKLY;BYDAY={BYDAY[day]}"
    assert result.due_date is not None and result.due_date.weekday() == day
    assert local.date() <= result.due_date < local.date() + timedelta(days=8)
    if result.due_date == local.date() and hour is not None:
        assert (hour, 0) > (local.hour, local.minute)
    if result.due_date > local.date() + timedelta(days=6):  # a week away: today's time has passed
        assert hour is not None and (hour, 0) <= (local.hour, local.minute)


@settings(max_examples=200, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31),
                     timezones=st.just(UTC)),
    day=st.integers(1, 31),
)  # fmt: skip
def test_a_monthly_task_is_due_on_its_day_of_the_month(
    canon: Canon, now: datetime, day: int
) -> None:
    result = parse(f"{day} числа каждого месяца оплатить счета", now, "Europe/Moscow", canon)
    assert result.repeat is not None and result.due_date is not None
    assert _rule(result.repeat) == {"FREQ": "MONTHLY", "BYMONTHDAY": str(day)}
    assert result.due_date.day == day
    assert now.astimezone(MOSCOW).date() <= result.due_date
