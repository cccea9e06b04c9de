"""Pin a snapshot of a live WAL database that lies wholly in its main file.

With the write lock held for a moment (writers wait), a reader begins and a
checkpoint copies every frame of the WAL into the main file. When that
checkpoint is complete, the reader's snapshot *is* the main file's first
`length` bytes, and it stays so while the reader's transaction is open: no
checkpoint copies frames newer than an open reader's snapshot (a reader that
began on a fully checkpointed WAL holds read-mark 0, which stops them all), and
the WAL is not restarted under a reader. Writers go on meanwhile, appending to
the WAL, and their automatic checkpoints find nothing they may do. So plain
file I/O can copy those bytes while the reader stays open.

Most of the checkpointing happens before the write lock is taken, so writers
wait only for what was committed in between. A reader elsewhere with an older
snapshot keeps the checkpoint from completing: then pinning tries again and,
after `patience_s`, gives up (None) for the caller to copy another way.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from organizer.errors import StorageError
from organizer.store.db import connect

_RETRY_S = 0.02


@dataclass
class PinnedSnapshot:
    """An open read transaction whose snapshot is the main file's first `length` bytes."""

    conn: sqlite3.Connection
    length: int
    inode: tuple[int, int]

    def release(self) -> None:
        try:
            self.conn.execute("COMMIT")
        finally:
            self.conn.close()


def pin_snapshot(db_path: Path, patience_s: float) -> PinnedSnapshot | None:
    """Pin the current state of `db_path` in its main file, or None within `patience_s`."""
    gate = connect(db_path)  # says clearly when there is no database
    try:
        status = os.stat(db_path)  # before the reader opens it: the copy checks it is this file
    except OSError as exc:
        gate.close()
        raise StorageError(f"database {db_path} went away: {exc.strerror}") from exc
    inode = (status.st_dev, status.st_ino)
    reader, checkpointer = connect(db_path), connect(db_path)
    pinned: PinnedSnapshot | None = None
    deadline = time.monotonic() + patience_s
    try:
        while pinned is None and time.monotonic() < deadline:
            _all_checkpointed(checkpointer, deadline)  # the bulk, while writers go on
            try:
                gate.execute("BEGIN IMMEDIATE")  # writers wait from here...
            except sqlite3.OperationalError:
                break  # a writer held the lock for the whole busy timeout
            try:
                reader.execute("BEGIN")
                reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
                if _all_checkpointed(checkpointer, deadline):
                    pinned = _pinned(reader, inode)
                else:
                    reader.execute("ROLLBACK")
            finally:
                gate.execute("ROLLBACK")  # ...to here
            if pinned is None:
                time.sleep(_RETRY_S)
    finally:
        gate.close()
        checkpointer.close()
        if pinned is None:
            reader.close()
    return pinned


def _all_checkpointed(checkpointer: sqlite3.Connection, deadline: float) -> bool:
    """True when the main file holds every committed frame.

    This is the proof, made after the reader began: a checkpoint never goes
    past an open reader's snapshot, so a complete one means the file holds
    exactly that snapshot. Holding the write lock only makes it likely.
    """
    while True:
        busy, frames, done = checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if not busy:
            return bool(frames == done)
        if time.monotonic() >= deadline:  # another checkpoint is running: it ends soon
            return False
        time.sleep(0.001)


def _pinned(reader: sqlite3.Connection, inode: tuple[int, int]) -> PinnedSnapshot:
    pages = reader.execute("PRAGMA page_count").fetchone()[0]
    size = reader.execute("PRAGMA page_size").fetchone()[0]
    return PinnedSnapshot(reader, int(pages) * int(size), inode)
