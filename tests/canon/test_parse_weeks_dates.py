"""A weekday with its week, numeric dates and dates that do not exist, on every day of a week."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from organizer.canon import Canon
from organizer.parsing import parse

MOSCOW = ZoneInfo("Europe/Moscow")
# Monday 10 March 2025 to Sunday 16 March, each at 14:00
WEEK = [datetime(2025, 3, 10 + offset, 14, 0, tzinfo=MOSCOW) for offset in range(7)]
NEXT_WEEK_WEDNESDAY = date(2025, 3, 19)


def _read(canon: Canon, text: str, now: datetime) -> tuple[date | None, time | None]:
    result = parse(text, now, "Europe/Moscow", canon)
    assert result.intent == "add_task", (text, result)
    return result.due_date, result.due_time


@pytest.mark.parametrize("now", WEEK, ids=lambda d: d.strftime("%a"))
@pytest.mark.parametrize(
    "text",
    [
        "на следующей неделе в среду купить корм",
        "в среду на следующей неделе купить корм",
        "next week on wednesday buy cat food",
        "в следующую среду купить корм",
        "next wednesday buy cat food",
        "в ср след недели купить корм",
    ],
)
def test_next_weeks_wednesday_is_in_the_next_calendar_week(
    canon: Canon, text: str, now: datetime
) -> None:
    assert _read(canon, text, now) == (NEXT_WEEK_WEDNESDAY, None)


@pytest.mark.parametrize("now", WEEK, ids=lambda d: d.strftime("%a"))
def test_a_week_from_now_on_friday_is_the_first_friday_a_week_away(
    canon: Canon, now: datetime
) -> None:
    due, _ = _read(canon, "через неделю в пятницу отчёт", now)
    assert due is not None and due.weekday() == 4
    assert now.date() + timedelta(days=7) <= due < now.date() + timedelta(days=14)
    assert _read(canon, "в пятницу через неделю отчёт", now)[0] == due


@pytest.mark.parametrize("now", WEEK, ids=lambda d: d.strftime("%a"))
def test_a_plain_or_this_weekday_is_still_the_nearest(canon: Canon, now: datetime) -> None:
    nearest = now.date() + timedelta(days=(2 - now.weekday() - 1) % 7 + 1)
    assert _read(canon, "в среду купить корм", now)[0] == nearest
    assert _read(canon, "в эту среду купить корм", now)[0] == nearest
    assert _read(canon, "на этой неделе в среду купить корм", now)[0] == nearest


@pytest.mark.parametrize("now", WEEK, ids=lambda d: d.strftime("%a"))
def test_this_week_alone_is_its_friday_or_from_saturday_its_sunday(
    canon: Canon, now: datetime
) -> None:
    due = now.date() + timedelta(days=(4 if now.weekday() <= 4 else 6) - now.weekday())
    assert _read(canon, "на этой неделе сходить в банк", now) == (due, None)
    assert _read(canon, "до конца недели сдать отчёт", now) == (due, None)


def test_next_week_alone_is_its_monday_and_keeps_the_time(canon: Canon) -> None:
    now = WEEK[2]
    assert _read(canon, "на следующей неделе записаться в бассейн", now) == (date(2025, 3, 17), None)
    assert _read(canon, "на следующей неделе в среду в 18:30 бассейн", now) == (
        NEXT_WEEK_WEDNESDAY,
        time(18, 30),
    )


def test_the_nearest_friday_is_offered_only_when_next_friday_could_mean_it(canon: Canon) -> None:
    wednesday = WEEK[2]
    said = parse("в следующую пятницу корпоратив", wednesday, "Europe/Moscow", canon)
    assert (said.due_date, said.alternative) == (date(2025, 3, 21), (date(2025, 3, 14), None))
    timed = parse("next friday at 18:00 party", wednesday, "Europe/Moscow", canon)
    assert timed.alternative == (date(2025, 3, 14), time(18, 0))
    explicit = parse("в пятницу на следующей неделе корпоратив", wednesday, "Europe/Moscow", canon)
    assert explicit.due_date == date(2025, 3, 21) and explicit.alternative is None
    saturday = parse("в следующую пятницу корпоратив", WEEK[5], "Europe/Moscow", canon)
    assert saturday.due_date == date(2025, 3, 21) and saturday.alternative is None


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("20.11 сдать отчёт", date(2025, 11, 20)),
        ("20/11 сдать отчёт", date(2025, 11, 20)),
        ("12/05 сдать отчёт", date(2025, 5, 12)),  # ambiguous: day first
        ("12/25 send gifts", date(2025, 12, 25)),  # 25 is no month: month first
        ("25-12 сдать отчёт", date(2025, 12, 25)),
        ("25.12.2026 сдать отчёт", date(2026, 12, 25)),
        ("25.12.26 сдать отчёт", date(2026, 12, 25)),
        ("01-05-2025 сдать отчёт", date(2025, 5, 1)),
        ("29.02 праздник", date(2028, 2, 29)),  # the next 29 February
    ],
)
def test_numeric_dates_are_day_first(canon: Canon, text: str, due: date) -> None:
    assert _read(canon, text, WEEK[2]) == (due, None)


@pytest.mark.parametrize(
    ("text", "due_time"),
    [("18-00 созвон", time(18, 0)), ("10-12 созвон", time(10, 12)), ("в 10.30 созвон", time(10, 30))],
)
def test_clock_times_that_look_like_dates_stay_clock_times(
    canon: Canon, text: str, due_time: time
) -> None:
    assert _read(canon, text, WEEK[2])[1] == due_time


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("31.02 сдать отчёт", "31.02"),
        ("до 31/04 сдать отчёт", "31/04"),
        ("30 февраля сдать отчёт", "30 февраля"),
        ("29.02.2027 сдать отчёт", "29.02.2027"),
        ("2026-02-30 сдать отчёт", "2026-02-30"),
        ("сдать отчёт к 31-06-2026", "31-06-2026"),
    ],
)
def test_a_date_that_does_not_exist_is_reported_not_guessed(
    canon: Canon, text: str, said: str
) -> None:
    result = parse(text, WEEK[2], "Europe/Moscow", canon)
    assert (result.intent, result.title, result.due_date) == ("add_task", "сдать отчёт", None)
    assert result.invalid_date == said
    assert result.to_json()["invalid_date"] == said


def test_numbers_that_only_look_like_dates_stay_in_the_title(canon: Canon) -> None:
    for text in ("купить 2.5 кг картошки", "заплатить 31.02 руб", "письмо от 31.02 ответить"):
        result = parse(text, WEEK[2], "Europe/Moscow", canon)
        assert (result.title, result.due_date, result.invalid_date) == (text, None, None)


def test_the_json_has_its_six_keys_unless_there_is_more_to_say(canon: Canon) -> None:
    plain = parse("завтра купить хлеб", WEEK[2], "Europe/Moscow", canon).to_json()
    assert list(plain) == ["intent", "title", "due_date", "due_time", "ref", "scope"]
    moved = parse("перенеси 3 на 31.02", WEEK[2], "Europe/Moscow", canon)
    assert (moved.intent, moved.ref, moved.due_date, moved.invalid_date) == (
        "reschedule_task", "3", None, "31.02",
    )  # fmt: skip
