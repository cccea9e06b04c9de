"""The agenda's order and pages, pure: given lines and a moment, the groups; given rendered
lines, pages that stay inside their limits and repeat a heading that runs on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from organizer.bot.agenda import paginate
from organizer.domain.agenda import (
    DAY,
    NO_DATE,
    OVERDUE,
    TODAY,
    TOMORROW,
    AgendaLine,
    arrange,
    order_key,
)

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
TODAY_ = date(2026, 12, 8)


def line(number: int, day: date | None, at: time | None = None) -> AgendaLine:
    due_at = None
    if day is not None and at is not None:  # lines here are in UTC: the zone is the caller's
        due_at = datetime.combine(day, at).strftime("%Y-%m-%dT%H:%M:%SZ")
    return AgendaLine(number, f"t{number}", day, at, due_at)


def test_overdue_first_then_days_then_undated() -> None:
    lines = [line(1, None), line(2, date(2026, 12, 11), time(8)),
             line(3, TODAY_, time(10)), line(4, TODAY_, time(8, 30)),  # 08:30 is past
             line(5, TODAY_), line(6, date(2026, 12, 1)), line(7, date(2026, 12, 9), time(7)),
             line(8, date(2026, 12, 9)), line(9, None), line(10, date(2026, 12, 5), time(23))]
    groups = arrange(lines, TODAY_, NOW)
    assert [(g.kind, [ln.number for ln in g.lines]) for g in groups] == [
        (OVERDUE, [6, 10, 4]), (TODAY, [5, 3]), (TOMORROW, [8, 7]), (DAY, [2]),
        (NO_DATE, [1, 9])]
    ordered = sorted(lines, key=lambda ln: order_key(ln, TODAY_, NOW))
    assert [ln.number for ln in ordered] == [6, 10, 4, 5, 3, 8, 7, 2, 1, 9]
    assert groups[3].day == date(2026, 12, 11)


def test_pages_keep_their_limits_and_repeat_a_running_heading() -> None:
    items = [("A", "x" * 100)] * 30 + [("B", "y" * 10)] * 3
    pages = paginate(items, max_lines=25, max_chars=1000)
    assert all(sum(ln not in ("", "A", "B") for ln in page) <= 25 for page in pages)
    assert all(len("\n".join(page)) <= 1000 for page in pages)
    assert [page[:2] for page in pages] == [["", "A"]] * len(pages[:-1]) + [pages[-1][:2]]
    assert sum(ln.startswith("x") for page in pages for ln in page) == 30
    assert pages[-1][-4:] == ["B", "y" * 10, "y" * 10, "y" * 10]
    assert paginate([("A", "z")]) == [["", "A", "z"]]
