"""The worker's reminder buttons pressed in the bot: Snooze reschedules once, Done completes,
the reminder message shows the new state, every press is answered, only the owner may press."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from organizer.canon import load_canon
from organizer.reminders.loop import Reminders
from organizer.store.db import connect
from organizer.store.views import TaskView
from organizer.telegram import BotSender
from organizer.wording import task_when
from tests.bot.conftest import ALICE, BOB, MALLORY, TOKEN, RunningBot


def event_count(bot: RunningBot) -> int:
    """Events other than a person's settings (a first press records Telegram's language)."""
    conn = bot.db()
    try:
        return int(conn.execute(
            "SELECT count(*) FROM events WHERE type NOT LIKE 'user.%'").fetchone()[0])
    finally:
        conn.close()


async def remind(bot: RunningBot, task: TaskView) -> dict[str, Any]:
    """Let the worker's reminder loop send `task`'s reminder, as at its due time."""
    settings = bot.settings
    canon = load_canon(settings.canon_path)
    due = datetime.strptime(str(task.due_at), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)

    def step() -> None:
        conn = connect(settings.db_path)
        sender = BotSender(settings.telegram_api_base, TOKEN)
        try:
            Reminders(settings, conn, sender, clock=lambda: due, canon=lambda: canon).step()
        finally:
            sender.close()
            conn.close()

    before = len(bot.tg.sent)
    await asyncio.to_thread(step)
    assert len(bot.tg.sent) == before + 1
    return bot.tg.sent[-1]


async def press(bot: RunningBot, user: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    """Press a button; returns the callback answer (every press gets one)."""
    answered = len(bot.tg.answers)
    bot.tg.add_callback(user, message["message_id"], data)
    await bot.tg.wait_for_async(lambda: len(bot.tg.answers) > answered)
    return bot.tg.answers[-1]


def shown(bot: RunningBot, user: int, message: dict[str, Any]) -> dict[str, Any]:
    return bot.tg.messages[(user, message["message_id"])]


async def test_snooze_reschedules_once_and_the_reminder_shows_the_new_time(
    running_bot: RunningBot,
) -> None:
    await running_bot.say(ALICE, "завтра в 14:30 позвонить маме")
    (task,) = running_bot.tasks(ALICE)
    reminder = await remind(running_bot, task)
    data = f"snooze:{task.id}:15"
    assert data in [b["callback_data"] for row in reminder["reply_markup"]["inline_keyboard"]
                    for b in row]
    pressed_at = datetime.now(UTC)
    answer = await press(running_bot, ALICE, reminder, data)
    (moved,) = running_bot.tasks(ALICE)
    due = datetime.strptime(str(moved.due_at), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert pressed_at + timedelta(minutes=15) <= due + timedelta(seconds=1)
    assert due <= pressed_at + timedelta(minutes=16, seconds=5)
    canon = load_canon(running_bot.settings.canon_path)
    edited = shown(running_bot, ALICE, reminder)
    assert edited["text"] == canon.reply(
        "reminder_snoozed", "ru", title="позвонить маме",
        when=task_when(canon, moved, "Europe/Moscow", "ru", datetime.now(UTC)))
    assert f"{due.astimezone(ZoneInfo('Europe/Moscow')):%H:%M}" in edited["text"]
    assert [b["callback_data"] for b in edited["reply_markup"]["inline_keyboard"][0]] == [
        f"done:{task.id}", f"cancel:{task.id}"]
    assert answer["text"] == edited["text"][:190]
    # the same update delivered again (a crash before the ack): nothing changes
    events = event_count(running_bot)
    update_id = running_bot.tg.next_update_id - 1
    running_bot.tg.redeliver(update_id)
    # handled again and acknowledged: the next poll's offset takes it off the queue
    await running_bot.tg.wait_for_async(
        lambda: all(u["update_id"] != update_id for u in running_bot.tg.updates))
    assert event_count(running_bot) == events
    assert running_bot.tasks(ALICE)[0].due_at == moved.due_at


async def test_done_on_a_reminder_completes_the_task(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "завтра в 9:15 пробежка")
    (task,) = running_bot.tasks(ALICE)
    reminder = await remind(running_bot, task)
    answer = await press(running_bot, ALICE, reminder, f"done:{task.id}")
    assert running_bot.tasks(ALICE)[0].status == "done"
    assert "Готово" in shown(running_bot, ALICE, reminder)["text"] and answer["text"]
    # Snooze on a task done meanwhile: no change, still answered
    answer = await press(running_bot, ALICE, reminder, f"snooze:{task.id}:60")
    assert answer["text"] and running_bot.tasks(ALICE)[0].due_at == task.due_at


async def test_only_the_owner_may_snooze(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "завтра в 11:00 созвон")
    (task,) = running_bot.tasks(ALICE)
    reminder = await remind(running_bot, task)
    events = event_count(running_bot)
    data = f"snooze:{task.id}:15"
    for stranger in (BOB, MALLORY):  # Bob is allowed but it is not his task; Mallory is not
        answer = await press(running_bot, stranger, reminder, data)
        assert "созвон" not in answer["text"]
    assert running_bot.tg.answers[-2]["text"].startswith("Не нашёл задачу")
    assert str(MALLORY) in running_bot.tg.answers[-1]["text"]
    assert event_count(running_bot) == events
    assert running_bot.tasks(ALICE)[0].due_at == task.due_at
    assert shown(running_bot, ALICE, reminder)["text"] == reminder["text"]


async def test_a_snooze_out_of_range_changes_nothing_and_is_answered(
    running_bot: RunningBot,
) -> None:
    await running_bot.say(ALICE, "завтра в 12:00 обед")
    (task,) = running_bot.tasks(ALICE)
    reminder = await remind(running_bot, task)
    events = event_count(running_bot)
    answer = await press(running_bot, ALICE, reminder, f"snooze:{task.id}:0")
    assert "1.." in answer["text"]
    assert event_count(running_bot) == events


async def test_a_second_press_of_done_says_so_in_the_persons_language(
    running_bot: RunningBot,
) -> None:
    canon = load_canon(running_bot.settings.canon_path)
    running_bot.tg.language_codes[BOB] = "en"
    for user, lang, text in ((ALICE, "ru", "завтра в 9:15 пробежка"),
                             (BOB, "en", "tomorrow at 9:15 run")):
        await running_bot.say(user, text)
        (task,) = running_bot.tasks(user)
        reminder = await remind(running_bot, task)
        await press(running_bot, user, reminder, f"done:{task.id}")
        again = await press(running_bot, user, reminder, f"done:{task.id}")
        assert again["text"] == canon.reply("refused.already_done", lang,
                                            number=task.number, title=task.title)
        assert running_bot.tasks(user)[0].status == "done"
    assert again["text"] == f"Task 1 \"{task.title}\" is already done — nothing was changed."
