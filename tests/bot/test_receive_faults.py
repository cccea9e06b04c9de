"""The bot against Telegram's edge on a bad day: every fault survived, nothing lost or doubled.

Each answer kind comes from tests/fakes/telegram_edge.py (nginx HTML pages, empty and cut
bodies, resets, 429s, 5xx envelopes, hangs). `ORGANIZER_SOAK_S` sets how long the mixed
outage lasts (the e2e session runs it for three minutes).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import replace
from typing import Any

import pytest

from organizer.bot import polling
from organizer.settings import Settings
from organizer.store import heartbeats
from organizer.store.db import connect
from tests.bot.conftest import ALICE, TOKEN, RunningBot
from tests.fakes.telegram_edge import MIXED
from tests.fakes.telegram_server import FakeTelegram

SOAK_S = float(os.environ.get("ORGANIZER_SOAK_S", "12"))


def bot_beat(bot: RunningBot) -> heartbeats.Heartbeat | None:
    """The bot's heartbeat row (None before its first beat)."""
    conn = bot.db()
    try:
        return heartbeats.read_all(conn).get("bot")
    finally:
        conn.close()


def bot_status(bot: RunningBot) -> str | None:
    beat = bot_beat(bot)
    return None if beat is None else beat.status


@pytest.mark.parametrize("kind", [k for k in MIXED if k != "hang"])
async def test_each_edge_answer_is_retried_and_the_message_handled_once(
        running_bot: RunningBot, kind: str) -> None:
    running_bot.tg.edge_next(kind, 3, method="getUpdates")
    reply = await running_bot.say(ALICE, "купить хлеб", timeout=20)
    assert "купить хлеб" in str(reply["text"])
    await asyncio.sleep(1.5)  # a second answer would have come by now
    assert len(running_bot.tg.sent) == 1 and len(running_bot.tasks(ALICE)) == 1
    assert not running_bot.task.done()


async def test_a_reply_lost_to_an_html_page_is_sent_again_without_a_second_task(
        running_bot: RunningBot) -> None:
    running_bot.tg.edge_next("html502", 1, method="sendMessage")
    reply = await running_bot.say(ALICE, "купить соль", timeout=15)
    assert "купить соль" in str(reply["text"]) and len(running_bot.tasks(ALICE)) == 1


async def test_a_hung_long_poll_is_given_up_at_the_read_limit(running_bot: RunningBot) -> None:
    tg = running_bot.tg
    tg.edge_hang_s = running_bot.settings.tg_http_read_timeout + 5.0
    tg.edge_next("hang", 1, method="getUpdates")
    await asyncio.sleep(0.2)
    reply = await running_bot.say(ALICE, "после зависания купить чай", timeout=30)
    assert "купить чай" in str(reply["text"])


async def test_a_long_mixed_outage_then_the_message_sent_during_it(
        running_bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="organizer.bot")
    tg = running_bot.tg
    tg.edge_hang_s = 2.0
    tg.outage(SOAK_S, MIXED)
    recovers = time.monotonic() + SOAK_S
    # the long poll already in flight still answers: send once the bot has seen a failure
    await tg.wait_for_async(lambda: bot_status(running_bot) == "degraded", timeout=10)
    tg.add_text(ALICE, "во время сбоя позвонить маме")
    await asyncio.sleep(SOAK_S / 2)
    beat = bot_beat(running_bot)
    assert beat is not None and beat.status in ("degraded", "fail")
    assert beat.detail["receive"]["failing_since"]
    sent = await tg.wait_sent_async(1, timeout=SOAK_S + 30)
    assert time.monotonic() >= recovers  # heard only once the edge was back
    assert "позвонить маме" in str(sent[0]["text"])
    await asyncio.sleep(1.5)
    assert len(tg.sent) == 1 and len(running_bot.tasks(ALICE)) == 1
    await tg.wait_for_async(lambda: bot_status(running_bot) == "ok", timeout=15)
    assert any("getUpdates recovered" in r.getMessage() for r in caplog.records)
    warnings = [r for r in caplog.records if "getUpdates failed" in r.getMessage()]
    assert 1 <= len(warnings) <= 2 + SOAK_S / polling.FAILING_LOG_EVERY_S  # not one per try
    polls = len(tg.calls("getUpdates"))
    assert polls < 10 + 2 * SOAK_S  # backoff, not a busy loop
    assert not running_bot.task.done()


@pytest.mark.parametrize("kind,said", [("401", "401 Unauthorized"), ("404", "404 Not Found")])
async def test_a_revoked_token_or_deleted_bot_stops_receiving_without_a_crash(
        running_bot: RunningBot, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch, kind: str, said: str) -> None:
    caplog.set_level(logging.INFO, logger="organizer.bot")
    tg = running_bot.tg
    monkeypatch.setattr(polling, "FATAL_RECHECK_S", 4.0)
    tg.outage(16.0, (kind,))  # long enough to be seen failing on a loaded machine
    await tg.wait_for_async(lambda: bot_status(running_bot) == "fail", timeout=15)
    fatal = bot_beat(running_bot).detail["receive"]["fatal"]  # type: ignore[union-attr]
    assert said in str(fatal) and TOKEN not in str(fatal)
    polls = len(tg.calls("getUpdates"))
    await asyncio.sleep(2.0)
    assert len(tg.calls("getUpdates")) <= polls + 1  # no crash loop, no hammering
    stopped = [r for r in caplog.records if "receiving stopped" in r.getMessage()]
    assert len(stopped) == 1 and stopped[0].levelno == logging.ERROR
    assert not running_bot.task.done()
    reply = await running_bot.say(ALICE, "купить молоко", timeout=30)  # the token works again
    assert "купить молоко" in str(reply["text"])
    await tg.wait_for_async(lambda: bot_status(running_bot) == "ok", timeout=15)


async def test_429_waits_as_long_as_telegram_asks(running_bot: RunningBot) -> None:
    tg = running_bot.tg
    tg.edge_next("429", 1, method="getUpdates")
    await tg.wait_for_async(lambda: any(
        r["method"] == "getUpdates" for r in tg.requests[-1:]), timeout=5)
    reply = await running_bot.say(ALICE, "оплатить счёт", timeout=15)
    assert "оплатить счёт" in str(reply["text"])


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "organizer-test.invalid:8081"])
async def test_connect_and_dns_failures_are_retried_from_the_start(
        bot_settings: Settings, tg: FakeTelegram, host: str) -> None:
    from organizer.daemons import bot
    from tests.api.support import free_port

    dead = replace(bot_settings, telegram_api_base="http://" + host.format(port=free_port()))
    stop = asyncio.Event()
    task = asyncio.create_task(bot.serve(dead, stop))

    def receive() -> dict[str, Any]:
        conn = connect(dead.db_path)
        try:
            beat = heartbeats.read_all(conn).get("bot")
        finally:
            conn.close()
        return beat.detail["receive"] if beat else {}  # type: ignore[no-any-return]

    failing = await tg.wait_for_async(lambda: receive().get("failing_since") and receive(), 20)
    assert str(failing["error"]).startswith("network: ") and not task.done()
    await asyncio.sleep(2)  # more failed attempts: still running, still failing
    assert not task.done() and receive()["failing_since"] == failing["failing_since"]
    stop.set()
    await asyncio.wait_for(task, 10)
