"""An agenda in words: the day headings ("Сегодня", "Пятница, 11.12") and the task lines
("3. 09:00 позвонить маме ↻ каждый пн"); the words: the canon's `words.agenda` and its
`list_item` replies."""

from __future__ import annotations

from datetime import date

from organizer.domain.agenda import DAY, NO_DATE, OVERDUE, TODAY, TOMORROW, AgendaLine, Group
from organizer.wording.dates import when_text
from organizer.wording.rules import rule_text
from organizer.wording.words import HasReplies, HasWords, names, word

MAX_TITLE_SHOWN = 300  # a list line shows this much of a title; the task keeps all of it


def heading(canon: HasWords, group: Group, lang: str, today: date) -> str:
    """The group's heading: overdue, today, tomorrow, a weekday with its date, no date."""
    if group.kind == DAY and group.day is not None:
        day = group.day
        shown = f"{day:%d.%m}" + ("" if day.year == today.year else f".{day.year}")
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


def line_text(canon: HasReplies, line: AgendaLine, kind: str, lang: str, today: date) -> str:
    """One task: its number, time (with its day when it is overdue), title and marks."""
    title = line.title if len(line.title) <= MAX_TITLE_SHOWN else line.title[:MAX_TITLE_SHOWN - 1] + "…"
    marks = []
    if line.repeat:
        marks.append(canon.reply("repeat_marker", lang,
                                 repeat=rule_text(canon, line.repeat, lang, short=True)))
    if line.has_note:
        marks.append(canon.reply("note_marker", lang))
    if line.not_in_calendar:
        marks.append(canon.reply("calendar_unsyncable_marker", lang))
    values = {"number": line.number, "title": title, "marks": " ".join(marks)}
    if kind == OVERDUE:
        when = when_text(canon, line.day, line.at, lang, today)
    else:
        when = f"{line.at:%H:%M}" if line.at is not None else ""
    if when:
        return canon.reply("list_item", lang, when=when, **values).rstrip()
    return canon.reply("list_item_no_time", lang, **values).rstrip()
