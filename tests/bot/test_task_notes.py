"""Notes, one task shown, its history and a new title, as a person asks for them in the chat."""

from __future__ import annotations

import re

from organizer.app.tasks import TaskService
from tests.bot.conftest import ALICE, BOB, RunningBot
from tests.fakes.asr_server import FakeAsr

_LINE = re.compile(r"^\d{1,2} [а-я]{3} \d\d:\d\d — (.*)$")


def notes(bot: RunningBot, number: int, owner: int = ALICE) -> list[str]:
    (task,) = [t for t in bot.tasks(owner) if t.number == number]
    conn = bot.db()
    try:
        return [n.text for n in TaskService(conn).notes(str(task.id))]
    finally:
        conn.close()


async def test_notes_are_kept_shown_and_undone(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "08.12.2030 в 10 к врачу")
    noted = await running_bot.say(ALICE, "заметка к 1: код домофона 45К")
    assert noted["text"] == "📝 Заметка к задаче 1 «к врачу» записана (всего заметок: 1)."
    again = await running_bot.say(ALICE, "добавь заметку к задаче 1 — взять полис!")
    assert again["text"].endswith("(всего заметок: 2).")
    assert notes(running_bot, 1) == ["код домофона 45К", "взять полис!"]
    shown = await running_bot.say(ALICE, "покажи 1")
    assert shown["text"] == ("📋 1. к врачу\nСрок: вс 08.12.2030 в 10:00\nСостояние: открыта\n"
                             "📝 код домофона 45К\n📝 взять полис!")
    assert (await running_bot.say(ALICE, "/task 1"))["text"] == shown["text"]
    await running_bot.say(ALICE, "отмени последнее")
    assert notes(running_bot, 1) == ["код домофона 45К"]
    await running_bot.say(ALICE, "/lang en")
    english = await running_bot.say(ALICE, "note to 1: door code 45K")
    assert english["text"] == "📝 Noted on task 1 \"к врачу\" (2 notes in all)."


async def test_a_bad_note_changes_nothing(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "купить молоко")
    long = await running_bot.say(ALICE, "заметка к 1: " + "я" * 4001)
    assert long["text"] == ("Заметка слишком длинная: 4001 символов, можно до 4000. "
                            "Ничего не записал — разбейте её на части.")
    empty = await running_bot.say(ALICE, "заметка к 1")
    assert empty["text"].startswith("Заметка пустая")
    longest = await running_bot.say(ALICE, "заметка к 1: " + "я" * 4000)
    assert longest["text"].endswith("(всего заметок: 1).")
    not_hers = await running_bot.say(BOB, "заметка к 1: чужая")
    assert not_hers["text"] == "Не нашёл задачу «1». Посмотрите номер в /list."
    assert [len(n) for n in notes(running_bot, 1)] == [4000]
    assert running_bot.tasks(BOB) == []


async def test_history_in_words(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "08.12.2030 в 10 к врачу")
    await running_bot.say(ALICE, "перенеси 1 на 09.12.2030 в 11:00")
    await running_bot.say(ALICE, "переименуй 1 в к зубному")
    await running_bot.say(ALICE, "заметка к 1: кабинет 12")
    await running_bot.say(ALICE, "отмени последнее")
    told = await running_bot.say(ALICE, "почему 1 перенеслась?")
    header, *lines = told["text"].split("\n")
    assert header == "🕘 История задачи 1 «к зубному»:"
    said = []
    for line in lines:
        found = _LINE.match(line)
        assert found, line
        said.append(found.group(1))
    assert said == [
        "создана «к врачу» (8 дек 10:00) (сообщением)",
        "перенесено с 8 дек 10:00 на 9 дек 11:00 (сообщением)",
        "переименована: «к врачу» → «к зубному» (сообщением)",
        "заметка: кабинет 12 (сообщением)",
        "заметка убрана: кабинет 12 (отменой)",
    ]
    assert (await running_bot.say(ALICE, "/history 1"))["text"] == told["text"]
    assert (await running_bot.say(ALICE, "история 1"))["text"] == told["text"]
    not_his = await running_bot.say(BOB, "история 1")
    assert not_his["text"] == "Не нашёл задачу «1». Посмотрите номер в /list."


