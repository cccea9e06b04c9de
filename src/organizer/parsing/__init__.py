"""Understanding messages: text, now, zone and canon in; an intent with its slots out.

    normalise   flat text (same length as the message) and command words
    intents     which intent, by the canon's whole-message patterns
    extract     date and time expressions found by the rules of timegrammar;
                rules says what each match means (pieces)
    resolve     those expressions and `now` turned into a due date and time
    title       what is left of the message: the title, or a task reference

Pure and deterministic: no clock, no I/O. The canon compiles its grammar once
(grammar.build_grammar) when it loads.
"""

from organizer.parsing.core import parse, parse_when
from organizer.parsing.model import Parsed

__all__ = ["Parsed", "parse", "parse_when"]
