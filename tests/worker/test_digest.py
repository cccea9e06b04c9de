"""The morning digest with a clock the test moves, sent to the fake Bot API: at its time in the
person's zone, once a day also across restarts, today's tasks plus what is overdue, a day with
nothing skipped quietly unless wanted always; and from the worker's own thread, with a failing
Bot API showing in /health like the reminders do."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from organizer.app.tasks import TaskService
from organizer.app.users import UserService
from organizer.canon import LiveCanon, load_canon
from organizer.digest.loop import Digests
from organizer.settings import Settings
from organizer.store.db import connect
from organizer.store.events import EventStore
from organizer.telegram import BotSender
from organizer.worker.runner import Worker
from tests.fakes.telegram_server import FakeTelegram
from tests.worker.conftest import TOKEN, UNPACED, Clock, MakeSettings
from tests.worker.helpers import add
from tests.worker.test_undeliverable_health import wait_worker

MOSCOW = ZoneInfo("Europe/Moscow")


def at(day: str, hh_mm: str) -> datetime:
    """A UTC instant; 05:00 UTC is 08:00 in Moscow."""
    return datetime.fromisoformat(f"{day}T{hh_mm}:00+00:00")


@pytest.fixture
def settings(make_settings: MakeSettings, tg: FakeTelegram) -> Settings:
    return make_settings(GOOGLE_CALENDAR_ID="", TELEGRAM_BOT_TOKEN=TOKEN,
                         TELEGRAM_API_BASE=tg.base_url)


@pytest.fixture
def sender(settings: Settings) -> Iterator[BotSender]:
    made = BotSender(settings.telegram_api_base, TOKEN, pacer=UNPACED())
    yield made
    made.close()


def digests(settings: Settings, sender: BotSender, clock: Clock) -> Digests:
    """A fresh digest loop on its own connection: what a restarted worker starts with."""
    canon = load_canon(settings.canon_path)
    return Digests(settings, connect(settings.db_path), sender, clock=clock,
                   canon=lambda: canon)


def sent_days(conn: sqlite3.Connection, user: str = "111") -> list[tuple[str, bool]]:
    return [(s.event.day, s.event.skipped)  # type: ignore[attr-defined]
            for s in EventStore(conn).read_stream(f"digest-{user}")]


def test_the_digest_comes_once_at_its_time_with_today_and_what_is_overdue(
    settings: Settings, sender: BotSender, conn: sqlite3.Connection, tg: FakeTelegram,
    clock: Clock,
) -> None:
    tasks = TaskService(conn, clock)
    UserService(conn, clock).set_digest("111", "08:00")
    add(tasks, "оплатить счёт", day="2026-03-02")
    add(tasks, "позвонить маме", day="2026-03-03")
    add(tasks, "купить билеты", day="2026-03-04")
    loop = digests(settings, sender, clock)
    clock.now = at("2026-03-03", "04:59")
    assert loop.step() == 0.0 and tg.sent == []
    clock.now = at("2026-03-03", "05:00")
    loop.step()
    for minutes in (1, 30, 600):
        clock.now = at("2026-03-03", "05:00") + timedelta(minutes=minutes)
        loop.step()
    [message] = tg.sent
    canon = load_canon(settings.canon_path)
    head, _, rest = message["text"].partition("\n")
    assert head == canon.reply("digest", "ru", body="").rstrip("\n")
    assert message["chat"]["id"] == 111
    assert "позвонить маме" in rest and "оплатить счёт" in rest
    assert "купить билеты" not in rest
    assert rest.index("позвонить маме") < rest.index("оплатить счёт")  # the day, then overdue
    clock.now = at("2026-03-04", "05:00")
    loop.step()
    assert len(tg.sent) == 2 and "купить билеты" in tg.sent[1]["text"]
    assert sent_days(conn) == [("2026-03-03", False), ("2026-03-04", False)]


def test_the_time_is_the_persons_own_zone(settings: Settings, sender: BotSender,
                                          conn: sqlite3.Connection, tg: FakeTelegram,
                                          clock: Clock) -> None:
    users = UserService(conn, clock)
    users.set_tz("111", "Asia/Tokyo")  # 08:00 in Tokyo is 23:00 UTC the day before
    users.set_digest("111", "08:00")
    add(TaskService(conn, clock), "утренняя пробежка", day="2026-03-03")
    loop = digests(settings, sender, clock)
    clock.now = at("2026-03-02", "22:59")
    loop.step()
    assert tg.sent == []
    clock.now = at("2026-03-02", "23:00")
    loop.step()
    assert len(tg.sent) == 1 and sent_days(conn) == [("2026-03-03", False)]


def test_a_restart_across_the_digest_time_sends_exactly_one(
    settings: Settings, sender: BotSender, conn: sqlite3.Connection, tg: FakeTelegram,
    clock: Clock,
) -> None:
    UserService(conn, clock).set_digest("111", "08:00")
    add(TaskService(conn, clock), "позвонить маме", day="2026-03-03")
    clock.now = at("2026-03-03", "04:58")
    digests(settings, sender, clock).step()  # the worker before it stopped
    assert tg.sent == []
    clock.now = at("2026-03-03", "05:07")  # back up after the digest's minute
    for _ in range(3):  # three restarts, each a fresh loop
        digests(settings, sender, clock).step()
    assert len(tg.sent) == 1
    assert sent_days(conn) == [("2026-03-03", False)]


def test_a_day_with_nothing_is_skipped_quietly_unless_always(
    settings: Settings, sender: BotSender, conn: sqlite3.Connection, tg: FakeTelegram,
    clock: Clock,
) -> None:
    users = UserService(conn, clock)
    users.set_digest("111", "08:00")
    users.set_digest("222", "08:00", always=True)
    add(TaskService(conn, clock), "купить билеты", day="2026-03-05")  # not today
    loop = digests(settings, sender, clock)
    clock.now = at("2026-03-03", "05:00")
    loop.step()
    loop.step()
    canon = load_canon(settings.canon_path)
    [message] = tg.sent
    assert message["chat"]["id"] == 222
    assert message["text"] == canon.reply("digest", "ru",
                                          body=canon.reply("digest_empty", "ru"))
    assert sent_days(conn, "111") == [("2026-03-03", True)]
    assert sent_days(conn, "222") == [("2026-03-03", False)]


def test_set_after_its_time_today_it_starts_tomorrow(
    settings: Settings, sender: BotSender, conn: sqlite3.Connection, tg: FakeTelegram,
    clock: Clock,
) -> None:
    add(TaskService(conn, clock), "позвонить маме", day="2026-03-03")
    add(TaskService(conn, clock), "купить билеты", day="2026-03-04")
    clock.now = at("2026-03-03", "09:00")  # noon in Moscow
    UserService(conn, clock).set_digest("111", "08:00")
    loop = digests(settings, sender, clock)
    loop.step()
    assert tg.sent == []
    clock.now = at("2026-03-04", "05:00")
    loop.step()
    assert len(tg.sent) == 1 and sent_days(conn) == [("2026-03-04", False)]


def test_a_digest_telegram_could_not_take_is_sent_on_a_later_pass_once(
    settings: Settings, sender: BotSender, conn: sqlite3.Connection, tg: FakeTelegram,
    clock: Clock,
) -> None:
    UserService(conn, clock).set_digest("111", "08:00")
    add(TaskService(conn, clock), "позвонить маме", day="2026-03-03")
    loop = digests(settings, sender, clock)
    tg.send_limits.inject("html502", count=1)
    clock.now = at("2026-03-03", "05:00")
    assert loop.step() > 0  # hold off, nothing recorded
    assert tg.sent == [] and sent_days(conn) == []
    assert loop.undeliverable_since is not None
    clock.now = at("2026-03-03", "05:01")
    loop.step()
    loop.step()
    assert len(tg.sent) == 1 and sent_days(conn) == [("2026-03-03", False)]
    assert loop.undeliverable_since is None


def test_off_means_no_digest(settings: Settings, sender: BotSender, conn: sqlite3.Connection,
                             tg: FakeTelegram, clock: Clock) -> None:
    users = UserService(conn, clock)
    users.set_digest("111", "08:00")
    users.set_digest("111", None)
    add(TaskService(conn, clock), "позвонить маме", day="2026-03-03")
    clock.now = at("2026-03-03", "06:00")
    digests(settings, sender, clock).step()
    assert tg.sent == [] and sent_days(conn) == []


def earlier() -> datetime:
    """When a setting made "earlier today" was made: before the digest minute just passed."""
    return datetime.now(UTC) - timedelta(minutes=3)


def test_the_worker_sends_the_digest_from_its_own_thread_and_reports_it(
    settings: Settings, conn: sqlite3.Connection, tg: FakeTelegram,
) -> None:
    local = datetime.now(MOSCOW) - timedelta(minutes=1)
    UserService(conn, earlier).set_digest("111", local.strftime("%H:%M"))
    add(TaskService(conn), "сегодняшнее дело", day=local.date().isoformat(), at="23:59")
    worker = Worker(settings)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        # the status says so once the digest is recorded, just after Telegram took it
        while not str(worker.status().get("digest")).startswith("sent 111 ") \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(tg.sent) == 1 and "сегодняшнее дело" in tg.sent[0]["text"]
        assert str(worker.status()["digest"]).startswith("sent 111 ")
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_digests_failing_show_in_health_like_reminders(make_settings: MakeSettings,
                                                       tg: FakeTelegram) -> None:
    settings = make_settings(GOOGLE_CALENDAR_ID="", TELEGRAM_BOT_TOKEN=TOKEN,
                             TELEGRAM_API_BASE=tg.base_url, TG_RECEIVE_STALE_SEC=8)
    conn = connect(settings.db_path)
    local = datetime.now(MOSCOW) - timedelta(minutes=1)
    UserService(conn, earlier).set_digest("111", local.strftime("%H:%M"), always=True)
    conn.close()
    tg.send_limits.inject("html502", count=-1)
    probe_args = (settings, LiveCanon(settings.canon_path), lambda: datetime.now(UTC),
                  "not in this test")
    stop = threading.Event()
    thread = threading.Thread(target=Worker(settings).run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_worker(probe_args, "degraded", "digest undeliverable for ")
        tg.send_limits.clear()
        wait_worker(probe_args, "ok")
        assert len(tg.sent) == 1
    finally:
        stop.set()
        thread.join(10)
