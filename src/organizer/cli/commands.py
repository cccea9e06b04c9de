"""The modules that add commands to `organizer`, in help order."""

from __future__ import annotations

from types import ModuleType

from organizer.cli import (
    backup_cmds,
    canon_cmds,
    daemon_cmds,
    db_cmds,
    health_cmds,
    migrate_cmds,
    ops_cmds,
    task_cmds,
    task_notes_cmds,
)

MODULES: list[ModuleType] = [daemon_cmds, migrate_cmds, db_cmds, task_cmds, task_notes_cmds,
                            canon_cmds,
                            backup_cmds, ops_cmds, health_cmds]
