"""Numbers and text a hostile person sends the bot: each gets one clear reply (or popup),
nothing is changed, and the next message is handled as usual."""

from __future__ import annotations

import asyncio

import pytest

from organizer.canon import Canon, load_canon
from tests.bot.conftest import ALICE, RunningBot
from tests.bot.test_reminder_buttons import event_count, press


@pytest.fixture
def canon(running_bot: RunningBot) -> Canon:
    return load_canon(running_bot.settings.canon_path)


async def text_of(bot: RunningBot, text: str) -> str:
    return str((await bot.say(ALICE, text))["text"])


async def test_a_task_number_far_too_large_is_no_task(running_bot: RunningBot,
                                                       canon: Canon) -> None:
    await running_bot.say(ALICE, "купить молоко")
    huge = "99999999999999999999"
    assert await text_of(running_bot, f"готово {huge}") == canon.reply("not_found", "ru", ref=huge)
    assert await text_of(running_bot, f"удали {huge}") == canon.reply("not_found", "ru", ref=huge)
    assert [t.status for t in running_bot.tasks(ALICE)] == ["open"]


async def test_remind_with_thousands_of_digits_names_the_range(running_bot: RunningBot,
                                                               canon: Canon) -> None:
    for digits, problem in (("7" * 4400, "too_long"), ("-" + "7" * 4400, "negative"),
                            ("7" * 4400 + " мин", "too_long"), ("7" * 45, "too_long")):
        before = len(running_bot.tg.sent)
        reply = await text_of(running_bot, f"/remind {digits}")
        assert reply == canon.reply(f"remind_invalid.{problem}", "ru",
                                    value=digits[:39] + "…", max=10080)
        await asyncio.sleep(0.2)
        assert len(running_bot.tg.sent) == before + 1  # one message, not a 4,400-digit echo
    assert await text_of(running_bot, "/remind") == canon.reply(
        "remind_current", "ru", when=canon.reply("remind_lead_at_due", "ru"))


async def test_a_forged_alternative_button_changes_nothing(running_bot: RunningBot,
                                                           canon: Canon) -> None:
    reply = await running_bot.say(ALICE, "завтра в 8 пробежка")
    (task,) = running_bot.tasks(ALICE)
    before = event_count(running_bot)
    for data in (f"alt:{task.id}:99999999", f"alt:{task.id}:20261301",
                 f"alt:{task.id}:202612012599", f"alt:{task.id}", "alt:::",
                 "done:" + "f" * 200, "x" * 64):
        answer = await press(running_bot, ALICE, reply, data)
        assert answer["text"] == canon.reply("button_invalid", "ru")
    assert event_count(running_bot) == before
    assert running_bot.tasks(ALICE)[0].due_time == task.due_time
    assert (await running_bot.say(ALICE, "список"))["text"]


@pytest.mark.parametrize("zone", ["Europe", "America", "../../etc/passwd", "/etc/passwd",
                                  "Europe/" + "x" * 300, "Europe/Mos\x00cow", "UTC/../UTC"])
async def test_tz_that_is_no_zone_gets_one_reply(running_bot: RunningBot, canon: Canon,
                                                 zone: str) -> None:
    shown = zone.replace("\x00", "")
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    assert await text_of(running_bot, f"/tz {zone}") == canon.reply("tz_invalid", "ru", tz=shown)
    assert await text_of(running_bot, "/tz Europe/Berlin") == canon.reply(
        "tz_set", "ru", tz="Europe/Berlin")


async def test_tz_alone_says_the_zone_and_the_example(running_bot: RunningBot,
                                                     canon: Canon) -> None:
    assert await text_of(running_bot, "/tz") == canon.reply("tz_current", "ru",
                                                            tz="Europe/Moscow")


async def test_the_reply_and_the_task_keep_what_was_written(running_bot: RunningBot,
                                                            canon: Canon) -> None:
    texts = ("купить молоко 🍎", "'; DROP TABLE tasks; --", "לקנות חלב", "купить витамин А")
    for number, text in enumerate(texts, start=1):
        assert await text_of(running_bot, text) == canon.reply(
            "task_created_no_time", "ru", number=number, title=text)
    assert [t.title for t in running_bot.tasks(ALICE)] == [
        "купить молоко 🍎", "'; DROP TABLE tasks; --", "לקנות חלב", "купить витамин А"]


async def test_the_last_minute_of_9999_in_any_zone(running_bot: RunningBot, canon: Canon) -> None:
    await text_of(running_bot, "/tz America/Los_Angeles")
    refused = await text_of(running_bot, "31.12.9999 в 23:59 салют")
    assert refused == canon.reply("error", "ru", message=(
        "9999-12-31 23:59 in America/Los_Angeles is outside the moments a task can have "
        "(years 1 to 9999 in UTC); choose another date"))
    assert running_bot.tasks(ALICE) == []
    await text_of(running_bot, "/tz Europe/Moscow")
    added = await text_of(running_bot, "31.12.9999 в 23:59 салют")
    assert "салют" in added
    await text_of(running_bot, "/tz Asia/Tokyo")  # there it is already the year 10000
    listed = await text_of(running_bot, "список")
    assert "салют" in listed and "23:59" in listed


async def test_a_year_written_out_is_that_year(running_bot: RunningBot, canon: Canon) -> None:
    assert await text_of(running_bot, "01.01.0001 отчет") == canon.reply(
        "date_invalid", "ru", date="01.01.0001")
    assert running_bot.tasks(ALICE) == []


async def test_a_forged_move_to_the_year_1_is_refused_in_the_popup(running_bot: RunningBot) -> None:
    reply = await running_bot.say(ALICE, "завтра в 8 пробежка")
    (task,) = running_bot.tasks(ALICE)
    before = event_count(running_bot)
    answer = await press(running_bot, ALICE, reply, f"alt:{task.id}:000101010000")
    assert answer["text"] == ("0001-01-01 00:00 in Europe/Moscow is outside the moments a task "
                              "can have (years 1 to 9999 in UTC); choose another date")
    assert event_count(running_bot) == before
