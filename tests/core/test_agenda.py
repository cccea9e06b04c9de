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
    items = [("A", 100)] * 30 + [("B", 10)] * 3
    pages = paginate(items, max_lines=25, max_chars=1000)
    assert pages == [(0, 9), (9, 18), (18, 27), (27, 33)]  # 9 x (100 + 1) + 3 for "A"
    assert paginate(items, max_lines=5, max_chars=10_000)[:2] == [(0, 5), (5, 10)]
    assert paginate([("A", 5000)]) == [(0, 1)]  # one line too long alone: its own page
    assert paginate([("A", 1)] * 3 + [("B", 1)]) == [(0, 4)]


def test_a_page_is_never_longer_than_its_budget() -> None:
    items = [(f"day {i // 7}", 50 + (i * 37) % 250) for i in range(400)]
    for start, end in paginate(items, max_lines=25, max_chars=3500):
        size = sum(length + 1 for _, length in items[start:end])
        size += sum(len(items[i][0]) + 2 for i in range(start, end)
                    if i == start or items[i][0] != items[i - 1][0])
        assert size <= 3500 and end - start <= 25


def test_a_lines_length_is_never_less_than_its_text() -> None:
    from organizer.canon import load_canon
    from organizer.wording.agenda import AgendaWords
    from tests.core.test_rule_words import CANON

    canon = load_canon(CANON)
    lines = [AgendaLine(n, "слово " * (n % 80), None if n % 5 == 0 else date(2026, 12, n % 28 + 1),
                        time(n % 24, n % 60) if n % 2 else None, None,
                        repeat="FREQ=WEEKLY;BYDAY=MO,TU" if n % 3 == 0 else None,
                        has_note=n % 4 == 0, not_in_calendar=n % 7 == 0) for n in range(1, 200)]
    for lang in ("ru", "en"):
        words = AgendaWords(canon, lang, TODAY_)
        for ln in lines:
            for kind in (OVERDUE, TODAY, DAY, NO_DATE):
                assert len(words.line(ln, kind)) <= words.length(ln, kind)
