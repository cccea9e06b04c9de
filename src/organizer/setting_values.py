"""Validators for one setting's value each: numbers in range, paths, URLs, choices, time
zones, Telegram ids, times of day. A bad value is one clear ConfigError line naming the key
and how to fix it, never repeating a secret's value."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from organizer.config_safety import mask_url
from organizer.errors import ConfigError

Getter = Callable[[str], str]  # a setting's value by key, the default when unset


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


def chat_id(value: str | None) -> int | None:
    if value is None:
        return None
    if not is_int(value):
        raise ConfigError(
            f"OPS_ADMIN_CHAT_ID={value[:40]!r} is not a Telegram chat id; set a number such as 123456789"
        )
    return int(value)


def is_int(value: str) -> bool:
    # 19 digits fit in SQLite's integer; longer ones are no id or port (and int() of
    # thousands of digits is refused by Python itself).
    return re.fullmatch(r"-?\d{1,19}", value) is not None


def whole_number(get: Getter, key: str, *, low: int, high: int) -> int:
    value = get(key)
    if not is_int(value):
        shown = value if len(value) <= 40 else f"{value[:20]}… ({len(value)} characters)"
        raise ConfigError(f"{key}={shown!r} is not a whole number; set a number from {low} to {high}")
    number = int(value)
    if not low <= number <= high:
        raise ConfigError(f"{key}={number} is out of range; set a number from {low} to {high}")
    return number


def file_path(get: Getter, key: str) -> Path:
    value = get(key)
    if not value:
        raise ConfigError(f"{key} is empty; set a file path or remove the line to use the default")
    if "\x00" in value:
        raise ConfigError(f"{key} contains a NUL character; set a plain file path")
    return Path(value).expanduser().absolute()


def http_url(get: Getter, key: str) -> str:
    value = get(key)
    if not value:
        return ""
    try:
        parsed = urlparse(value)
        usable = parsed.scheme in ("http", "https") and bool(parsed.hostname)
        parsed.port  # noqa: B018 -- a port out of range raises here
    except ValueError:
        usable = False
    if not usable:
        raise ConfigError(
            f"{key}={mask_url(value)!r} is not an http(s) URL; set it like "
            "http://127.0.0.1:8080 or unset it"
        )
    return value


def choice(get: Getter, key: str, allowed: tuple[str, ...]) -> str:
    value = get(key).lower()
    if value not in allowed:
        raise ConfigError(f"{key}={value!r} is not one of {', '.join(allowed)}; set one of them")
    return str(value)


_ZONE_RE = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")


def zone(value: str) -> str:
    shown = value if len(value) <= 60 else value[:60] + "…"
    error = ConfigError(
        f"DEFAULT_TZ={shown!r} is not an IANA time zone; set a name such as Europe/Moscow"
    )
    if len(value) > 60 or not _ZONE_RE.fullmatch(value):
        raise error
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # a directory ("Europe") is an OSError
        raise error from None
    return value


def user_ids(value: str) -> tuple[int, ...]:
    ids: list[int] = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"\d{1,19}", part):
            raise ConfigError(
                f"TG_ALLOWED_USER_IDS has {part[:40]!r}, which is not a Telegram user id; "
                "list numeric ids separated by commas, e.g. 123456789,987654321"
            )
        ids.append(int(part))
    return tuple(ids)
