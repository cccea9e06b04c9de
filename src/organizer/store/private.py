"""Files that only their owner may read: the database, its backups and the ops journal.

Directories this process creates are 0700 and files 0600, set on the
descriptor rather than through the umask (the umask is the whole process's, and
the API daemon has threads). Directories that already exist are the person's
and are left as they are. SQLite creates `-wal` and `-shm` with the main file's
mode, so a database file made here keeps its companions private too.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dirs(path: Path) -> None:
    """Create `path` and its missing parents, each 0700; existing ones are not touched."""
    missing: list[Path] = []
    current = Path(path)
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            continue  # made by someone else meanwhile: theirs
        os.chmod(directory, DIR_MODE)
    if not Path(path).is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))


def create_private_file(path: Path) -> bool:
    """Create an empty `path` 0600 unless it exists; True when this call created it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return True


def readable_by_others(path: Path) -> bool:
    """True when the group or others may read `path` (a missing file is not)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))


def open_mode(path: Path) -> str:
    """`path`'s permission bits as 0NNN."""
    return oct(stat.S_IMODE(os.stat(path).st_mode)).replace("0o", "0")
