"""Reminder throughput: a real `organizer worker` process, its shared Telegram sender, and
the local Bot API keeping Telegram's limits (30 messages/s per bot, 1/s per chat).

500 reminders (quick: 250) fall due in the same minute for 50 chats. Measured
off the server's clock: messages accepted per second from the first to the last, as a
ratio of Telegram's 30/s (target >= 0.9), the 429s the server gave for flooding
(target 0) and messages sent twice or lost (target 0).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.worker_run import run_worker_until_sent

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAbench-reminders-token-0123456789"
TELEGRAM_PER_S = 30.0


def _metric(metric: str, value: float, unit: str, target: str, ok: bool | None) -> dict[str, Any]:
    return {"metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}


def run(quick: bool) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from tests.fakes.telegram_server import FakeTelegram

    from organizer.app.database import migrate
    from organizer.app.tasks import TaskService
    from organizer.domain.commands import AddTask
    from organizer.settings import load_settings
    from organizer.store.db import connect

    total, chats = (250, 50) if quick else (500, 50)
    server = FakeTelegram(tokens=[TOKEN]).start()
    server.send_limits.configure(per_s=TELEGRAM_PER_S, per_chat_s=1.0)
    work = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(work),
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DB_PATH": str(work / "data" / "organizer.db"),
        "CANON_PATH": str(REPO / "canon" / "intents_v2.yml"),
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": server.base_url,
        "TG_ALLOWED_USER_IDS": "1000", "REMINDER_LEAD_MIN": "10",
    }
    settings = load_settings(env, env_file=None)
    migrate(settings, say=lambda _l: None)
    conn = connect(settings.db_path)
    moscow = ZoneInfo("Europe/Moscow")
    due = (datetime.now(UTC) + timedelta(minutes=3)).astimezone(moscow)  # inside the lead
    service = TaskService(conn)
    for n in range(total):
        service.execute(AddTask(str(1000 + n % chats), f"дело {n}", due.date(),
                                due.time().replace(second=0, microsecond=0), "Europe/Moscow"))
    conn.close()
    run_worker_until_sent(env, work, server, total, "reminders", 30 + total / 10,
                          settle_s=1.0)  # anything sent twice would come in that second
    accepted = sorted(server.send_limits.accepted)
    rate = (len(accepted) - 1) / (accepted[-1] - accepted[0])
    texts = Counter((m["chat"]["id"], m["text"]) for m in server.sent)
    twice = sum(n - 1 for n in texts.values()) + max(0, len(server.sent) - total)
    flood = server.send_limits.flood_rejections
    ratio = rate / TELEGRAM_PER_S
    return {"name": "reminders", "metrics": [
        _metric(f"{total} reminders due at once, {chats} chats: sent/s", rate, "msg/s", "-",
                None),
        _metric("  ratio to Telegram's 30 messages/s", ratio, "x", ">= 0.9",
                0.9 <= ratio <= 1.0),
        _metric("  rejected for flooding (429)", flood, "count", "0", flood == 0),
        _metric("  sent twice or lost", twice + (total - len(server.sent)), "count", "0",
                twice == 0 and len(server.sent) == total),
    ]}
