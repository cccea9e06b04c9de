"""The one clock: the current moment, timezone-aware in UTC.

Services take a `Clock` parameter defaulting to `utcnow`, so tests pass their own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)
