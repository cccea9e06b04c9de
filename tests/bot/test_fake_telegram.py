"""The fake Bot API server behaves like the real one, seen through aiogram's own client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates

from tests.fakes.telegram_server import FakeTelegram

TOKEN = "123456:TEST"


@pytest.fixture
def server() -> Iterator[FakeTelegram]:
    with FakeTelegram(tokens=[TOKEN]) as fake:
        yield fake


def make_bot(server: FakeTelegram, token: str = TOKEN, timeout: float = 5) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url), timeout=timeout)
    return Bot(token, session=session)


@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    bot = make_bot(server)
    yield bot
    await bot.session.close()


async def test_get_me_and_unknown_token(server: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot
    stranger = make_bot(server, "999:NOPE")
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()
    await stranger.session.close()


async def test_offsets_confirm_updates(server: FakeTelegram, bot: Bot) -> None:
    first = server.add_text(42, "hello")
    second = server.add_text(42, "/list")
    got = await bot(GetUpdates(timeout=0))
    assert [u.update_id for u in got] == [first, second]
    assert got[1].message is not None and got[1].message.text == "/list"
    again = await bot(GetUpdates(timeout=0))  # nothing confirmed yet: redelivered
    assert [u.update_id for u in again] == [first, second]
    rest = await bot(GetUpdates(offset=second, timeout=0))
    assert [u.update_id for u in rest] == [second]
    assert await bot(GetUpdates(offset=second + 1, timeout=0)) == []
    assert await bot(GetUpdates(timeout=0)) == []  # confirmed updates are gone


async def test_long_poll_waits_for_an_update(server: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot(GetUpdates(timeout=1)) == []
    assert time.monotonic() - started >= 0.9
    poll = asyncio.create_task(bot(GetUpdates(timeout=10)))
    await asyncio.sleep(0.2)
    update_id = server.add_text(7, "late")
    got = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in got] == [update_id]


async def test_second_poller_terminates_the_first(server: FakeTelegram, bot: Bot) -> None:
    rival = make_bot(server)
    first = asyncio.create_task(bot(GetUpdates(timeout=5)))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(rival(GetUpdates(timeout=1)))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 2)
    assert await second == []
    await rival.session.close()


async def test_send_edit_and_answer(server: FakeTelegram, bot: Bot) -> None:
    text = "Купить 🥛 — שלום; DROP TABLE tasks;--"
    sent = await bot.send_message(42, text)
    assert sent.message_id >= 1 and sent.text == text
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await bot.edit_message_text(text, chat_id=42, message_id=sent.message_id)
    await bot.edit_message_text("done", chat_id=42, message_id=sent.message_id)
    assert server.sent[0]["text"] == "done"
    with pytest.raises(TelegramBadRequest, match="too long"):
        await bot.send_message(42, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(42, "<b>bold", parse_mode="HTML")
    server.add_callback(42, sent.message_id, "done:1")
    update = (await bot(GetUpdates(timeout=0)))[0]
    assert update.callback_query is not None and update.callback_query.message is not None
    assert await bot.answer_callback_query(update.callback_query.id, text="ok")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(update.callback_query.id)


async def test_voice_file_download(server: FakeTelegram, bot: Bot) -> None:
    server.add_voice(42, b"OggS-audio", duration=3)
    update = (await bot(GetUpdates(timeout=0)))[0]
    assert update.message is not None and update.message.voice is not None
    file = await bot.get_file(update.message.voice.file_id)
    assert file.file_path is not None
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read() == b"OggS-audio"


async def test_faults(server: FakeTelegram, bot: Bot) -> None:
    server.fail_next(1, status=502)
    with pytest.raises(TelegramServerError):
        await bot.get_me()
    server.drop_next(1)
    with pytest.raises(TelegramNetworkError):
        await bot.get_me()
    server.hang_next(1, seconds=3, method="getMe")
    with pytest.raises(TelegramNetworkError):
        await bot.get_me(request_timeout=1)
    assert (await bot.get_me()).id == 123456
    server.block(55)
    with pytest.raises(Exception, match="blocked"):
        await bot.send_message(55, "hi")


async def test_other_update_kinds_parse(server: FakeTelegram, bot: Bot) -> None:
    server.add_sticker(1)
    server.add_photo(1, caption="подпись")
    server.add_edited_text(1, "edited")
    server.add_channel_post("post")
    server.add_group_text(1, "group")
    server.add_my_chat_member(1)
    server.add_unknown()
    got = await bot(GetUpdates(timeout=0))
    assert len(got) == 7
    assert got[1].message is not None and got[1].message.caption == "подпись"
    assert got[3].channel_post is not None and got[5].my_chat_member is not None


async def test_control_api_over_http(server: FakeTelegram, bot: Bot) -> None:
    async with aiohttp.ClientSession(server.base_url) as http:
        resp = await http.post("/_test/updates", json={"kind": "text", "user_id": 5,
                                                       "text": "hi"})
        update_id = (await resp.json())["update_id"]
        got = await bot(GetUpdates(timeout=0))
        assert got[0].update_id == update_id
        await bot.send_message(5, "answer")
        assert [m["text"] for m in await (await http.get("/_test/sent")).json()] == ["answer"]
        await http.post("/_test/faults", json={"kind": "fail", "count": 1, "status": 500})
        with pytest.raises(TelegramServerError):
            await bot.get_me()
