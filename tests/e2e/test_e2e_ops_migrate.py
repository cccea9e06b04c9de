"""`organizer ops migrate` on a host with a stack migrates the stack's database, never the host's.

The 2026-02-22 shape: an operator in the deploy's work tree runs migrate on
the host. With no ORGANIZER_RUNTIME set, `auto` sees the project's containers,
runs the stack's own `migrate` service on the volume (with its volume check),
and the host's ./data never gets a database; `organizer migrate` on the host
refuses to make one there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import COMPOSE_ENV, PROD_FILES, PROJECT, VOLUME, Stack, run


def on_host(stack: Stack, *argv: str) -> tuple[int, str, str]:
    """`organizer ...` in the deploy's work tree, as the operator types it: no runtime set."""
    env = {**COMPOSE_ENV,
           "ORGANIZER_COMPOSE_DIR": str(stack.project_dir),
           "ORGANIZER_COMPOSE_FILES": ",".join(PROD_FILES),
           "ORGANIZER_COMPOSE_ENV_FILE": ".env.prod",
           "ORGANIZER_JOURNAL": str(stack.project_dir / "journal.jsonl")}
    done = run([sys.executable, "-m", "organizer", *argv], check=False, timeout=300, env=env,
               cwd=stack.project_dir)
    return done.returncode, done.stdout, done.stderr


def test_ops_migrate_on_the_host_runs_inside_the_stack(stack: Stack) -> None:
    host_data = Path(stack.project_dir) / "data"
    assert not host_data.exists()

    code, out, err = on_host(stack, "ops", "migrate", "--json")
    assert code == 0, err
    first = err.splitlines()[0]
    assert first.startswith("runtime: compose (auto: "), first
    assert first.endswith(f" of compose project {PROJECT})"), first
    assert f"volume check: /data/organizer.db is on {VOLUME}" in err  # said by the container
    report = json.loads(out)
    assert report["created"] is False and report["pending"] == [], report
    assert not host_data.exists()

    # The volume's database is the one at the current schema.
    inside = stack.exec("api", "organizer", "migrate", "--dry-run").stdout
    assert inside.splitlines()[-1] == "would apply: nothing (up to date)"

    # With no database on the volume, the stack's migrate makes one there, loudly.
    stack.compose("stop", "api", "worker", "telegram-bot", timeout=120)
    try:
        stack.compose("run", "--rm", "--no-deps", "-T", "--entrypoint", "sh", "migrate", "-c",
                      "rm -f /data/organizer.db /data/organizer.db-wal /data/organizer.db-shm")
        code, out, err = on_host(stack, "ops", "migrate")
        assert code == 0, err
        assert "CREATING a new database at /data/organizer.db (no file was there)" in out
        assert f"volume check: /data/organizer.db is on {VOLUME}" in out
        assert out.splitlines()[-1].startswith("schema now at "), out
    finally:
        stack.up()
    assert not host_data.exists()

    # On the host, migrate itself refuses to start a second database beside the stack.
    for argv in (("migrate",), ("ops", "migrate", "--runtime", "local")):
        code, out, err = on_host(stack, *argv)
        assert code == 2, (argv, out, err)
        refusal = err.splitlines()[-1]
        assert refusal.startswith(f"Error: no database at {host_data / 'organizer.db'} on "
                                  "this host, but ") and "`organizer ops migrate`" in refusal
        assert "--create-here" in refusal
    assert not host_data.exists()
