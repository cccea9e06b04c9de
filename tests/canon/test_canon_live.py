"""LiveCanon: in-place edits and atomic replaces reload; an invalid edit keeps the old canon."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from organizer.canon import LiveCanon

from .conftest import whole_canon_text

GOOD = whole_canon_text()


def _version(text: str, version: str) -> str:
    return text.replace('version: "2.3.0"', f'version: "{version}"', 1)


def _edit_in_place(path: Path, text: str) -> None:
    with open(path, "r+", encoding="utf-8") as handle:
        handle.seek(0)
        handle.write(text)
        handle.truncate()


def _replace_atomically(path: Path, text: str) -> None:
    temp = path.with_name(".intents_v2.yml.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


@pytest.fixture
def canon_path(tmp_path: Path) -> Path:
    path = tmp_path / "canon" / "intents_v2.yml"
    path.parent.mkdir()
    path.write_text(GOOD, encoding="utf-8")
    return path


def _live(path: Path) -> LiveCanon:
    return LiveCanon(path, debounce_ms=50, timeout_ms=100)


async def _until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.fixture
async def watching(canon_path: Path) -> AsyncIterator[LiveCanon]:
    live = _live(canon_path)
    stop = asyncio.Event()
    task = asyncio.create_task(live.watch(stop))
    await _until(live.watching.is_set)
    yield live
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_in_place_edit_reloads(watching: LiveCanon, canon_path: Path) -> None:
    _edit_in_place(canon_path, _version(GOOD, "2.0.1"))
    await _until(lambda: watching.current.version == "2.0.1")


async def test_atomic_replace_reloads_again_and_again(
    watching: LiveCanon, canon_path: Path
) -> None:
    _replace_atomically(canon_path, _version(GOOD, "2.0.2"))
    await _until(lambda: watching.current.version == "2.0.2")
    _replace_atomically(canon_path, _version(GOOD, "2.0.3"))
    await _until(lambda: watching.current.version == "2.0.3")


async def test_invalid_edit_keeps_the_last_good_canon_and_logs_once(
    watching: LiveCanon, canon_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = watching.current
    caplog.set_level(logging.ERROR, logger="organizer.canon")
    _replace_atomically(canon_path, GOOD.replace("max_command_chars: 160", "max_command_chars: x"))
    await _until(lambda: any("rejected" in r.getMessage() for r in caplog.records))
    await asyncio.sleep(0.3)  # further quiet timeouts must not repeat the error
    assert watching.current is before
    errors = [r for r in caplog.records if r.name == "organizer.canon"]
    assert len(errors) == 1
    message = errors[0].getMessage()
    assert "\n" not in message and "keeping version 2.3.0" in message and str(canon_path) in message
    _replace_atomically(canon_path, _version(GOOD, "2.0.4"))
    await _until(lambda: watching.current.version == "2.0.4")


async def test_deleted_file_keeps_the_canon(watching: LiveCanon, canon_path: Path) -> None:
    before = watching.current
    canon_path.unlink()
    await asyncio.sleep(0.3)
    assert watching.current is before
    canon_path.write_text(_version(GOOD, "2.0.5"), encoding="utf-8")
    await _until(lambda: watching.current.version == "2.0.5")


async def test_change_made_before_the_watcher_started_is_picked_up(canon_path: Path) -> None:
    live = _live(canon_path)
    _replace_atomically(canon_path, _version(GOOD, "2.0.6"))
    stop = asyncio.Event()
    task = asyncio.create_task(live.watch(stop))
    await _until(lambda: live.current.version == "2.0.6")
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_missing_directory_never_raises(canon_path: Path) -> None:
    live = _live(canon_path)
    live.path = canon_path.parent / "gone" / "intents_v2.yml"
    stop = asyncio.Event()
    task = asyncio.create_task(live.watch(stop))
    await asyncio.sleep(0.2)
    stop.set()
    await asyncio.wait_for(task, 5)


@pytest.fixture
def thread_watching(canon_path: Path) -> Iterator[LiveCanon]:
    live = _live(canon_path)
    stop = threading.Event()
    thread = live.watch_in_thread(stop)
    assert live.watching.wait(5)
    yield live
    stop.set()
    thread.join(5)
    assert not thread.is_alive()


def test_thread_watcher_reloads_both_ways(thread_watching: LiveCanon, canon_path: Path) -> None:
    def wait_for(version: str) -> None:
        deadline = time.monotonic() + 5
        while thread_watching.current.version != version:
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.02)

    _edit_in_place(canon_path, _version(GOOD, "2.2.1"))  # not the version it starts at
    wait_for("2.2.1")
    _replace_atomically(canon_path, _version(GOOD, "2.1.1"))
    wait_for("2.1.1")
