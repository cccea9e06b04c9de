"""A person's settings, decided purely: the reminder lead time and the language spoken to them.

The language replies and reminders speak is one rule for both: the person's
explicit choice (/lang), else what Telegram says their app speaks
(language_code: English for en*, Russian for ru*, uk*, be*), else the configured
default. /lang auto gives the choice up, so Telegram's language counts again.
Telegram's code is recorded as an event only when it is new or changed.
"""

from __future__ import annotations

import re

from organizer.domain import events as e
from organizer.errors import InvalidDigestTime, InvalidLead

LANGS = ("ru", "en")
AUTO = "auto"  # /lang auto: no choice; follow the Telegram app's language
MAX_LEAD_MIN = 7 * 24 * 60  # a week
_TELEGRAM_LANGS = {"en": "en", "ru": "ru", "uk": "ru", "be": "ru"}
# An IETF tag as Telegram sends it ("en", "pt-br", "zh-hans"); anything else is not recorded.
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8}){0,3}$")


def reply_language(chosen: str | None, language_code: str | None, default: str) -> str:
    """The language (ru, en) to speak to a person in."""
    if chosen in LANGS:
        return chosen
    return _telegram_language(language_code) or default


def language_source(chosen: str | None, language_code: str | None) -> str:
    """Where `reply_language` takes the language from: chosen, telegram or default."""
    if chosen in LANGS:
        return "chosen"
    return "telegram" if _telegram_language(language_code) else "default"


def _telegram_language(language_code: str | None) -> str | None:
    """ru or en for a Telegram app in a language organizer speaks, else None."""
    if not language_code:
        return None
    return _TELEGRAM_LANGS.get(language_code.lower().replace("_", "-").split("-")[0])


def decide_lang(user_id: str, choice: str, chosen: str | None) -> list[e.Event]:
    """/lang ru|en: that language; /lang auto: give up the choice (nothing to do without one).

    `choice` is one of LANGS or AUTO; `chosen` the person's current choice.
    """
    if choice == AUTO:
        return [e.UserLangCleared(user_id=user_id)] if chosen is not None else []
    return [e.UserLangSet(user_id=user_id, lang=choice)]


def lead_minutes(chosen: int | None, default: int) -> int:
    """The person's lead time in minutes, else the configured one."""
    return default if chosen is None else chosen


def check_lead(minutes: int, said: str | None = None) -> int:
    """`minutes` when it is 0..MAX_LEAD_MIN, else InvalidLead naming it as `said` (or the number)."""
    if minutes < 0:
        raise InvalidLead("negative", said or str(minutes))
    if minutes > MAX_LEAD_MIN:
        raise InvalidLead("too_long", said or str(minutes))
    return minutes


def decide_lead(user_id: str, minutes: int) -> list[e.Event]:
    """Set the lead time; InvalidLead when it is not 0..MAX_LEAD_MIN."""
    return [e.UserLeadSet(user_id=user_id, minutes=check_lead(minutes))]


def normal_language_code(code: str | None) -> str | None:
    """Telegram's language_code lower-cased with "-", or None when it is missing or odd."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    return code if _LANGUAGE_CODE.match(code) else None


def decide_telegram_lang(user_id: str, recorded: str | None, code: str | None) -> list[e.Event]:
    """One event when Telegram's code for the person is new or changed, else none."""
    code = normal_language_code(code)
    if code is None or code == recorded:
        return []
    return [e.UserTelegramLangSeen(user_id=user_id, language_code=code)]


# "8", "8:00", "08.30", "7-30", "730" is not a time (too easily a typo): hours and optional minutes.
_DIGEST_TIME = re.compile(r"^(\d{1,2})(?:[:.\-h](\d{2}))?$")


def digest_time(hour: int, minute: int, said: str) -> str:
    """"HH:MM" for a time of day, else InvalidDigestTime naming it as `said`."""
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidDigestTime(said)
    return f"{hour:02d}:{minute:02d}"


def read_digest_time(text: str) -> str:
    """`/digest 8:00`'s argument as "HH:MM" ("8", "8:00", "08.30", "7h30"); InvalidDigestTime
    for anything else ("25:00", "8:75", "soon")."""
    found = _DIGEST_TIME.match(text.strip().lower())
    if found is None:
        raise InvalidDigestTime(text.strip())
    return digest_time(int(found.group(1)), int(found.group(2) or 0), text.strip())


def decide_digest(user_id: str, at: str | None, always: bool) -> list[e.Event]:
    """Set the digest time ("HH:MM", checked again here) or turn it off (None)."""
    if at is not None:
        hour, _, minute = at.partition(":")
        at = digest_time(int(hour), int(minute or 0), at)
    return [e.UserDigestSet(user_id=user_id, at=at, always=always and at is not None)]
