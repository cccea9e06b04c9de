"""aiogram handlers: every update kind the bot receives is answered or ignored on purpose.

Private messages and button presses from allowed people go to the Conversation
(in the bot's database thread); strangers get one refusal naming their id;
group and channel posts, chat member changes and other kinds are only logged.
Each handled update is recorded in the reply ledger after its reply was
accepted, so a redelivered update is not answered twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from organizer.bot import ledger, preferences
from organizer.bot.asr import AsrClient, AsrUnavailable
from organizer.bot.chat import Incoming
from organizer.bot.conversation import Conversation
from organizer.bot.keyboards import on_press, task_of_buttons
from organizer.bot.replies import Reply, chunks, say

log = logging.getLogger("organizer.bot")
T = TypeVar("T")
Db = Callable[..., Awaitable[Any]]
_COMMAND = re.compile(r"^/(start|tz|lang|remind)(?:@\w+)?(?:\s+(.*))?$", re.S)
_SETTINGS = {"tz": preferences.set_tz, "lang": preferences.set_lang,
             "remind": preferences.remind}
MAX_VOICE_BYTES = 20 * 1024 * 1024


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row]
        for row in reply.buttons
    ])


class Handlers:
    """The bot's handlers, bound to one Conversation, ASR client and database thread."""

    def __init__(self, conv: Conversation, asr: AsrClient, db: Db) -> None:
        self.conv, self.asr, self.db = conv, asr, db

    def router(self) -> Router:
        router = Router(name="organizer")
        router.message.register(self.on_message)
        router.edited_message.register(self.on_edited)
        router.callback_query.register(self.on_callback)
        router.channel_post.register(self.ignore)
        router.edited_channel_post.register(self.ignore)
        router.my_chat_member.register(self.on_member)
        return router

    async def send(self, bot: Bot, key: str, chat_id: int, reply: Reply) -> None:
        """Send the reply (split at 4096 characters), then record it in the ledger."""
        last_id = None
        parts = chunks(reply.text)
        for index, part in enumerate(parts):
            sent = await bot.send_message(
                chat_id, part, reply_markup=markup(reply) if index == len(parts) - 1 else None)
            last_id = sent.message_id
        await self.db(ledger.record, self.conv.conn, key, chat_id, last_id)

    async def on_message(self, message: Message, event_update: Update, bot: Bot) -> None:
        key = ledger.update_key(bot.id, event_update.update_id)
        user = message.from_user
        if message.chat.type != "private" or user is None or user.is_bot:
            log.info("update %s: %s message ignored (the bot works in private chats only)",
                     event_update.update_id, message.chat.type)
            return
        if await self.db(ledger.replied, self.conv.conn, key):
            log.info("update %s was already answered; not answering again", event_update.update_id)
            return
        text = message.text if message.text is not None else message.caption
        msg = Incoming(key, user.id, text or "", user.language_code,
                       _replied_task(message, bot.id))
        if not self.conv.allowed(user.id):
            await self.refuse(bot, key, message.chat.id, msg)
            return
        await self.db(self.conv.notice, msg)
        command = _COMMAND.match(text.strip()) if text else None
        if command is not None:
            name, arg = command.group(1), (command.group(2) or "").strip()
            if name == "start":
                reply = await self.db(self.conv.start, msg)
            else:
                reply = await self.db(_SETTINGS[name], self.conv, msg, arg)
        elif message.voice is not None:
            reply = await self.voice(bot, message, msg)
        elif text and text.strip():
            reply = await self.db(self.conv.on_text, msg)
        else:  # a sticker, a photo without caption, a location...
            _, lang = await self.db(self.conv.profile, user.id, user.language_code)
            reply = Reply(say(self.conv.canon(), "unknown", lang))
        await self.send(bot, key, message.chat.id, reply)

    async def refuse(self, bot: Bot, key: str, chat_id: int, msg: Incoming) -> None:
        """One polite refusal per stranger (and one per /start); nothing else is done."""
        once = f"{key.rsplit(':', 1)[0]}:refused:{msg.user_id}"
        log.warning("update from user %s who is not in TG_ALLOWED_USER_IDS: refused", msg.user_id)
        if not msg.text.startswith("/start") and await self.db(ledger.replied, self.conv.conn, once):
            await self.db(ledger.record, self.conv.conn, key, chat_id, None)
            return
        await self.send(bot, key, chat_id, await self.db(self.conv.denied, msg))
        await self.db(ledger.record, self.conv.conn, once, chat_id, None)

    async def voice(self, bot: Bot, message: Message, msg: Incoming) -> Reply:
        """Download the voice message, transcribe it, and treat the text as typed."""
        assert message.voice is not None
        _, lang = await self.db(self.conv.profile, msg.user_id, msg.tg_lang)
        canon = self.conv.canon()
        try:
            if (message.voice.file_size or 0) > MAX_VOICE_BYTES:
                raise AsrUnavailable("voice message too large")
            audio = await self.download(bot, message.voice.file_id)
            text = await self.asr.transcribe(audio, lang)
        except AsrUnavailable as exc:
            log.warning("voice message not transcribed: %s", exc)
            return Reply(say(canon, "asr_unavailable", lang))
        if not text:
            return Reply(say(canon, "unknown", lang))
        heard = say(canon, "voice_recognised", lang, text=text)
        typed = Incoming(msg.key, msg.user_id, text, msg.tg_lang, msg.reply_task, "voice")
        reply: Reply = await self.db(self.conv.on_text, typed)
        return Reply(heard + "\n" + reply.text, reply.buttons)

    async def download(self, bot: Bot, file_id: str) -> bytes:
        file = await bot.get_file(file_id)
        if not file.file_path:
            raise AsrUnavailable("Telegram gave no file path for the voice message")
        data = await bot.download_file(file.file_path, timeout=30)
        if data is None:
            raise AsrUnavailable("voice download failed")
        return data.read()

    async def on_callback(self, query: CallbackQuery, event_update: Update, bot: Bot) -> None:
        key = ledger.update_key(bot.id, event_update.update_id)
        answer: str | None = None
        try:
            if await self.db(ledger.replied, self.conv.conn, key):
                return
            user = query.from_user
            if not self.conv.allowed(user.id):
                msg = Incoming(key, user.id, "", user.language_code)
                answer = (await self.db(self.conv.denied, msg)).text[:190]
                await self.db(ledger.record, self.conv.conn, key, None, None)
                return
            await self.db(self.conv.notice, Incoming(key, user.id, "", user.language_code))
            reply: Reply = await self.db(on_press, self.conv, key, user.id, query.data or "",
                                         user.language_code)
            answer = reply.answer
            target = query.message
            if reply.text and isinstance(target, Message):
                try:
                    await bot.edit_message_text(reply.text[:4096], chat_id=target.chat.id,
                                                message_id=target.message_id,
                                                reply_markup=markup(reply))
                except TelegramBadRequest as exc:
                    if "not modified" not in str(exc):
                        raise
            await self.db(ledger.record, self.conv.conn, key, target.chat.id if target else None,
                          target.message_id if target else None)
        finally:
            await self._answer(bot, query.id, answer)

    async def _answer(self, bot: Bot, query_id: str, text: str | None) -> None:
        try:
            await bot.answer_callback_query(query_id, text=text)
        except (TelegramBadRequest, TelegramForbiddenError) as exc:  # too old: nothing to do
            log.info("callback query %s not answered: %s", query_id, exc)

    async def on_edited(self, message: Message, event_update: Update, bot: Bot) -> None:
        """Edits are not applied (the original already acted); allowed people are told so."""
        user = message.from_user
        key = ledger.update_key(bot.id, event_update.update_id)
        if (message.chat.type != "private" or user is None
                or not self.conv.allowed(user.id) or await self.db(ledger.replied, self.conv.conn, key)):
            return
        _, lang = await self.db(self.conv.profile, user.id, user.language_code)
        await self.send(bot, key, message.chat.id,
                        Reply(say(self.conv.canon(), "edited_ignored", lang)))

    async def on_member(self, event: ChatMemberUpdated, event_update: Update) -> None:
        log.info("update %s: the bot is now %s in chat %s", event_update.update_id,
                 event.new_chat_member.status, event.chat.id)

    async def ignore(self, event_update: Update) -> None:
        log.info("update %s (%s) ignored on purpose", event_update.update_id,
                 event_update.event_type)


def _replied_task(message: Message, bot_id: int) -> str | None:
    """The task of the bot's message that `message` replies to (by that message's buttons)."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return None
    markup = replied.reply_markup
    return task_of_buttons(markup.inline_keyboard if markup is not None else None)
