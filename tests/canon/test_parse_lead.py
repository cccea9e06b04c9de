"""The reminder setting in words: the amount read into minutes, the JSON slot, the words kept
for a refusal, and the amounts said in the canon's own time vocabulary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from organizer.canon import Canon, check_canon, load_canon
from organizer.parsing import parse
from organizer.parsing.lead import lead_minutes

from .conftest import whole_canon_text

NOW = datetime(2025, 3, 12, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))
GOOD = whole_canon_text()


@pytest.mark.parametrize(("said", "minutes"), [
    ("30 минут", 30), ("час", 60), ("минуту", 1), ("полчаса", 30), ("пол-часа", 30),
    ("полтора часа", 90), ("1,5 часа", 90), ("2.5 часа", 150), ("1 ч 30 мин", 90),
    ("1ч30мин", 90), ("час 15", 75), ("час и 15 минут", 75), ("15мин", 15),
    ("двадцать пять минут", 25), ("пару часов", 120), ("сутки", 1440), ("неделю", 10080),
    ("0 минут", 0), ("an hour", 60), ("half an hour", 30), ("an hour and a half", 90),
    ("a couple of hours", 120), ("10 min", 10), ("1h", 60),
])
def test_amounts_read_into_minutes(canon: Canon, said: str, minutes: int) -> None:
    assert lead_minutes(said, canon.grammar.time) == minutes


@pytest.mark.parametrize("said", [
    "1,5 минуты",   # not a whole number of minutes
    "15",           # no unit: not an amount of time
    "5 10 минут",   # two numbers
    "много минут",  # not a number
    "30 минут 15",  # a bare number after minutes is not "час 15"
    "",
])
def test_what_is_not_a_whole_amount_reads_as_none(canon: Canon, said: str) -> None:
    assert lead_minutes(said, canon.grammar.time) is None


def test_the_json_gains_lead_min_only_for_the_setting(canon: Canon) -> None:
    setting = parse("напоминай за 30 минут", NOW, "Europe/Moscow", canon).to_json()
    assert setting == {"intent": "set_reminder_lead", "title": None, "due_date": None,
                       "due_time": None, "ref": None, "scope": None, "lead_min": 30}
    asking = parse("напоминай заранее", NOW, "Europe/Moscow", canon).to_json()
    assert asking["intent"] == "set_reminder_lead" and asking["lead_min"] is None
    task = parse("напомни через 30 минут выключить плиту", NOW, "Europe/Moscow", canon)
    assert "lead_min" not in task.to_json()
    assert list(task.to_json()) == ["intent", "title", "due_date", "due_time", "ref", "scope"]


@pytest.mark.parametrize(("text", "minutes", "words"), [
    ("Напоминай за 2 НЕДЕЛИ!!!", 20160, "2 НЕДЕЛИ"),  # read as said; the bot refuses it
    ("напоминай за 1,5 минуты 🙏", None, "1,5 минуты"),
    ("присылай напоминания за полтора часа до срока", 90, "полтора часа"),
    ("напоминай в момент задачи", 0, None),
    ("remind me 10 minutes before", 10, "10 minutes"),
])
def test_the_amount_is_kept_as_written_for_the_reply(
    canon: Canon, text: str, minutes: int | None, words: str | None
) -> None:
    parsed = parse(text, NOW, "Europe/Moscow", canon)
    assert (parsed.intent, parsed.lead_min, parsed.lead_words) == (
        "set_reminder_lead", minutes, words)


def _canon_with(tmp_path: Path, old: str, new: str) -> Canon:
    assert old in GOOD
    path = tmp_path / "intents_v2.yml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    # Narrowing a macro may leave a pattern's examples unmatched: that is all check may say.
    assert [i for i in check_canon(path) if "examples[" not in i.key] == []
    return load_canon(path)


def test_a_unit_added_to_the_time_vocabulary_is_understood_in_the_setting(
    tmp_path: Path, canon: Canon
) -> None:
    text = "напоминай за 5 минуточек"
    assert parse(text, NOW, "Europe/Moscow", canon).intent == "add_task"
    richer = _canon_with(tmp_path, "minute: [минута, ", "minute: [минуточек, минута, ")
    parsed = parse(text, NOW, "Europe/Moscow", richer)
    assert (parsed.intent, parsed.lead_min) == ("set_reminder_lead", 5)


def test_a_canon_macro_wins_over_the_vocabulary_one(tmp_path: Path) -> None:
    only_minutes = _canon_with(tmp_path, "macros:\n", "macros:\n  time_unit: [минут]\n")
    assert parse("напоминай за 30 минут", NOW, "UTC", only_minutes).lead_min == 30
    assert parse("напоминай за час", NOW, "UTC", only_minutes).intent == "add_task"


def test_an_unknown_macro_in_a_setting_pattern_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "intents_v2.yml"
    path.write_text(GOOD.replace("{{lead_about}}", "{{lead_abuot}}", 1), encoding="utf-8")
    [issue] = check_canon(path)
    assert issue.key == "intents.set_reminder_lead.patterns[0].re"
    assert "unknown macro {{lead_abuot}}" in issue.message
