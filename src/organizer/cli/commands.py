"""The modules that add commands to `organizer`, in help order."""

from __future__ import annotations

from types import ModuleType

from organizer.cli import canon_cmds

MODULES: list[ModuleType] = [canon_cmds]
