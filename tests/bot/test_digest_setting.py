"""The morning digest setting through the fake Bot API: /digest and words set it, /digest alone
and a question say it, /digest off and "не присылай сводку" stop it, and a time that is no time
of day gets one reply naming it and changes nothing."""

from __future__ import annotations

import pytest

from organizer.canon import Canon, load_canon
from tests.bot.conftest import ALICE, BOB, RunningBot
from tests.bot.test_preferences import text_of, user_events


@pytest.fixture
def canon(running_bot: RunningBot) -> Canon:
    return load_canon(running_bot.settings.canon_path)


def digest_of(bot: RunningBot, user: int) -> tuple[str | None, int] | None:
    conn = bot.db()
    try:
        row = conn.execute("SELECT digest_at, digest_always FROM users WHERE id = ?",
                           (str(user),)).fetchone()
        return (row[0], row[1]) if row else None
    finally:
        conn.close()


async def test_digest_command_sets_shows_and_stops_it(running_bot: RunningBot,
                                                      canon: Canon) -> None:
    bot = running_bot
    assert await text_of(bot, ALICE, "/digest") == canon.reply("digest_current.off", "ru")
    assert await text_of(bot, ALICE, "/digest 8:00") == canon.reply("digest_set", "ru",
                                                                     at="08:00", always="")
    assert digest_of(bot, ALICE) == ("08:00", 0)
    assert await text_of(bot, ALICE, "/digest") == canon.reply("digest_current.on", "ru",
                                                                at="08:00", always="")
    assert await text_of(bot, ALICE, "/digest off") == canon.reply("digest_off", "ru")
    assert digest_of(bot, ALICE) == (None, 0)
    assert await text_of(bot, ALICE, "/digest") == canon.reply("digest_current.off", "ru")
    assert user_events(bot, ALICE).count("user.digest_set") == 2


async def test_digest_in_words_russian_and_english_with_always(running_bot: RunningBot,
                                                               canon: Canon) -> None:
    bot = running_bot
    always = canon.reply("digest_always_note", "ru")
    assert await text_of(bot, ALICE, "присылай сводку в 8 утра") == canon.reply(
        "digest_set", "ru", at="08:00", always="")
    assert await text_of(bot, ALICE, "присылай сводку в 9 всегда") == canon.reply(
        "digest_set", "ru", at="09:00", always=always)
    assert digest_of(bot, ALICE) == ("09:00", 1)
    assert await text_of(bot, ALICE, "когда приходит сводка?") == canon.reply(
        "digest_current.on", "ru", at="09:00", always=always)
    assert await text_of(bot, ALICE, "не присылай сводку") == canon.reply("digest_off", "ru")
    assert digest_of(bot, ALICE) == (None, 0)
    await text_of(bot, BOB, "/lang en")
    assert await text_of(bot, BOB, "send me my day at 7:30") == canon.reply(
        "digest_set", "en", at="07:30", always="")
    assert digest_of(bot, BOB) == ("07:30", 0)
    assert bot.tasks() == []  # none of these became a task


@pytest.mark.parametrize("said", ["25:00", "8:75", "soon"])
async def test_a_time_that_is_no_time_of_day_is_refused_and_nothing_changes(
    running_bot: RunningBot, canon: Canon, said: str,
) -> None:
    bot = running_bot
    await text_of(bot, ALICE, "/digest 7:00")
    before = user_events(bot, ALICE)
    assert await text_of(bot, ALICE, f"/digest {said}") == canon.reply("digest_invalid", "ru",
                                                                       value=said)
    assert digest_of(bot, ALICE) == ("07:00", 0)
    assert user_events(bot, ALICE) == before
