"""The SQLite policy, in one place.

Every connection is opened here: WAL with synchronous=FULL, a busy timeout,
foreign keys, and explicit transactions (`BEGIN IMMEDIATE` for writers, so a writer waits for the
lock up front instead of failing half-way). sqlite3 errors are translated to
organizer's errors here and nowhere else.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path
from types import TracebackType

from organizer.errors import DatabaseBusy, DatabaseDamaged, NotADatabase, StorageError
from organizer.store.private import create_private_file, private_dirs

BUSY_TIMEOUT_MS = 5_000
# A writer keeps trying this long in total before the user hears "busy".
LOCK_PATIENCE_S = 30.0


def connect(path: Path, *, create: bool = False, readonly: bool = False,
            busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """Open the database at `path` with organizer's policy.

    Without `create` a missing file is an error naming the path, so a daemon
    never silently starts on an empty database somewhere unexpected.
    """
    path = Path(path)
    if not path.exists() and not create:
        raise StorageError(
            f"database {path} does not exist; run `organizer migrate` to create it "
            "or set DB_PATH to the existing database"
        )
    if create and not path.exists():
        try:
            private_dirs(path.parent)
        except OSError as exc:
            raise StorageError(
                f"cannot create directory {path.parent}: {exc.strerror}; "
                "choose a writable DB_PATH"
            ) from exc
        try:
            create_private_file(path)  # 0600 before SQLite opens it: -wal and -shm follow it
        except OSError as exc:
            raise StorageError(
                f"cannot open database {path}: the directory is missing or not writable "
                f"({exc.strerror}); fix its permissions or set DB_PATH"
            ) from exc
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    try:
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=busy_timeout_ms / 1000,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StorageError(f"database {path} could not switch to WAL (mode {mode})")
        # FULL: each commit is on disk before the command returns. Under NORMAL a
        # power cut or a crash of the VPS can take back the last commits after
        # the bot said "added" and Telegram was told the update was handled, so
        # the message would be lost for good. One person's organizer commits a
        # few times a minute; an fsync each is nothing next to a Telegram reply.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, path) from exc
    except StorageError:
        conn.close()
        raise
    return conn


def db_file(conn: sqlite3.Connection) -> Path:
    row = conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else Path(":memory:")


RESTORE_HINT = ("restore the latest backup with `organizer backup restore FILE` — "
                "`organizer backup list` shows them")


def damaged(path: Path | None, detail: str) -> DatabaseDamaged:
    where = f"the database file {path}" if path else "the database file"
    return DatabaseDamaged(f"{where} is damaged ({detail}): {RESTORE_HINT}")


def translate(exc: sqlite3.Error, path: Path | None = None) -> StorageError:
    """The one place sqlite3 errors become organizer errors."""
    where = f"database {path}" if path else "the database"
    message = str(exc)
    if "malformed" in message or "corrupt" in message:
        return damaged(path, message)
    if "file is not a database" in message or "file is encrypted" in message:
        return NotADatabase(
            f"{where} is not an SQLite database; point DB_PATH at the organizer database "
            "(the file was left untouched)"
        )
    if "locked" in message or "busy" in message:
        return DatabaseBusy(
            f"{where} stayed locked by another process for {LOCK_PATIENCE_S:.0f} s; "
            "try again, and check `organizer ops check` if it persists"
        )
    if "readonly" in message or "read-only" in message:
        return StorageError(
            f"{where} is read-only for this user; fix the file's and its directory's "
            "permissions or set DB_PATH to a writable place"
        )
    if "unable to open" in message:
        return StorageError(
            f"cannot open {where}: the directory is missing or not writable; "
            "fix its permissions or set DB_PATH"
        )
    if "disk I/O" in message or "full" in message:
        return StorageError(f"{where}: {message}; free disk space and try again")
    return StorageError(f"{where}: {message}")


class transaction:  # noqa: N801 - used as `with transaction(conn):`, like a function
    """One explicit transaction: BEGIN IMMEDIATE for writers, deferred for readers.

    A writer that cannot get the lock within the busy timeout keeps trying for
    LOCK_PATIENCE_S before giving up with DatabaseBusy, so a burst of
    concurrent writers (bot, worker, CLI) never shows `database is locked`.
    A class rather than a generator: it runs on every command, and this is
    the cheaper form of the same thing.
    """

    __slots__ = ("conn", "write")

    def __init__(self, conn: sqlite3.Connection, *, write: bool = True) -> None:
        self.conn = conn
        self.write = write

    def __enter__(self) -> sqlite3.Connection:
        conn = self.conn
        begin = "BEGIN IMMEDIATE" if self.write else "BEGIN"
        deadline = time.monotonic() + LOCK_PATIENCE_S
        while True:
            try:
                conn.execute(begin)
                return conn
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise translate(exc, db_file(conn)) from exc
                if time.monotonic() > deadline:
                    raise translate(exc, db_file(conn)) from exc
            time.sleep(0.05)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        conn = self.conn
        if kind is not None:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # the error below says what went wrong
                    conn.rollback()
            if isinstance(exc, sqlite3.Error):  # raised inside the body: translated like BEGIN's
                raise translate(exc, db_file(conn)) from exc
            return
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.rollback()
            raise translate(error, db_file(conn)) from error


def quick_check(conn: sqlite3.Connection, max_errors: int = 3) -> str | None:
    """None when SQLite's quick_check finds the file sound, else the problems it names."""
    try:
        rows = [line for r in conn.execute(f"PRAGMA quick_check({int(max_errors)})")
                for line in str(r[0]).splitlines() if not line.startswith("*** in database")]
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise translate(exc, db_file(conn)) from exc
        return str(exc)
    return None if rows == ["ok"] else "; ".join(rows)


def require_sound(conn: sqlite3.Connection) -> None:
    """Raise DatabaseDamaged naming the restore command when quick_check finds damage."""
    problem = quick_check(conn)
    if problem is not None:
        raise damaged(db_file(conn), problem.split("; ")[0][:200])


def table_names(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}
