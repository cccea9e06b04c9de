"""Copy the head of a file into a new file in one pass, hashing it on the way.

The backup's fast path: the main database file, pinned by a reader (see
`snapshot.py`), is read once; each piece is hashed while it is still in the CPU
cache and handed to a writer thread, so reading, hashing and writing overlap.
Writes bypass the page cache (O_DIRECT) where the filesystem allows it: the
copy does not push the live database out of memory, and there is no pile of
dirty pages for the final fsync to wait for. The copy is fsynced before this
returns.

It runs in a child process (`CopyJob`). POSIX record locks belong to a
process and all of them on a file go away when the process closes *any*
descriptor of that file; SQLite's own locks on the live database would be
dropped if this process opened and closed it, and another process could then
checkpoint under a connection that is still open here.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import mmap
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

CHUNK = 4 << 20  # one write
PIECE = 1 << 20  # one read, hashed before the next read
ALIGN = 4096  # O_DIRECT: buffer, offset and length in whole blocks
BUFFERS = 3
_SQLITE_MAGIC = b"SQLite format 3\x00"
_O_DIRECT: int = getattr(os, "O_DIRECT", 0)  # Linux; elsewhere the page cache it is


class CopyError(Exception):
    """The copy could not be made as asked (the caller falls back or reports it)."""


def copy_hashed(src: Path, dst: Path, length: int, *, inode: tuple[int, int] | None = None,
                direct: bool = True, rollback_header: bool = False) -> str:
    """Copy `src`'s first `length` bytes to a new file `dst` (mode 0600), fsynced; its sha256.

    `inode` (st_dev, st_ino) guards against `src` having been replaced since the
    caller looked. `rollback_header` marks an SQLite copy as a rollback-journal
    database (header bytes 18-19 from 2 to 1), as `PRAGMA journal_mode = DELETE`
    on the copy would.
    """
    src_fd = os.open(src, os.O_RDONLY)
    try:
        status = os.fstat(src_fd)
        if inode is not None and (status.st_dev, status.st_ino) != inode:
            raise CopyError(f"{src} was replaced while the backup was being taken")
        if status.st_size < length:
            raise CopyError(f"{src} holds {status.st_size} bytes, fewer than the {length} pinned")
        _advise(src_fd, 0, length, "POSIX_FADV_SEQUENTIAL")
        if direct and _O_DIRECT:
            try:
                return _copy_to(src_fd, dst, length, True, rollback_header)
            except _NoDirectIO:
                pass
        return _copy_to(src_fd, dst, length, False, rollback_header)
    finally:
        os.close(src_fd)


class _NoDirectIO(Exception):
    """This filesystem refuses O_DIRECT; copy through the page cache instead."""


def _copy_to(src_fd: int, dst: Path, length: int, direct: bool, rollback_header: bool) -> str:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (_O_DIRECT if direct else 0)
    try:
        dst_fd = os.open(dst, flags, 0o600)
    except OSError as exc:
        if direct and exc.errno == errno.EINVAL:  # no O_DIRECT here (tmpfs and the like)
            raise _NoDirectIO from exc
        raise
    try:
        os.fchmod(dst_fd, 0o600)
        digest = _pump(src_fd, dst_fd, length, direct, rollback_header)
        os.ftruncate(dst_fd, length)  # the last O_DIRECT write was padded to a whole block
        os.fsync(dst_fd)
        if not direct:
            _advise(dst_fd, 0, 0, "POSIX_FADV_DONTNEED")  # clean now: leave the cache be
        return digest
    finally:
        os.close(dst_fd)


def _pump(src_fd: int, dst_fd: int, length: int, direct: bool, rollback_header: bool) -> str:
    """Read and hash here, write in a second thread; both release the GIL."""
    digest = hashlib.sha256()
    free: queue.Queue[mmap.mmap] = queue.Queue()
    for _ in range(BUFFERS):
        free.put(mmap.mmap(-1, CHUNK))  # page-aligned, as O_DIRECT wants
    full: queue.Queue[tuple[mmap.mmap, int, int] | None] = queue.Queue()
    failed: list[BaseException] = []

    def write() -> None:
        while (item := full.get()) is not None:
            buffer, offset, size = item
            try:
                if not failed:
                    _write(dst_fd, buffer, offset, size, direct)
            except BaseException as exc:  # handed to the reading thread, raised there
                failed.append(exc)
            free.put(buffer)

    writer = threading.Thread(target=write, name="backup-copy-writer", daemon=True)
    writer.start()
    try:
        offset = 0
        while offset < length and not failed:
            buffer = free.get()
            size = min(CHUNK, length - offset)
            view = memoryview(buffer)
            for start in range(0, size, PIECE):
                piece = view[start:min(start + PIECE, size)]
                _read(src_fd, piece, offset + start)
                if offset + start == 0 and rollback_header:
                    _as_rollback(piece)
                digest.update(piece)
            full.put((buffer, offset, size))
            offset += size
    finally:
        full.put(None)
        writer.join()
    if failed:
        error = failed[0]
        if direct and isinstance(error, OSError) and error.errno == errno.EINVAL:
            raise _NoDirectIO from error
        raise error
    return digest.hexdigest()


def _read(fd: int, piece: memoryview, offset: int) -> None:
    done = 0
    while done < len(piece):
        got = os.preadv(fd, [piece[done:]], offset + done)
        if got == 0:
            raise CopyError(f"the source ended at byte {offset + done}, before the pinned length")
        done += got


def _write(fd: int, buffer: mmap.mmap, offset: int, size: int, direct: bool) -> None:
    view = memoryview(buffer)[: -(-size // ALIGN) * ALIGN if direct else size]
    done = 0
    while done < len(view):
        done += os.pwrite(fd, view[done:], offset + done)
    if not direct:  # start writing this chunk back now rather than all of it at the fsync
        _advise(fd, offset, size, "POSIX_FADV_DONTNEED")


def _advise(fd: int, offset: int, size: int, advice: str) -> None:
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, offset, size, getattr(os, advice))


def _as_rollback(first: memoryview) -> None:
    if bytes(first[:16]) != _SQLITE_MAGIC:
        raise CopyError("the source does not start with an SQLite header")
    if bytes(first[18:20]) == b"\x02\x02":
        first[18:20] = b"\x01\x01"


class CopyJob:
    """A `copy_hashed` running in a child process; `result()` waits for its sha256."""

    def __init__(self, src: Path, dst: Path, length: int, inode: tuple[int, int]) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-P", "-m", __name__, str(src), str(dst), str(length),
                 str(inode[0]), str(inode[1]), str(os.getpid())],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, env={**os.environ, "PYTHONPATH": path})
        except OSError as exc:
            raise CopyError(f"cannot start the copying process: {exc.strerror}") from exc

    def result(self) -> str:
        out, err = self._child.communicate()
        lines = out.split()
        if self._child.returncode != 0 or len(lines) != 1 or len(lines[0]) != 64:
            last = err.strip().splitlines()[-1:] or [f"exit code {self._child.returncode}"]
            raise CopyError(f"the copying process failed: {last[0]}")
        return lines[0]

    def cancel(self) -> None:
        if self._child.poll() is None:
            self._child.kill()
        self._child.wait()
        for pipe in (self._child.stdout, self._child.stderr):
            if pipe is not None:
                pipe.close()


_PR_SET_PDEATHSIG = 1
PARENT_POLL_S = 0.5


def die_with_parent(parent: int) -> None:
    """End this process when `parent` ends, even by SIGKILL: no orphan goes on writing.

    On Linux the kernel does it (prctl PR_SET_PDEATHSIG); elsewhere a thread
    watches the parent pid. Either way, a parent already gone means exit now.
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    if armed:
        return

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str]) -> int:
    src, dst, length, dev, ino, parent = argv
    die_with_parent(int(parent))
    try:
        digest = copy_hashed(Path(src), Path(dst), int(length), inode=(int(dev), int(ino)),
                             rollback_header=True)
    except (CopyError, OSError) as exc:
        print(f"copy failed: {exc}", file=sys.stderr)
        return 1
    print(digest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
