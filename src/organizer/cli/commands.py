"""The modules that add commands to `organizer`, in help order."""

from __future__ import annotations

from types import ModuleType

MODULES: list[ModuleType] = []
