"""Looking up a ru/en entry in a section of the canon and filling it: what the canon's
`replies` (Canon.reply) and its `words` (organizer.wording) share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class KeepMissing(dict[str, Any]):
    """A placeholder nobody passed stays visible as {name} rather than failing a reply."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def entry(section: Mapping[str, Any], key: str, lang: str, *, what: str, where: str = "") -> Any:
    """The `lang` value of the dotted `key` in `section` (ru when `lang` is missing);
    KeyError naming the key (`what` names the section, `where` the canon) when there is no
    such entry."""
    node: Any = section
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(f"no {what} {key!r}{where}")
        node = node[part]
    if not isinstance(node, Mapping) or "ru" not in node:
        raise KeyError(f"{what} {key!r}{where} is a group, not an entry")
    return node.get(lang) or node["ru"]


def fill(template: Any, values: Mapping[str, Any]) -> str:
    return str(template).format_map(KeepMissing(values))
