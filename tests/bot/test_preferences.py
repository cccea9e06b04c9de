"""Settings in the bot, through the fake Bot API: /remind (show, set, refuse bad values, in the
person's language), Telegram's language_code recorded once and used by replies and reminders
alike, never over /lang, and Snooze on a reminder that keeps the person's lead time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from organizer.canon import Canon, load_canon
from organizer.store.events import EventStore
from tests.bot.conftest import ALICE, BOB, RunningBot
from tests.bot.test_reminder_buttons import press, remind, shown


@pytest.fixture
def canon(running_bot: RunningBot) -> Canon:
    return load_canon(running_bot.settings.canon_path)


def user_events(bot: RunningBot, user: int) -> list[str]:
    conn = bot.db()
    try:
        return [s.type for s in EventStore(conn).read_stream(f"user-{user}")]
    finally:
        conn.close()


def lead_of(bot: RunningBot, user: int) -> int | None:
    conn = bot.db()
    try:
        row = conn.execute("SELECT lead_min FROM users WHERE id = ?", (str(user),)).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


async def text_of(bot: RunningBot, user: int, text: str) -> str:
    return str((await bot.say(user, text))["text"])


async def test_remind_shows_sets_and_refuses_bad_values_with_the_fix(
    running_bot: RunningBot, canon: Canon,
) -> None:
    bot = running_bot
    at_due = canon.reply("remind_lead_at_due", "ru")
    assert await text_of(bot, ALICE, "/remind") == canon.reply("remind_current", "ru",
                                                                when=at_due)

    def before(lead: str) -> str:
        return canon.reply("remind_lead_before", "ru", lead=lead)

    assert await text_of(bot, ALICE, "/remind 15") == canon.reply("remind_set", "ru",
                                                                   when=before("15 мин"))
    assert lead_of(bot, ALICE) == 15
    assert await text_of(bot, ALICE, "/remind") == canon.reply("remind_current", "ru",
                                                                when=before("15 мин"))
    assert await text_of(bot, ALICE, "/remind 1 час") == canon.reply(
        "remind_set", "ru", when=before("1 ч"))
    assert await text_of(bot, ALICE, "/remind 90") == canon.reply(
        "remind_set", "ru", when=before("1 ч 30 мин"))
    refusals = {"-5": "negative", "пять": "not_a_number", "1.5": "not_a_number",
                "20000": "too_long"}
    for value, problem in refusals.items():
        assert await text_of(bot, ALICE, f"/remind {value}") == canon.reply(
            f"remind_invalid.{problem}", "ru", value=value, max=10080)
    assert lead_of(bot, ALICE) == 90  # nothing changed by a refusal
    assert await text_of(bot, ALICE, "/remind 0") == canon.reply("remind_set", "ru",
                                                                  when=at_due)
    assert lead_of(bot, ALICE) == 0
    assert user_events(bot, ALICE) == ["user.tg_lang_seen", *["user.lead_set"] * 4]
    assert "-5" in canon.reply("remind_invalid.negative", "ru", value="-5", max=10080)


async def test_remind_answers_in_english_for_an_english_telegram(
    running_bot: RunningBot, canon: Canon,
) -> None:
    running_bot.tg.language_codes[BOB] = "en-US"
    assert await text_of(running_bot, BOB, "/remind 30") == canon.reply(
        "remind_set", "en", when=canon.reply("remind_lead_before", "en", lead="30 min"))
    assert await text_of(running_bot, BOB, "/remind soon") == canon.reply(
        "remind_invalid.not_a_number", "en", value="soon", max=10080)


async def test_replies_and_reminders_speak_telegrams_language_never_over_lang(
    running_bot: RunningBot, canon: Canon,
) -> None:
    bot, tg = running_bot, running_bot.tg
    tg.language_codes[BOB] = "en"
    reply = await text_of(bot, BOB, "завтра в 10:00 позвонить маме")  # Russian words, en app
    assert reply.startswith("✅ Task 1: позвонить маме — tomorrow at 10:00")
    (task,) = bot.tasks(BOB)
    reminder = await remind(bot, task)
    assert reminder["text"] == canon.reply("reminder", "en", number=1, title="позвонить маме",
                                           when="today at 10:00")
    assert (await text_of(bot, BOB, "/start")).startswith("Hi!")
    assert user_events(bot, BOB) == ["user.tg_lang_seen"]  # three updates, recorded once
    tg.language_codes[BOB] = "de"  # DEFAULT_LANG is ru
    assert (await text_of(bot, BOB, "/list")).startswith("📋 Все задачи")
    tg.language_codes[BOB] = None  # Telegram left the field out: the recorded "de" holds
    assert (await text_of(bot, BOB, "/list")).startswith("📋 Все задачи")
    await bot.say(BOB, "/lang en")
    tg.language_codes[BOB] = "ru"
    assert (await text_of(bot, BOB, "/list")).startswith("📋 All tasks")  # /lang wins
    assert user_events(bot, BOB) == ["user.tg_lang_seen", "user.tg_lang_seen",
                                     "user.lang_set", "user.tg_lang_seen"]


async def test_snooze_on_a_reminder_keeps_the_lead_and_says_when_it_comes_again(
    running_bot: RunningBot, canon: Canon,
) -> None:
    bot = running_bot
    await bot.say(ALICE, "/remind 30")
    await bot.say(ALICE, "завтра в 14:30 позвонить маме")
    (task,) = bot.tasks(ALICE)
    reminder = await remind(bot, task)
    pressed_at = datetime.now(UTC)
    await press(bot, ALICE, reminder, f"snooze:{task.id}:15")
    (moved,) = bot.tasks(ALICE)
    due = datetime.strptime(str(moved.due_at), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    # due at press + 15 + 30 minutes, rounded up to the minute: the reminder comes in 15
    assert pressed_at + timedelta(minutes=45) <= due + timedelta(seconds=1)
    assert due <= pressed_at + timedelta(minutes=46, seconds=5)
    zone = ZoneInfo("Europe/Moscow")
    again = (due - timedelta(minutes=30)).astimezone(zone)
    edited = shown(bot, ALICE, reminder)["text"]
    assert f"{again:%H:%M}" in edited and f"{due.astimezone(zone):%H:%M}" not in edited
    assert edited.startswith(canon.reply("reminder_snoozed", "ru", title="позвонить маме",
                                         when="")[:10])

