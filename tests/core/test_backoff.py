"""The one backoff rule: doubling from `first`, capped, jittered within its bounds; and the
numbers each caller uses are the ones it used before the rule had one home."""

from __future__ import annotations

import random

import pytest

from organizer.backoff import Backoff, FailureStreak
from organizer.bot.polling import CONFLICT_BACKOFF, RECEIVE_BACKOFF
from organizer.telegram.sender import SEND_BACKOFF


def test_without_jitter_the_delay_doubles_from_first_up_to_the_cap() -> None:
    plain = Backoff(first=0.5, cap=3.0, jitter=(1.0, 1.0))
    assert [plain.delay(n) for n in range(0, 7)] == [0.5, 0.5, 1.0, 2.0, 3.0, 3.0, 3.0]


def test_a_very_long_streak_stays_at_the_cap_instead_of_overflowing() -> None:
    plain = Backoff(first=1.0, cap=30.0, jitter=(1.0, 1.0))
    assert plain.delay(5000) == 30.0


@pytest.mark.parametrize("failures", [1, 2, 3, 4, 8, 50])
def test_jitter_stays_within_its_bounds_around_the_capped_base(failures: int) -> None:
    rule = Backoff(first=1.0, cap=5.0, jitter=(0.8, 1.2))
    base = min(5.0, 2.0 ** (failures - 1))
    seen = [rule.delay(failures) for _ in range(300)]
    assert all(0.8 * base <= d <= 1.2 * base for d in seen)
    assert max(seen) - min(seen) > 0.1 * base  # it does vary: clients that failed together spread


def test_clip_caps_the_jittered_delay_and_without_it_jitter_may_pass_the_cap() -> None:
    clipped = Backoff(first=1.0, cap=2.0, jitter=(1.0, 1.5), clip=True)
    loose = Backoff(first=1.0, cap=2.0, jitter=(1.0, 1.5))
    assert max(clipped.delay(9) for _ in range(200)) == 2.0
    assert max(loose.delay(9) for _ in range(200)) > 2.0


def test_a_streak_counts_failures_and_starts_over_after_a_success() -> None:
    streak = FailureStreak(Backoff(first=0.5, cap=1.5, jitter=(1.0, 1.0)))
    assert [streak.next() for _ in range(4)] == [0.5, 1.0, 1.5, 1.5]
    streak.reset()
    assert streak.failures == 0 and streak.next() == 0.5


def test_each_caller_keeps_its_numbers() -> None:
    random.seed(7)
    receive = [RECEIVE_BACKOFF.delay(n) for n in (1, 2, 3, 10)]
    assert 0.4 <= receive[0] <= 0.6 and 0.8 <= receive[1] <= 1.2
    assert all(1.2 <= d <= 1.8 for d in receive[2:])  # capped at 1.5 s, then ±20 %
    assert 24.0 <= CONFLICT_BACKOFF.delay(20) <= 36.0
    assert 0.75 <= SEND_BACKOFF.delay(1) <= 1.25
    assert 22.5 <= SEND_BACKOFF.delay(12) <= 30.0  # clipped: never past 30 s
