"""A title is what the person wrote: only the time, the command and filler words, runs of
"!"/"?", a trailing period and punctuation left at a cut edge go (shared/DESIGN.md)."""

from __future__ import annotations

from datetime import datetime

import pytest

from organizer.canon import Canon
from organizer.parsing import parse

NOW = datetime.fromisoformat("2025-03-12T14:00:00+03:00")


def title_of(text: str, canon: Canon) -> str | None:
    return parse(text, NOW, "Europe/Moscow", canon).title


@pytest.mark.parametrize(("text", "title"), [
    ("купить молоко 🍎", "купить молоко 🍎"),
    ("купить молоко🍎", "купить молоко🍎"),
    ("🍎 напомни завтра купить молоко", "🍎 купить молоко"),
    ("завтра в 10 семейный ужин 👨‍👩‍👧", "семейный ужин 👨‍👩‍👧"),
    ("позвонить 3️⃣ раза", "позвонить 3️⃣ раза"),
    ("похвалить 👍🏽 команду", "похвалить 👍🏽 команду"),
    ("\u200fלקנות חלב\u200f", "\u200fלקנות חלב\u200f"),
    ("завтра в 9 اشتري الحليب", "اشتري الحليب"),
    ("купить «Войну и мир»", "купить «Войну и мир»"),
    ('"позвонить Пете"', '"позвонить Пете"'),
    ("'; DROP TABLE tasks; --", "'; DROP TABLE tasks; --"),
    ("1 OR 1=1; --", "1 OR 1=1; --"),
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("купить витамин А", "купить витамин А"),
    ("купить витамин C", "купить витамин C"),
    ("план Б", "план Б"),
    ("категория B", "категория B"),
    ("купить молоко!!!", "купить молоко"),
    ("купить молоко?!", "купить молоко"),
    ("купить молоко.", "купить молоко"),
    ("купить молоко в", "купить молоко"),  # a lower-case preposition at the end still goes
    ("купить\x00 хлеб\x07", "купить хлеб"),  # control characters are no one's writing
    ("купить \ud83c хлеб", "купить хлеб"),  # nor is half of a surrogate pair
])
def test_title_keeps_what_was_written(canon: Canon, text: str, title: str) -> None:
    assert title_of(text, canon) == title


@pytest.mark.parametrize("text", ["🍎", "🎉🎉🎉", "\u200f", "!!!"])
def test_a_message_of_pictures_alone_is_no_task(canon: Canon, text: str) -> None:
    assert parse(text, NOW, "Europe/Moscow", canon).intent == "unknown"


def test_a_reference_still_reads_past_decoration(canon: Canon) -> None:
    parsed = parse("готово 5 👍", NOW, "Europe/Moscow", canon)
    assert (parsed.intent, parsed.ref) == ("complete_task", "5")
