"""Reminders with a clock the test moves: on time, once, late after downtime, skipped, snoozed."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from organizer.app.tasks import TaskService
from organizer.domain.commands import CompleteTask, RescheduleTask
from organizer.reminders import snooze
from organizer.reminders.loop import Reminders
from organizer.reminders.telegram import TelegramSender
from organizer.store.db import connect
from tests.worker.bot_api import TOKEN, BotApi
from tests.worker.conftest import Clock, MakeSettings
from tests.worker.helpers import add, types


@pytest.fixture
def bot_api() -> Iterator[BotApi]:
    api = BotApi()
    yield api
    api.stop()


@pytest.fixture
def world(make_settings: MakeSettings, bot_api: BotApi, clock: Clock,
          request: pytest.FixtureRequest) -> Iterator[tuple[Reminders, TaskService, sqlite3.Connection]]:
    env = getattr(request, "param", {})
    settings = make_settings(GOOGLE_CALENDAR_ID="", TELEGRAM_BOT_TOKEN=TOKEN,
                             TELEGRAM_API_BASE=bot_api.base, **env)
    conn = connect(settings.db_path)
    sender = TelegramSender(settings.telegram_api_base, TOKEN)
    yield Reminders(settings, conn, sender, clock=clock), TaskService(conn, clock), conn
    sender.close()
    conn.close()


def at(hh_mm: str) -> datetime:
    """A UTC instant on 2026-03-03; tasks below are due 10:00 Moscow = 07:00 UTC."""
    return datetime.fromisoformat(f"2026-03-03T{hh_mm}:00+00:00").astimezone(UTC)


def test_one_message_at_due_time_with_done_and_snooze_buttons(world, bot_api: BotApi,
                                                              clock: Clock) -> None:
    reminders, service, conn = world
    task_id = add(service, "позвонить маме")
    clock.now = at("06:59")
    assert reminders.step() == 0.0 and bot_api.messages == []
    clock.now = at("07:00")
    reminders.step()
    reminders.step()
    [message] = bot_api.messages
    assert message["chat_id"] == 111
    assert message["text"] == "⏰ позвонить маме\n10:00"
    buttons = [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
               for b in row]
    assert buttons == [f"done:{task_id}", f"snooze:{task_id}:15", f"snooze:{task_id}:60"]
    restarted = Reminders(reminders.settings, conn, reminders.sender, clock=clock)
    clock.now = at("07:05")
    restarted.step()
    assert len(bot_api.messages) == 1
    assert types(conn, "reminder.") == ["reminder.sent"]


@pytest.mark.parametrize("world", [{"REMINDER_LEAD_MIN": "10"}], indirect=True)
def test_the_lead_time_sends_it_earlier(world, bot_api: BotApi, clock: Clock) -> None:
    reminders, service, _ = world
    add(service, "созвон")
    clock.now = at("06:49")
    reminders.step()
    assert bot_api.messages == []
    clock.now = at("06:50")
    reminders.step()
    assert len(bot_api.messages) == 1


def test_after_downtime_it_is_sent_late_once_or_skipped_past_the_cutoff(
    world, bot_api: BotApi, clock: Clock,
) -> None:
    reminders, service, conn = world
    add(service, "вчерашнее", day="2026-03-02")  # 07:00 UTC the day before
    add(service, "утреннее")
    clock.now = at("10:00")  # 27 h and 3 h late; the cutoff is 720 min
    reminders.step()
    [message] = bot_api.messages
    assert message["text"] == "⏰ утреннее\n(с опозданием: было на 10:00 03.03)"
    flags = [r[0] for r in conn.execute(
        "SELECT json_extract(data, '$.late') || json_extract(data, '$.skipped') FROM events "
        "WHERE type = 'reminder.sent' ORDER BY position")]
    assert sorted(flags) == ["10", "11"]  # sent late / late and skipped (not sent)
    reminders.step()
    assert len(bot_api.messages) == 1


def test_closed_tasks_are_not_reminded_and_a_reschedule_is_reminded_again(
    world, bot_api: BotApi, clock: Clock,
) -> None:
    reminders, service, _ = world
    done = add(service, "сделано")
    moved = add(service, "перенесено")
    service.execute(CompleteTask(done))
    clock.now = at("07:00")
    reminders.step()
    assert [m["text"].splitlines()[0] for m in bot_api.messages] == ["⏰ перенесено"]
    from datetime import date, time

    service.execute(RescheduleTask(moved, date(2026, 3, 3), time(11, 0), "Europe/Moscow"))
    clock.now = at("08:00")
    reminders.step()
    assert len(bot_api.messages) == 2 and bot_api.messages[1]["text"].endswith("11:00")


def test_snooze_reschedules_to_now_plus_minutes_and_reminds_again(
    world, bot_api: BotApi, clock: Clock,
) -> None:
    reminders, service, _ = world
    task_id = add(service, "выпить таблетку")
    clock.now = at("07:00")
    reminders.step()
    clock.now = datetime(2026, 3, 3, 7, 1, 30, tzinfo=UTC)
    outcome = snooze(service, task_id, 15, clock.now, idempotency_key="tg:cb:1")
    assert outcome.task is not None
    assert (outcome.task["due_time"], outcome.task["due_at"]) == ("10:17", "2026-03-03T07:17:00Z")
    assert snooze(service, task_id, 15, clock.now, idempotency_key="tg:cb:1").duplicate
    clock.now = at("07:16")
    reminders.step()
    assert len(bot_api.messages) == 1
    clock.now = at("07:17")
    reminders.step()
    assert len(bot_api.messages) == 2 and bot_api.messages[1]["text"] == "⏰ выпить таблетку\n10:17"


def test_telegram_errors_retry_later_or_give_up_once(world, bot_api: BotApi, clock: Clock,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    reminders, service, conn = world
    add(service, "первое")
    clock.now = at("07:00")
    bot_api.fail(429)
    assert reminders.step() == 3.0
    bot_api.fail(502)
    assert reminders.step() == 5.0
    assert bot_api.messages == [] and types(conn, "reminder.") == []
    reminders.step()
    assert len(bot_api.messages) == 1
    add(service, "второе", at="10:01")
    clock.now = at("07:01")
    bot_api.fail(403)  # the owner blocked the bot
    reminders.step()
    reminders.step()
    assert len(bot_api.messages) == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "bot was blocked" in warnings[0]
    assert TOKEN not in warnings[0]
