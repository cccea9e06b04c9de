"""Reminders and a person's settings: each owner's lead time (else REMINDER_LEAD_MIN), exactly
once while the lead time changes, Snooze that keeps the lead, and the language the bot's replies
use (/lang, else Telegram's language_code, else DEFAULT_LANG) — with a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from organizer.app.users import UserService
from organizer.reminders import snooze
from tests.fakes.telegram_server import FakeTelegram
from tests.worker.conftest import Clock, World
from tests.worker.helpers import add, types


def at(hh_mm: str) -> datetime:
    """A UTC instant on 2026-03-03; tasks below are due 10:00 Moscow = 07:00 UTC."""
    return datetime.fromisoformat(f"2026-03-03T{hh_mm}:00+00:00").astimezone(UTC)


def chats(tg: FakeTelegram) -> list[int]:
    return [m["chat"]["id"] for m in tg.sent]


def step_at(world: World, clock: Clock, hh_mm: str) -> None:
    clock.now = at(hh_mm)
    world[0].step()


@pytest.mark.parametrize("world", [{"REMINDER_LEAD_MIN": "10"}], indirect=True)
def test_each_owner_has_their_own_lead_time_else_the_global_one(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    _, service, conn = world
    users = UserService(conn, clock)
    users.set_lead("111", 30)
    users.set_lead("333", 0)  # an explicit 0: at the due time, not the global 10
    for owner in ("111", "222", "333"):
        add(service, f"задача {owner}", owner=owner)
    step_at(world, clock, "06:29")
    assert chats(tg) == []
    step_at(world, clock, "06:30")
    assert chats(tg) == [111]
    step_at(world, clock, "06:49")
    assert chats(tg) == [111]
    step_at(world, clock, "06:50")
    assert chats(tg) == [111, 222]
    step_at(world, clock, "06:59")
    assert chats(tg) == [111, 222]
    step_at(world, clock, "07:00")
    assert chats(tg) == [111, 222, 333]
    assert "сегодня в 10:00" in tg.sent[0]["text"]  # the due time, not the reminder's


def test_a_lead_time_changed_after_the_reminder_went_out_sends_nothing_more(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    _, service, conn = world
    users = UserService(conn, clock)
    users.set_lead("111", 15)
    add(service, "созвон")
    step_at(world, clock, "06:45")
    assert len(tg.sent) == 1
    users.set_lead("111", 60)  # the new moment has passed too: still the same reminder
    step_at(world, clock, "06:46")
    users.set_lead("111", 0)   # the new moment lies ahead: it was sent already
    step_at(world, clock, "07:00")
    step_at(world, clock, "07:30")
    assert len(tg.sent) == 1
    assert types(conn, "reminder.") == ["reminder.sent"]


def test_a_lead_time_raised_before_the_reminder_sends_it_at_once_and_not_late(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    reminders, service, conn = world
    users = UserService(conn, clock)
    add(service, "созвон")
    step_at(world, clock, "06:40")  # lead 0: not yet
    assert tg.sent == []
    users.set_lead("111", 60)  # its moment, 06:00, has passed; the due time has not
    step_at(world, clock, "06:40")
    [message] = tg.sent
    assert message["text"] == reminders.canon().reply(
        "reminder", "ru", number=1, title="созвон", when="сегодня в 10:00")
    late = conn.execute("SELECT json_extract(data, '$.late') FROM events "
                        "WHERE type = 'reminder.sent'").fetchone()[0]
    assert late == 0


def test_a_lead_time_lowered_before_the_reminder_moves_it_later(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    _, service, conn = world
    users = UserService(conn, clock)
    users.set_lead("111", 60)
    add(service, "обед", at="11:00")  # 08:00 UTC: reminded at 07:00 with a 60-minute lead
    step_at(world, clock, "06:59")
    users.set_lead("111", 30)
    step_at(world, clock, "07:00")
    step_at(world, clock, "07:29")
    assert tg.sent == []
    step_at(world, clock, "07:30")
    assert len(tg.sent) == 1


def test_snooze_keeps_the_owners_lead_so_the_next_reminder_comes_after_the_snooze(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    _, service, conn = world
    UserService(conn, clock).set_lead("111", 30)
    task_id = add(service, "выпить таблетку")
    step_at(world, clock, "06:30")
    assert len(tg.sent) == 1
    clock.now = datetime(2026, 3, 3, 6, 31, 30, tzinfo=UTC)
    outcome = snooze(service, task_id, 15, clock.now, lead_min=30)
    assert outcome.task is not None  # now + 15 + 30 minutes, rounded up: later, never earlier
    assert (outcome.task.due_time, outcome.task.due_at) == ("10:17", "2026-03-03T07:17:00Z")
    step_at(world, clock, "06:46")
    assert len(tg.sent) == 1
    step_at(world, clock, "06:47")  # 15 minutes after the press (rounded up to the minute)
    assert len(tg.sent) == 2 and "сегодня в 10:17" in tg.sent[1]["text"]
    assert "Напоминаю:" in tg.sent[1]["text"]  # not the late wording


@pytest.mark.parametrize("world", [{"DEFAULT_LANG": "en"}], indirect=True)
def test_the_language_is_chosen_as_for_the_bots_replies(
    world: World, tg: FakeTelegram, clock: Clock,
) -> None:
    reminders, service, conn = world
    users = UserService(conn, clock)
    reported = {"111": "en-GB", "222": "uk", "333": "de", "555": "en"}
    for owner, code in reported.items():
        users.note_telegram_lang(owner, code)
    users.set_lang("555", "ru")  # an explicit choice wins over Telegram's code
    owners = ("111", "222", "333", "444", "555")  # 444: nothing known, DEFAULT_LANG
    for owner in owners:
        add(service, "dentist", owner=owner)
    step_at(world, clock, "07:00")
    got = {m["chat"]["id"]: m["text"] for m in tg.sent}
    canon = reminders.canon()
    expected = {"111": "en", "222": "ru", "333": "en", "444": "en", "555": "ru"}
    for owner in owners:
        lang = expected[owner]
        when = "today at 10:00" if lang == "en" else "сегодня в 10:00"
        assert got[int(owner)] == canon.reply("reminder", lang, number=1, title="dentist",
                                              when=when), owner
