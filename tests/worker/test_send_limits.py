"""Reminders through the shared sender against a Bot API that keeps Telegram's send limits
(30 messages/s per bot, 1/s per chat) and has a bad day: paced, never dropped, never twice."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from time import sleep

import httpx
import pytest

from organizer.app.tasks import TaskService
from organizer.canon import load_canon
from organizer.reminders.loop import Reminders
from organizer.store.db import connect
from organizer.telegram import BotSender, SendFailed
from tests.fakes.telegram_server import FakeTelegram
from tests.worker.conftest import TOKEN, UNPACED, Clock, MakeSettings
from tests.worker.helpers import add, types

CHATS = 50
PER_CHAT = 10


@pytest.fixture
def paced(make_settings: MakeSettings, tg: FakeTelegram,
          clock: Clock) -> Iterator[tuple[Reminders, TaskService, sqlite3.Connection]]:
    """The reminder loop with the worker's own sender (paced) on a fake that keeps the limits."""
    tg.send_limits.configure(per_s=30, per_chat_s=1.0)
    settings = make_settings(GOOGLE_CALENDAR_ID="", TELEGRAM_BOT_TOKEN=TOKEN,
                             TELEGRAM_API_BASE=tg.base_url)
    canon = load_canon(settings.canon_path)
    conn = connect(settings.db_path)
    sender = BotSender(settings.telegram_api_base, TOKEN)
    yield (Reminders(settings, conn, sender, clock=clock, canon=lambda: canon),
           TaskService(conn, clock), conn)
    sender.close()
    conn.close()


def run_until_sent(reminders: Reminders, conn: sqlite3.Connection, count: int,
                   passes: int = 5000) -> None:
    """Step as the worker's loop does (waiting what a step asks) until `count` are recorded."""
    for _ in range(passes):
        if len(types(conn, "reminder.")) >= count:
            return
        hold = reminders.step()
        if hold:
            sleep(min(hold, 2.0))
    raise AssertionError(f"only {len(types(conn, 'reminder.'))} of {count} recorded")


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2026-03-03T{hhmm}:00+03:00").astimezone(UTC)


def test_500_reminders_due_at_once_for_50_chats_arrive_paced_once_each(
        paced: tuple[Reminders, TaskService, sqlite3.Connection], tg: FakeTelegram,
        clock: Clock) -> None:
    reminders, service, conn = paced
    ids = {add(service, f"дело {n}", owner=str(1000 + n % CHATS)) for n in range(CHATS * PER_CHAT)}
    clock.now = at("10:00")
    run_until_sent(reminders, conn, len(ids))
    assert tg.send_limits.flood_rejections == 0
    assert len(tg.calls("sendMessage")) == len(ids) == len(tg.sent)  # none twice, none lost
    assert Counter(m["chat"]["id"] for m in tg.sent) == {1000 + c: PER_CHAT for c in range(CHATS)}
    buttons = [m["reply_markup"]["inline_keyboard"][0][0]["callback_data"] for m in tg.sent]
    assert {b.split(":")[1] for b in buttons} == ids
    assert reminders.undeliverable_since is None


def test_a_429_waits_what_telegram_asks_and_sends_the_same_reminder_again(
        paced: tuple[Reminders, TaskService, sqlite3.Connection], tg: FakeTelegram,
        clock: Clock) -> None:
    reminders, service, conn = paced
    add(service, "первое")
    clock.now = at("10:00")
    tg.send_limits.inject("429bare")  # no retry_after: the sender's own default
    assert reminders.step() == 5.0
    tg.fail_next(1, status=429, method="sendMessage")  # retry_after 1
    sleep(reminders.sender.chat_delay(111))
    assert reminders.step() == 1.0
    assert tg.sent == [] and types(conn, "reminder.") == []
    run_until_sent(reminders, conn, 1)
    assert len(tg.sent) == 1 and reminders.undeliverable_since is None


def test_an_outage_of_every_kind_then_recovery_delivers_each_reminder_once(
        world: tuple[Reminders, TaskService, sqlite3.Connection], tg: FakeTelegram,
        clock: Clock) -> None:
    reminders, service, conn = world
    ids = [add(service, f"дело {n}", owner=str(200 + n)) for n in range(4)]
    clock.now = at("10:00")
    for kind in ("html502", "empty504", "cut", "500json"):
        tg.send_limits.inject(kind)
        reminders.step()
        assert reminders.last_error is not None and TOKEN not in reminders.last_error
    assert tg.sent == [] and types(conn, "reminder.") == []
    assert reminders.undeliverable_since == clock.now
    tg.send_limits.inject("html502", count=-1)  # a longer outage
    for _ in range(3):
        reminders.step()
    assert "Telegram answered 502 Bad Gateway" in str(reminders.last_error)
    tg.send_limits.clear()
    tg.send_limits.inject("truncated200")  # sent, but the answer is cut: not sent again
    run_until_sent(reminders, conn, len(ids))
    assert sorted(m["chat"]["id"] for m in tg.sent) == [200, 201, 202, 203]
    assert len(tg.calls("sendMessage")) == 4 * 1 + 3 + 4  # the faults, the outage, one each
    assert reminders.undeliverable_since is None and reminders.last_error is None


def test_a_revoked_token_is_a_configuration_failure_and_loses_nothing(
        world: tuple[Reminders, TaskService, sqlite3.Connection], tg: FakeTelegram,
        clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    reminders, service, conn = world
    add(service, "первое")
    clock.now = at("10:00")
    tg.send_limits.inject("401", count=2)
    assert reminders.step() == 60.0
    assert reminders.step() == 60.0
    assert "401 Unauthorized" in str(reminders.last_error)
    assert "TELEGRAM_BOT_TOKEN" in str(reminders.last_error)
    errors = [r.getMessage() for r in caplog.records if "cannot be delivered" in r.getMessage()]
    assert len(errors) == 1 and TOKEN not in errors[0]  # one line, not one per pass
    assert types(conn, "reminder.") == []
    reminders.step()
    assert len(tg.sent) == 1 and len(types(conn, "reminder.")) == 1



def test_a_hung_answer_counts_as_sent_and_is_never_sent_again(
        make_settings: MakeSettings, tg: FakeTelegram, clock: Clock) -> None:
    settings = make_settings(GOOGLE_CALENDAR_ID="", TELEGRAM_BOT_TOKEN=TOKEN,
                             TELEGRAM_API_BASE=tg.base_url)
    canon = load_canon(settings.canon_path)
    conn = connect(settings.db_path)
    sender = BotSender(settings.telegram_api_base, TOKEN, pacer=UNPACED(),
                       timeout=httpx.Timeout(0.5, connect=5.0))
    try:
        reminders = Reminders(settings, conn, sender, clock=clock, canon=lambda: canon)
        add(TaskService(conn, clock), "первое")
        clock.now = at("10:00")
        tg.hang_next(1, seconds=1.5, method="sendMessage")  # past the read timeout
        assert reminders.step() == 0.0
        tg.wait_sent(1)
        for _ in range(3):
            reminders.step()
        assert len(tg.calls("sendMessage")) == 1 and len(types(conn, "reminder.")) == 1
    finally:
        sender.close()
        conn.close()


def test_a_name_that_does_not_resolve_is_retried_and_named_without_the_token() -> None:
    sender = BotSender("http://bot-api.invalid", TOKEN, pacer=UNPACED())
    try:
        with pytest.raises(SendFailed) as failed:
            sender.send(111, "x")
    finally:
        sender.close()
    assert str(failed.value) == "Telegram unreachable (cannot connect: DNS failure or refused)"
    assert failed.value.retry_after is not None and not failed.value.config
