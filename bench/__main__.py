"""Run every benchmark, print a table and write `.bench/latest.json`.

Each module `bench/bench_<area>.py` has `run(quick: bool) -> dict` returning
{"name": str, "metrics": [{"metric", "value", "unit", "target", "ok"}...]}
where ratios against a limit or a peer are measured side by side in the same
run. `python -m bench --quick` keeps the whole run under a minute;
`python -m bench --only core` runs one module.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under a minute")
    parser.add_argument("--only", action="append", default=[], help="run only these modules")
    args = parser.parse_args()
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)])
                   if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if n.removeprefix("bench_") in args.only or n in args.only]
    results: list[dict[str, Any]] = []
    for name in names:
        started = time.perf_counter()
        try:
            result = importlib.import_module(f"bench.{name}").run(args.quick)
        except Exception as exc:  # a broken benchmark is reported, the others still run
            traceback.print_exc()
            result = {"name": name, "error": f"{type(exc).__name__}: {exc}", "metrics": []}
        result["seconds"] = round(time.perf_counter() - started, 2)
        results.append(result)
        _print(result)
    out = Path(".bench")
    out.mkdir(exist_ok=True)
    report = {"quick": args.quick, "python": platform.python_version(),
              "machine": platform.machine(), "at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                  time.gmtime()),
              "results": results}
    (out / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwritten to {out / 'latest.json'}")
    missed = [m for r in results for m in r.get("metrics", []) if m.get("ok") is False]
    errors = [r for r in results if "error" in r]
    print(f"{len(missed)} targets missed, {len(errors)} benchmarks failed")
    return 1 if errors else 0


def _print(result: dict[str, Any]) -> None:
    print(f"\n== {result['name']} ({result['seconds']} s)")
    if "error" in result:
        print(f"   ERROR {result['error']}")
    for m in result.get("metrics", []):
        verdict = {True: "ok", False: "MISSED", None: ""}[m.get("ok")]
        value = m["value"]
        shown = f"{value:,.3f}" if isinstance(value, float) else str(value)
        print(f"   {m['metric']:<58} {shown:>14} {m.get('unit', ''):<8} "
              f"target {m.get('target', '-'):<14} {verdict}")


if __name__ == "__main__":
    sys.exit(main())
