"""Which docker volume holds DB_PATH, read from /proc/self/mountinfo.

Inside a container a named volume shows up as a mount whose root is
`/var/lib/docker/volumes/<name>/_data`. The host-side view (`docker inspect`
mounts) in the ops toolkit feeds the same `check_volume` decision.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from organizer.errors import VolumeMismatch

MOUNTINFO = Path("/proc/self/mountinfo")
# The root field ends in volumes/<name>/_data; where /var/lib/docker is its own
# filesystem (or another data-root is used) the prefix differs, the suffix does not.
_VOLUME_RE = re.compile(r"(?:^|/)volumes/([^/]+)/_data$")


@dataclass(frozen=True)
class Mount:
    mount_point: str
    root: str
    fstype: str
    source: str
    options: str

    @property
    def volume(self) -> str | None:
        match = _VOLUME_RE.search(self.root)
        return match.group(1) if match else None


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[Mount]:
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if "-" not in parts or len(parts) < 7:
            continue
        dash = parts.index("-")
        mounts.append(Mount(
            mount_point=_unescape(parts[4]), root=_unescape(parts[3]), options=parts[5],
            fstype=parts[dash + 1] if len(parts) > dash + 1 else "",
            source=parts[dash + 2] if len(parts) > dash + 2 else "",
        ))
    return mounts


def mount_of(path: Path, mounts: list[Mount]) -> Mount | None:
    """The mount that holds `path`: the longest mount point that is its prefix."""
    target = os.path.realpath(path)
    best: Mount | None = None
    for mount in mounts:
        point = mount.mount_point.rstrip("/") or "/"
        if (target == point or target.startswith(point + "/") or point == "/") and (
            best is None or len(point) >= len(best.mount_point.rstrip("/") or "/")
        ):
            best = mount
    return best


def describe_place(mount: Mount | None) -> str:
    if mount is None:
        return "no known mount"
    if mount.volume:
        return f"docker volume {mount.volume}"
    if mount.mount_point == "/" and mount.fstype == "overlay":
        return "the container's own layer (no volume mounted there)"
    return f"{mount.fstype} mount {mount.source} at {mount.mount_point}"


def check_volume(db_path: Path, expected: str, actual: str | None, place: str) -> None:
    """The one decision, for the container view and the host view alike."""
    if actual == expected:
        return
    raise VolumeMismatch(
        f"DB_PATH {db_path} is on {place}, but EXPECTED_DB_VOLUME is {expected}; "
        f"mount the volume {expected} at {db_path.parent} (compose key db_data) "
        "or fix EXPECTED_DB_VOLUME — nothing was written"
    )


def verify_volume(db_path: Path, expected: str, mountinfo: str | None = None) -> Mount | None:
    """Refuse unless the mount holding `db_path` is the docker volume `expected`."""
    text = MOUNTINFO.read_text() if mountinfo is None else mountinfo
    mount = mount_of(db_path.parent, parse_mountinfo(text))
    check_volume(db_path, expected, mount.volume if mount else None, describe_place(mount))
    return mount


DOCKERENV = Path("/.dockerenv")


def inside_container(db_path: Path, mountinfo: str | None = None,
                     dockerenv: bool | None = None) -> bool:
    """True when `db_path` sits on a docker volume or this process runs in a container.

    A container is told by docker's `/.dockerenv` marker together with an
    overlay root filesystem; either alone is not enough (some hosts carry the
    marker, some run on overlay).
    """
    if mountinfo is None:
        try:
            mountinfo = MOUNTINFO.read_text()
        except OSError:  # no /proc: not Linux, so not a docker container either
            mountinfo = ""
    mounts = parse_mountinfo(mountinfo)
    holder = mount_of(db_path.parent, mounts)
    if holder is not None and holder.volume:
        return True
    root = mount_of(Path("/"), mounts)
    marked = DOCKERENV.exists() if dockerenv is None else dockerenv
    return marked and root is not None and root.fstype == "overlay"
