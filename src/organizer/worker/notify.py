"""Noticing new commits without busy-polling: `PRAGMA data_version` on an idle connection.

SQLite changes a connection's data_version whenever *another* connection
commits. Asking costs a few microseconds and no lock, so checking it every
POLL_S on a dedicated connection notices a commit within POLL_S while the
thread sleeps in between.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from organizer.store.db import connect

POLL_S = 0.1


class ChangeNotifier:
    """Wakes a waiting thread when the database was committed to by anyone."""

    def __init__(self, db_path: Path, stop: threading.Event, poll_s: float = POLL_S) -> None:
        self.conn = connect(db_path)
        self.stop = stop
        self.poll_s = poll_s
        self.seen = self._version()

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        """Sleep until a commit, `timeout` or stop; True when something was committed."""
        deadline = time.monotonic() + timeout
        while not self.stop.is_set():
            version = self._version()
            if version != self.seen:
                self.seen = version
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.stop.wait(min(self.poll_s, left))
        return False

    def close(self) -> None:
        self.conn.close()
