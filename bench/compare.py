"""Compare this checkout's benchmarks with an earlier commit's, measured side by side.

    python -m bench.compare REV [--only core --only parse] [--rounds 2] [--full]

REV is checked out into a temporary git worktree; the two trees' `python -m bench`
runs alternate (REV, this, REV, this, …) so that both see the same machine, and each
metric keeps its best round. Printed per metric: REV's value, this checkout's, and the
change, marked "worse" where it moved the wrong way by more than 5 %.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HIGHER_IS_BETTER = ("ops/s", "msg/s", "/s", "%")
LOWER_IS_BETTER = ("ms", "s", "MB", "KB", "B")
TOLERANCE = 0.05


def _run(tree: Path, only: list[str], full: bool) -> dict[str, tuple[float, str]]:
    args = [sys.executable, "-m", "bench", *([] if full else ["--quick"])]
    for name in only:
        args += ["--only", name]
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    subprocess.run(args, cwd=tree, env=env, check=False, stdout=subprocess.DEVNULL)
    report = json.loads((tree / ".bench" / "latest.json").read_text())
    return {f"{r['name']}: {m['metric']}": (float(m["value"]), str(m["unit"]))
            for r in report["results"] for m in r.get("metrics", [])
            if isinstance(m.get("value"), (int, float))}


def _better(unit: str) -> int:
    if unit.endswith(HIGHER_IS_BETTER):
        return 1
    if unit in LOWER_IS_BETTER:
        return -1
    return 0  # a ratio: which way is better depends on the metric


def _best(rounds: list[dict[str, tuple[float, str]]]) -> dict[str, tuple[float, str]]:
    best: dict[str, tuple[float, str]] = {}
    for found in rounds:
        for name, (value, unit) in found.items():
            if name not in best:
                best[name] = (value, unit)
                continue
            way = _better(unit) or -1  # a ratio: keep the smaller (the usual "x slower")
            if (value - best[name][0]) * way > 0:
                best[name] = (value, unit)
    return best


def _line(name: str, base: tuple[float, str], ours: tuple[float, str]) -> str:
    value, unit = ours
    change = (value - base[0]) / base[0] if base[0] else 0.0
    way = _better(unit)
    worse = way != 0 and change * way < -TOLERANCE
    mark = "worse" if worse else ""
    return f"{name[:78]:78} {base[0]:>12.4g} {value:>12.4g} {unit:>6} {change:>+8.1%} {mark}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare")
    parser.add_argument("rev", help="the commit to compare with, e.g. HEAD~3 or main")
    parser.add_argument("--only", action="append", default=[], help="run only these modules")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--full", action="store_true", help="full sizes instead of --quick")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="organizer-bench-") as tmp:
        base_tree = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q",
                        str(base_tree), args.rev], check=True)
        try:
            base_rounds, our_rounds = [], []
            for _ in range(args.rounds):
                base_rounds.append(_run(base_tree, args.only, args.full))
                our_rounds.append(_run(REPO, args.only, args.full))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                            str(base_tree)], check=False)
    base, ours = _best(base_rounds), _best(our_rounds)
    print(f"{'metric':78} {args.rev[:12]:>12} {'this':>12} {'unit':>6} {'change':>8}")
    worse = 0
    for name in sorted(set(base) & set(ours)):
        line = _line(name, base[name], ours[name])
        worse += line.endswith("worse")
        print(line)
    for name in sorted(set(ours) - set(base)):
        print(f"{name[:78]:78} {'new':>12} {ours[name][0]:>12.4g} {ours[name][1]:>6}")
    print(f"\n{worse} metrics more than {TOLERANCE:.0%} worse than {args.rev}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
