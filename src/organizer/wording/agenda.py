"""An agenda in words: the day headings ("Сегодня", "Пятница, 11.12") and the task lines
("3. 09:00 позвонить маме ↻ каждый пн"); the words: the canon's `words.agenda` and its
`list_item` replies."""

from __future__ import annotations

from datetime import date

from organizer.domain.agenda import DAY, NO_DATE, OVERDUE, TODAY, TOMORROW, AgendaLine, Group
from organizer.wording.dates import when_text
from organizer.wording.rules import rule_text
from organizer.wording.words import HasReplies, names, word

MAX_TITLE_SHOWN = 300  # a list line shows this much of a title; the task keeps all of it


class AgendaWords:
    """The words of one list in one language, seen from `today`: the marks and the repeat
    rules are worded once per list, not once per line."""

    def __init__(self, canon: HasReplies, lang: str, today: date) -> None:
        self.canon, self.lang, self.today = canon, lang, today
        self._repeat: dict[str, str] = {}
        self._note = canon.reply("note_marker", lang)
        self._unsyncable = canon.reply("calendar_unsyncable_marker", lang)
        # the characters list_item adds to its values (no line is longer than its values
        # and these together: the line text is only ever stripped)
        self._frame = max(
            len(canon.reply("list_item", lang, number="", when="", title="", marks="")),
            len(canon.reply("list_item_no_time", lang, number="", title="", marks="")))

    def heading(self, group: Group) -> str:
        """The group's heading: overdue, today, tomorrow, a weekday with its date, no date."""
        canon, lang = self.canon, self.lang
        if group.kind == DAY and group.day is not None:
            day = group.day
            shown = f"{day:%d.%m}" + ("" if day.year == self.today.year else f".{day.year}")
            return word(canon, "agenda.day", lang,
                        weekday=names(canon, "agenda.weekdays", lang)[day.weekday()], date=shown)
        if group.kind == OVERDUE:
            return word(canon, "agenda.overdue", lang)
        if group.kind == TODAY:
            return word(canon, "agenda.today", lang)
        if group.kind == TOMORROW:
            return word(canon, "agenda.tomorrow", lang)
        assert group.kind == NO_DATE, group.kind
        return word(canon, "agenda.no_date", lang)

    def line(self, line: AgendaLine, kind: str) -> str:
        """One task: its number, time (with its day when it is overdue), title and marks."""
        values = {"number": line.number, "title": _shown(line.title), "marks": self._marks(line)}
        when = self._when(line, kind)
        if when:
            return self.canon.reply("list_item", self.lang, when=when, **values).rstrip()
        return self.canon.reply("list_item_no_time", self.lang, **values).rstrip()

    def length(self, line: AgendaLine, kind: str) -> int:
        """At least the length of `self.line(line, kind)`, without wording the line."""
        return (self._frame + len(str(line.number)) + len(_shown(line.title))
                + len(self._marks(line)) + len(self._when(line, kind)))

    def _when(self, line: AgendaLine, kind: str) -> str:
        if kind == OVERDUE:
            return when_text(self.canon, line.day, line.at, self.lang, self.today)
        return f"{line.at:%H:%M}" if line.at is not None else ""

    def _marks(self, line: AgendaLine) -> str:
        marks = []
        if line.repeat:
            marks.append(self._repeat_mark(line.repeat))
        if line.has_note:
            marks.append(self._note)
        if line.not_in_calendar:
            marks.append(self._unsyncable)
        return " ".join(marks)

    def _repeat_mark(self, rule: str) -> str:
        if rule not in self._repeat:
            self._repeat[rule] = self.canon.reply(
                "repeat_marker", self.lang, repeat=rule_text(self.canon, rule, self.lang, short=True))
        return self._repeat[rule]


def _shown(title: str) -> str:
    return title if len(title) <= MAX_TITLE_SHOWN else title[:MAX_TITLE_SHOWN - 1] + "…"
