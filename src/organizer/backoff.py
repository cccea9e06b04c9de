"""Exponential backoff with jitter: one rule for every retry loop.

After the n-th failure in a row a caller waits `first * 2**(n-1)` seconds,
capped at `cap`, times a random factor drawn from `jitter` so that clients
that failed together do not come back together. With `clip` the jittered
delay is capped too; without it, it may pass the cap by the jitter's top.

The callers' numbers:
* the bot's getUpdates loop: 0.5 → 1.5 s, ×0.8–1.2 (two bots on one token: → 30 s);
* the Telegram sender: 1 → 30 s, ×0.75–1.25, clipped;
* the Google Calendar client: 0.25 → 8 s, ×0.5–1.0.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_MAX_DOUBLINGS = 64  # 2.0 ** 1024 overflows; any cap is reached long before this


@dataclass(frozen=True)
class Backoff:
    """How long to wait after a number of failures in a row."""

    first: float
    cap: float
    jitter: tuple[float, float] = (0.75, 1.25)
    clip: bool = False

    def delay(self, failures: int) -> float:
        """Seconds to wait after `failures` failures in a row (0 and 1 both give `first`)."""
        doublings = min(max(0, failures - 1), _MAX_DOUBLINGS)
        base = min(self.cap, self.first * 2.0 ** doublings)
        jittered = base * random.uniform(*self.jitter)
        return min(self.cap, jittered) if self.clip else jittered


class FailureStreak:
    """Counts failures in a row: `next()` is the wait after one more, `reset()` after a success."""

    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff
        self.failures = 0

    def next(self) -> float:
        self.failures += 1
        return self.backoff.delay(self.failures)

    def reset(self) -> None:
        self.failures = 0