async def test_rename_in_both_languages(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "позвонить маме")
    renamed = await running_bot.say(ALICE, "переименуй 1 в позвонить папе")
    assert renamed["text"] == "✏️ Задача 1 теперь называется: позвонить папе"
    await running_bot.say(ALICE, "/lang en")
    english = await running_bot.say(ALICE, "rename 1 to call dad")
    assert english["text"] == "✏️ Task 1 is now called: call dad"
    assert [t.title for t in running_bot.tasks(ALICE)] == ["call dad"]
    missing = await running_bot.say(ALICE, "rename 7 to nothing")
    assert missing["text"] == "No task matches \"7\". See the numbers in /list."
    await running_bot.say(ALICE, "done 1")
    closed = await running_bot.say(ALICE, "rename 1 to call mum")
    assert closed["text"] == "Task 1 \"call dad\" is already done — nothing was changed."


async def test_a_reply_to_a_task_message_notes_on_that_task(running_bot: RunningBot) -> None:
    created = await running_bot.say(ALICE, "завтра в 10 к врачу")
    await running_bot.say(ALICE, "купить молоко")
    before = len(running_bot.tg.sent)
    running_bot.tg.add_reply(ALICE, "заметка: код домофона 45К", created)
    [noted] = (await running_bot.tg.wait_sent_async(before + 1, 5))[before:]
    assert noted["text"] == "📝 Заметка к задаче 1 «к врачу» записана (всего заметок: 1)."
    assert notes(running_bot, 1) == ["код домофона 45К"] and notes(running_bot, 2) == []
    shown = await running_bot.say(ALICE, "покажи 2")  # its buttons name the task too
    before = len(running_bot.tg.sent)
    running_bot.tg.add_reply(ALICE, "note: 2 litres", shown)
    await running_bot.tg.wait_sent_async(before + 1, 5)
    assert notes(running_bot, 2) == ["2 litres"]
    told = await running_bot.say(ALICE, "история 2")
    assert told["text"].endswith(" — заметка: 2 litres (ответом на сообщение о задаче)")
    # without a reply the same words are a task, and a stranger's reply notes nothing
    plain = await running_bot.say(ALICE, "заметка: код домофона 45К")
    assert plain["text"].startswith("✅ Задача 3:")
    before = len(running_bot.tg.sent)
    running_bot.tg.add_reply(BOB, "заметка: чужая", created)
    [refused] = (await running_bot.tg.wait_sent_async(before + 1, 5))[before:]
    assert refused["text"].startswith("Не нашёл задачу")
    assert notes(running_bot, 1) == ["код домофона 45К"]


async def test_a_dictated_note_says_it_came_by_voice(running_bot: RunningBot,
                                                    asr: FakeAsr) -> None:
    await running_bot.say(ALICE, "купить молоко")
    asr.transcripts[b"OggS-note"] = "заметка к 1 две пачки"
    before = len(running_bot.tg.sent)
    running_bot.tg.add_voice(ALICE, b"OggS-note")
    await running_bot.tg.wait_sent_async(before + 1)
    assert notes(running_bot, 1) == ["две пачки"]
    told = await running_bot.say(ALICE, "история 1")
    assert told["text"].endswith(" — заметка: две пачки (голосом)")


async def test_a_list_marks_the_tasks_that_have_notes(running_bot: RunningBot) -> None:
    await running_bot.say(ALICE, "08.12.2030 в 10 к врачу")
    await running_bot.say(ALICE, "08.12.2030 в 12 купить хлеб")
    await running_bot.say(ALICE, "заметка к 1: код домофона 45К")
    listed = (await running_bot.say(ALICE, "список"))["text"]
    doctor, bread = (next(line for line in listed.splitlines() if title in line)
                     for title in ("к врачу", "купить хлеб"))
    assert "📝" in doctor and "📝" not in bread, listed
