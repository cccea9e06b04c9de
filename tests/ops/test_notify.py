"""`ops daily-check --notify` sends through the worker's adapter: short retries over the
edge's faults, one clear line (never the token) when Telegram will not take it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from organizer.errors import ConfigError
from organizer.ops import notify
from organizer.settings import Settings, load_settings
from tests.fakes.telegram_server import FakeTelegram

TOKEN = "987654321:AAnotify-test-token-0123456789abcdef"


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(tokens=[TOKEN]) as server:
        yield server


def settings_for(tg: FakeTelegram, tmp_path: Path, **env: str) -> Settings:
    base = {"DB_PATH": str(tmp_path / "organizer.db"), "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": tg.base_url, "OPS_ADMIN_CHAT_ID": "4242", **env}
    return load_settings(env={k: v for k, v in base.items() if v}, env_file=None)


def test_the_summary_gets_through_an_edge_fault_and_arrives_once(tg: FakeTelegram,
                                                                 tmp_path: Path) -> None:
    tg.send_limits.inject("html502")
    tg.send_limits.inject("cut")
    notify.send(settings_for(tg, tmp_path), "organizer Day 3: OK")
    assert [(m["chat"]["id"], m["text"]) for m in tg.sent] == [(4242, "organizer Day 3: OK")]
    assert len(tg.calls("sendMessage")) == 3


def test_an_unreadable_answer_is_not_sent_twice(tg: FakeTelegram, tmp_path: Path) -> None:
    tg.send_limits.inject("truncated200")
    notify.send(settings_for(tg, tmp_path), "organizer Day 4: OK")
    assert len(tg.sent) == 1 and len(tg.calls("sendMessage")) == 1


@pytest.mark.parametrize(("kind", "said"), [
    ("html502", "Telegram answered 502 Bad Gateway"),
    ("empty504", "Telegram answered 504 Gateway Timeout"),
    ("401", "401 Unauthorized: the bot token was revoked or is wrong; set TELEGRAM_BOT_TOKEN"),
])
def test_a_summary_telegram_will_not_take_is_one_line_without_the_token(
        tg: FakeTelegram, tmp_path: Path, kind: str, said: str) -> None:
    tg.send_limits.inject(kind, count=-1)
    with pytest.raises(notify.NotifyError) as failed:
        notify.send(settings_for(tg, tmp_path), "organizer Day 5: FAIL")
    message = str(failed.value)
    assert message.startswith("the summary was not sent: ") and said in message
    assert "\n" not in message and TOKEN not in message
    tries = 1 if kind == "401" else notify.ATTEMPTS  # a revoked token is not retried
    assert len(tg.calls("sendMessage")) == tries and tg.sent == []


def test_a_bot_api_that_is_not_there_is_named(tmp_path: Path) -> None:
    with FakeTelegram(tokens=[TOKEN]) as gone:
        base = gone.base_url
    settings = load_settings(env={"DB_PATH": str(tmp_path / "organizer.db"),
                                  "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": base,
                                  "OPS_ADMIN_CHAT_ID": "4242"}, env_file=None)
    with pytest.raises(notify.NotifyError, match="Telegram unreachable"):
        notify.send(settings, "organizer Day 6: OK")


def test_without_the_admin_chat_it_is_a_configuration_error(tg: FakeTelegram,
                                                            tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="OPS_ADMIN_CHAT_ID"):
        notify.send(settings_for(tg, tmp_path, OPS_ADMIN_CHAT_ID=""), "x")
