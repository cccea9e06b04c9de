"""What the bot says about repeating tasks and dates that do not exist, through the fake Bot API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from organizer.bot.replies import when_text
from tests.bot.conftest import ALICE, RunningBot


async def test_a_repeating_task_is_created_once_and_the_reply_says_so(
    running_bot: RunningBot,
) -> None:
    reply = await running_bot.say(ALICE, "каждый понедельник в 9:00 планёрка")
    (task,) = running_bot.tasks(ALICE)
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    due = date.fromisoformat(str(task["due_date"]))
    assert task["title"] == "планёрка" and task["due_time"] == "09:00"
    assert due.weekday() == 0 and today <= due < today + timedelta(days=8)
    created, note = str(reply["text"]).split("\n")[:2]
    when = when_text(due, time(9, 0), "ru", today)
    assert created == f"✅ Задача 1: планёрка — {when}"
    assert note.startswith("⚠️ Повторяющиеся задачи я пока не умею («каждый понедельник»)")
    assert f"Создал одну задачу — на ближайший раз, {when}; сама она не повторится" in note


async def test_the_note_is_in_the_persons_language(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "/lang en")
    reply = await running_bot.say(ALICE, "every day at 21:30 take the pills")
    (task,) = running_bot.tasks(ALICE)
    assert task["title"] == "take the pills" and task["due_time"] == "21:30"
    note = str(reply["text"]).split("\n")[1]
    assert note.startswith('⚠️ Repeating tasks are not supported yet ("every day")')
    assert "single task" in note


async def test_a_date_that_does_not_exist_creates_nothing(running_bot: RunningBot) -> None:
    reply = await running_bot.say(ALICE, "31.02 сдать отчёт")
    assert reply["text"].startswith("📅 Такой даты нет: «31.02»")
    assert running_bot.tasks(ALICE) == []
    await running_bot.say(ALICE, "завтра в 10:00 сдать отчёт")
    moved = await running_bot.say(ALICE, "перенеси 1 на 30 февраля")
    assert "«30 февраля»" in moved["text"]
    (task,) = running_bot.tasks(ALICE)
    assert task["due_time"] == "10:00" and task["version"] == 1
