"""The morning digest setting: `/digest 8:00`, "присылай сводку в 8 утра", "send me my day at
7:30", `/digest off`, and `/digest` alone (the setting now, and how to change it).

Both ways in are one canon intent (`set_digest`), so the command and the words are read
alike. A time that is no time of day ("25:00") gets one reply naming it and how to write
one, and changes nothing; a setting is one `user.digest_set` event through UserService,
under the update's idempotency key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from organizer.bot.preferences import shown
from organizer.bot.replies import Reply, say
from organizer.errors import InvalidDigestTime

if TYPE_CHECKING:
    from organizer.bot.chat import Chat, Incoming


def digest(conv: Chat, msg: Incoming, parsed: Any) -> Reply:
    """Act on a `set_digest` message: set the time, turn it off, or say the setting."""
    canon = conv.canon()
    at, words = getattr(parsed, "digest_at", None), getattr(parsed, "digest_words", None)
    off = bool(getattr(parsed, "digest_off", False))
    if not off and at is None and not words:
        return current(conv, msg)
    _, lang = conv.profile(msg.user_id, msg.tg_lang)
    if not off and at is None:
        return Reply(say(canon, "digest_invalid", lang, value=shown(words or "")))
    try:
        found = conv.users.set_digest(str(msg.user_id), None if off else at,
                                      bool(getattr(parsed, "digest_always", False)),
                                      idempotency_key=msg.key, meta=conv.meta(msg))
    except InvalidDigestTime as exc:
        return Reply(say(canon, "digest_invalid", lang, value=shown(exc.value)))
    if found.digest_at is None:
        return Reply(say(canon, "digest_off", lang))
    return Reply(say(canon, "digest_set", lang, at=found.digest_at,
                     always=_always(conv, found.digest_always, lang)))


def current(conv: Chat, msg: Incoming) -> Reply:
    """`/digest` alone: the time it comes, or that it is off, and how to change it."""
    found = conv.users.get(str(msg.user_id))
    _, lang = conv.profile(msg.user_id, msg.tg_lang)
    if found.digest_at is None:
        return Reply(say(conv.canon(), "digest_current.off", lang))
    return Reply(say(conv.canon(), "digest_current.on", lang, at=found.digest_at,
                     always=_always(conv, found.digest_always, lang)))


def _always(conv: Chat, always: bool, lang: str) -> str:
    return say(conv.canon(), "digest_always_note", lang) if always else ""
