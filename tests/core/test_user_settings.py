"""A person's settings, decided purely: lead time bounds and parsing, and the one language rule
that replies and reminders share."""

from __future__ import annotations

import pytest

from organizer.app.users import parse_lead
from organizer.domain import events as e
from organizer.domain.users import (
    AUTO,
    MAX_LEAD_MIN,
    decide_lang,
    decide_lead,
    decide_telegram_lang,
    language_source,
    lead_minutes,
    reply_language,
)
from organizer.errors import DomainError, InvalidLead


@pytest.mark.parametrize(("chosen", "code", "default", "expected"), [
    ("ru", "en", "en", "ru"),          # /lang wins over Telegram
    ("en", "ru", "ru", "en"),
    (None, "en", "ru", "en"),
    (None, "en-us", "ru", "en"),
    (None, "EN_gb", "ru", "en"),
    (None, "ru", "en", "ru"),
    (None, "uk", "en", "ru"),
    (None, "be", "en", "ru"),
    (None, "de", "en", "en"),          # others: the configured default
    (None, "de", "ru", "ru"),
    (None, "eng", "ru", "ru"),         # not "en": a different primary tag
    (None, None, "en", "en"),
    (None, None, "ru", "ru"),
    ("xx", None, "en", "en"),          # a value no code writes is ignored
])
def test_reply_language(chosen: str | None, code: str | None, default: str,
                        expected: str) -> None:
    assert reply_language(chosen, code, default) == expected


def test_lead_minutes_falls_back_to_the_global_setting() -> None:
    assert lead_minutes(None, 10) == 10
    assert lead_minutes(0, 10) == 0  # an explicit 0 is a choice, not "unset"
    assert lead_minutes(45, 10) == 45


def test_decide_lead_bounds() -> None:
    assert decide_lead("7", 0) == [e.UserLeadSet(user_id="7", minutes=0)]
    assert decide_lead("7", MAX_LEAD_MIN) == [e.UserLeadSet(user_id="7", minutes=MAX_LEAD_MIN)]
    with pytest.raises(InvalidLead) as low:
        decide_lead("7", -1)
    assert low.value.problem == "negative" and isinstance(low.value, DomainError)
    with pytest.raises(InvalidLead) as high:
        decide_lead("7", MAX_LEAD_MIN + 1)
    assert high.value.problem == "too_long"


@pytest.mark.parametrize(("text", "minutes"), [
    ("15", 15), ("0", 0), (" 30 ", 30), ("+5", 5), ("45m", 45), ("45 min", 45),
    ("20 мин", 20), ("2h", 120), ("1 час", 60), ("3 часа", 180), ("1ч", 60),
    (str(MAX_LEAD_MIN), MAX_LEAD_MIN), ("168h", MAX_LEAD_MIN),
])
def test_parse_lead(text: str, minutes: int) -> None:
    assert parse_lead(text) == minutes


@pytest.mark.parametrize(("text", "problem"), [
    ("abc", "not_a_number"), ("1.5", "not_a_number"), ("", "not_a_number"),
    ("15 дней", "not_a_number"), ("½", "not_a_number"), ("15 15", "not_a_number"),
    ("-5", "negative"), ("-1h", "negative"),
    ("10081", "too_long"), ("169h", "too_long"), ("99999999999999999999", "too_long"),
])
def test_parse_lead_names_the_problem_as_written(text: str, problem: str) -> None:
    with pytest.raises(InvalidLead) as caught:
        parse_lead(text)
    assert caught.value.problem == problem
    assert caught.value.value == text.strip()


def test_telegram_language_is_an_event_only_when_new_or_changed() -> None:
    seen = e.UserTelegramLangSeen(user_id="7", language_code="en-us")
    assert decide_telegram_lang("7", None, "en-US") == [seen]
    assert decide_telegram_lang("7", "en-us", "en-US") == []
    assert decide_telegram_lang("7", "en-us", "en_US") == []
    assert decide_telegram_lang("7", "en-us", "de") == [
        e.UserTelegramLangSeen(user_id="7", language_code="de")]
    assert decide_telegram_lang("7", "en-us", None) == []  # no code: keep what we know
    assert decide_telegram_lang("7", None, "") == []
    assert decide_telegram_lang("7", None, "x" * 300) == []  # not a language tag
    assert decide_telegram_lang("7", None, "en; DROP TABLE") == []


def test_lang_auto_gives_the_choice_up_once() -> None:
    assert decide_lang("7", "en", None) == [e.UserLangSet(user_id="7", lang="en")]
    assert decide_lang("7", "en", "en") == [e.UserLangSet(user_id="7", lang="en")]
    assert decide_lang("7", AUTO, "en") == [e.UserLangCleared(user_id="7")]
    assert decide_lang("7", AUTO, None) == []  # nothing chosen: nothing to give up


@pytest.mark.parametrize(("chosen", "code", "source"), [
    ("en", "ru", "chosen"), ("ru", None, "chosen"),
    (None, "en-US", "telegram"), (None, "uk", "telegram"),
    (None, "de", "default"), (None, None, "default"), ("xx", "de", "default"),
])
def test_language_source_says_where_reply_language_looks(
    chosen: str | None, code: str | None, source: str
) -> None:
    assert language_source(chosen, code) == source
    if source == "telegram":  # the one rule: Telegram's language is the one spoken
        assert reply_language(chosen, code, "xx") != "xx"
    if source == "default":
        assert reply_language(chosen, code, "xx") == "xx"
