"""Everything the parser needs from a canon, compiled once when the canon loads.

`build_grammar` assumes a canon that passed the schema; `pattern_errors`
compiles each pattern on its own so `canon check` can point at the one that
does not compile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from organizer.parsing.timegrammar import TimeGrammar, build_time_grammar
from organizer.parsing.vocab import alternation, fold

INTENTS = (
    "add_task",
    "list_tasks",
    "complete_task",
    "cancel_task",
    "reschedule_task",
    "undo",
    "help",
    "set_reminder_lead",
    "note_task",
    "show_task",
    "task_history",
    "rename_task",
    "set_digest",
    "unknown",
)
# Intents whose free text may run past `normalise.max_command_chars` (a note up to 4,000
# characters): only these are tried on a longer message. Their patterns end in `(?P<text>.+)`.
LONG_INTENTS = ("note_task",)
SCOPES = ("overdue", "week", "tomorrow", "today", "all")
_MACRO = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")

YamlPath = tuple[str | int, ...]


class PatternError(Exception):
    """A canon pattern that does not compile, with its place in the canon."""

    def __init__(self, path: YamlPath, message: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Grammar:
    max_command_chars: int
    symbols: dict[str, str]
    polite: frozenset[str]
    leading: frozenset[tuple[str, ...]]  # words and phrases, split into words
    command_words: frozenset[str]
    requests: frozenset[tuple[str, ...]]  # "можешь": an infinitive after it is a command
    request_verbs: dict[str, str]  # "перенести" -> "перенеси"
    intents: tuple[tuple[str, re.Pattern[str]], ...]
    scopes: tuple[tuple[str, re.Pattern[str]], ...]
    default_scope: str
    title_prefix: re.Pattern[str]
    title_words: re.Pattern[str]
    title_trailing: frozenset[str]
    ref_prefix: re.Pattern[str]
    ref_trailing: frozenset[str]
    ref_ordinals: dict[str, int]  # "вторую" (задачу) = list number 2
    ref_last: frozenset[str]  # "последнюю" (задачу): the most recently created task
    time: TimeGrammar


def vocabulary_macros(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Macros made from the `time` vocabulary, so a pattern says an amount of time in the
    very words the time rules read: {{time_unit}} (every unit word), {{time_count}} (number
    and quantity words: "пять", "пару", "a couple of"),
    {{time_fixed_duration}} ("полчаса"); and {{ref_last}} from `refs.last` ("последнюю").
    A macro of the same name in `macros` wins."""
    time_spec = data.get("time")
    if not isinstance(time_spec, Mapping):
        return {}

    def words(section: str) -> list[str]:
        value = time_spec.get(section)
        if not isinstance(value, Mapping):
            return []
        if section == "units":
            return [str(w) for ws in value.values() if isinstance(ws, list) for w in ws]
        return [str(w) for w in value]

    refs = data.get("refs")
    last = refs.get("last") if isinstance(refs, Mapping) else None
    made = {
        "ref_last": [str(w) for w in last] if isinstance(last, list) else [],
        "time_unit": words("units"),
        "time_count": words("numbers") + words("quantity_words"),
        "time_fixed_duration": words("fixed_durations"),
    }
    return {name: ws for name, ws in made.items() if ws}


def all_macros(data: Mapping[str, Any]) -> dict[str, Any]:
    """The canon's macros over the ones made from its time vocabulary."""
    own = data.get("macros")
    merged = {**vocabulary_macros(data), **(own if isinstance(own, Mapping) else {})}
    # A word list is joined once here, not at every place a pattern names it.
    return {name: _Joined(_words_regex(value)) if isinstance(value, list) else value
            for name, value in merged.items()}  # fmt: skip


class _Joined(str):
    """A word-list macro already written out as its alternation."""


def _words_regex(words: list[Any]) -> str:
    # a word that is no string is the schema's to report
    return alternation(word for word in words if isinstance(word, str))


def expand_macros(pattern: str, macros: Mapping[str, Any]) -> str:
    """Replace `{{name}}` by the macro's regex (a word list becomes an alternation)."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise KeyError(name)
        value = macros[name]
        if isinstance(value, _Joined):
            return str(value)
        if isinstance(value, list):
            return _words_regex(value)
        return f"(?:{value})"

    for _ in range(10):  # macros may use macros, a few levels deep
        expanded = _MACRO.sub(substitute, pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    return pattern


def all_patterns(data: Mapping[str, Any]) -> Iterator[tuple[YamlPath, str]]:
    """Every regex of the canon with its path, before macro expansion."""
    for name, spec in data.get("intents", {}).items():
        if not isinstance(spec, Mapping):
            continue
        for index, entry in enumerate(spec.get("patterns", []) or []):
            if isinstance(entry, Mapping):
                if isinstance(entry.get("re"), str):
                    yield ("intents", name, "patterns", index, "re"), entry["re"]
            else:
                yield ("intents", name, "patterns", index), entry
        for index, pattern in enumerate(spec.get("strip_prefixes", []) or []):
            yield ("intents", name, "strip_prefixes", index), pattern
        for scope, patterns in (spec.get("scopes") or {}).items():
            for index, pattern in enumerate(patterns or []):
                yield ("intents", name, "scopes", scope, index), pattern
    for index, pattern in enumerate(data.get("refs", {}).get("strip_prefixes", []) or []):
        yield ("refs", "strip_prefixes", index), pattern
    for index, pattern in enumerate(data.get("time", {}).get("counted_words", []) or []):
        yield ("time", "counted_words", index), pattern
    for name, value in (data.get("macros") or {}).items():
        if isinstance(value, str):
            yield ("macros", name), value


def pattern_errors(data: Mapping[str, Any]) -> list[PatternError]:
    """Each pattern that does not compile, or names a macro that does not exist."""
    errors: list[PatternError] = []
    macros = all_macros(data)
    for path, pattern in all_patterns(data):
        if not isinstance(pattern, str):
            continue
        try:
            re.compile(expand_macros(pattern, macros))
        except KeyError as exc:
            errors.append(PatternError(path, f"unknown macro {{{{{exc.args[0]}}}}}"))
        except re.error as exc:
            errors.append(PatternError(path, f"regex does not compile: {exc}"))
    return errors


def _fold_pattern(pattern: str) -> str:
    # Only ё: lower-casing a regex would turn \S into \s.
    return pattern.replace("ё", "е").replace("Ё", "Е")


def pattern_text(entry: Any) -> str:
    """An intent pattern's regex: the entry itself, or its `re` beside examples."""
    return str(entry["re"]) if isinstance(entry, Mapping) else str(entry)


