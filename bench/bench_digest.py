"""Morning digests: a real `organizer worker` process, its shared Telegram sender, and the
local Bot API keeping Telegram's limits (30 messages/s per bot, 1/s per chat).

1,000 people (quick: 300), each with a task today, have their digest at the same minute.
Measured off the server's clock: messages accepted per second from the first to the last,
as a ratio of Telegram's 30/s (target <= 1.0: within the limit, and >= 0.9: using it),
the 429s the server gave for flooding (target 0), digests sent twice or lost (target 0),
and the seconds from the digest minute to the last digest (target <= 60).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.worker_run import run_worker_until_sent

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAbench-digest-token-0123456789abc"
TELEGRAM_PER_S = 30.0
LAST_WITHIN_S = 60.0


def _metric(metric: str, value: float, unit: str, target: str, ok: bool | None) -> dict[str, Any]:
    return {"metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}


def run(quick: bool) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from tests.fakes.telegram_server import FakeTelegram

    from organizer.app.database import migrate
    from organizer.app.tasks import TaskService
    from organizer.app.users import UserService
    from organizer.domain.commands import AddTask
    from organizer.settings import load_settings
    from organizer.store.db import connect

    people = 300 if quick else 1000
    server = FakeTelegram(tokens=[TOKEN]).start()
    server.send_limits.configure(per_s=TELEGRAM_PER_S, per_chat_s=1.0)
    work = Path(tempfile.mkdtemp(prefix="bench-digest-"))
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(work),
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DB_PATH": str(work / "data" / "organizer.db"),
        "CANON_PATH": str(REPO / "canon" / "intents_v2.yml"),
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": server.base_url,
        "TG_ALLOWED_USER_IDS": "1000",
    }
    settings = load_settings(env, env_file=None)
    migrate(settings, say=lambda _l: None)
    conn = connect(settings.db_path)
    moscow = ZoneInfo("Europe/Moscow")
    # the digest minute: the next whole minute at least 20 s away (time to start the worker)
    due = (datetime.now(UTC) + timedelta(seconds=80)).replace(second=0, microsecond=0)
    at = due.astimezone(moscow)
    tasks, users = TaskService(conn), UserService(conn)
    for n in range(people):
        owner = str(1000 + n)
        users.set_digest(owner, at.strftime("%H:%M"))
        tasks.execute(AddTask(owner, f"дело {n}", at.date(), None, "Europe/Moscow"))
    conn.close()
    run_worker_until_sent(env, work, server, people, "digests", 150 + people / 10,
                          settle_s=2.0)  # anything sent twice would come in those 2 s
    # the server's perf_counter clock, placed on the wall clock
    offset = time.time() - time.perf_counter()
    accepted = sorted(server.send_limits.accepted)
    rate = (len(accepted) - 1) / (accepted[-1] - accepted[0])
    last_s = accepted[-1] + offset - due.timestamp()
    texts = Counter((m["chat"]["id"], m["text"]) for m in server.sent)
    twice = sum(n - 1 for n in texts.values())
    lost = people - len(texts)
    flood = server.send_limits.flood_rejections
    ratio = rate / TELEGRAM_PER_S
    return {"name": "digest", "metrics": [
        _metric(f"{people} digests due at the same minute: sent/s", rate, "msg/s", "-", None),
        _metric("  ratio to Telegram's 30 messages/s", ratio, "x", "0.9 .. 1.0",
                0.9 <= ratio <= 1.0),
        _metric("  rejected for flooding (429)", flood, "count", "0", flood == 0),
        _metric("  sent twice or lost", twice + lost, "count", "0", twice == 0 and lost == 0),
        _metric("  last digest after the digest minute", last_s, "s", f"<= {LAST_WITHIN_S:.0f}",
                last_s <= LAST_WITHIN_S),
    ]}
