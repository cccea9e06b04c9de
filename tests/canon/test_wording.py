"""Every word a person reads comes from the canon in Russian and English: each reply and
each entry of `words` renders in both languages with no placeholder left over, each key the
code asks for exists, and English never shows Russian except the person's own text."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from organizer.canon import Canon
from organizer.wording import names, plural, repeat_description, rule_text, when_text, word

from .conftest import REPO

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
LEFT_OVER = re.compile(r"\{[a-z_]+\}")
SRC = REPO / "src" / "organizer"
# A reply key written out in the code: say(canon, "key", ...) or canon.reply("key", ...).
USED_REPLY = re.compile(r"""(?:\bsay\(\s*[\w.()]+,\s*|\.reply\(\s*)["']([a-z_][a-z0-9_.]*)["']""")
USED_WORDS = re.compile(r"""\b(?:word|names|plural)\(\s*canon,\s*f?["']([a-z_.{}]+)["']""")


def _leaves(node: Mapping[str, Any], at: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    for key, value in node.items():
        path = f"{at}.{key}" if at else str(key)
        if isinstance(value, Mapping) and "ru" not in value:
            yield from _leaves(value, path)
        else:
            yield path, value


def _sample(text: str) -> dict[str, Any]:
    """A Latin sample for every placeholder of `text` (numbers where a count is meant)."""
    fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    return {f: (2 if f in ("n", "count", "number", "hours", "minutes", "max") else f"x{f}")
            for f in fields}


def _check(rendered: str, lang: str, where: str) -> None:
    assert rendered.strip(), f"{where} in {lang} is empty"
    assert not LEFT_OVER.search(rendered), f"{where} in {lang} leaves {rendered!r}"
    if lang == "en":
        assert not CYRILLIC.search(rendered), f"{where} in en is Russian: {rendered!r}"


def test_every_reply_renders_in_russian_and_english(canon: Canon) -> None:
    keys = list(_leaves(canon.data["replies"]))
    assert len(keys) > 60
    for key, template in keys:
        assert set(template) == {"ru", "en"}, f"replies.{key} needs both ru and en"
        for lang in ("ru", "en"):
            _check(canon.reply(key, lang, **_sample(template[lang])), lang, f"replies.{key}")


def test_every_entry_of_words_renders_in_russian_and_english(canon: Canon) -> None:
    entries = list(_leaves(canon.data["words"]))
    assert len(entries) > 30
    for key, entry in entries:
        for lang in ("ru", "en"):
            value = entry[lang]
            if isinstance(value, str):
                _check(word(canon, key, lang, **_sample(value)), lang, f"words.{key}")
            elif "{" in value[0]:  # plural forms: each count's form renders
                for n in (1, 2, 5, 11, 21, 22, 25, 101, 112):
                    values = {k: v for k, v in _sample(value[0]).items() if k != "n"}
                    _check(plural(canon, key, lang, n, **values), lang, f"words.{key}")
            else:  # names, or plural forms of a unit
                for name in names(canon, key, lang):
                    _check(name, lang, f"words.{key}")


def _keys_in_code(pattern: re.Pattern[str]) -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_key_the_code_names_is_in_the_canon(canon: Canon) -> None:
    replies = _keys_in_code(USED_REPLY)
    assert {"button_cancel", "calendar_repeat", "duration_hours", "task_done"} <= replies
    for key in replies - {k for k in replies if k.endswith(".")}:  # "group." + a name
        canon.reply(key, "en")  # KeyError names a key the canon lacks
    words = _keys_in_code(USED_WORDS)
    assert {"when.today", "rule.unworded", "rule.every_one.{unit}"} <= words
    for key in words:
        for unit in ("minutely", "hourly", "daily", "weekly", "monthly", "yearly"):
            node: Any = canon.data["words"]
            for part in key.replace("{unit}", unit).split("."):
                node = node[part]
            assert set(node) == {"ru", "en"}


RULES = [
    "FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=WE",
    "FREQ=WEEKLY;BYDAY=TH", "FREQ=WEEKLY;BYDAY=FR", "FREQ=WEEKLY;BYDAY=SA",
    "FREQ=WEEKLY;BYDAY=SU", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=WEEKLY;BYDAY=SA,SU",
    "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR,SA,SU", "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "FREQ=MONTHLY;BYMONTHDAY=1,15",
    "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=5", "FREQ=DAILY;BYHOUR=9,21;BYMINUTE=30",
    "FREQ=MONTHLY;BYDAY=1MO", "FREQ=DAILY;UNTIL=20271231T000000Z", "FREQ=DAILY;COUNT=21",
    *(f"FREQ={freq};INTERVAL={n}" for freq in ("MINUTELY", "HOURLY", "DAILY", "WEEKLY",
                                                 "MONTHLY", "YEARLY") for n in (1, 2, 5, 21)),
    *(f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY=8" for month in range(1, 13)),
]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_rules_and_dates_in_words_render_wholly_in_the_language(canon: Canon,
                                                                lang: str) -> None:
    today = date(2026, 3, 4)
    shown = [rule_text(canon, rule, lang, short=short) for rule in RULES
             for short in (False, True)]
    shown += [repeat_description(canon, rule, lang) for rule in RULES]
    shown += [when_text(canon, today + timedelta(days=d), at, lang, today)
              for d in (-1, 0, 1, 2, 3, 4, 5, 6, 7, 400) for at in (None, time(9, 5))]
    for text in shown:
        _check(text, lang, text)
        assert (CYRILLIC.search(text) is not None) == (lang == "ru"), text
    assert rule_text(canon, "FREQ=DAILY;UNTIL=20271231T000000Z", lang) == {
        "ru": "каждый день, до 31.12.2027", "en": "every day, until 2027-12-31"}[lang]
    assert when_text(canon, date(2027, 1, 8), time(18, 30), lang, today) == {
        "ru": "пт 08.01.2027 в 18:30", "en": "Fri 08.01.2027 at 18:30"}[lang]


def test_no_python_module_outside_parsing_and_the_ops_journal_holds_russian_words() -> None:
    import ast

    holding = set()
    for path in SRC.rglob("*.py"):
        if "parsing" in path.parts:
            continue  # the grammar: words the parser recognises, not words it says
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef,
                                  ast.ClassDef))
                and n.body and isinstance(n.body[0], ast.Expr)}
        if any(isinstance(n, ast.Constant) and isinstance(n.value, str)
               and id(n) not in docs and CYRILLIC.search(n.value) for n in ast.walk(tree)):
            holding.add(Path(path).relative_to(SRC).as_posix())
    assert holding == set()  # the journal's own Russian lines live in ops/journal_words.json
