"""The settings commands: /tz (alone: the zone now), /lang (ru, en, auto) and /remind, each
a user event through UserService, and the reminder setting said in words ("напоминай за 30
минут"), which takes /remind's path.

Like the conversation, synchronous and free of Telegram types (the handlers run
these in the bot's database thread); the update's idempotency key makes a
redelivered command change nothing twice. A bad value gets one reply naming
the problem and the fix, in the person's language, and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from organizer.app.users import AUTO, MAX_LEAD_MIN, InvalidSetting
from organizer.bot.replies import Reply, say
from organizer.domain.users import language_source
from organizer.errors import InvalidLead
from organizer.parsing.lead import parse_lead

if TYPE_CHECKING:
    from organizer.bot.chat import Chat, Incoming
    from organizer.canon import Canon

SHOWN_CHARS = 40


def set_tz(conv: Chat, msg: Incoming, name: str) -> Reply:
    """`/tz Europe/Berlin`; `/tz` alone: the zone now (the person's, else DEFAULT_TZ) and
    how to change it."""
    tz, lang = conv.profile(msg.user_id, msg.tg_lang)
    if not name.strip():
        return Reply(say(conv.canon(), "tz_current", lang, tz=tz))
    try:
        found = conv.users.set_tz(str(msg.user_id), name, idempotency_key=msg.key,
                                  meta=conv.meta(msg))
    except InvalidSetting:
        return Reply(say(conv.canon(), "tz_invalid", lang, tz=shown(name)))
    return Reply(say(conv.canon(), "tz_set", lang, tz=found.tz))


def set_lang(conv: Chat, msg: Incoming, arg: str) -> Reply:
    """`/lang en`: the help, in the language just chosen; `/lang auto`: back to the Telegram
    app's language; `/lang` alone: the language now, where it comes from and how to change it."""
    canon, choice = conv.canon(), arg.strip()
    if not choice:
        return current_lang(conv, msg)
    try:
        conv.users.set_lang(str(msg.user_id), choice, idempotency_key=msg.key,
                            meta=conv.meta(msg))
    except InvalidSetting:
        _, lang = conv.profile(msg.user_id, msg.tg_lang)
        return Reply(say(canon, "lang_invalid", lang, value=choice))
    _, lang = conv.profile(msg.user_id, msg.tg_lang)
    if choice.lower() == AUTO:
        return Reply(say(canon, "lang_auto", lang, language=_language_name(conv, lang)))
    return Reply(say(canon, "help", lang))


def current_lang(conv: Chat, msg: Incoming) -> Reply:
    """`/lang` alone."""
    found = conv.users.get(str(msg.user_id))
    _, lang = conv.profile(msg.user_id, msg.tg_lang)
    source = language_source(found.lang, msg.tg_lang or found.tg_lang)
    return Reply(say(conv.canon(), f"lang_current.{source}", lang,
                     language=_language_name(conv, lang)))


def _language_name(conv: Chat, lang: str) -> str:
    return say(conv.canon(), "language_name." + ("english" if lang == "en" else "russian"), lang)


def remind(conv: Chat, msg: Incoming, arg: str) -> Reply:
    """`/remind 15`: remind 15 minutes before due times (`/remind 0`: at the due time;
    "2h", "1 час" too); `/remind` alone: the current lead time and how to change it."""
    if not arg.strip():
        return current_lead(conv, msg)
    try:
        minutes = parse_lead(arg)
    except InvalidLead as exc:
        return _refused(conv, msg, exc.problem, exc.value)
    return _set_lead(conv, msg, minutes, arg.strip())


def remind_in_words(conv: Chat, msg: Incoming, minutes: int | None,
                    said: str | None) -> Reply:
    """"напоминай за 30 минут": what `/remind 30` does, refusals naming the amount as written.

    No amount ("напоминай заранее"): the current setting, as `/remind` alone; an
    amount that is not a whole number of minutes ("за 1,5 минуты"): not_a_number.
    """
    if minutes is None and not said:
        return current_lead(conv, msg)
    if minutes is None:
        return _refused(conv, msg, "not_a_number", said or "")
    return _set_lead(conv, msg, minutes, said or str(minutes))


def current_lead(conv: Chat, msg: Incoming) -> Reply:
    """The person's lead time now, and how to change it."""
    _, lang = conv.profile(msg.user_id, msg.tg_lang)
    return Reply(say(conv.canon(), "remind_current", lang,
                     when=lead_phrase(conv, conv.lead(msg.user_id), lang)))


def _set_lead(conv: Chat, msg: Incoming, minutes: int, said: str) -> Reply:
    """One `user.lead_set` event (none for a value out of range); the reply says what is set."""
    try:
        conv.users.set_lead(str(msg.user_id), minutes, idempotency_key=msg.key,
                            meta=conv.meta(msg))
    except InvalidLead as exc:
        return _refused(conv, msg, exc.problem, said)
    _, lang = conv.profile(msg.user_id, msg.tg_lang)
    return Reply(say(conv.canon(), "remind_set", lang,
                     when=lead_phrase(conv, conv.lead(msg.user_id), lang)))


def _refused(conv: Chat, msg: Incoming, problem: str, said: str) -> Reply:
    _, lang = conv.profile(msg.user_id, msg.tg_lang)
    return Reply(say(conv.canon(), f"remind_invalid.{problem}", lang, value=shown(said),
                     max=MAX_LEAD_MIN))


def shown(value: str, limit: int = SHOWN_CHARS) -> str:
    """What the person sent, quoted back: printable characters only, and at most `limit`
    of them ("77777…" for 4,400 digits), so a refusal stays one short message."""
    value = "".join(c for c in value if c.isprintable())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def lead_phrase(conv: Chat, minutes: int, lang: str) -> str:
    """"за 1 ч 30 мин до срока" / "right at the due time", from the canon's templates."""
    if minutes == 0:
        return say(conv.canon(), "remind_lead_at_due", lang)
    return say(conv.canon(), "remind_lead_before", lang, lead=duration_text(conv.canon(), minutes, lang))


def duration_text(canon: Canon, minutes: int, lang: str) -> str:
    """"15 мин", "2 ч", "1 ч 30 мин" / "1 h 30 min": a lead time in short words."""
    hours, rest = divmod(minutes, 60)
    parts = [say(canon, "duration_hours", lang, hours=hours)] if hours else []
    if rest or not hours:
        parts.append(say(canon, "duration_minutes", lang, minutes=rest))
    return " ".join(parts)
