"""The API under test two ways: Litestar's in-memory client and a real uvicorn on a free port."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from organizer.api.app import create_app
from organizer.settings import Settings
from tests.api.support import TOKEN, Get, beat_all, uvicorn_serving


@pytest.fixture(params=["testclient", "uvicorn"])
def fetch(request: pytest.FixtureRequest) -> Get:
    """GET one path from a fresh app for these settings, in memory or over real HTTP."""

    def build(settings: Settings, canon: Any, mountinfo: str | None) -> Litestar:
        reader: Callable[[], str] | None = None if mountinfo is None else (lambda: mountinfo)
        return create_app(settings, canon, mountinfo=reader)

    def via_testclient(settings: Settings, canon: Any = None, path: str = "/health",
                       mountinfo: str | None = None) -> httpx.Response:
        with TestClient(app=build(settings, canon, mountinfo)) as client:
            return client.get(path)

    def via_uvicorn(settings: Settings, canon: Any = None, path: str = "/health",
                    mountinfo: str | None = None) -> httpx.Response:
        with uvicorn_serving(build(settings, canon, mountinfo)) as base:
            return httpx.get(base + path, timeout=5, trust_env=False)

    return via_testclient if request.param == "testclient" else via_uvicorn


@pytest.fixture
def healthy(settings: Settings, db: sqlite3.Connection) -> Settings:
    """A migrated DB whose worker and bot just beat, with the bot configured."""
    beat_all(db)
    return replace(settings, telegram_bot_token=TOKEN)
