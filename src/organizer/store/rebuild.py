"""Rebuild the projections from the log, or verify the live tables against a rebuild."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from organizer.store.db import connect, transaction
from organizer.store.projections import CHECKPOINT, PROJECTIONS, Row, fold_all, live_rows


@dataclass
class Difference:
    table: str
    key: str
    live: Row | None
    rebuilt: Row | None

    def describe(self) -> str:
        if self.live is None:
            return f"{self.table} {self.key}: missing from the live table"
        if self.rebuilt is None:
            return f"{self.table} {self.key}: in the live table but not in the log"
        cols = [c for c in self.rebuilt if self.live.get(c) != self.rebuilt.get(c)]
        shown = ", ".join(f"{c}: {self.live.get(c)!r} != {self.rebuilt.get(c)!r}" for c in cols)
        return f"{self.table} {self.key}: {shown}"


@dataclass
class RebuildReport:
    events: int
    rows: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)


def _schema(conn: sqlite3.Connection, table: str) -> tuple[str, list[str]]:
    create = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()[0]
    indexes = [
        r[0] for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL", (table,)
        )
    ]
    return create, indexes


def rebuild(conn: sqlite3.Connection) -> RebuildReport:
    """Replay the log into fresh tables and swap them in, all in one write transaction."""
    with transaction(conn):
        tables, last = fold_all(conn)
        report = RebuildReport(events=last)
        for table, (_, columns) in PROJECTIONS.items():
            create, indexes = _schema(conn, table)
            fresh = f"{table}__rebuild"
            conn.execute(f"DROP TABLE IF EXISTS {fresh}")
            conn.execute(re.sub(rf"^CREATE TABLE\s+\"?{table}\"?", f"CREATE TABLE {fresh}",
                                create, count=1))
            marks = ",".join("?" * len(columns))
            conn.executemany(
                f"INSERT INTO {fresh} ({','.join(columns)}) VALUES ({marks})",
                tables[table].values(),
            )
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE {fresh} RENAME TO {table}")
            for index in indexes:
                conn.execute(index)
            report.rows[table] = len(tables[table])
        conn.execute(
            "INSERT INTO projector_checkpoints (name, position) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET position = excluded.position",
            (CHECKPOINT, last),
        )
    return report


def verify(conn: sqlite3.Connection) -> RebuildReport:
    """Rebuild aside, in memory, and list every difference from the live tables."""
    with transaction(conn, write=False):
        tables, last = fold_all(conn)
        report = RebuildReport(events=last)
        for table in PROJECTIONS:
            live = live_rows(conn, table)
            columns = PROJECTIONS[table][1]
            rebuilt = {key: dict(zip(columns, values, strict=True))
                       for key, values in tables[table].items()}
            report.rows[table] = len(rebuilt)
            for key in sorted(set(live) | set(rebuilt)):
                if live.get(key) != rebuilt.get(key):
                    report.differences.append(
                        Difference(table, key, live.get(key), rebuilt.get(key))
                    )
    return report


_EVENT_COLUMNS = "position, stream, version, type, schema_version, owner, data, meta, recorded_at"
_KEY_COLUMNS = "key, stream, first_position, last_position, outcome, recorded_at"


def copy_log_until(target: Path, source: Path, cutoff: str) -> int:
    """Copy into the empty, migrated database at `target` the events of `source` recorded at or
    before the UTC stamp `cutoff` (and the idempotency keys wholly inside them), then rebuild
    its projections from them. Returns the number of events kept."""
    conn = connect(target)
    try:
        conn.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
        with transaction(conn):
            conn.execute(f"INSERT INTO events ({_EVENT_COLUMNS}) SELECT {_EVENT_COLUMNS} "
                         "FROM src.events WHERE recorded_at <= ? ORDER BY position", (cutoff,))
            last = conn.execute("SELECT coalesce(max(position), 0) FROM events").fetchone()[0]
            conn.execute(f"INSERT INTO idempotency_keys ({_KEY_COLUMNS}) SELECT {_KEY_COLUMNS} "
                         "FROM src.idempotency_keys WHERE coalesce(last_position, 0) <= ? "
                         "AND recorded_at <= ?", (last, cutoff))
            kept = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        conn.execute("DETACH DATABASE src")
        rebuild(conn)
    finally:
        conn.close()
    return int(kept)
