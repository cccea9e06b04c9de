"""The daemons `organizer run` starts, by name, and the module serving each.

Each module has `async def serve(settings, stop)` and `def off_reason(settings)`,
which names why the daemon is off by configuration (or returns None).
"""

from __future__ import annotations

import importlib
from types import ModuleType

DAEMONS: dict[str, str] = {
    "api": "organizer.daemons.api",
    "worker": "organizer.daemons.worker",
    "bot": "organizer.daemons.bot",
}


def load(name: str) -> ModuleType:
    return importlib.import_module(DAEMONS[name])
