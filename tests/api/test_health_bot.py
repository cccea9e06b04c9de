"""/health's bot check: a bot that can send but not receive is failing, and says why."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from organizer.settings import Settings
from organizer.store import heartbeats
from tests.api.support import Get


def stamp(seconds_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def beat_bot(db: sqlite3.Connection, status: str, **receive: Any) -> None:
    heartbeats.beat(db, "bot", status, {"receive": {"last_received_at": stamp(1), **receive}})


def bot_check(fetch: Get, settings: Settings) -> tuple[int, dict[str, Any]]:
    response = fetch(settings)
    return response.status_code, response.json()["checks"]["bot"]


def test_receiving_failing_past_the_limit_fails_health(fetch: Get, healthy: Settings,
                                                        db: sqlite3.Connection) -> None:
    beat_bot(db, "degraded", last_received_at=stamp(145), failing_since=stamp(140),
             error="502 Bad Gateway")
    code, check = bot_check(fetch, healthy)
    assert code == 503 and check["status"] == "fail"
    assert re.fullmatch(r"getUpdates failing for 14[01] s: 502 Bad Gateway", check["reason"])


def test_failing_within_the_limit_is_degraded(fetch: Get, healthy: Settings,
                                              db: sqlite3.Connection) -> None:
    beat_bot(db, "degraded", failing_since=stamp(30), error="an empty answer")
    code, check = bot_check(fetch, healthy)
    assert code == 200 and check["status"] == "degraded"
    assert re.match(r"getUpdates failing for 3[01] s: an empty answer", check["reason"])


def test_the_limit_is_a_setting(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    beat_bot(db, "degraded", failing_since=stamp(30), error="network: timeout")
    code, check = bot_check(fetch, replace(healthy, tg_receive_stale_sec=20))
    assert code == 503 and check["status"] == "fail"


def test_a_revoked_token_fails_naming_it(fetch: Get, healthy: Settings,
                                        db: sqlite3.Connection) -> None:
    cause = "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): the token was revoked"
    beat_bot(db, "fail", failing_since=stamp(3), error=cause, fatal=cause)
    code, check = bot_check(fetch, healthy)
    assert code == 503 and check["reason"] == f"not receiving: {cause}"


def test_a_hung_long_poll_fails_once_nothing_came_back_for_too_long(
        fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    quiet = healthy.tg_receive_stale_sec + healthy.tg_http_read_timeout + 5
    beat_bot(db, "ok", last_received_at=stamp(quiet))
    code, check = bot_check(fetch, healthy)
    assert code == 503 and check["reason"].startswith("no successful getUpdates for")


def test_receiving_again_is_ok(fetch: Get, healthy: Settings, db: sqlite3.Connection) -> None:
    beat_bot(db, "ok")
    code, check = bot_check(fetch, healthy)
    assert code == 200 and check["status"] == "ok"
    assert check["last_received_at"]
