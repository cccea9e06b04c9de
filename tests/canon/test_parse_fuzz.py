"""No text makes the parser raise: arbitrary, huge, control characters, emoji, mixed scripts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organizer.canon import Canon
from organizer.parsing import Parsed, parse
from organizer.parsing.core import parse_local
from organizer.parsing.grammar import INTENTS as GRAMMAR_INTENTS

INTENTS = set(GRAMMAR_INTENTS)
ZONES = ["Europe/Moscow", "UTC", "Asia/Kamchatka", "America/Los_Angeles", "Pacific/Kiritimati"]
WORDS = [
    "завтра",
    "в",
    "10",
    "18:30",
    "через",
    "2",
    "часа",
    "пятницу",
    "готово",
    "отмени",
    "3",
    "напомни",
    "tomorrow",
    "at",
    "9am",
    "in",
    "hours",
    "🎉",
    "!!!",
    "полвосьмого",
    "без",
    "четверти",
    "31-го",
    "20.11",
    "перенеси",
    "на",
    "/list",
    "\x00",
    "\u200d",
    "ночи",
    "каждый",
    "каждые",
    "понедельник",
    "по",
    "средам",
    "и",
    "ежедневно",
    "every",
    "следующей",
    "неделе",
    "неделю",
    "пол",
    "ten",
    "to",
    "eight",
    "31.02",
    "12/25",
    "25-12",
    "29.02.2027",
    "напоминай",
    "напоминания",
    "за",
    "минут",
    "до",
    "заранее",
    "полтора",
    "срок",
    "remind",
    "me",
    "before",
]

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=12).map("".join),
    st.text(alphabet=st.sampled_from("😀🎉👍🏽❤️\u200d\ufe0f🇷🇺"), min_size=1, max_size=40),
    st.text(alphabet=st.sampled_from("\x00\x01\x1b\t\n\r\x7f\u2028 "), max_size=50),
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)


def _check(result: Parsed) -> None:
    assert result.intent in INTENTS
    assert result.title is None or (result.title.strip() and result.title == result.title.strip())
    json.dumps(result.to_json(), ensure_ascii=False)
    if result.intent == "add_task":
        assert result.title


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, now=moments, zone=st.sampled_from(ZONES))
def test_any_text_parses_without_raising(canon: Canon, text: str, now: datetime, zone: str) -> None:
    _check(parse_local(text, now.astimezone(ZoneInfo(zone)), canon.grammar))


def test_huge_and_odd_messages(canon: Canon) -> None:
    now = datetime(2025, 3, 12, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    samples = [
        "",
        " \t\n ",
        "завтра в 10 позвонить маме " * 400,
        "a" * 5000,
        "🎉" * 5000,
        "9" * 5000,
        "в " * 3000,
        "через " * 2000 + "часов",
        "\x00\x01\x02 завтра \x1b[31m в 10 \x7f",
        "Завтра в 10 call мама 電話 اتصل",
        "👍🏽👨‍👩‍👧‍👦🇷🇺",
        "İstanbul завтра в 10",
        "через 99999999 дней",
        "31.02 не существует",
        "в 99:99",
        "перенеси 3 на 31 февраля",
    ]
    for text in samples:
        _check(parse_local(text, now, canon.grammar))
        _check(parse(text, now, "Europe/Moscow", canon))
    assert parse("🎉🎉🎉", now, "UTC", canon).intent == "unknown"
    assert parse("", now, "UTC", canon).intent == "unknown"


def test_parse_converts_now_to_the_zone(canon: Canon) -> None:
    utc_evening = datetime(2025, 3, 12, 22, 30, tzinfo=UTC)  # 01:30 on the 13th in Moscow
    result = parse("завтра купить хлеб", utc_evening, "Europe/Moscow", canon)
    assert result.due_date == (utc_evening + timedelta(hours=3)).date() + timedelta(days=1)
    naive = datetime(2025, 3, 12, 14, 0)
    assert parse("в 18:00 спорт", naive, "Asia/Tokyo", canon).due_date == naive.date()


def test_ambiguous_hour_carries_the_other_reading(canon: Canon) -> None:
    now = datetime(2025, 3, 12, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    result = parse("в 8 позвонить", now, "Europe/Moscow", canon)
    assert (result.due_date.isoformat(), result.due_time.isoformat()) == ("2025-03-13", "08:00:00")
    assert result.alternative is not None
    assert [v.isoformat() for v in result.alternative] == ["2025-03-12", "20:00:00"]
    assert parse("в 08:00 позвонить", now, "Europe/Moscow", canon).alternative is None
    assert parse("в 8 вечера позвонить", now, "Europe/Moscow", canon).alternative is None
    assert parse("call mom at 8", now, "UTC", canon).lang == "en"
    assert parse("позвонить в 8", now, "UTC", canon).lang == "ru"
