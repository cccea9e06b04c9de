"""A fast yes-or-no check of canon data against the canon's JSON schema.

Every canon load validates the file; `jsonschema` costs ~70 ms to import, ~35 ms
to build a validator and ~6 ms per check, which is most of a load. The schema
uses a small part of JSON Schema, so it is compiled here into plain closures
(well under a millisecond to build and to run). Only the verdict comes from
here: when it says no, `validate.find_issues` asks jsonschema for every error
and its location, so `canon check` reports exactly what it always did.

The compiler refuses a keyword it does not implement, so a schema edit can
never be checked more loosely than jsonschema would check it; a test holds the
two to the same verdict on thousands of broken canons.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description"})


class UnsupportedSchema(ValueError):
    """The schema uses a keyword this checker does not implement."""


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A function telling whether an instance is valid against `schema` (local $refs only)."""
    return _Compiler(schema.get("$defs", {})).compile(schema)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


class _Compiler:
    def __init__(self, defs: Mapping[str, Any]) -> None:
        self.defs = defs
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda _: True
        if schema is False:
            return lambda _: False
        if not isinstance(schema, Mapping):
            raise UnsupportedSchema(f"a schema must be an object, not {schema!r}")
        checks = [self._keyword(name, value, schema) for name, value in schema.items()
                  if name not in ANNOTATIONS]  # fmt: skip
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(check(v) for check in checks)

    def _ref(self, ref: str) -> Check:
        if not ref.startswith("#/$defs/") or ref.removeprefix("#/$defs/") not in self.defs:
            raise UnsupportedSchema(f"only local #/$defs/ references are supported, not {ref!r}")
        if ref not in self.refs:
            self.refs[ref] = self.compile(self.defs[ref.removeprefix("#/$defs/")])
        return self.refs[ref]

    def _keyword(self, name: str, value: Any, schema: Mapping[str, Any]) -> Check:
        if name == "$ref":
            return self._ref(value)
        if name == "type":
            names = value if isinstance(value, list) else [value]
            tests = [_TYPES[n] for n in names]
            return lambda v: any(test(v) for test in tests)
        if name == "enum":
            return lambda v: any(_equal(v, option) for option in value)
        if name in ("minLength", "minItems", "minProperties"):
            kind = {"minLength": str, "minItems": list, "minProperties": dict}[name]
            return lambda v: not isinstance(v, kind) or len(v) >= value
        if name == "maxItems":
            return lambda v: not isinstance(v, list) or len(v) <= value
        if name in ("minimum", "maximum"):
            if name == "minimum":
                return lambda v: not _is_number(v) or v >= value
            return lambda v: not _is_number(v) or v <= value
        if name == "pattern":
            search = re.compile(value).search
            return lambda v: not isinstance(v, str) or search(v) is not None
        if name == "required":
            return lambda v: not isinstance(v, dict) or all(key in v for key in value)
        if name == "items":
            item = self.compile(value)
            return lambda v: not isinstance(v, list) or all(item(x) for x in v)
        if name == "properties":
            props = {key: self.compile(sub) for key, sub in value.items()}
            return lambda v: not isinstance(v, dict) or all(
                check(v[key]) for key, check in props.items() if key in v
            )
        if name == "additionalProperties":
            return self._additional(value, set(schema.get("properties", {})))
        if name == "propertyNames":
            key_check = self.compile(value)
            return lambda v: not isinstance(v, dict) or all(key_check(key) for key in v)
        if name == "oneOf":
            options = [self.compile(sub) for sub in value]
            return lambda v: sum(1 for option in options if option(v)) == 1
        if name == "not":
            negated = self.compile(value)
            return lambda v: not negated(v)
        raise UnsupportedSchema(f"schema keyword {name!r} is not supported by the fast check")

    def _additional(self, value: Any, known: set[str]) -> Check:
        if value is False:
            return lambda v: not isinstance(v, dict) or all(key in known for key in v)
        extra = self.compile(value)
        return lambda v: not isinstance(v, dict) or all(
            extra(item) for key, item in v.items() if key not in known
        )
