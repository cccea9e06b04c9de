"""What a reply to one message needs of the conversation: a seam, so that the button and
preference handlers depend on this small surface and not on `Conversation` itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from organizer.app.tasks import TaskService
    from organizer.app.users import UserService
    from organizer.bot.replies import Reply
    from organizer.canon import Canon
    from organizer.store.views import TaskView


@dataclass(frozen=True)
class Incoming:
    """One message as the conversation sees it."""

    key: str              # idempotency key: tg:<bot id>:<update_id>
    user_id: int
    text: str
    tg_lang: str | None = None  # Telegram's language_code of the sender


class Chat(Protocol):
    """The person's side of the bot: their settings, the services, and task replies."""

    canon: Callable[[], Canon]
    clock: Callable[[], datetime]
    tasks: TaskService
    users: UserService

    def profile(self, user_id: int, tg_lang: str | None = None) -> tuple[str, str]: ...

    def lead(self, user_id: int) -> int: ...

    def meta(self, msg: Incoming) -> dict[str, Any]: ...

    def state_reply(self, task: TaskView, tz: str, lang: str, now: datetime,
                    done: bool = False) -> Reply: ...
