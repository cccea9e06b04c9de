"""The fast schema check gives jsonschema's verdict on the canon and on broken canons."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from organizer.canon.schema_check import UnsupportedSchema, compile_schema
from organizer.canon.validate import SCHEMA_FILE

from .conftest import whole_canon_text

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
GOOD = yaml.safe_load(whole_canon_text())
FAST = compile_schema(SCHEMA)
SLOW = Draft202012Validator(SCHEMA)

Path_ = tuple[Any, ...]


def _paths(node: Any, path: Path_ = ()) -> list[Path_]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


PATHS = _paths(GOOD)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5000), st.sampled_from([1.0, 2.5, -0.0, 1e9]),
    st.sampled_from(["", "x", "2.1.0", "3.0.0", "25:00", "09:30", "am", "noon", "Bad Key", "a_b"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(["ru", "en", "at", "words", "x"]), st.integers(0, 3)),
                        inner, max_size=3),
    ),  # fmt: skip
    max_leaves=6,
)


def _mutate(data: Any, path: Path_, action: str, value: Any) -> None:
    if not path:
        return
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete" and isinstance(parent, dict):
        del parent[last]
    elif action == "delete" and isinstance(parent, list):
        parent.pop(last)
    elif action == "add" and isinstance(parent[last], dict):
        parent[last]["zz_extra"] = value
    elif action == "add" and isinstance(parent[last], list):
        parent[last].append(value)
    elif action == "empty" and isinstance(parent[last], dict | list | str):
        parent[last] = type(parent[last])()


def test_the_repository_canon_is_valid_both_ways() -> None:
    assert FAST(GOOD) and SLOW.is_valid(GOOD)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(["replace", "delete", "add", "empty"]),
                  values),
        min_size=1, max_size=3,
    )
)  # fmt: skip
def test_the_fast_check_agrees_with_jsonschema(changes: list[tuple[Path_, str, Any]]) -> None:
    data = copy.deepcopy(GOOD)
    for path, action, value in changes:
        try:
            _mutate(data, path, action, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or retyped this path
    assert FAST(data) == SLOW.is_valid(data)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("normalise", "max_command_chars"), v) for v in (4097, 4096, 9, 10, 160.0, True, "160")
    ] + [
        (("time", "relative_days", "сегодня"), v) for v in (8, 7, -1, 0, 1.5)
    ] + [
        (("version",), v) for v in ("3.0.0", "2.1", "2.10.3", 2, "2.1.0 ")
    ] + [
        (("time", "fixed_times", "полдень"), v) for v in ("24:00", "12:60", "12:00", "9:00", 1200)
    ] + [
        (("time", "parts_of_day", "morning", "meridiem"), v) for v in ("noon", "pm", None)
    ] + [
        (("macros", "numref"), v) for v in ([], "", ["x"], "x", 5, {"x": 1})
    ] + [
        (("replies", "task_done"), v)
        for v in ({"en": "x"}, {"ru": "x"}, {"ru": 1}, {"sub": {"ru": "x"}}, {"sub": {"en": "x"}}, "x")
    ] + [
        (("intents", "help"), v) for v in ({}, {"patterns": []}, {"patterns": ["x"], "x": 1})
    ] + [
        (("match_order",), v) for v in ([], ["help"], [1])
    ] + [
        (("time", "weekdays", "monday"), v) for v in ([], [""], ["пн"], [None])
    ],
)  # fmt: skip
def test_boundaries_get_the_same_verdict(path: Path_, value: Any) -> None:
    data = copy.deepcopy(GOOD)
    _mutate(data, path, "replace", value)
    assert FAST(data) == SLOW.is_valid(data)


@pytest.mark.parametrize(
    "schema",
    [{"type": "object", "patternProperties": {"^x": {}}}, {"anyOf": [{}]}, {"$ref": "other.json"},
     {"format": "date"}],
)  # fmt: skip
def test_a_keyword_it_does_not_implement_is_refused(schema: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedSchema):
        compile_schema(schema)


def test_json_types_are_told_apart() -> None:
    check = compile_schema({"type": "integer", "enum": [1, 2]})
    assert check(1) and check(1.0) and not check(True) and not check("1")
    assert compile_schema({"enum": [True]})(True) and not compile_schema({"enum": [True]})(1)
