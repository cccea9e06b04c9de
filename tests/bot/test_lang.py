"""/lang through the fake Bot API: alone it says which language is spoken and why, /lang auto
goes back to the Telegram app's language (replies and reminders alike), a bad value gets one
clear reply and changes nothing."""

from __future__ import annotations

import pytest

from organizer.canon import Canon, load_canon
from tests.bot.conftest import ALICE, BOB, RunningBot
from tests.bot.test_preferences import text_of, user_events
from tests.bot.test_reminder_buttons import remind


@pytest.fixture
def canon(running_bot: RunningBot) -> Canon:
    return load_canon(running_bot.settings.canon_path)


def names(canon: Canon) -> dict[str, str]:
    return {"ru": canon.reply("language_name.russian", "ru"),
            "en": canon.reply("language_name.english", "en")}


async def test_lang_auto_goes_back_to_the_telegram_apps_language(
    running_bot: RunningBot, canon: Canon,
) -> None:
    bot, name = running_bot, names(canon)
    bot.tg.language_codes[BOB] = "en"
    assert await text_of(bot, BOB, "/lang") == canon.reply("lang_current.telegram", "en",
                                                            language=name["en"])
    assert await text_of(bot, BOB, "/lang ru") == canon.reply("help", "ru")
    assert await text_of(bot, BOB, "/lang") == canon.reply("lang_current.chosen", "ru",
                                                            language=name["ru"])
    assert await text_of(bot, BOB, "/list") == canon.reply("list_empty", "ru")  # /lang wins
    assert await text_of(bot, BOB, "/lang auto") == canon.reply("lang_auto", "en",
                                                                 language=name["en"])
    assert await text_of(bot, BOB, "/list") == canon.reply("list_empty", "en")
    assert await text_of(bot, BOB, "/lang") == canon.reply("lang_current.telegram", "en",
                                                            language=name["en"])
    await bot.say(BOB, "завтра в 10:00 позвонить маме")
    (task,) = bot.tasks(BOB)
    reminder = await remind(bot, task)  # the worker follows the same rule
    assert reminder["text"] == canon.reply("reminder", "en", number=1, title="позвонить маме",
                                           when="today at 10:00")
    assert user_events(bot, BOB) == ["user.tg_lang_seen", "user.lang_set", "user.lang_cleared"]


async def test_lang_auto_with_an_app_in_another_language_says_it_is_the_default(
    running_bot: RunningBot, canon: Canon,
) -> None:
    bot, name = running_bot, names(canon)
    bot.tg.language_codes[ALICE] = "de"  # DEFAULT_LANG is ru
    assert await text_of(bot, ALICE, "/lang auto") == canon.reply("lang_auto", "ru",
                                                                   language=name["ru"])
    assert await text_of(bot, ALICE, "/lang") == canon.reply("lang_current.default", "ru",
                                                              language=name["ru"])
    assert user_events(bot, ALICE) == ["user.tg_lang_seen"]  # nothing chosen, nothing cleared


async def test_a_language_it_does_not_know_is_refused_and_nothing_changes(
    running_bot: RunningBot, canon: Canon,
) -> None:
    bot = running_bot
    await bot.say(ALICE, "/lang en")
    assert await text_of(bot, ALICE, "/lang deutsch") == canon.reply("lang_invalid", "en",
                                                                      value="deutsch")
    assert await text_of(bot, ALICE, "/lang") == canon.reply(
        "lang_current.chosen", "en", language=names(canon)["en"])
    assert user_events(bot, ALICE) == ["user.tg_lang_seen", "user.lang_set"]
