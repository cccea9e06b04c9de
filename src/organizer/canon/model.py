"""A loaded canon: its identity, its compiled grammar and its reply templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from organizer.parsing.grammar import Grammar
from organizer.templates import entry, fill


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
        template = entry(self.data["replies"], key, lang, what="reply template",
                         where=f" in canon {self.version}")
        return fill(template, values)

    def describe(self) -> dict[str, str]:
        """What /health and `canon check` show about this canon."""
        return {"path": str(self.path), "version": self.version, "sha256": self.sha256}
