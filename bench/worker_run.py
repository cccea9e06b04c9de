"""Running `organizer worker` against the local Bot API until it has sent a given number of
messages: what the reminder and digest benchmarks share."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def run_worker_until_sent(env: dict[str, str], work: Path, server: Any, count: int, what: str,
                          budget_s: float, settle_s: float) -> None:
    """Run `organizer worker` until the local Bot API has accepted `count` messages (RuntimeError
    naming the log after `budget_s` or if the worker exits), wait `settle_s` for anything sent
    twice, then stop the worker and the server."""
    log = (work / "worker.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "organizer", "worker"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=work)
    try:
        deadline = time.monotonic() + budget_s
        while len(server.send_limits.accepted) < count:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"only {len(server.send_limits.accepted)} of {count} "
                                   f"{what} sent; see {work / 'worker.log'}")
            time.sleep(0.05)
        time.sleep(settle_s)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
        log.close()
        server.stop()
