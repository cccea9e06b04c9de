"""A backup that is interrupted cleans up after itself, and the next one after a killed one.

`interrupts_raise()` turns SIGTERM, SIGHUP and SIGINT into `BackupInterrupted`
while a backup runs, so the ordinary cleanup (kill the copying child, remove
the `.partial`) runs before the process ends. SIGKILL cannot be caught: the
copying child dies with its parent (`filecopy.die_with_parent`) and the
partial's name carries the pid of the process that writes it, so the next
backup removes every partial whose process is gone (`sweep_partials`).
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from organizer.errors import OrganizerError

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT")
                if hasattr(signal, name))
_OWNED = re.compile(r"^organizer-.*\.(\d+)\.partial$")
LEGACY_AGE_S = 3600.0  # a partial named before pids were (no owner to ask): this old is dead


class BackupInterrupted(OrganizerError):
    """A signal stopped the backup; its partial copy was removed."""

    exit_code = 1


def partial_name(name: str) -> str:
    """The temporary name of `name` while this process writes it."""
    return f"{name}.{os.getpid()}.partial"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def sweep_partials(directory: Path) -> list[str]:
    """Remove the partial copies in `directory` that no live process is writing; their names."""
    removed: list[str] = []
    if not directory.is_dir():
        return removed
    for path in directory.glob("organizer-*.partial"):
        owned = _OWNED.match(path.name)
        try:
            if owned:
                if _alive(int(owned.group(1))):
                    continue
            elif time.time() - path.stat().st_mtime < LEGACY_AGE_S:
                continue
            path.unlink()
        except OSError:
            continue
        removed.append(path.name)
    return removed


@contextmanager
def interrupts_raise(what: str) -> Iterator[None]:
    """Within the block, SIGTERM/SIGHUP/SIGINT raise BackupInterrupted (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        raise BackupInterrupted(f"{what} interrupted by {name}: the partial copy was removed, "
                                "no backup was made; run `organizer backup create` again")

    previous = {sig: signal.signal(sig, stop) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
