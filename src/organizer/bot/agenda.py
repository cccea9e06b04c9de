"""The bot's lists: "список", "что на сегодня", /list — grouped by day, paged with ‹ › buttons.

A page holds at most PAGE_LINES tasks and PAGE_CHARS characters (headings included),
so no list message comes near Telegram's 4096. A page button's data is
`page:<scope>:<n>`; pressing it renders the presser's own list again at page n (a
page past the end shows the last one), and the message is edited in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from organizer.app.agenda import lines_of
from organizer.bot.replies import Button, Reply, say
from organizer.domain.agenda import AgendaLine, arrange, is_overdue
from organizer.wording.agenda import AgendaWords

if TYPE_CHECKING:
    from organizer.app.tasks import TaskService
    from organizer.bot.chat import Chat
    from organizer.canon import Canon

SCOPES = ("today", "tomorrow", "week", "overdue", "all")
PAGE_LINES = 25
PAGE_CHARS = 3500  # the header and the page line fit in the rest of 4096
_PAGE = re.compile(r"^page:(today|tomorrow|week|overdue|all):(\d{1,4})$")


@dataclass(frozen=True)
class PagePress:
    scope: str
    page: int


def parse_page(data: str) -> PagePress | None:
    """`page:<scope>:<n>` (n from 1), or None for any other data."""
    found = _PAGE.match(data or "")
    if found is None or int(found.group(2)) < 1:
        return None
    return PagePress(found.group(1), int(found.group(2)))


def listing(tasks: TaskService, canon: Canon, owner: str, scope: str, tz: str, lang: str,
            now: datetime, page: int = 1) -> Reply:
    """Page `page` of the owner's open tasks in `scope`, grouped by day.

    Pages are cut on each line's length as `AgendaWords.length` gives it (never less than
    the line's text), so only the lines of the page shown are put into words."""
    scope = scope if scope in SCOPES else "all"
    today = now.astimezone(ZoneInfo(tz)).date()
    open_tasks = tasks.list(owner)
    noted = tasks.note_counts([task.id for task in open_tasks])
    lines = [ln for ln in lines_of(open_tasks, tz, noted) if in_scope(ln, scope, today, now)]
    if not lines:
        return Reply(say(canon, "list_empty", lang))
    words = AgendaWords(canon, lang, today)
    items = []
    for group in arrange(lines, today, now):
        head = words.heading(group)
        items += [(head, group.kind, line) for line in group.lines]
    pages = paginate([(head, words.length(line, kind)) for head, kind, line in items])
    page = min(max(page, 1), len(pages))
    header = say(canon, f"list_header.{scope}", lang, count=len(lines))
    if len(pages) > 1:
        header += " " + say(canon, "list_page", lang, page=page, pages=len(pages))
    text = [header]
    start, end = pages[page - 1]
    for index in range(start, end):
        head, kind, line = items[index]
        if index == start or head != items[index - 1][0]:
            text += ["", head]
        text.append(words.line(line, kind))
    return Reply("\n".join(text), _buttons(scope, page, len(pages)))


def in_scope(line: AgendaLine, scope: str, today: date, now: datetime) -> bool:
    if scope == "all":
        return True
    if line.day is None:
        return False
    if scope == "today":
        return line.day == today
    if scope == "tomorrow":
        return line.day == today + timedelta(days=1)
    if scope == "week":
        return today <= line.day < today + timedelta(days=7)
    return is_overdue(line, today, now)


def paginate(items: list[tuple[str, int]], max_lines: int = PAGE_LINES,
             max_chars: int = PAGE_CHARS) -> list[tuple[int, int]]:
    """Pages, as (first, past the last) indexes into `items` — (heading, length of the line):
    a page holds at most `max_lines` lines and `max_chars` characters, counting a blank
    line and the heading where a group starts and at the top of every page."""
    pages: list[tuple[int, int]] = []
    start = size = 0
    for index, (head, length) in enumerate(items):
        opens = index == start or head != items[index - 1][0]
        extra = length + 1 + (len(head) + 2 if opens else 0)
        if index > start and (index - start == max_lines or size + extra > max_chars):
            pages.append((start, index))
            start, size = index, 0
            extra = length + len(head) + 3
        size += extra
    pages.append((start, len(items)))
    return pages


def _buttons(scope: str, page: int, pages: int) -> tuple[tuple[Button, ...], ...]:
    row = []
    if page > 1:
        row.append(Button("‹", f"page:{scope}:{page - 1}"))
    if page < pages:
        row.append(Button("›", f"page:{scope}:{page + 1}"))
    return (tuple(row),) if row else ()


def on_page(chat: Chat, user_id: int, press: PagePress, tg_lang: str | None) -> Reply:
    """A ‹ or › press: the presser's own list (whoever made the message) at the page asked."""
    tz, lang = chat.profile(user_id, tg_lang)
    return listing(chat.tasks, chat.canon(), str(user_id), press.scope, tz, lang,
                   chat.clock(), press.page)
