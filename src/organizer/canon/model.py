"""A loaded canon: its identity, its compiled grammar and its reply templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from organizer.parsing.grammar import Grammar


class _KeepMissing(dict[str, Any]):
    """format_map values where a placeholder nobody passed stays visible as {name}."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, eq=False)
class Canon:
    """One validated version of the canon (its entry file and parts); never changes once built."""

    version: str
    sha256: str
    path: Path
    data: Mapping[str, Any] = field(repr=False)
    grammar: Grammar = field(repr=False)
    # The entry file and the parts it names, in order (what a reload watches).
    files: tuple[Path, ...] = ()

    def reply(self, key: str, lang: str = "ru", **values: Any) -> str:
        """Render reply template `key` ("task_done", "list_header.today") in `lang`.

        A language the template lacks falls back to ru; a placeholder not given
        is left as `{name}` rather than failing a reply. An unknown key raises
        KeyError naming it.
        """
        node: Any = self.data["replies"]
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise KeyError(f"no reply template {key!r} in canon {self.version}")
            node = node[part]
        if not isinstance(node, Mapping) or "ru" not in node:
            raise KeyError(f"{key!r} in canon {self.version} is a group, not a template")
        template = node.get(lang) or node["ru"]
        return str(template).format_map(_KeepMissing(values))

    def describe(self) -> dict[str, str]:
        """What /health and `canon check` show about this canon."""
        return {"path": str(self.path), "version": self.version, "sha256": self.sha256}
