"""What the bot says about repeating tasks and dates that do not exist, through the fake Bot API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from organizer.canon import load_canon
from organizer.wording import when_text
from tests.bot.conftest import ALICE, RunningBot


async def test_a_repeating_task_says_its_rule_and_done_moves_it_on(
    running_bot: RunningBot,
) -> None:
    reply = await running_bot.say(ALICE, "каждый понедельник в 9:00 планёрка")
    (task,) = running_bot.tasks(ALICE)
    today = datetime.now(ZoneInfo("Europe/Moscow")).date()
    due = date.fromisoformat(str(task.due_date))
    assert task.title == "планёрка" and task.due_time == "09:00"
    assert task.repeat == "FREQ=WEEKLY;BYDAY=MO"
    assert due.weekday() == 0 and today <= due < today + timedelta(days=8)
    canon = load_canon(running_bot.settings.canon_path)
    when = when_text(canon, due, time(9, 0), "ru", today)
    assert reply["text"] == f"✅ Задача 1: планёрка — {when}\n↻ Повторяется: каждый понедельник"
    listed = await running_bot.say(ALICE, "/list")
    assert "\n1. 09:00 планёрка ↻ каждый пн" in listed["text"]  # under its day's heading
    done = await running_bot.say(ALICE, "готово 1")
    following = due + timedelta(days=7)
    assert done["text"] == (
        f"👍 Готово: планёрка. Следующий раз: {when_text(canon, following, time(9, 0), 'ru', today)}")
    (task,) = running_bot.tasks(ALICE)
    assert (task.status, task.due_date) == ("open", following.isoformat())
    undone = await running_bot.say(ALICE, "отмени последнее")
    assert undone["text"].startswith("↩️")
    (task,) = running_bot.tasks(ALICE)
    assert (task.status, task.due_date) == ("open", due.isoformat())
    cancelled = await running_bot.say(ALICE, "отмени 1")
    assert cancelled["text"].startswith("🗑") and running_bot.tasks(ALICE)[0].status == "cancelled"


async def test_the_rule_is_said_in_the_persons_language(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "/lang en")
    reply = await running_bot.say(ALICE, "every day at 21:30 take the pills")
    (task,) = running_bot.tasks(ALICE)
    assert task.title == "take the pills" and task.due_time == "21:30"
    assert task.repeat == "FREQ=DAILY"
    assert str(reply["text"]).split("\n")[1] == "↻ Repeats every day"
    done = await running_bot.say(ALICE, "done 1")
    assert done["text"].startswith("👍 Done: take the pills. Next time: ")


async def test_a_date_that_does_not_exist_creates_nothing(running_bot: RunningBot) -> None:
    reply = await running_bot.say(ALICE, "31.02 сдать отчёт")
    assert reply["text"].startswith("📅 Такой даты нет: «31.02»")
    assert running_bot.tasks(ALICE) == []
    await running_bot.say(ALICE, "завтра в 10:00 сдать отчёт")
    moved = await running_bot.say(ALICE, "перенеси 1 на 30 февраля")
    assert "«30 февраля»" in moved["text"]
    (task,) = running_bot.tasks(ALICE)
    assert task.due_time == "10:00" and task.version == 1


async def test_the_done_button_moves_a_repeating_task_on(running_bot: RunningBot) -> None:
    from tests.bot.test_conversation import buttons, press

    reply = await running_bot.say(ALICE, "ежедневно в 08:00 выпить таблетку")
    (task,) = running_bot.tasks(ALICE)
    assert buttons(reply) == [f"done:{task.id}", f"cancel:{task.id}"]
    edited = await press(running_bot, ALICE, reply, f"done:{task.id}")
    assert edited["text"].startswith("👍 Готово: выпить таблетку. Следующий раз: ")
    assert buttons(edited) == [f"done:{task.id}", f"cancel:{task.id}"]
    (moved,) = running_bot.tasks(ALICE)
    assert moved.status == "open"
    assert date.fromisoformat(str(moved.due_date)) == (
        date.fromisoformat(str(task.due_date)) + timedelta(days=1))
