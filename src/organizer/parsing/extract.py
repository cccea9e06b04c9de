"""Finding the date and time expressions of a message: spans and what they say.

Nothing here knows the current date; resolving pieces into a date and a time
is `resolve.py`'s job, so every rule stays a pure text-to-piece function.
"""

from __future__ import annotations

import re
from dataclasses import replace

from organizer.parsing.pieces import DATE, INVALID, PART, Clock, Piece
from organizer.parsing.repeat import join_repeats
from organizer.parsing.rules import HANDLERS, clock_range_end, prep_of
from organizer.parsing.timegrammar import TimeGrammar


def find_pieces(flat: str, grammar: TimeGrammar, *, loose: bool = False) -> list[Piece]:
    """Every date or time expression in `flat`, without overlaps, in text order."""
    flat, words_end = grammar.with_digits(flat)
    taken = bytearray(len(flat))
    pieces: list[Piece] = []
    for name, pattern in grammar.loose_rules if loose else grammar.rules:
        handler = HANDLERS[name]
        for match in pattern.finditer(flat):
            start, end = match.span()
            if start == end or any(taken[start:end]):
                continue
            if (
                not loose
                and name == "clock_bare"
                and prep_of(match) in grammar.loose_prepositions
                and not _said_half(match, grammar)
                and not (_after_date(pieces, flat, start) and not match.groupdict().get("mer"))
            ):
                continue  # "на 5" is a time only in a reschedule ("перенеси 3 на 5")
            if match.groupdict().get("mmw") and match.start("mmw") + 1 not in words_end:
                continue  # "ten to eight" is 7:50, "10 to 12" is not
            if loose and name == "clock_range" and _FROM_TO.match(match.group()):
                piece = clock_range_end(match, grammar)  # "move the call from 10 to 12"
            else:
                piece = handler(match, grammar)
            if piece is None:
                continue
            if piece.kind in (DATE, INVALID) and grammar.not_due.search(
                flat, max(0, start - 12), start
            ):
                # "письмо от 10.03": the date names the letter; it stays in the title and
                # no later rule may read it as a time either
                taken[start:end] = b"\x01" * (end - start)
                continue
            if piece.end in words_end:  # the match ended on a number word's digits
                piece = replace(piece, end=words_end[piece.end])
                start, end = piece.start, piece.end
            pieces.append(piece)
            taken[start:end] = b"\x01" * (end - start)
    pieces.sort(key=lambda p: p.start)
    pieces = _one_part(_corrected(pieces, flat), flat, grammar)
    if loose:
        pieces = _moved_from(pieces, flat)
    return join_repeats(pieces, flat)


def _after_date(pieces: list[Piece], flat: str, start: int) -> bool:
    """ "на завтра на девять": right after a date, "на N" is its time."""
    return any(p.kind == DATE and not flat[p.end : start].strip() for p in pieces)


def _said_half(match: re.Match[str], grammar: TimeGrammar) -> bool:
    """ "на 8 30 утра", "на шесть вечера": am or pm makes a time of it ("на 2 дня" stays days)."""
    mer = match.groupdict().get("mer")
    if not mer:
        return False
    return grammar.meridiem.get(" ".join(mer.split())) not in (None, "day")


# Between two expressions of one kind, a dictated self-correction: "в пятницу нет в субботу".
_CORRECTION = re.compile(
    r"(?:ой\s+|а\s+)?(?:нет|точнее|вернее|то\s+есть|no|no\s+wait|sorry|i\s+mean|actually)"
    r"(?:\s+(?:лучше|давай|wait|make\s+it))?"
)


def _one_part(pieces: list[Piece], flat: str, grammar: TimeGrammar) -> list[Piece]:
    """Two words for one part of the day side by side are one: "утром перед работой"."""
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if (
            last is not None
            and last.kind == piece.kind == PART
            and grammar.parts.get(last.part or "") == grammar.parts.get(piece.part or "")
            and not flat[last.end : piece.start].strip()
        ):
            out[-1] = replace(last, end=piece.end)
            continue
        out.append(piece)
    return out


# "в одиннадцать, не в двенадцать": the first is meant, the second is denied.
_NOT = re.compile(r"(?:а\s+)?(?:не|not)")


def _corrected(pieces: list[Piece], flat: str) -> list[Piece]:
    """The corrected expression is dropped ("в пятницу нет в субботу" is Saturday), and so is
    a denied one ("в пятницу, не в субботу" is Friday); the span covers both."""
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out and out[-1].kind == piece.kind else None
        between = flat[last.end : piece.start].strip(" ,") if last is not None else ""
        if last is not None and _CORRECTION.fullmatch(between):
            out[-1] = replace(piece, start=last.start, clock=_same_half(last, piece))
        elif last is not None and _NOT.fullmatch(between):
            # "в пятницу, не в субботу": Friday; "в 5, не в 6 вечера": 17:00
            out[-1] = replace(last, end=piece.end, clock=_same_half(piece, last))
        else:
            out.append(piece)
    return out


def _same_half(said: Piece, corrected: Piece) -> Clock | None:
    """ "в семь вечера нет в восемь": the correction keeps the evening said before it
    (and "в 5, не в 6 вечера" the evening said after)."""
    new, old = corrected.clock, said.clock
    if new is None or old is None or new.meridiem is not None or new.padded:
        return new
    return replace(new, meridiem=old.meridiem)


# A reschedule may name the old time first: "с пятницы на субботу", "from 10 to 12",
# "с 10 на 12" (there "с" is read with the old clock time, as its preposition).
_FROM = re.compile(r"(?:^|\s)(?:с|со|from)\s+$")
_FROM_INSIDE = re.compile(r"(?:с|со|from)\s")
_TO = re.compile(r"(?:на|to)?")
_FROM_TO = re.compile(r"from\s.*\sto\s")


def _moved_from(pieces: list[Piece], flat: str) -> list[Piece]:
    """The old time of a move is dropped; the new one's span covers "с <old> на"."""
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if last is not None and last.kind == piece.kind:
            before = _FROM.search(flat, max(0, last.start - 6), last.start)
            start = before.start() + (flat[before.start()] == " ") if before else None
            if start is None and _FROM_INSIDE.match(flat, last.start):
                start = last.start
            if start is not None and _TO.fullmatch(flat[last.end : piece.start].strip(" ,")):
                out[-1] = replace(piece, start=start)
                continue
        out.append(piece)
    return out
