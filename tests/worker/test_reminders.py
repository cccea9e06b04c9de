"""Reminders with a clock the test moves: on time, once, late after downtime, skipped, snoozed,
worded by the canon in the owner's language and zone — sent to the shared fake Bot API."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from time import sleep
from typing import Any

import pytest

from organizer.app.users import UserService
from organizer.canon import Canon
from organizer.domain.commands import CompleteTask, RescheduleTask
from organizer.reminders import snooze
from organizer.reminders.loop import Reminders
from tests.fakes.telegram_server import FakeTelegram
from tests.worker.conftest import TOKEN, Clock, World
from tests.worker.helpers import add, types


def at(hh_mm: str) -> datetime:
    """A UTC instant on 2026-03-03; tasks below are due 10:00 Moscow = 07:00 UTC."""
    return datetime.fromisoformat(f"2026-03-03T{hh_mm}:00+00:00").astimezone(UTC)


def texts(tg: FakeTelegram) -> list[str]:
    return [m["text"] for m in tg.sent]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [(b["text"], b["callback_data"]) for row in message["reply_markup"]["inline_keyboard"]
            for b in row]


def canon_of(reminders: Reminders) -> Canon:
    return reminders.canon()


def test_one_message_at_due_time_worded_by_the_canon_with_done_and_snooze(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    reminders, service, conn = world
    task_id = add(service, "позвонить маме")
    clock.now = at("06:59")
    assert reminders.step() == 0.0 and tg.sent == []
    clock.now = at("07:00")
    reminders.step()
    reminders.step()
    [message] = tg.sent
    assert message["chat"]["id"] == 111
    canon = canon_of(reminders)
    assert message["text"] == canon.reply("reminder", "ru", number=1, title="позвонить маме",
                                          when="сегодня в 10:00")
    assert buttons(message) == [("✅ Готово", f"done:{task_id}"),
                                ("⏰ +15 мин", f"snooze:{task_id}:15"),
                                ("⏰ +1 ч", f"snooze:{task_id}:60")]
    restarted = Reminders(reminders.settings, conn, reminders.sender, clock=clock,
                          canon=reminders.canon)
    clock.now = at("07:05")
    restarted.step()
    assert len(tg.sent) == 1
    assert types(conn, "reminder.") == ["reminder.sent"]


def test_the_owners_language_and_time_zone_are_used(world: World, tg: FakeTelegram,
                                                    clock: Clock) -> None:
    reminders, service, conn = world
    users = UserService(conn, clock)
    users.set_lang("111", "en")
    users.set_tz("111", "Europe/Berlin")
    task_id = add(service, "call mum")  # 10:00 Moscow = 08:00 Berlin
    clock.now = at("07:00")
    reminders.step()
    [message] = tg.sent
    assert message["text"] == canon_of(reminders).reply(
        "reminder", "en", number=1, title="call mum", when="today at 08:00")
    assert buttons(message) == [("✅ Done", f"done:{task_id}"),
                                ("⏰ +15 min", f"snooze:{task_id}:15"),
                                ("⏰ +1 h", f"snooze:{task_id}:60")]


@pytest.mark.parametrize("world", [{"REMINDER_LEAD_MIN": "10"}], indirect=True)
def test_the_lead_time_sends_it_earlier(world: World, tg: FakeTelegram, clock: Clock) -> None:
    reminders, service, _ = world
    add(service, "созвон")
    clock.now = at("06:49")
    reminders.step()
    assert tg.sent == []
    clock.now = at("06:50")
    reminders.step()
    assert len(tg.sent) == 1


def test_after_downtime_it_is_sent_late_once_or_skipped_past_the_cutoff(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    reminders, service, conn = world
    add(service, "вчерашнее", day="2026-03-02")  # 07:00 UTC the day before
    add(service, "утреннее")
    clock.now = at("10:00")  # 27 h and 3 h late; the cutoff is 720 min
    reminders.step()
    assert texts(tg) == [canon_of(reminders).reply(
        "reminder_late", "ru", number=2, title="утреннее", when="сегодня в 10:00")]
    flags = [r[0] for r in conn.execute(
        "SELECT json_extract(data, '$.late') || json_extract(data, '$.skipped') FROM events "
        "WHERE type = 'reminder.sent' ORDER BY position")]
    assert sorted(flags) == ["10", "11"]  # sent late / late and skipped (not sent)
    reminders.step()
    assert len(tg.sent) == 1


def test_closed_tasks_are_not_reminded_and_a_reschedule_is_reminded_again(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    reminders, service, _ = world
    done = add(service, "сделано")
    moved = add(service, "перенесено")
    service.execute(CompleteTask(done))
    clock.now = at("07:00")
    reminders.step()
    assert len(tg.sent) == 1 and "перенесено" in tg.sent[0]["text"]
    service.execute(RescheduleTask(moved, date(2026, 3, 3), time(11, 0), "Europe/Moscow"))
    clock.now = at("08:00")
    reminders.step()
    assert len(tg.sent) == 2 and "сегодня в 11:00" in tg.sent[1]["text"]


def test_snooze_reschedules_to_now_plus_minutes_and_reminds_again(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    reminders, service, _ = world
    task_id = add(service, "выпить таблетку")
    clock.now = at("07:00")
    reminders.step()
    clock.now = datetime(2026, 3, 3, 7, 1, 30, tzinfo=UTC)
    outcome = snooze(service, task_id, 15, clock.now, idempotency_key="tg:cb:1")
    assert outcome.task is not None
    assert (outcome.task.due_time, outcome.task.due_at) == ("10:17", "2026-03-03T07:17:00Z")
    assert snooze(service, task_id, 15, clock.now, idempotency_key="tg:cb:1").duplicate
    clock.now = at("07:16")
    reminders.step()
    assert len(tg.sent) == 1
    clock.now = at("07:17")
    reminders.step()
    assert len(tg.sent) == 2 and "сегодня в 10:17" in tg.sent[1]["text"]


def test_telegram_errors_retry_later_or_give_up_once(world: World, tg: FakeTelegram,
                                                     clock: Clock,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    reminders, service, conn = world
    add(service, "первое")
    clock.now = at("07:00")
    tg.fail_next(1, status=429, method="sendMessage")
    assert reminders.step() == 1.0  # Telegram's retry_after ...
    assert 0 < reminders.step() <= 1.0  # ... holds that chat: nothing is sent meanwhile
    sleep(reminders.sender.chat_delay(111))
    tg.fail_next(1, status=502, method="sendMessage")
    assert 0.75 <= reminders.step() <= 1.25  # the first backoff, with jitter
    assert tg.sent == [] and types(conn, "reminder.") == []
    reminders.step()
    assert len(tg.sent) == 1
    add(service, "второе", at="10:01")
    clock.now = at("07:01")
    tg.block(111)  # the owner blocked the bot
    reminders.step()
    reminders.step()
    assert len(tg.sent) == 1
    assert len(tg.calls("sendMessage")) == 4  # 429, 502, sent, refused — nothing more
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [w for w in warnings if "bot was blocked" in w] == [warnings[-1]]
    assert "cannot be delivered: Telegram answered 502" in warnings[0]
    assert not any(TOKEN in w for w in warnings)
