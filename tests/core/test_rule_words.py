"""A repeat rule in words, as replies, lists and the calendar show it."""

from __future__ import annotations

from pathlib import Path

import pytest

from organizer.canon import load_canon
from organizer.wording import rule_text

CANON = Path(__file__).parents[2] / "canon" / "intents_v2.yml"


@pytest.mark.parametrize("rule, ru, ru_short, en", [
    ("FREQ=WEEKLY;BYDAY=MO", "каждый понедельник", "каждый пн", "every Monday"),
    ("FREQ=WEEKLY;BYDAY=WE", "каждую среду", "каждую ср", "every Wednesday"),
    ("FREQ=DAILY", "каждый день", "каждый день", "every day"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "по будням", "по будням", "on weekdays"),
    ("FREQ=WEEKLY;BYDAY=MO,WE", "по понедельникам и средам", "по пн, ср",
     "on Monday and Wednesday"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "каждые 2 недели, по понедельникам",
     "каждые 2 недели, по пн", "every 2 weeks, on Monday"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "каждое 15 число", "каждое 15 число",
     "every month on day 15"),
    ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=8", "каждый год 8 марта", "каждый год 8 марта",
     "every year on March 8"),
    ("FREQ=HOURLY;INTERVAL=2", "каждые 2 часа", "каждые 2 часа", "every 2 hours"),
    ("FREQ=DAILY;INTERVAL=5;COUNT=3", "каждые 5 дней, 3 раза", "каждые 5 дней, 3 раза",
     "every 5 days, 3 times"),
    ("FREQ=DAILY;BYHOUR=9,19", "каждый день в 09:00 и 19:00", "каждый день в 09:00 и 19:00",
     "every day at 09:00 and 19:00"),
    ("FREQ=MONTHLY;BYDAY=1MO", "по правилу FREQ=MONTHLY;BYDAY=1MO",
     "по правилу FREQ=MONTHLY;BYDAY=1MO", "by the rule FREQ=MONTHLY;BYDAY=1MO"),
])
def test_rules_in_words(rule: str, ru: str, ru_short: str, en: str) -> None:
    canon = load_canon(CANON)
    assert rule_text(canon, rule, "ru") == ru
    assert rule_text(canon, rule, "ru", short=True) == ru_short
    assert rule_text(canon, rule, "en") == en