def expanded_pattern(entry: Any, macros: Mapping[str, Any]) -> str:
    """An intent pattern as the parser matches it: macros expanded, ё read as е."""
    return _fold_pattern(expand_macros(pattern_text(entry), macros))


def _one_pattern(patterns: list[Any], macros: Mapping[str, Any]) -> re.Pattern[str]:
    """An intent's patterns as one regex, tried in order (one compile instead of many).

    Each pattern's named groups get a suffix ("ref" -> "ref__2"), in references and
    conditionals too, because a regex may not name two groups alike; `group_span` finds
    whichever took part.
    """
    if not patterns:
        return re.compile("(?!)")
    parts = []
    for index, entry in enumerate(patterns):
        expanded = expanded_pattern(entry, macros)
        suffix = f"__{index}"
        expanded = _GROUP_NAME.sub(rf"\g<1>\g<2>{suffix}>", expanded)
        expanded = _GROUP_REF.sub(rf"(?P=\g<1>{suffix})", expanded)
        expanded = _GROUP_IF.sub(rf"(?(\g<1>{suffix})", expanded)
        parts.append(f"(?:{expanded})")
    return re.compile("|".join(parts))


def group_span(match: re.Match[str], name: str) -> tuple[int, int] | None:
    """The span of group `name` (any of its suffixed copies) that took part in the match."""
    for group in match.re.groupindex:
        if group.split("__")[0] == name and match.group(group) is not None:
            return match.span(group)
    return None


_GROUP_NAME = re.compile(r"(\(\?P<)(\w+)>")
_GROUP_REF = re.compile(r"\(\?P=(\w+)\)")
_GROUP_IF = re.compile(r"\(\?\(([A-Za-z_]\w*)\)")  # "(?(name)yes|no)": did group `name` match


def _anchored(patterns: list[str], macros: Mapping[str, Any]) -> re.Pattern[str]:
    joined = "|".join(f"(?:{expand_macros(p, macros)})" for p in patterns)
    return re.compile(_fold_pattern(rf"^[\s,.:;!—–-]*(?:{joined})(?=[\s,.:;!—–-]|$)"))


def build_grammar(data: Mapping[str, Any]) -> Grammar:
    """Compile a validated canon's patterns and vocabulary."""
    macros = all_macros(data)
    intents_spec = data["intents"]
    intents = tuple(
        (name, _one_pattern(intents_spec[name].get("patterns", []), macros))
        for name in data["match_order"]
    )
    list_spec = intents_spec["list_tasks"]
    scope_words = list_spec.get("scopes", {})
    scopes = tuple(
        (scope, re.compile(rf"(?<!\w)(?:{'|'.join(map(_fold_pattern, scope_words[scope]))})"))
        for scope in SCOPES
        if scope in scope_words
    )
    add = intents_spec["add_task"]
    normalise = data["normalise"]
    strip_words = add.get("strip_words", []) or []
    return Grammar(
        max_command_chars=int(normalise["max_command_chars"]),
        symbols={str(k): fold(str(v)) for k, v in normalise["symbols"].items()},
        polite=frozenset(fold(w) for w in normalise["polite"]),
        leading=frozenset(tuple(fold(w).split()) for w in normalise["leading"]),
        command_words=frozenset(fold(w) for w in normalise["command_words"]),
        requests=frozenset(tuple(fold(w).split()) for w in normalise.get("requests", []) or []),
        request_verbs={fold(k): fold(str(v)) for k, v in (normalise.get("request_verbs") or {}).items()},
        intents=intents,
        scopes=scopes,
        default_scope=str(list_spec.get("default_scope", "all")),
        # leading words ("ну", "бот,") go the way of command words
        title_prefix=_anchored(
            [alternation([*normalise["leading"], *(normalise.get("requests") or [])]),
             *(add.get("strip_prefixes", []) or [])],
            macros,
        ),
        title_words=re.compile(rf"(?<!\w){alternation(strip_words)}(?!\w)"),
        title_trailing=frozenset(fold(w) for w in add.get("trailing_words", []) or []),
        ref_prefix=_anchored(data["refs"]["strip_prefixes"], macros),
        ref_trailing=frozenset(fold(w) for w in data["refs"]["trailing_words"]),
        ref_ordinals={fold(k): int(v) for k, v in data["refs"].get("ordinals", {}).items()},
        ref_last=frozenset(fold(w) for w in data["refs"].get("last", []) or []),
        time=build_time_grammar(data["time"]),
    )
