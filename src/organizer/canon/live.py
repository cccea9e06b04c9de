"""The canon a daemon runs with, reloaded when its entry file or one of its parts changes.

The DIRECTORY is watched, not the file: an editor's or a deploy's atomic
replace (write a temp file, rename it over) leaves a watch on the old inode
blind, while the directory sees the new name `added`. There is no "watcher
ready" signal, so the file is re-read once the watcher runs, and on every quiet
timeout its stat is compared as a cheap safety net (bind mounts that pass no
events). An invalid edit keeps the last good canon and logs one error line per
distinct bad content; nothing here ever raises into the daemon.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from organizer.canon.loader import load_canon
from organizer.canon.model import Canon
from organizer.canon.parts import fingerprint, read_canon_files
from organizer.errors import CanonError

log = logging.getLogger("organizer.canon")

Changes = Iterable[tuple[object, str]]


class LiveCanon:
    """Holds `.current`, the last good canon; `watch` keeps it up to date."""

    def __init__(
        self,
        path: Path,
        canon: Canon | None = None,
        *,
        debounce_ms: int = 200,
        timeout_ms: int = 1000,
    ) -> None:
        self.path = Path(path).absolute()
        self.current: Canon = canon if canon is not None else load_canon(self.path)
        self.debounce_ms = debounce_ms
        self.timeout_ms = timeout_ms
        self._stat = self._stat_now()
        self._last_failure: str | None = None
        # Why the last reload was refused, for /health; None while the file is good.
        self.last_error: str | None = None
        # Set once the watcher runs and has re-read the file (for tests and health).
        self.watching = threading.Event()

    def _files(self) -> tuple[Path, ...]:
        """The entry and the parts the current canon is made of."""
        return self.current.files or (self.path,)

    def _stat_now(self) -> tuple[tuple[int, int, int] | None, ...]:
        stats: list[tuple[int, int, int] | None] = []
        for path in self._files():
            try:
                st = os.stat(path)
            except OSError:
                stats.append(None)
                continue
            stats.append((st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(stats)

    def reload(self) -> bool:
        """Re-read the entry and its parts; True when a new valid canon replaced the current one."""
        self._stat = self._stat_now()
        try:
            files = read_canon_files(self.path)
        except CanonError as exc:
            self._fail(f"unreadable:{exc}", str(exc))
            return False
        sha256 = fingerprint(files)
        if sha256 == self.current.sha256:
            self._last_failure = None
            self.last_error = None
            return False
        try:
            fresh = load_canon(self.path)
        except CanonError as exc:
            self._fail(sha256, str(exc))
            return False
        except Exception as exc:  # never let a reload take the daemon down
            self._fail(sha256, f"unexpected {type(exc).__name__}: {exc}")
            return False
        old = self.current
        self.current = fresh
        self._last_failure = None
        self.last_error = None
        log.info(
            "canon reloaded from %s: version %s sha256 %s (was %s %s)",
            self.path, fresh.version, fresh.sha256[:12], old.version, old.sha256[:12],
        )  # fmt: skip
        return True

    def _fail(self, fingerprint: str, reason: str) -> None:
        self.last_error = reason
        if fingerprint == self._last_failure:
            return
        self._last_failure = fingerprint
        log.error(
            "canon edit rejected, keeping version %s sha256 %s: %s",
            self.current.version, self.current.sha256[:12], reason,
        )  # fmt: skip

    def _on_batch(self, changes: Changes, first: bool) -> None:
        if first:
            self.reload()
            self.watching.set()
            return
        names = {Path(str(p)).name for _, p in changes}
        if not names:  # a quiet timeout: compare the stat as a safety net
            if self._stat_now() != self._stat:
                self.reload()
            return
        if names & {path.name for path in (self.path, *self._files())}:
            self.reload()

    async def watch(self, stop: asyncio.Event) -> None:
        """Reload on change until `stop` is set (the thread watcher, bridged to asyncio)."""
        flag = threading.Event()
        thread = self.watch_in_thread(flag)
        try:
            await stop.wait()
        finally:
            flag.set()
            await asyncio.to_thread(thread.join, (self.timeout_ms / 1000) * 2 + 1)

    def watch_in_thread(self, stop: threading.Event) -> threading.Thread:
        """Start a daemon thread that reloads on change until `stop` is set."""
        thread = threading.Thread(
            target=self._watch_sync, args=(stop,), name="canon-watch", daemon=True
        )
        thread.start()
        return thread

    def _watch_sync(self, stop: threading.Event) -> None:
        try:
            from watchfiles import watch

            first = True
            for changes in watch(
                self.path.parent,
                stop_event=stop,
                watch_filter=None,
                debounce=self.debounce_ms,
                rust_timeout=self.timeout_ms,
                yield_on_timeout=True,
                recursive=False,
                raise_interrupt=False,
            ):
                self._on_batch(changes, first)
                first = False
        except Exception as exc:
            log.error(
                "canon watcher on %s stopped (%s); polling every %d ms instead",
                self.path.parent,
                exc,
                self.timeout_ms,
            )
            while not stop.wait(self.timeout_ms / 1000):
                self._on_batch((), False)
