"""The canon in parts: intents_v2.yml names vocabulary.yml, intents.yml and replies.yml;
problems are located in the part they are in, and patterns are tried on their examples."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
import yaml

from organizer.canon import LiveCanon, check_canon, load_canon
from organizer.errors import CanonError

from .conftest import CANON_FILE, copy_canon


def _edit(path: Path, old: str, new: str) -> str:
    """Replace `old` (once) in the file; the new text."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def _where(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in text."""
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - before.rfind("\n")


def test_the_repository_canon_is_an_entry_with_three_parts() -> None:
    entry = yaml.safe_load(CANON_FILE.read_text(encoding="utf-8"))
    assert set(entry) == {"version", "parts"}
    assert entry["parts"] == ["vocabulary.yml", "intents.yml", "replies.yml"]
    canon = load_canon(CANON_FILE)
    assert canon.files == tuple(CANON_FILE.parent / name for name in ["intents_v2.yml",
                                                                      *entry["parts"]])
    replies = yaml.safe_load((CANON_FILE.parent / "replies.yml").read_text(encoding="utf-8"))
    assert list(replies) == ["replies", "words"] and canon.data["replies"] == replies["replies"]


def test_no_line_of_the_canon_is_longer_than_200_characters() -> None:
    for path in CANON_FILE.parent.glob("*.yml"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert len(line) <= 200, f"{path.name}:{number} has {len(line)} characters"


def test_every_intent_pattern_has_examples_and_counter_examples() -> None:
    intents = load_canon(CANON_FILE).data["intents"]
    for name, spec in intents.items():
        for index, entry in enumerate(spec.get("patterns", [])):
            assert isinstance(entry, dict), f"{name}.patterns[{index}] has no examples"
            assert entry.get("examples") and entry.get("counter_examples"), (name, index)


def test_a_missing_part_fails_with_one_line_naming_it_and_the_entry(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    (tmp_path / "canon" / "replies.yml").unlink()
    with pytest.raises(CanonError) as caught:
        load_canon(entry)
    message = str(caught.value)
    assert message == (
        f"canon part {tmp_path / 'canon' / 'replies.yml'} (named in {entry}) does not exist; "
        "mount ./canon:/canon:ro or set CANON_PATH"
    )
    [issue] = check_canon(entry)
    assert (issue.key, issue.message) == ("(file)", message)


def test_a_part_that_is_not_a_file_name_is_refused(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    _edit(entry, "parts: [vocabulary.yml,", "parts: [../vocabulary.yml,")
    with pytest.raises(CanonError, match=r"part '\.\./vocabulary\.yml' is not a file name"):
        load_canon(entry)


def test_a_section_in_two_parts_is_located_in_the_second(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    replies = tmp_path / "canon" / "replies.yml"
    text = _edit(replies, "replies:\n", "refs: {}\nreplies:\n")
    [issue] = check_canon(entry)
    assert (issue.path, issue.key) == (replies, "refs")
    assert (issue.line, issue.column) == _where(text, "refs: {}")
    assert "already in vocabulary.yml" in issue.message
    with pytest.raises(CanonError, match="replies.yml"):
        load_canon(entry)


def test_a_schema_error_is_located_in_its_part(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    vocabulary = tmp_path / "canon" / "vocabulary.yml"
    text = _edit(vocabulary, "max_command_chars: 160", "max_command_chars: lots")
    [issue] = check_canon(entry)
    assert issue.path == vocabulary and issue.key == "normalise.max_command_chars"
    assert (issue.line, issue.column) == _where(text, "max_command_chars: lots")
    assert "'lots' is not of type 'integer'" in issue.message  # jsonschema's own words
    with pytest.raises(CanonError) as caught:
        load_canon(entry)
    assert f"{vocabulary}:{issue.line}:{issue.column}: normalise.max_command_chars" in str(
        caught.value
    )


def test_an_unknown_key_beside_a_pattern_is_located(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    intents = tmp_path / "canon" / "intents.yml"
    text = _edit(intents, '        examples: ["/help"]\n',
                 '        examples: ["/help"]\n        exampels: ["/start"]\n')
    [issue] = check_canon(entry)
    assert issue.path == intents
    assert "exampels" in issue.message
    assert issue.line == _where(text, "exampels")[0]


def test_an_example_the_pattern_does_not_match_is_located(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    intents = tmp_path / "canon" / "intents.yml"
    text = _edit(intents, 'examples: ["/help"]', 'examples: ["/help", "/помогите"]')
    [issue] = check_canon(entry)
    assert issue.path == intents and issue.key == "intents.help.patterns[0].examples[1]"
    assert (issue.line, issue.column) == _where(text, '"/помогите"')
    assert issue.message.startswith("example '/помогите' is not matched by this pattern")
    assert load_canon(entry).version == "2.3.0"  # examples are for `canon check`, not the bot


def test_a_counter_example_the_pattern_matches_is_located(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    intents = tmp_path / "canon" / "intents.yml"
    text = _edit(intents, 'counter_examples: ["/list"]', 'counter_examples: ["/start"]')
    [issue] = check_canon(entry)
    assert issue.key == "intents.help.patterns[0].counter_examples[0]"
    assert (issue.path, issue.line, issue.column) == (intents, *_where(text, '"/start"'))
    assert "counter-example '/start' is matched by this pattern" in issue.message


def test_examples_are_read_as_the_parser_reads_a_message(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    # polite words go, case and ё are folded: "Пожалуйста, ПОМОЩЬ" is "помощь"
    _edit(tmp_path / "canon" / "intents.yml", 'examples: ["хелп", ',
          'examples: ["Пожалуйста, ПОМОЩЬ!", "хелп", ')
    assert check_canon(entry) == []


def test_the_sha256_covers_every_part(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    before = load_canon(entry).sha256
    _edit(tmp_path / "canon" / "replies.yml", "Задача {number}", "Задача № {number}")
    assert load_canon(entry).sha256 != before


async def test_the_live_canon_reloads_when_a_part_changes(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    live = LiveCanon(entry, debounce_ms=50, timeout_ms=100)
    stop = asyncio.Event()
    task = asyncio.create_task(live.watch(stop))
    try:
        await asyncio.to_thread(live.watching.wait, 5)
        replies = tmp_path / "canon" / "replies.yml"
        temp = replies.with_name(".replies.yml.tmp")
        temp.write_text(replies.read_text(encoding="utf-8").replace(
            "✅ Task {number}", "✅ New task {number}", 1), encoding="utf-8")
        os.replace(temp, replies)
        deadline = time.monotonic() + 5
        while live.current.reply("task_created", "en", number=1, title="t", when="w") \
                != "✅ New task 1: t — w":
            assert time.monotonic() < deadline, "the edit of replies.yml was not picked up"
            await asyncio.sleep(0.02)
        (tmp_path / "canon" / "intents.yml").unlink()  # a part gone: the last good canon stays
        await asyncio.sleep(0.3)
        assert live.current.reply("task_created", "en").startswith("✅ New task")
        assert live.last_error is not None and "intents.yml" in live.last_error
    finally:
        stop.set()
        await task


def test_an_unquoted_yes_in_a_word_list_is_a_located_schema_error(tmp_path: Path) -> None:
    entry = copy_canon(tmp_path / "canon")
    intents = tmp_path / "canon" / "intents.yml"
    text = _edit(intents, "неа, 'yes', 'no', yep", "неа, yes, 'no', yep")  # YAML reads yes as true
    [issue] = check_canon(entry)
    assert (issue.path, issue.line) == (intents, _where(text, "неа, yes")[0])
    assert issue.key.startswith("macros.thanks_words")
