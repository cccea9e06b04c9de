"""The canon file: loading, every kind of error with its location, reply templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from organizer.canon import Canon, CanonIssue, check_canon, load_canon
from organizer.canon.validate import SCHEMA_FILE
from organizer.errors import CanonError

from .conftest import CANON_FILE, REPO, whole_canon_text

GOOD = whole_canon_text()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "intents_v2.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


def test_repository_canon_is_valid(canon: Canon) -> None:
    assert check_canon(CANON_FILE) == []
    assert canon.version == "2.3.0"
    assert len(canon.sha256) == 64
    assert canon.path == CANON_FILE


def test_packaged_schema_is_the_repository_schema() -> None:
    assert SCHEMA_FILE.read_bytes() == (REPO / "canon" / "intents_v2.schema.json").read_bytes()


def test_missing_file_names_path_and_fix(tmp_path: Path) -> None:
    missing = tmp_path / "intents_v2.yml"
    with pytest.raises(CanonError) as info:
        load_canon(missing)
    assert str(info.value) == (
        f"canon file {missing} does not exist; mount ./canon:/canon:ro or set CANON_PATH"
    )
    assert info.value.exit_code == 2
    [issue] = check_canon(missing)
    assert issue.line == 0 and "does not exist" in issue.message


def test_yaml_syntax_error_has_its_location(tmp_path: Path) -> None:
    text = GOOD.replace('version: "2.3.0"', 'version: "2.3.0\n  oops: [', 1)
    path = _write(tmp_path, text)
    [issue] = check_canon(path)
    assert issue.key == "(document)"
    assert "YAML syntax error" in issue.message
    assert issue.line > _line_of(text, "version:")


def test_wrong_type_is_located(tmp_path: Path) -> None:
    text = GOOD.replace("max_command_chars: 160", "max_command_chars: lots", 1)
    path = _write(tmp_path, text)
    [issue] = check_canon(path)
    assert issue.key == "normalise.max_command_chars"
    assert issue.line == _line_of(text, "max_command_chars:")
    assert "not of type 'integer'" in issue.message


def test_unquoted_yaml_boolean_is_caught(tmp_path: Path) -> None:
    text = GOOD.replace(
        "trailing_words: [в, во, на, к, ко, до, и, а, с, по, at, 'on',",
        "trailing_words: [в, во, на, к, ко, до, и, а, с, по, at, on,",
        1,
    )
    path = _write(tmp_path, text)
    [issue] = check_canon(path)
    assert issue.key == "intents.add_task.trailing_words[11]"
    assert "True is not of type 'string'" in issue.message


def test_duplicate_intent_is_located(tmp_path: Path) -> None:
    undo = "  undo:\n    patterns:"
    text = GOOD.replace(undo, "  help:\n    patterns: ['x']\n" + undo, 1)
    path = _write(tmp_path, text)
    issues = check_canon(path)
    assert [i.key for i in issues] == ["intents.help"]
    assert issues[0].line == _line_of(text, "  help:\n", 2)
    assert issues[0].column == 3
    assert "duplicate intent 'help'" in issues[0].message


def test_duplicate_key_anywhere_is_located(tmp_path: Path) -> None:
    text = GOOD.replace("    сегодня: 0\n", "    сегодня: 0\n    сегодня: 1\n", 1)
    path = _write(tmp_path, text)
    [issue] = check_canon(path)
    assert issue.key == "time.relative_days.сегодня"
    assert issue.line == _line_of(text, "    сегодня: 1")


def test_unknown_intent_name_is_located(tmp_path: Path) -> None:
    undo = "  undo:\n    patterns:"
    text = GOOD.replace(undo, "  snooze_task:\n    patterns: ['x']\n" + undo, 1)
    text = text.replace("match_order: [help, undo,", "match_order: [help, undo, remind,", 1)
    path = _write(tmp_path, text)
    issues = check_canon(path)
    assert [(i.key, i.line) for i in issues] == [
        ("match_order[2]", _line_of(text, "match_order:")),
        ("intents.snooze_task", _line_of(text, "snooze_task:")),
    ]
    assert all("unknown intent" in i.message for i in issues)


def test_regex_that_does_not_compile_is_located(tmp_path: Path) -> None:
    bad = "      - '(?P<ref>\\d+'\n"
    head = "  cancel_task:\n    patterns:\n"
    text = GOOD.replace(head, head + bad, 1)
    path = _write(tmp_path, text)
    [issue] = check_canon(path)
    assert issue.key == "intents.cancel_task.patterns[0]"
    assert issue.line == _line_of(text, bad.strip())
    assert issue.column == 9
    assert "regex does not compile" in issue.message


def test_unknown_macro_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace("      - re: '{{done_numeric}}", "      - re: '{{done_nummeric}}", 1)
    path = _write(tmp_path, text)
    [issue] = check_canon(path)
    assert issue.key == "intents.complete_task.patterns[1].re"
    assert "unknown macro {{done_nummeric}}" in issue.message


def test_reply_placeholders_must_match_between_languages(tmp_path: Path) -> None:
    text = GOOD.replace('en: "👍 Done: {number}. {title}"', 'en: "👍 Done: {num}. {title}"', 1)
    path = _write(tmp_path, text)
    [issue] = check_canon(path)
    assert issue.key == "replies.task_done.en"
    assert "placeholders differ" in issue.message


def test_missing_required_reply_and_unknown_key(tmp_path: Path) -> None:
    text = GOOD.replace("  tz_invalid:\n", "  tz_wrong:\n", 1).replace(
        'version: "2.3.0"', 'version: "2.3.0"\nextra: 1', 1
    )
    path = _write(tmp_path, text)
    messages = {i.key: i.message for i in check_canon(path)}
    assert "missing reply template 'tz_invalid'" in messages["replies"]
    assert messages["extra"].startswith("unknown key 'extra'")


def test_issue_prints_as_path_line_column_key_message(tmp_path: Path) -> None:
    issue = CanonIssue(tmp_path / "c.yml", 3, 7, "intents.help", "boom")
    assert str(issue) == f"{tmp_path / 'c.yml'}:3:7: intents.help: boom"


def test_invalid_canon_refuses_to_load_with_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("max_command_chars: 160", "max_command_chars: x", 1))
    with pytest.raises(CanonError) as info:
        load_canon(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message and "organizer canon check" in message


def test_replies_render_in_both_languages(canon: Canon) -> None:
    assert canon.reply("task_done", "ru", number=3, title="молоко") == "👍 Готово: 3. молоко"
    assert canon.reply("task_done", "en", number=3, title="milk") == "👍 Done: 3. milk"
    assert canon.reply("task_done", "de", number=1, title="x") == "👍 Готово: 1. x"
    assert canon.reply("list_header.overdue", "en", count=2) == "⏰ Overdue (2):"
    assert canon.reply("start_denied", "ru", user_id=42).count("42") == 1
    assert canon.reply("task_done", "ru", number=1) == "👍 Готово: 1. {title}"
    assert canon.reply("task_done", "ru", number=1, title="{x}") == "👍 Готово: 1. {x}"
    with pytest.raises(KeyError, match="no reply template 'nope'"):
        canon.reply("nope")


def test_every_template_the_bot_needs_renders(canon: Canon) -> None:
    from organizer.canon.rules import REQUIRED_REPLIES

    for key in REQUIRED_REPLIES:
        for lang in ("ru", "en"):
            assert canon.reply(
                key,
                lang,
                number=1,
                title="t",
                when="w",
                count=2,
                ref="r",
                user_id=1,
                text="x",
                tz="UTC",
                what="w",
                message="m",
            )


def test_repetition_names_only_parts_of_day_the_canon_has(tmp_path: Path) -> None:
    text = GOOD.replace("      night: [каждую ночь,", "      midnight: [каждую ночь,", 1)
    path = _write(tmp_path, text)
    [issue] = check_canon(path)
    assert issue.key == "time.repeat.parts.midnight"
    assert issue.line == _line_of(text, "      midnight:")
    assert "no part of day 'midnight' in time.parts_of_day" in issue.message
    with pytest.raises(CanonError, match="no part of day 'midnight'"):
        load_canon(path)


def test_repetition_vocabulary_is_required(tmp_path: Path) -> None:
    text = GOOD.replace("    weekends: [по выходным,", "    week_ends: [по выходным,", 1)
    path = _write(tmp_path, text)
    keys = {i.key: i.message for i in check_canon(path)}
    assert "'weekends' is a required property" in keys["time.repeat"]
    assert keys["time.repeat.week_ends"].startswith("unknown key 'week_ends'")


def _laughs(levels: int = 9) -> str:
    """A "billion laughs": each level is nine aliases of the one before (9**levels nodes)."""
    lines = ['version: "2.3.0"', 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{n}: &l{n} [{','.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_nested_yaml_aliases_are_refused_where_they_cross_the_bound(tmp_path: Path) -> None:
    from organizer.canon.loader import refusal

    bomb = tmp_path / "intents_v2.yml"
    bomb.write_text(_laughs())
    assert len(bomb.read_bytes()) < 700
    [issue] = check_canon(bomb)
    assert issue.message.startswith("too many YAML aliases")
    assert (issue.line, issue.column) == (6, 10)  # the alias past MAX_ALIAS_NODES
    assert str(refusal(bomb)).startswith(f"{bomb}:6:10: (document): too many YAML aliases")
    with pytest.raises(CanonError, match="too many YAML aliases"):
        load_canon(bomb)


def test_a_few_aliases_are_not_refused(tmp_path: Path) -> None:
    from organizer.canon.loader import refusal
    from organizer.canon.marked_yaml import alias_problem, load_marked

    text = 'base: &b ["x", "y"]\nmore: [*b, *b, *b]\nkey: &k value\nagain: *k\n'
    assert alias_problem(text) is None
    assert load_marked(text).data["more"] == [["x", "y"]] * 3
    assert refusal(CANON_FILE) is None and alias_problem(CANON_FILE.read_text()) is None
