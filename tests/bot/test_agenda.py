"""Lists in the bot, through the fake Bot API: grouped by day with headings (overdue first,
undated last), paged with ‹ › buttons that edit the message, and /tz alone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from organizer.canon import Canon, load_canon
from organizer.domain.commands import AddTask
from organizer.wording import names, rule_text, word
from tests.bot.conftest import ALICE, BOB, RunningBot
from tests.bot.test_conversation import buttons, press

ZONE = "Europe/Moscow"  # DEFAULT_TZ of the test settings


@pytest.fixture
def canon(running_bot: RunningBot) -> Canon:
    return load_canon(running_bot.settings.canon_path)


def add(bot: RunningBot, user: int, tasks: list[tuple[str, date | None, time | None]],
        repeat: str | None = None) -> None:
    from organizer.app.tasks import TaskService

    conn = bot.db()
    try:
        service = TaskService(conn)
        for title, day, at in tasks:
            service.execute(AddTask(str(user), title, day, at, ZONE, title, repeat=repeat))
    finally:
        conn.close()


def today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


async def test_a_list_is_grouped_by_day_overdue_first_undated_last(
    running_bot: RunningBot, canon: Canon,
) -> None:
    day = today()
    later = day + timedelta(days=3)
    add(running_bot, ALICE, [
        ("купить хлеб", None, None),
        ("через три дня", later, time(18, 0)),
        ("завтра рано", day + timedelta(days=1), time(7, 30)),
        ("сегодня весь день", day, None),
        ("давно просрочено", day - timedelta(days=2), time(10, 0)),
        ("вчера", day - timedelta(days=1), time(9, 15)),
    ])
    rule = "FREQ=WEEKLY;BYDAY=" + ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[
        (day + timedelta(days=1)).weekday()]
    add(running_bot, ALICE, [("планёрка", day + timedelta(days=1), time(9, 0))], repeat=rule)
    text = str((await running_bot.say(ALICE, "/list"))["text"])
    lines = text.split("\n")
    weekday = names(canon, "agenda.weekdays", "ru")[later.weekday()]
    before = day - timedelta(days=2)
    shown = word(canon, "when.date", "ru", date=f"{before:%d.%m}",
                 weekday=names(canon, "weekday_short", "ru")[before.weekday()])
    expected = [
        canon.reply("list_header.all", "ru", count=7), "",
        word(canon, "agenda.overdue", "ru"),
        f"5. {shown} в 10:00 давно просрочено",
        "6. вчера в 09:15 вчера", "",
        word(canon, "agenda.today", "ru"),
        "4. сегодня весь день", "",
        word(canon, "agenda.tomorrow", "ru"),
        "3. 07:30 завтра рано",
        f"7. 09:00 планёрка ↻ {rule_text(canon, rule, 'ru', short=True)}",
        "",
        word(canon, "agenda.day", "ru", weekday=weekday, date=f"{later:%d.%m}"),
        "2. 18:00 через три дня", "",
        word(canon, "agenda.no_date", "ru"),
        "1. купить хлеб",
    ]
    assert lines == expected
    # the same order, headings and words in English
    await running_bot.say(ALICE, "/lang en")
    english = str((await running_bot.say(ALICE, "/list"))["text"]).split("\n")
    assert [ln for ln in english if ln and not ln[0].isdigit()][1:] == [
        "⏰ Overdue", "Today", "Tomorrow",
        f"{names(canon, 'agenda.weekdays', 'en')[later.weekday()]}, {later:%d.%m}", "No date"]
    assert [ln.split(".")[0] for ln in english if ln[:1].isdigit()] == [
        "5", "6", "4", "3", "7", "2", "1"]
    # a scope keeps the grouping: tomorrow's tasks by time
    tomorrow = str((await running_bot.say(ALICE, "what's on tomorrow"))["text"]).split("\n")
    assert tomorrow[2:] == ["Tomorrow", "3. 07:30 завтра рано",
                            tomorrow[4]] and tomorrow[4].startswith("7. 09:00 планёрка ↻")


def numbers(text: str) -> list[int]:
    return [int(ln.split(".")[0]) for ln in text.split("\n") if ln[:1].isdigit()]


async def test_three_hundred_tasks_are_paged_under_4096_characters(
    running_bot: RunningBot, canon: Canon,
) -> None:
    day = today()
    tasks: list[tuple[str, date | None, time | None]] = [
        (f"задача {i} " + "очень длинное название " * (1 + i % 9), day + timedelta(days=i % 40),
         time(i % 24, 0) if i % 3 else None) for i in range(1, 281)]
    tasks += [("огромная " * 455, None, None) for _ in range(20)]  # 4,095 characters each
    add(running_bot, ALICE, tasks)
    before = len(running_bot.tg.sent)
    first = await running_bot.say(ALICE, "список")
    assert len(running_bot.tg.sent) == before + 1  # one message, not a split reply
    assert canon.reply("list_page", "ru", page=1, pages=1).split()[0] in first["text"]
    assert buttons(first) == ["page:all:2"]
    seen, page, message = numbers(str(first["text"])), 1, first
    while "page:all:" + str(page + 1) in buttons(message):
        message = await press(running_bot, ALICE, first, f"page:all:{page + 1}")
        page += 1
        assert len(str(message["text"])) <= 4096
        assert len(numbers(str(message["text"]))) <= 25
        assert f"page:all:{page - 1}" in buttons(message)
        seen += numbers(str(message["text"]))
    assert sorted(seen) == list(range(1, 301)) and len(seen) == 300
    assert seen[-20:] == list(range(281, 301))  # the undated ones last
    assert page > 12 and len(running_bot.tg.sent) == before + 1  # pages edit the message
    back = await press(running_bot, ALICE, first, f"page:all:{page - 1}")
    assert f"{page - 1}" in str(back["text"]).split("\n")[0]
    # a page past the end (a list that shrank) shows the last one; damaged data changes nothing
    past = await press(running_bot, ALICE, first, "page:all:999")
    assert numbers(str(past["text"]))[-1] == 300 and buttons(past) == [f"page:all:{page - 1}"]
    answered = len(running_bot.tg.answers)
    running_bot.tg.add_callback(ALICE, int(first["message_id"]), "page:all:0")
    await running_bot.tg.wait_for_async(lambda: len(running_bot.tg.answers) > answered)
    assert running_bot.tg.messages[(ALICE, int(first["message_id"]))]["text"] == past["text"]


async def test_a_page_press_shows_the_pressers_own_tasks(running_bot: RunningBot) -> None:
    add(running_bot, ALICE, [(f"алисина {i}", None, None) for i in range(30)])
    add(running_bot, BOB, [(f"бобова {i}", None, None) for i in range(30)])
    mine = await running_bot.say(BOB, "/list")
    page2 = await press(running_bot, BOB, mine, "page:all:2")
    assert "бобова" in str(page2["text"]) and "алисина" not in str(page2["text"])


async def test_tz_alone_says_the_zone_and_how_to_change_it(
    running_bot: RunningBot, canon: Canon,
) -> None:
    said: dict[str, Any] = await running_bot.say(ALICE, "/tz")
    assert said["text"] == canon.reply("tz_current", "ru", tz=ZONE)
    assert "/tz Europe/Berlin" in said["text"]
    await running_bot.say(ALICE, "/tz Asia/Tokyo")
    assert (await running_bot.say(ALICE, "/tz  "))["text"] == canon.reply(
        "tz_current", "ru", tz="Asia/Tokyo")
    await running_bot.say(ALICE, "/lang en")
    english = (await running_bot.say(ALICE, "/tz"))["text"]
    assert english == canon.reply("tz_current", "en", tz="Asia/Tokyo")
    assert english.startswith("🕒 Your time zone is Asia/Tokyo")
