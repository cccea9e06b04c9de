"""The digest setting decided purely: what a time of day is, the event it makes, how `users`
folds it (a rebuild reproduces it), and whose digest is due in which zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from organizer.digest import plan
from organizer.domain import events as e
from organizer.domain.users import decide_digest, read_digest_time
from organizer.errors import InvalidDigestTime
from organizer.store.projections import apply_user


@pytest.mark.parametrize(("said", "at"), [("8", "08:00"), ("8:00", "08:00"), ("08.30", "08:30"),
                                          ("7h30", "07:30"), ("0:00", "00:00"),
                                          ("23:59", "23:59")])
def test_a_time_of_day_is_read_as_hh_mm(said: str, at: str) -> None:
    assert read_digest_time(said) == at


@pytest.mark.parametrize("said", ["25:00", "8:75", "24:00", "soon", "", "-1", "8:0", "730"])
def test_anything_else_is_refused_naming_what_was_said(said: str) -> None:
    with pytest.raises(InvalidDigestTime) as caught:
        read_digest_time(said)
    assert caught.value.value == said


def test_the_event_and_its_fold() -> None:
    [on] = decide_digest("5", "08:00", True)
    assert on == e.UserDigestSet(user_id="5", at="08:00", always=True)
    row = apply_user(None, on, "2026-03-03T05:00:00Z")
    assert row is not None and (row["digest_at"], row["digest_always"]) == ("08:00", 1)
    [off] = decide_digest("5", None, True)  # off is off: no "always" left behind
    assert off == e.UserDigestSet(user_id="5", at=None, always=False)
    row = apply_user(row, off, "2026-03-03T06:00:00Z")
    assert row is not None and (row["digest_at"], row["digest_always"]) == (None, 0)
    with pytest.raises(InvalidDigestTime):
        decide_digest("5", "25:00", False)


def test_due_from_the_minute_in_the_persons_zone_for_their_local_day() -> None:
    moscow_0759 = datetime(2026, 3, 3, 4, 59, tzinfo=UTC)
    assert plan.due("5", "08:00", "Europe/Moscow", moscow_0759) is None
    assert plan.due("5", "08:00", "Europe/Moscow", moscow_0759.replace(minute=0, hour=5)) == \
        plan.Due("5", "2026-03-03")
    # 08:00 in Tokyo is still the 2nd in UTC: the day is Tokyo's
    assert plan.due("5", "08:00", "Asia/Tokyo", datetime(2026, 3, 2, 23, 0, tzinfo=UTC)) == \
        plan.Due("5", "2026-03-03")
    assert plan.key("5", "2026-03-03") == "digest:5:2026-03-03"


def test_a_day_whose_digest_time_had_passed_when_it_was_set_has_none() -> None:
    noon = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
    assert plan.due("5", "08:00", "Europe/Moscow", noon, since="2026-03-03T08:59:00.5Z") is None
    assert plan.due("5", "08:00", "Europe/Moscow", noon, since="2026-03-03T04:59:59Z") == \
        plan.Due("5", "2026-03-03")
    tomorrow = datetime(2026, 3, 4, 5, 0, tzinfo=UTC)
    assert plan.due("5", "08:00", "Europe/Moscow", tomorrow, since="2026-03-03T08:59:00Z") == \
        plan.Due("5", "2026-03-04")
