"""YAML with positions: every value keeps the line and column it was written at.

PyYAML's own loaders silently keep the last of two equal keys; a canon with a
duplicated intent must be refused, so the node tree is walked here and every
duplicate is reported where it stands.

Aliases are bounded before anything is built: nested aliases ("billion laughs",
a few hundred bytes) expand to billions of nodes, so a file with more than
MAX_ALIASES aliases, or whose aliases stand for more than MAX_ALIAS_NODES nodes
in all, is refused at the alias that crosses the bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_ALIASES = 100
MAX_ALIAS_NODES = 10_000


@dataclass(frozen=True)
class Position:
    """1-based line and column of a value in the file."""

    line: int
    column: int


@dataclass
class MarkedDocument:
    """The plain data, where each part of it was written, and the duplicate keys."""

    data: Any
    positions: dict[Path_, Position] = field(default_factory=dict)
    duplicates: list[tuple[Path_, Position]] = field(default_factory=list)

    def position(self, path: Path_) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            found = self.positions.get(path[:cut])
            if found is not None:
                return found
        return Position(1, 1)


class MarkedYamlError(Exception):
    """The text is not YAML; carries where the parser gave up."""

    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.position = position


def alias_problem(text: str) -> MarkedYamlError | None:
    """The error for aliases beyond the bounds, None when within them (or not YAML at all).

    Walks the parser's events only, never builds the expansion: each anchored node's
    size is counted once, each alias adds the size of what it names.
    """
    if "&" not in text:  # no anchor (&name), so no alias either: the canon's case, ~3 µs
        return None
    sizes: dict[str, int] = {}
    open_: list[list[Any]] = [[None, 0]]  # [anchor, nodes so far] per open collection
    aliases = expanded = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                size = sizes.get(event.anchor or "", 1)
                expanded += size
                if aliases > MAX_ALIASES or expanded > MAX_ALIAS_NODES:
                    return MarkedYamlError(
                        f"too many YAML aliases ({aliases} aliases standing for {expanded} "
                        f"nodes; at most {MAX_ALIASES} and {MAX_ALIAS_NODES}); write the "
                        "values out instead of nesting aliases", _position(event))
                open_[-1][1] += size
            elif isinstance(event, yaml.CollectionStartEvent):
                open_.append([event.anchor, 1])
            elif isinstance(event, yaml.CollectionEndEvent) and len(open_) > 1:
                anchor, size = open_.pop()
                if anchor is not None:
                    sizes[anchor] = size
                open_[-1][1] += size
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                open_[-1][1] += 1
    except yaml.YAMLError:
        return None  # the parse proper reports it, with its position
    return None


def load_marked(text: str) -> MarkedDocument:
    """Parse YAML text into data plus positions; raise MarkedYamlError on bad syntax."""
    too_many = alias_problem(text)
    if too_many is not None:
        raise too_many
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise MarkedYamlError(f"YAML syntax error: {problem}", where) from exc
    except yaml.YAMLError as exc:
        raise MarkedYamlError(f"YAML error: {exc}", Position(1, 1)) from exc
    doc = MarkedDocument(data=None)
    if node is not None:
        constructor = yaml.SafeLoader("")
        doc.data = _build(node, (), doc, constructor)
    return doc


def _position(node: yaml.Node | yaml.Event) -> Position:
    mark = node.start_mark
    return Position(mark.line + 1, mark.column + 1) if mark is not None else Position(1, 1)


def _build(node: yaml.Node, path: Path_, doc: MarkedDocument, constructor: Any) -> Any:
    doc.positions[path] = _position(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = str(key)
            child = (*path, key)
            if key in result:
                doc.duplicates.append((child, _position(key_node)))
                continue
            doc.positions[child] = _position(key_node)
            result[key] = _build(value_node, child, doc, constructor)
            doc.positions[child] = _position(key_node)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), doc, constructor) for i, item in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)


def dotted(path: Path_) -> str:
    """`intents.help.patterns[2]` for a path."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(document)"
