"""The backup's fast path on real files: a pinned snapshot copied while another process writes.

The writer is a separate process committing events as fast as it can, as the
bot and the worker do in prod. Every copy must be a working database holding a
prefix of the live event log, with the record describing exactly that copy.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from organizer.errors import StorageError
from organizer.ops import backups
from organizer.settings import Settings
from organizer.store import backup as backup_module
from organizer.store.backup import create_backup, file_sha256, last_event_hash
from organizer.store.db import connect
from organizer.store.filecopy import CHUNK, CopyError, CopyJob, copy_hashed
from organizer.store.snapshot import pin_snapshot

_WRITER = """
import sys
from organizer.app.tasks import TaskService
from organizer.domain.commands import AddTask
from organizer.store.db import connect
service = TaskService(connect(sys.argv[1]))
n = 0
while True:
    service.execute(AddTask("42", f"w{n}", None, None, "Europe/Moscow"))
    n += 1
    if n in (1, 200):
        print(n, flush=True)
"""


@pytest.fixture
def writer(settings: Settings, db: sqlite3.Connection) -> Iterator[subprocess.Popen[str]]:
    """Another process appending events without pause; yielded once 200 are in."""
    process = subprocess.Popen([sys.executable, "-c", _WRITER, str(settings.db_path)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "1"
    assert process.stdout.readline().strip() == "200"
    yield process
    process.kill()
    process.wait()
    process.stdout.close()


def events(path: Path) -> list[tuple[int, str]]:
    conn = connect(path, readonly=True)
    try:
        return [tuple(r) for r in conn.execute("SELECT position, data FROM events ORDER BY position")]
    finally:
        conn.close()


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def committed(path: Path) -> int:
    conn = connect(path, readonly=True)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def test_backups_under_a_writer_process_are_working_prefixes_of_the_log(
        settings: Settings, writer: subprocess.Popen[str]) -> None:
    records = [create_backup(settings.db_path, settings.backup_dir, "test") for _ in range(3)]
    writer.kill()
    writer.wait()
    live = events(settings.db_path)
    sizes = []
    for record in records:
        path = settings.backup_dir / record.file
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert integrity(path) == ["ok"]
        copied = events(path)
        assert len(copied) == record.events >= 200
        assert copied == live[: len(copied)]
        report = backups.drill(path)
        assert report.ok, report.steps
        sizes.append(len(copied))
    assert sizes == sorted(sizes) and len(live) > sizes[0]
    assert sorted(os.listdir(settings.backup_dir)) == sorted(
        [r.file for r in records] + [r.file + ".json" for r in records])


def test_a_pinned_snapshot_stays_put_in_the_main_file_while_the_writer_goes_on(
        settings: Settings, writer: subprocess.Popen[str], tmp_path: Path) -> None:
    pinned = pin_snapshot(settings.db_path, patience_s=5.0)
    assert pinned is not None
    try:
        count, last, digest = last_event_hash(pinned.conn)
        before = committed(settings.db_path)
        while committed(settings.db_path) < before + 300:  # the writer is not held up
            pass
        copy = tmp_path / "pinned.db"
        sha256 = CopyJob(settings.db_path, copy, pinned.length, pinned.inode).result()
    finally:
        pinned.release()
    assert sha256 == file_sha256(copy)
    assert integrity(copy) == ["ok"]
    conn = connect(copy, readonly=True)
    assert last_event_hash(conn) == (count, last, digest)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert events(copy) == events(settings.db_path)[:count]


def test_pinning_gives_up_behind_an_older_snapshot_and_the_backup_api_takes_over(
        settings: Settings, db: sqlite3.Connection) -> None:
    from organizer.app.tasks import TaskService
    from organizer.domain.commands import AddTask

    service = TaskService(db)
    service.execute(AddTask("42", "до", None, None, "Europe/Moscow"))
    old = connect(settings.db_path)
    old.execute("BEGIN")
    old.execute("SELECT count(*) FROM events").fetchone()  # holds this snapshot
    try:
        service.execute(AddTask("42", "после", None, None, "Europe/Moscow"))
        assert pin_snapshot(settings.db_path, patience_s=0.2) is None
        record = create_backup(settings.db_path, settings.backup_dir, "test")
    finally:
        old.execute("ROLLBACK")
        old.close()
    path = settings.backup_dir / record.file
    assert record.events == 2 == len(events(path))
    assert backups.drill(path).ok
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_backup_keeps_the_sqlite_locks_of_this_process(
        settings: Settings, db: sqlite3.Connection) -> None:
    """Closing any descriptor of the live file here would drop them: the copy is made elsewhere.

    With this process's shared lock gone, another process closing its last
    connection would think it the last user, checkpoint and delete the WAL.
    """
    from organizer.app.tasks import TaskService
    from organizer.domain.commands import AddTask

    TaskService(db).execute(AddTask("42", "одна", None, None, "Europe/Moscow"))
    create_backup(settings.db_path, settings.backup_dir, "test")
    subprocess.run([sys.executable, "-c",
                    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                    "c.execute('SELECT count(*) FROM events').fetchone(); c.close()",
                    str(settings.db_path)], check=True)
    assert settings.db_path.with_name(settings.db_path.name + "-wal").exists()


def _sqlite_like(path: Path, size: int) -> bytes:
    header = bytearray(b"SQLite format 3\x00" + bytes(84))
    header[18:20] = b"\x02\x02"
    data = bytes(header) + os.urandom(size - len(header))
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("direct", [True, False], ids=["o_direct", "page_cache"])
def test_copy_hashed_copies_the_head_flips_the_journal_mode_and_hashes_the_copy(
        tmp_path: Path, direct: bool) -> None:
    data = _sqlite_like(tmp_path / "src.db", 2 * CHUNK + 123_456)
    length = 2 * CHUNK + 5 * 512  # not a whole number of O_DIRECT blocks
    dst = tmp_path / "dst.db"
    digest = copy_hashed(tmp_path / "src.db", dst, length, direct=direct, rollback_header=True)
    expected = bytearray(data[:length])
    expected[18:20] = b"\x01\x01"
    assert dst.read_bytes() == bytes(expected)
    assert digest == hashlib.sha256(expected).hexdigest() == file_sha256(dst)
    assert stat.S_IMODE(dst.stat().st_mode) == 0o600


def test_copy_refuses_a_replaced_or_short_source(tmp_path: Path) -> None:
    src = tmp_path / "src.db"
    _sqlite_like(src, 10_000)
    status = src.stat()
    with pytest.raises(CopyError, match="replaced"):
        copy_hashed(src, tmp_path / "a.db", 8192, inode=(status.st_dev, status.st_ino + 1))
    with pytest.raises(CopyError, match="fewer than"):
        copy_hashed(src, tmp_path / "b.db", 20_000)
    with pytest.raises(CopyError, match="copying process failed: .*replaced"):
        CopyJob(src, tmp_path / "c.db", 8192, (status.st_dev, status.st_ino + 1)).result()


def test_a_backup_that_fails_while_copying_leaves_nothing_behind(
        settings: Settings, db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the record fails while the child process is copying: it is stopped, its file removed."""
    def broken(*_args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(backup_module, "_facts", broken)
    with pytest.raises(StorageError, match="disk I/O"):
        create_backup(settings.db_path, settings.backup_dir, "test")
    assert os.listdir(settings.backup_dir) == []
