"""Each intent pattern tried on its `examples` (it must match them) and `counter_examples`.

An example is read as the parser reads a message (lower-cased, ё as е, symbols as
words, polite and leading words dropped) and the pattern, macros expanded, must
match the WHOLE command text that is left, as `match_order` does; a
counter-example must not. Only the pattern's own regex is tried: whether an
earlier intent wins, or the `untimed`/`timed` groups send the message to
add_task, is what the parser's tests check. `organizer canon check` runs this;
loading the canon does not (its time budget is for the bot).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from organizer.parsing.grammar import Grammar, all_macros, build_grammar, expanded_pattern
from organizer.parsing.normalise import read_message

KeyPath = tuple[str | int, ...]


def example_errors(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, str]]:
    """Every example its pattern does not match and every counter-example it matches."""
    grammar = build_grammar(data)
    macros = all_macros(data)
    for name, spec in data["intents"].items():
        for index, entry in enumerate(spec.get("patterns", []) or []):
            if not isinstance(entry, Mapping):
                continue
            pattern = re.compile(expanded_pattern(entry, macros))
            where: KeyPath = ("intents", name, "patterns", index)
            for number, text in enumerate(entry.get("examples", []) or []):
                command = command_text(text, grammar)
                if pattern.fullmatch(command) is None:
                    yield (*where, "examples", number), (
                        f"example {text!r} is not matched by this pattern "
                        f"(read as {command!r}); fix the pattern or the example"
                    )
            for number, text in enumerate(entry.get("counter_examples", []) or []):
                command = command_text(text, grammar)
                if pattern.fullmatch(command) is not None:
                    yield (*where, "counter_examples", number), (
                        f"counter-example {text!r} is matched by this pattern "
                        f"(read as {command!r}); narrow the pattern or drop the counter-example"
                    )


def command_text(text: str, grammar: Grammar) -> str:
    """What of a message the intent patterns are matched against."""
    message = read_message(text, grammar.symbols, grammar.polite, grammar.leading,
                           grammar.requests, grammar.request_verbs)  # fmt: skip
    return message.command
