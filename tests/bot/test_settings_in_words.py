"""The reminder setting said in words, through the fake Bot API: "напоминай за 30 минут" does
what /remind 30 does (the same event, the same replies and refusals), tasks that look like it
stay tasks, and a redelivered update changes nothing twice."""

from __future__ import annotations

import asyncio
import logging

import pytest

from organizer.canon import Canon, load_canon
from tests.bot.conftest import ALICE, BOB, RunningBot
from tests.bot.test_preferences import lead_of, text_of, user_events
from tests.fakes.asr_server import FakeAsr


@pytest.fixture
def canon(running_bot: RunningBot) -> Canon:
    return load_canon(running_bot.settings.canon_path)


def before(canon: Canon, lead: str, lang: str = "ru") -> str:
    return canon.reply("remind_lead_before", lang, lead=lead)


async def test_words_set_the_lead_time_like_remind_and_say_what_is_set(
    running_bot: RunningBot, canon: Canon,
) -> None:
    bot = running_bot
    assert await text_of(bot, ALICE, "напоминай за 30 минут") == canon.reply(
        "remind_set", "ru", when=before(canon, "30 мин"))
    assert lead_of(bot, ALICE) == 30
    assert await text_of(bot, ALICE, "присылай напоминания за полтора часа до срока 🙏") == (
        canon.reply("remind_set", "ru", when=before(canon, "1 ч 30 мин")))
    assert lead_of(bot, ALICE) == 90
    at_due = canon.reply("remind_lead_at_due", "ru")
    assert await text_of(bot, ALICE, "напоминай в момент задачи") == canon.reply(
        "remind_set", "ru", when=at_due)
    assert lead_of(bot, ALICE) == 0
    assert await text_of(bot, ALICE, "напоминай заранее") == canon.reply(
        "remind_current", "ru", when=at_due)  # no amount: what is set and how to change it
    assert bot.tasks(ALICE) == []  # none of it became a task
    assert user_events(bot, ALICE) == ["user.tg_lang_seen", *["user.lead_set"] * 3]


async def test_words_and_the_command_take_the_same_path(
    running_bot: RunningBot, canon: Canon,
) -> None:
    bot = running_bot
    by_command = await text_of(bot, ALICE, "/remind 45")
    by_words = await text_of(bot, BOB, "напоминай мне всегда за 45 мин до задач")
    assert by_words == by_command == canon.reply("remind_set", "ru",
                                                 when=before(canon, "45 мин"))
    assert user_events(bot, ALICE) == user_events(bot, BOB) == [
        "user.tg_lang_seen", "user.lead_set"]
    assert lead_of(bot, ALICE) == lead_of(bot, BOB) == 45


async def test_bad_amounts_get_the_remind_refusals_naming_them_as_written(
    running_bot: RunningBot, canon: Canon,
) -> None:
    bot = running_bot
    await bot.say(ALICE, "напоминай за 10 минут")
    refusals = {
        "напоминай за 2 НЕДЕЛИ": ("too_long", "2 НЕДЕЛИ"),
        "напоминай за 8 дней до срока": ("too_long", "8 дней"),
        "напоминай за 1,5 минуты": ("not_a_number", "1,5 минуты"),
    }
    for text, (problem, value) in refusals.items():
        assert await text_of(bot, ALICE, text) == canon.reply(
            f"remind_invalid.{problem}", "ru", value=value, max=10080)
    assert lead_of(bot, ALICE) == 10  # nothing changed by a refusal
    assert user_events(bot, ALICE) == ["user.tg_lang_seen", "user.lead_set"]
    assert bot.tasks(ALICE) == []


async def test_english_words_answer_in_english(running_bot: RunningBot, canon: Canon) -> None:
    running_bot.tg.language_codes[BOB] = "en"
    assert await text_of(running_bot, BOB, "remind me 10 minutes before") == canon.reply(
        "remind_set", "en", when=before(canon, "10 min", "en"))
    assert await text_of(running_bot, BOB, "remind me on time") == canon.reply(
        "remind_set", "en", when=canon.reply("remind_lead_at_due", "en"))
    assert lead_of(running_bot, BOB) == 0


async def test_tasks_that_look_like_the_setting_stay_tasks(running_bot: RunningBot) -> None:
    bot = running_bot
    reply = await text_of(bot, ALICE, "напомни через 30 минут выключить плиту")
    # "through 30 minutes" is tomorrow in the half hour before midnight in the user's zone
    assert reply.startswith(("✅ Задача 1: выключить плиту — сегодня в ",
                             "✅ Задача 1: выключить плиту — завтра в "))
    await bot.say(ALICE, "напомни завтра в 10 позвонить маме")
    await bot.say(ALICE, "напоминай за 2 дня до дня рождения мамы")
    titles = [t.title for t in bot.tasks(ALICE)]
    assert titles == ["выключить плиту", "позвонить маме", "за 2 дня до дня рождения мамы"]
    assert lead_of(bot, ALICE) is None  # the setting was never touched


async def test_a_redelivered_setting_is_applied_once(
    running_bot: RunningBot, caplog: pytest.LogCaptureFixture,
) -> None:
    from organizer.daemons import bot

    tg = running_bot.tg
    update_id = tg.add_text(ALICE, "напоминай за 20 минут")
    await tg.wait_sent_async(1)
    running_bot.stop.set()
    await asyncio.wait_for(running_bot.task, 10)
    caplog.set_level(logging.INFO, logger="organizer.bot")
    tg.redeliver(update_id)  # a restarted poller gets it again, as after a crash before the ack
    running_bot.stop = asyncio.Event()
    running_bot.task = asyncio.create_task(bot.serve(running_bot.settings, running_bot.stop))
    await tg.wait_for_async(lambda: any(
        f"update {update_id} was already answered" in r.getMessage() for r in caplog.records),
        timeout=10)
    assert len(tg.sent) == 1
    assert user_events(running_bot, ALICE) == ["user.tg_lang_seen", "user.lead_set"]


async def test_the_setting_said_by_voice(running_bot: RunningBot, asr: FakeAsr,
                                         canon: Canon) -> None:
    asr.transcripts[b"OggS-lead"] = "напоминай за час"
    running_bot.tg.add_voice(ALICE, b"OggS-lead")
    reply = (await running_bot.tg.wait_sent_async(1))[0]
    assert str(reply["text"]).endswith(canon.reply("remind_set", "ru",
                                                   when=before(canon, "1 ч")))
    assert lead_of(running_bot, ALICE) == 60
