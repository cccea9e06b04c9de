"""Validators for the ops settings (OPS_DAILY_CHECK_AT, OPS_PING_URL): one clear line each,
never repeating a secret's value."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from organizer.errors import ConfigError


def clock_time(value: str | None) -> str | None:
    """HH:MM (24-hour) as "HH:MM"; None when unset."""
    if value is None:
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ConfigError(f"OPS_DAILY_CHECK_AT={value[:20]!r} is not a time of day; set HH:MM "
                          "such as 09:30 (in DEFAULT_TZ) or unset it to turn the check off")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def secret_url(value: str | None, key: str) -> str | None:
    """An http(s) URL that is a secret: the error never repeats it."""
    if value is None:
        return None
    try:
        parsed = urlparse(value)
        valid = parsed.scheme in ("http", "https") and bool(parsed.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise ConfigError(f"{key} is not an http(s) URL; set it like "
                          "https://hc-ping.com/<uuid> or unset it")
    return value.rstrip("/")

