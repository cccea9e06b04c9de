"""The canon's `words` section read in one language: templates, names and plural forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from organizer.templates import entry, fill


class HasWords(Protocol):
    """A loaded canon (organizer.canon.Canon): its data holds the `words` section."""

    @property
    def data(self) -> Mapping[str, Any]: ...


class HasReplies(HasWords, Protocol):
    """A loaded canon with its reply templates."""

    def reply(self, key: str, lang: str = "ru", **values: Any) -> str: ...


def _entry(canon: HasWords, key: str, lang: str) -> Any:
    return entry(canon.data["words"], key, lang, what="words", where=" in the canon")


def word(canon: HasWords, key: str, lang: str, **values: Any) -> str:
    """The template `key` ("when.today", "rule.on_days") in `lang`, filled with `values`."""
    return fill(_entry(canon, key, lang), values)


def names(canon: HasWords, key: str, lang: str) -> Sequence[str]:
    """The list `key` in `lang`: seven weekdays (Monday first) or twelve months."""
    return [str(name) for name in _entry(canon, key, lang)]


def plural_index(n: int, lang: str) -> int:
    """Which plural form a count takes: ru one / few / many, en one / other."""
    if lang == "en":
        return 0 if n == 1 else 1
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def plural(canon: HasWords, key: str, lang: str, n: int, **values: Any) -> str:
    """The form of the plural list `key` that `n` takes, filled with `values` (and `n`).

    A list shorter than the language's forms uses its last one for the rest.
    """
    forms = _entry(canon, key, lang)
    form = forms[min(plural_index(n, lang), len(forms) - 1)]
    return fill(form, {"n": n, **values})
