"""The bot as a person uses it, through the fake Bot API: tasks, lists, buttons, settings, voice."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from organizer.store.events import EventStore
from tests.bot.conftest import ALICE, BOB, MALLORY, RunningBot
from tests.fakes.asr_server import FakeAsr


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def press(bot: RunningBot, user: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    answered = len(bot.tg.answers)
    bot.tg.add_callback(user, message["message_id"], data)
    await bot.tg.wait_for_async(lambda: len(bot.tg.answers) > answered)
    return bot.tg.messages[(user, message["message_id"])]


async def test_a_task_with_buttons_done_and_cancel(running_bot: RunningBot) -> None:
    reply = await running_bot.say(ALICE, "завтра в 14:30 позвонить маме")
    assert "позвонить маме" in reply["text"] and "завтра в 14:30" in reply["text"]
    (task,) = running_bot.tasks(ALICE)
    assert task.due_time == "14:30" and task.source_text == "завтра в 14:30 позвонить маме"
    assert buttons(reply) == [f"done:{task.id}", f"cancel:{task.id}"]
    edited = await press(running_bot, ALICE, reply, f"done:{task.id}")
    assert "Готово" in edited["text"] and "reply_markup" not in edited
    assert running_bot.tasks(ALICE)[0].status == "done"
    # pressing again: nothing changes, the query is still answered
    await press(running_bot, ALICE, reply, f"done:{task.id}")
    assert running_bot.tasks(ALICE)[0].status == "done"
    second = await running_bot.say(ALICE, "купить хлеб")
    (task2,) = [t for t in running_bot.tasks(ALICE) if t.number == 2]
    await press(running_bot, ALICE, second, f"cancel:{task2.id}")
    assert running_bot.tasks(ALICE)[1].status == "cancelled"


async def test_ambiguous_time_offers_the_other_reading(running_bot: RunningBot) -> None:
    reply = await running_bot.say(ALICE, "завтра в 8 пробежка")
    (task,) = running_bot.tasks(ALICE)
    assert task.due_time == "08:00"
    alt = [d for d in buttons(reply) if d.startswith("alt:")]
    assert len(alt) == 1 and alt[0].endswith("2000")
    edited = await press(running_bot, ALICE, reply, alt[0])
    assert "20:00" in edited["text"]
    assert running_bot.tasks(ALICE)[0].due_time == "20:00"


async def test_lists_and_text_commands(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "сегодня в 23:59 прочитать книгу")
    await running_bot.say(ALICE, "завтра в 9:00 зарядка")
    await running_bot.say(ALICE, "купить молоко")
    listed = await running_bot.say(ALICE, "/list")
    assert all(t in listed["text"] for t in ("прочитать книгу", "зарядка", "купить молоко"))
    tomorrow = await running_bot.say(ALICE, "что на завтра")
    assert "зарядка" in tomorrow["text"] and "молоко" not in tomorrow["text"]
    today = await running_bot.say(ALICE, "что на сегодня")
    assert "прочитать книгу" in today["text"] and "зарядка" not in today["text"]
    overdue = await running_bot.say(ALICE, "просроченные")
    assert "зарядка" not in overdue["text"]
    done = await running_bot.say(ALICE, "готово 3")
    assert "купить молоко" in done["text"]
    moved = await running_bot.say(ALICE, "перенеси 2 на послезавтра в 11:00")
    assert "11:00" in moved["text"]
    undone = await running_bot.say(ALICE, "отмени последнее")
    assert "↩" in undone["text"]
    assert {t.number: t.due_time for t in running_bot.tasks(ALICE)}[2] == "09:00"
    cancelled = await running_bot.say(ALICE, "отмени 1")
    assert "прочитать книгу" in cancelled["text"]
    await running_bot.say(ALICE, "купить хлеб")
    last = await running_bot.say(ALICE, "последнюю задачу сделал")
    assert "купить хлеб" in last["text"]
    assert {t.title: t.status for t in running_bot.tasks(ALICE)}["купить хлеб"] == "done"
    missing = await running_bot.say(ALICE, "готово 42")
    assert "42" in missing["text"]
    assert "перенеси" in (await running_bot.say(ALICE, "/help"))["text"]
    start = await running_bot.say(ALICE, "/start")
    assert str(ALICE) in start["text"]


async def test_time_zone_is_a_setting_event(running_bot: RunningBot) -> None:
    assert "Europe/Berlin" in (await running_bot.say(ALICE, "/tz Europe/Berlin"))["text"]
    assert "Mars/Base" in (await running_bot.say(ALICE, "/tz Mars/Base"))["text"]
    await running_bot.say(ALICE, "завтра в 10:00 созвон")
    (task,) = running_bot.tasks(ALICE)
    assert task.tz == "Europe/Berlin"
    assert task.due_at.endswith(("T09:00:00Z", "T08:00:00Z"))  # CET or CEST
    conn = running_bot.db()
    types = [e.type for e in EventStore(conn).read_stream(f"user-{ALICE}")]
    conn.close()
    assert types == ["user.tg_lang_seen", "user.tz_set"]  # Telegram's "ru", recorded once


async def test_strangers_get_one_refusal_and_nothing_else(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "секретная задача")
    refusal = await running_bot.say(MALLORY, "/list")
    assert str(MALLORY) in refusal["text"] and "секретная" not in refusal["text"]
    running_bot.tg.add_text(MALLORY, "завтра в 10 взломать")
    start = await running_bot.say(MALLORY, "/start")  # /start always says the id
    assert str(MALLORY) in start["text"]
    assert [m["chat"]["id"] for m in running_bot.tg.sent].count(MALLORY) == 2
    alice_msg = running_bot.tg.sent[0]
    running_bot.tg.add_callback(MALLORY, alice_msg["message_id"], buttons(alice_msg)[0])
    await running_bot.tg.wait_for_async(lambda: running_bot.tg.answers)
    assert [t.owner for t in running_bot.tasks()] == [str(ALICE)]
    assert running_bot.tasks()[0].status == "open"


async def test_one_user_never_sees_another(running_bot: RunningBot) -> None:
    alice = await running_bot.say(ALICE, "подарок для Боба")
    bob_list = await running_bot.say(BOB, "/list")
    assert "подарок" not in bob_list["text"]
    assert "подарок" not in (await running_bot.say(BOB, "готово 1"))["text"]
    # Bob presses a button of Alice's message (same data): answered, nothing changes
    running_bot.tg.messages[(BOB, 99)] = {**alice, "chat": {"id": BOB, "type": "private"},
                                          "message_id": 99}
    answered = len(running_bot.tg.answers)
    running_bot.tg.add_callback(BOB, 99, buttons(alice)[0])
    await running_bot.tg.wait_for_async(lambda: len(running_bot.tg.answers) > answered)
    assert running_bot.tasks(ALICE)[0].status == "open"


async def test_voice_goes_through_asr(running_bot: RunningBot, asr: FakeAsr) -> None:
    asr.transcripts[b"OggS-voice"] = "завтра в 10:00 позвонить маме"
    before = len(running_bot.tg.sent)
    running_bot.tg.add_voice(ALICE, b"OggS-voice")
    reply = (await running_bot.tg.wait_sent_async(before + 1))[before]
    assert "позвонить маме" in reply["text"].split("\n")[0]  # the recognised text, echoed
    assert running_bot.tasks(ALICE)[0].title == "позвонить маме"
    assert asr.requests[-1]["file"] == b"OggS-voice"
    asr.fail_status = 503
    running_bot.tg.add_voice(ALICE, b"OggS-2")
    reply = (await running_bot.tg.wait_sent_async(before + 2))[before + 1]
    assert "текстом" in reply["text"] and len(running_bot.tasks(ALICE)) == 1


async def test_other_update_kinds_are_handled_on_purpose(running_bot: RunningBot) -> None:
    tg = running_bot.tg
    tg.add_sticker(ALICE)
    tg.add_channel_post("завтра в 10 канал")
    tg.add_group_text(ALICE, "завтра в 10 группа")
    tg.add_my_chat_member(ALICE)
    tg.add_unknown()
    tg.add_edited_text(ALICE, "завтра в 11 исправлено")
    tg.add_photo(ALICE)
    tg.add_photo(ALICE, caption="купить рамку для фото")
    sent = await tg.wait_sent_async(4)
    assert [m["chat"]["id"] for m in sent] == [ALICE] * 4
    assert [t.title for t in running_bot.tasks()] == ["купить рамку для фото"]
    assert str(ALICE) in (await running_bot.say(ALICE, "/start"))["text"]  # still alive


async def test_text_is_stored_verbatim(running_bot: RunningBot) -> None:
    texts = ["Robert'); DROP TABLE tasks;-- купить", "שלום עולם купить хлеб",
             "позвонить 👵 бабушке", "а" * 4096]
    for text in texts:
        await running_bot.say(ALICE, text)
    conn: sqlite3.Connection = running_bot.db()
    stored = [json.loads(r[0])["source_text"] for r in
              conn.execute("SELECT data FROM events WHERE type = 'task.created' ORDER BY position")]
    conn.close()
    assert stored == texts
    titles = [t.title for t in running_bot.tasks(ALICE)]
    assert titles[0] == "Robert'); DROP TABLE tasks;-- купить" and titles[3] == "а" * 4096
    await running_bot.tg.wait_sent_async(len(texts) + 1)  # 4096 characters and a prefix: 2
    first, rest = running_bot.tg.sent[-2:]
    assert len(first["text"]) == 4096 and (first["text"] + rest["text"]).endswith("а" * 4096)
    assert "reply_markup" in rest
