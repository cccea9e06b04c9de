"""Turning canon word lists into regular expressions and number words into numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_FOLD = str.maketrans({"ё": "е", "Ё": "е"})


def fold(text: str) -> str:
    """Lower case with ё read as е: how both the canon and messages are compared."""
    return text.lower().translate(_FOLD)


def word_pattern(word: str) -> str:
    """A literal word or phrase; spaces in a phrase match any run of spaces."""
    return r"\s+".join(re.escape(part) for part in fold(word).split())


def alternation(words: Iterable[str]) -> str:
    """`(?:long|short)`: literal alternatives, longest first so phrases win over words."""
    unique = sorted({fold(w).strip() for w in words if w.strip()}, key=lambda w: (-len(w), w))
    if not unique:
        return "(?!)"
    return "(?:" + "|".join(word_pattern(w) for w in unique) + ")"


def folded_map(mapping: Mapping[str, int | str]) -> dict[str, int | str]:
    """The mapping with its keys folded and inner spaces collapsed."""
    return {" ".join(fold(k).split()): v for k, v in mapping.items()}


def _oblique(word: str) -> bool:
    """A Russian number word in an oblique case: "двадцати", "пяти", "двух", "сорока"."""
    return len(word) > 3 and word.endswith(("и", "х", "ого", "ока"))


class NumberWords:
    """Cardinal number words ("двадцать пять" = 25) from the canon's `numbers`.

    A ten and a unit make one number only in the same case: "двадцать пять" and
    "двадцати пяти" are 25, but "без двадцати девять" is twenty (minutes) and nine.
    """

    def __init__(self, numbers: Mapping[str, int]) -> None:
        self.values: dict[str, int] = {
            " ".join(fold(k).split()): int(v) for k, v in numbers.items()
        }
        tens = [w for w, v in self.values.items() if v in (20, 30, 40, 50)]
        units = [w for w, v in self.values.items() if 1 <= v <= 9]
        others = [w for w in self.values if w not in tens]
        pairs = [
            rf"{alternation(t for t in tens if _oblique(t) is case)}"
            rf"(?:(?:\s+|-){alternation(u for u in units if _oblique(u) is case)})?"
            for case in (False, True)
        ]
        self.pattern = rf"(?:{'|'.join(pairs)}|{alternation(others)})"

    def value(self, text: str) -> int | None:
        """The number a digit string or number phrase names, or None."""
        text = " ".join(text.replace("-", " ").split())
        if text.isdecimal():
            return int(text)
        total = 0
        for part in text.split(" "):
            value = self.values.get(part)
            if value is None:
                return None
            total += value
        return total
