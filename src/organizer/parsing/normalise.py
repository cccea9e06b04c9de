"""Two views of a message: a flat text for the time rules and a command text for intents.

`flat` has exactly the length of the original, so a span found in it cuts the
same words out of the original (the title keeps the user's case and
punctuation). The command text is short words joined by single spaces, each
word remembering where it stood in the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from organizer.parsing.vocab import fold

# Punctuation that carries meaning only between two word characters: 18:30, 20.11, 18-00, what's.
_LONE_JOINER = re.compile(r"(?<!\w)[.:'\-]|[.:'\-](?!\w)|(?<!\d),|,(?!\d)")
_KEEP = frozenset("/#№@%+$")
_WORD_THEN_NUMBER = re.compile(r"([^\W\d_]{3,})(\d{1,4})")
_SYMBOL_BASE = 0xE000  # private-use characters stand for canon symbols while flattening
_TOKEN = re.compile("[^\\s\ue000-\ue0ff]+|[\ue000-\ue0ff]")


@dataclass(frozen=True)
class Token:
    text: str  # folded, or the word a symbol stands for
    start: int  # span in the original message
    end: int


@dataclass(frozen=True)
class Message:
    original: str
    flat: str
    tokens: tuple[Token, ...]

    @property
    def command(self) -> str:
        return " ".join(t.text for t in self.tokens)


_DECORATION = frozenset({"So", "Sk", "Cc", "Cf", "Cs", "Co", "Cn", "Me", "Zl", "Zp"})


def is_decoration(char: str) -> bool:
    """Emoji and pictographs, skin tones, joiners, variation selectors, control characters."""
    if char == "№":
        return False
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return True
    return unicodedata.category(char) in _DECORATION


def flatten(original: str, symbols: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Fold the text keeping its length; return it and the placeholder -> word map."""
    folded = fold(original)
    if len(folded) != len(original):  # a few letters lower-case into two characters
        folded = "".join(c if len(f := fold(c)) != 1 else f for c in original)
    words: dict[str, str] = {}
    chars = list(folded)
    for index, char in enumerate(chars):
        if char.isalnum() or char == " " or char in _KEEP or char in ".:'-_,":
            continue
        if char in symbols:
            placeholder = chr(_SYMBOL_BASE + list(symbols).index(char))
            words[placeholder] = symbols[char]
            chars[index] = placeholder
        else:
            chars[index] = " "
    flat = "".join(chars)
    flat = _LONE_JOINER.sub(" ", flat)
    return flat, words


def with_first_word(message: Message, word: str) -> Message:
    """The message with its first command word read as `word`."""
    first = message.tokens[0]
    return Message(
        message.original, message.flat, (Token(word, first.start, first.end), *message.tokens[1:])
    )


def one_typo_apart(a: str, b: str) -> bool:
    """True when one letter added, dropped, changed or two swapped turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def read_message(
    original: str,
    symbols: dict[str, str],
    polite: frozenset[str],
    leading: frozenset[tuple[str, ...]],
    requests: frozenset[tuple[str, ...]] = frozenset(),
    request_verbs: dict[str, str] | None = None,
) -> Message:
    """Flatten the message and split its command words (polite and leading words dropped;
    after a request, "можешь перенести" reads as "перенеси")."""
    flat, words = flatten(original, symbols)
    tokens: list[Token] = []
    from_symbol: list[bool] = []
    for match in _TOKEN.finditer(flat):
        text = match.group().strip("_")
        if not text:
            continue
        symbol = text in words
        text = words.get(text, text)
        if text in polite:
            continue
        glued = _WORD_THEN_NUMBER.fullmatch(text)
        if glued:  # "готово3": a command word and a list number
            cut = match.start() + glued.end(1)
            tokens.append(Token(glued.group(1), match.start(), cut))
            tokens.append(Token(glued.group(2), cut, match.end()))
            from_symbol += [False, False]
            continue
        tokens.append(Token(text, match.start(), match.end()))
        from_symbol.append(symbol)
    # a symbol saying a word the message already says ("3 готово ✅") adds nothing
    said = {t.text for t, s in zip(tokens, from_symbol, strict=True) if not s}
    kept = [t for t, s in zip(tokens, from_symbol, strict=True) if not (s and t.text in said)]
    rest, asked = _without_leading(kept, leading, requests)
    if asked and rest and request_verbs and rest[0].text in request_verbs:
        first = rest[0]
        rest = [Token(request_verbs[first.text], first.start, first.end), *rest[1:]]
    return Message(original, flat, tuple(rest))


def _without_leading(
    tokens: list[Token],
    leading: frozenset[tuple[str, ...]],
    requests: frozenset[tuple[str, ...]] = frozenset(),
) -> tuple[list[Token], bool]:
    """The tokens without leading words and phrases at the start ("ну", "в общем", "can you"),
    and whether a request was among them ("можешь", "можно")."""
    words = [t.text for t in tokens]
    skipped = leading | requests if requests else leading
    start, longest = 0, max(map(len, skipped), default=0)
    asked = False
    while True:
        size = next((n for n in range(longest, 0, -1)
                     if tuple(words[start : start + n]) in skipped), 0)
        if not size:
            return tokens[start:], asked
        asked = asked or tuple(words[start : start + size]) in requests
        start += size
