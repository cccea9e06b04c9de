"""`organizer canon check` and `organizer parse` through the real Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from organizer.cli.main import app

from .conftest import CANON_FILE, copy_canon, whole_canon_text

runner = CliRunner()
NOW = "2025-03-12T14:00:00+03:00"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "CANON_PATH": str(CANON_FILE),
        "DEFAULT_TZ": "Europe/Moscow",
        "DB_PATH": str(tmp_path / "organizer.db"),
    }


def _run(args: list[str], env: dict[str, str], tmp_path: Path):  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.env"  # an explicit env file, so no ./.env is read
    empty.touch()
    return runner.invoke(app, ["--env-file", str(empty), *args], env=env)


def test_parse_prints_the_contract_object(env: dict[str, str], tmp_path: Path) -> None:
    result = _run(["parse", "завтра в 10 позвонить маме", "--now", NOW, "--json"], env, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        '{"intent": "add_task", "title": "позвонить маме", "due_date": "2025-03-13", '
        '"due_time": "10:00", "ref": null, "scope": null}\n'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("готово 3", {"intent": "complete_task", "ref": "3"}),
        ("что на сегодня", {"intent": "list_tasks", "scope": "today"}),
        (
            "перенеси 3 на завтра в 11",
            {
                "intent": "reschedule_task",
                "ref": "3",
                "due_date": "2025-03-13",
                "due_time": "11:00",
            },
        ),
        ("отмени последнее", {"intent": "undo"}),
    ],
)
def test_parse_intents(
    text: str, expected: dict[str, str], env: dict[str, str], tmp_path: Path
) -> None:
    result = _run(["parse", text, "--now", NOW, "--json"], env, tmp_path)
    got = json.loads(result.stdout)
    assert set(got) == {"intent", "title", "due_date", "due_time", "ref", "scope"}
    assert {k: got[k] for k in expected} == expected


def test_parse_uses_tz_option_and_naive_now(env: dict[str, str], tmp_path: Path) -> None:
    result = _run(
        ["parse", "в 9 пробежка", "--now", "2025-03-12T08:00", "--tz", "Asia/Tokyo"], env, tmp_path
    )
    assert json.loads(result.stdout)["due_date"] == "2025-03-12"
    result = _run(
        ["parse", "завтра пробежка", "--now", "2025-03-12T20:00:00Z", "--tz", "Asia/Tokyo"],
        env,
        tmp_path,
    )
    assert json.loads(result.stdout)["due_date"] == "2025-03-14"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--now", "yesterday"], "Error: --now 'yesterday' is not an ISO 8601 time"),
        (["--tz", "Mars/Olympus"], "Error: --tz 'Mars/Olympus' is not an IANA time zone"),
    ],
)
def test_parse_bad_options_exit_2(
    args: list[str], message: str, env: dict[str, str], tmp_path: Path
) -> None:
    result = _run(["parse", "hi", *args], env, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_parse_without_canon_exits_2_naming_the_path(env: dict[str, str], tmp_path: Path) -> None:
    env["CANON_PATH"] = str(tmp_path / "canon" / "intents_v2.yml")
    result = _run(["parse", "hi"], env, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: canon file {tmp_path / 'canon' / 'intents_v2.yml'} does not exist; "
        "mount ./canon:/canon:ro or set CANON_PATH\n"
    )


def test_canon_check_ok(env: dict[str, str], tmp_path: Path) -> None:
    result = _run(["canon", "check"], env, tmp_path)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"ok: {CANON_FILE} version 2.3.0 sha256 ")


def test_canon_check_lists_every_issue(tmp_path: Path, env: dict[str, str]) -> None:
    broken = tmp_path / "intents_v2.yml"
    text = whole_canon_text()
    text = text.replace("max_command_chars: 160", "max_command_chars: x", 1)
    head = "  cancel_task:\n    patterns:\n"
    text = text.replace(head, head + "      - '('\n", 1)
    broken.write_text(text, encoding="utf-8")
    result = _run(["canon", "check", str(broken)], env, tmp_path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{broken}:") and "normalise.max_command_chars" in lines[0]
    assert "intents.cancel_task.patterns[0]: regex does not compile" in lines[1]
    assert lines[2] == f"2 problem(s) in {broken}"


def test_canon_check_names_the_example_a_pattern_misses_and_a_missing_part(
    tmp_path: Path, env: dict[str, str]
) -> None:
    entry = copy_canon(tmp_path / "canon")
    intents = tmp_path / "canon" / "intents.yml"
    text = intents.read_text(encoding="utf-8").replace(
        'examples: ["/undo"]', 'examples: ["/undo", "/redo"]', 1)
    intents.write_text(text, encoding="utf-8")
    result = _run(["canon", "check", str(entry)], env, tmp_path)
    assert result.exit_code == 1
    before = text[: text.index('"/redo"')]
    line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
    assert result.stdout.splitlines() == [
        f"{intents}:{line}:{column}: intents.undo.patterns[0].examples[1]: example '/redo' is "
        "not matched by this pattern (read as '/redo'); fix the pattern or the example",
        f"1 problem(s) in {entry}",
    ]
    (tmp_path / "canon" / "vocabulary.yml").unlink()
    result = _run(["parse", "готово 3", "--now", NOW], {**env, "CANON_PATH": str(entry)}, tmp_path)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(
        f"Error: canon part {tmp_path / 'canon' / 'vocabulary.yml'} (named in {entry}) does not exist"
    )


def test_commands_have_help_with_an_example(env: dict[str, str], tmp_path: Path) -> None:
    for args in (["parse", "--help"], ["canon", "check", "--help"]):
        result = _run(args, env, tmp_path)
        assert result.exit_code == 0
        assert "Example: organizer " in result.stdout


def test_a_billion_laughs_canon_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    from .test_canon_file import _laughs

    bomb = tmp_path / "intents_v2.yml"
    bomb.write_text(_laughs())
    src = Path(__file__).resolve().parents[2] / "src"
    result = subprocess.run([sys.executable, "-m", "organizer", "canon", "check", str(bomb)],
                            env={"PYTHONPATH": str(src), "HOME": str(tmp_path),
                                 "DB_PATH": str(tmp_path / "organizer.db")},
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"Error: {bomb}:6:10: (document): too many YAML aliases (28 aliases standing for 15670 "
        "nodes; at most 100 and 10000); write the values out instead of nesting aliases"]
    assert result.stdout == "" and not (tmp_path / "organizer.db").exists()
