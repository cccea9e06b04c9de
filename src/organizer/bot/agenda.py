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
    """Page `page` of the owner's open tasks in `scope`, grouped by day."""
    scope = scope if scope in SCOPES else "all"
    today = now.astimezone(ZoneInfo(tz)).date()
    lines = [ln for ln in lines_of(tasks.list(owner), tz) if in_scope(ln, scope, today, now)]
    if not lines:
        return Reply(say(canon, "list_empty", lang))
    pages = paginate(_rendered(canon, lines, lang, today, now))
    page = min(max(page, 1), len(pages))
    header = say(canon, f"list_header.{scope}", lang, count=len(lines))
    if len(pages) > 1:
        header += " " + say(canon, "list_page", lang, page=page, pages=len(pages))
    return Reply("\n".join([header, *pages[page - 1]]), _buttons(scope, page, len(pages)))


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


def _rendered(canon: Canon, lines: list[AgendaLine], lang: str, today: date,
              now: datetime) -> list[tuple[str, str]]:
    """(heading, line) for every task in agenda order."""
    words = AgendaWords(canon, lang, today)
    rendered = []
    for group in arrange(lines, today, now):
        head = words.heading(group)
        rendered += [(head, words.line(line, group.kind)) for line in group.lines]
    return rendered


def paginate(items: list[tuple[str, str]], max_lines: int = PAGE_LINES,
             max_chars: int = PAGE_CHARS) -> list[list[str]]:
    """Pages of text lines: a heading opens its group, and again at the top of a page the
    group runs on to. A new page starts at `max_lines` tasks or before `max_chars`."""
    pages: list[list[str]] = []
    current: list[str] = []
    count = size = 0
    shown: str | None = None
    for head, text in items:
        extra = len(text) + 1 + (len(head) + 2 if head != shown else 0)
        if current and (count == max_lines or size + extra > max_chars):
            pages.append(current)
            current, count, size, shown = [], 0, 0, None
            extra = len(text) + len(head) + 3
        if head != shown:
            current += ["", head]
            shown = head
        current.append(text)
        count, size = count + 1, size + extra
    pages.append(current)
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
