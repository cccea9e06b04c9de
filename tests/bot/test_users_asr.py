"""Per-user settings as events (projection verify/rebuild equal, lead time and Telegram's
language included), the reply ledger, the ASR client."""

from __future__ import annotations

import socket
import sqlite3

import pytest

from organizer.app.users import InvalidSetting, UserService
from organizer.bot import ledger
from organizer.bot.asr import AsrClient, AsrUnavailable
from organizer.errors import InvalidLead
from organizer.store.events import EventStore
from organizer.store.rebuild import rebuild, verify
from tests.fakes.asr_server import FakeAsr


def test_tz_and_lang_are_events_folded_into_users(db: sqlite3.Connection) -> None:
    users = UserService(db)
    assert users.get("1001").tz is None
    users.set_tz("1001", "Europe/Berlin", idempotency_key="tg:1:10")
    users.set_tz("1001", "Asia/Tokyo", idempotency_key="tg:1:10")  # redelivered: no-op
    users.set_lang("1001", "EN", idempotency_key="tg:1:11")
    assert users.get("1001") == users.get("1001")
    assert (users.get("1001").tz, users.get("1001").lang) == ("Europe/Berlin", "en")
    stream = EventStore(db).read_stream("user-1001")
    assert [s.type for s in stream] == ["user.tz_set", "user.lang_set"]
    assert verify(db).differences == []
    db.execute("DELETE FROM users")
    assert [d.describe() for d in verify(db).differences] == [
        "users 1001: missing from the live table"]
    assert rebuild(db).rows["users"] == 1
    assert users.get("1001").tz == "Europe/Berlin" and verify(db).differences == []


def test_lang_auto_is_an_event_that_clears_the_choice(db: sqlite3.Connection) -> None:
    users = UserService(db)
    users.note_telegram_lang("1001", "en")
    users.set_lang("1001", "auto", idempotency_key="tg:1:30")  # nothing chosen: no event
    users.set_lang("1001", "ru", idempotency_key="tg:1:31")
    assert users.get("1001").lang == "ru"
    users.set_lang("1001", " AUTO ", idempotency_key="tg:1:32")
    users.set_lang("1001", "auto", idempotency_key="tg:1:32")  # redelivered: no-op
    found = users.get("1001")
    assert (found.lang, found.tg_lang) == (None, "en")  # Telegram's language counts again
    assert [s.type for s in EventStore(db).read_stream("user-1001")] == [
        "user.tg_lang_seen", "user.lang_set", "user.lang_cleared"]
    with pytest.raises(InvalidSetting):
        users.set_lang("1001", "de", idempotency_key="tg:1:33")
    assert verify(db).differences == []
    db.execute("UPDATE users SET lang = 'ru'")  # a projection that missed the clearing
    [difference] = [d.describe() for d in verify(db).differences]
    assert difference == "users 1001: lang: 'ru' != None"
    rebuild(db)
    assert users.get("1001").lang is None and verify(db).differences == []


def test_lead_time_and_telegram_language_are_events_folded_into_users(
        db: sqlite3.Connection) -> None:
    users = UserService(db)
    assert (users.get("1001").lead_min, users.get("1001").tg_lang) == (None, None)
    users.set_lead("1001", 15, idempotency_key="tg:1:20")
    users.set_lead("1001", 90, idempotency_key="tg:1:20")  # redelivered: no-op
    for _ in range(3):  # every message carries it; it is recorded once
        users.note_telegram_lang("1001", "en-US")
    users.set_lang("1001", "ru", idempotency_key="tg:1:21")
    users.note_telegram_lang("1001", "de")  # changed in Telegram: recorded again
    users.note_telegram_lang("1001", None)  # left out by Telegram: nothing
    found = users.get("1001")
    assert (found.lead_min, found.tg_lang, found.lang) == (15, "de", "ru")  # /lang kept
    users.set_lead("1001", 0, idempotency_key="tg:1:22")
    assert users.get("1001").lead_min == 0
    assert [s.type for s in EventStore(db).read_stream("user-1001")] == [
        "user.lead_set", "user.tg_lang_seen", "user.lang_set", "user.tg_lang_seen",
        "user.lead_set"]
    assert verify(db).differences == []
    db.execute("UPDATE users SET lead_min = 45, tg_lang = 'en'")  # a projection gone astray
    [difference] = [d.describe() for d in verify(db).differences]
    assert difference == "users 1001: lead_min: 45 != 0, tg_lang: 'en' != 'de'"
    rebuild(db)
    assert verify(db).differences == [] and users.get("1001").lead_min == 0


@pytest.mark.parametrize(("minutes", "problem"), [(-1, "negative"), (7 * 24 * 60 + 1, "too_long")])
def test_bad_lead_times_are_refused_and_nothing_is_written(db: sqlite3.Connection, minutes: int,
                                                            problem: str) -> None:
    with pytest.raises(InvalidLead) as caught:
        UserService(db).set_lead("1", minutes)
    assert caught.value.problem == problem
    assert EventStore(db).last_position() == 0


@pytest.mark.parametrize("bad", ["Mars/Olympus", "MSK", "", "../etc/passwd"])
def test_invalid_time_zones_are_refused(db: sqlite3.Connection, bad: str) -> None:
    with pytest.raises(InvalidSetting):
        UserService(db).set_tz("1", bad)
    assert EventStore(db).last_position() == 0


def test_ledger_records_once(db: sqlite3.Connection) -> None:
    key = ledger.update_key(123, 100001)
    assert key == "tg:123:100001" and not ledger.replied(db, key)
    ledger.record(db, key, 42, 7)
    ledger.record(db, key, 42, 8)
    assert ledger.replied(db, key)
    assert db.execute("SELECT message_id FROM bot_replies").fetchall() == [(7,)]


async def test_asr_transcribes_with_lang() -> None:
    with FakeAsr(transcripts={b"OggS-1": "завтра в 10 позвонить маме"}) as fake:
        client = AsrClient(fake.base_url)
        assert await client.transcribe(b"OggS-1", "ru") == "завтра в 10 позвонить маме"
        assert fake.requests[0]["lang"] == "ru" and fake.requests[0]["file"] == b"OggS-1"
        assert await client.health() == "ok"
        fake.healthy = False
        assert await client.health() == "down: HTTP 503"
        fake.fail_status = 500
        with pytest.raises(AsrUnavailable, match="answered 500"):
            await client.transcribe(b"x")
        await client.close()


async def test_asr_unset_down_and_slow() -> None:
    off = AsrClient(None)
    assert await off.health() == "off"
    with pytest.raises(AsrUnavailable, match="not set"):
        await off.transcribe(b"x")
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = AsrClient(f"http://127.0.0.1:{port}")
    with pytest.raises(AsrUnavailable, match="unreachable"):
        await down.transcribe(b"x")
    assert (await down.health()).startswith("down")
    await down.close()
    with FakeAsr() as fake:
        fake.delay = 2
        slow = AsrClient(fake.base_url, timeout=0.3)
        with pytest.raises(AsrUnavailable, match="timed out"):
            await slow.transcribe(b"x")
        await slow.close()
