"""Benchmark: parse time per message over the labelled corpus, and canon load time.

Targets (issue "Canon v2 and message understanding"): parse p99 <= 1 ms per
message, canon load <= 50 ms. Canon load is measured with Python's regex cache
purged before each load, so every pattern is really compiled, in a process
where the modules are already imported (imports are start-up cost, not load
cost); the very first load, which also builds the schema check, is reported
beside it. The date and time rules compile when the first message is read (a
loaded canon that never parses, as in the worker and the API, never compiles
them), so the first parse after a load is reported too, with the load it follows.

    python bench/bench_parse.py [--quick]
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CANON_FILE = REPO / "canon" / "intents_v2.yml"
CORPUS_FILE = REPO / "tests" / "canon" / "corpus.yml"
TARGETS_MS = {"parse_p99_ms": 1.0, "canon_load_ms": 50.0}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _corpus() -> list[tuple[str, datetime, str]]:
    import yaml

    doc = yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))
    return [
        (str(c["t"]), datetime.fromisoformat(str(c.get("now", doc["now"]))), c.get("tz", doc["tz"]))
        for c in doc["cases"]
    ]


def run(quick: bool = False) -> dict[str, Any]:
    """Measure, print a short report, and return the figures with targets and ratios."""
    sys.path.insert(0, str(REPO / "src"))
    from organizer.canon import load_canon
    from organizer.parsing import parse

    started = time.perf_counter()
    canon = load_canon(CANON_FILE)
    first_load_ms = (time.perf_counter() - started) * 1000

    loads = []
    for _ in range(5 if quick else 20):
        re.purge()
        started = time.perf_counter()
        load_canon(CANON_FILE)
        loads.append((time.perf_counter() - started) * 1000)
    first_parses = []
    for _ in range(5 if quick else 20):
        re.purge()
        started = time.perf_counter()
        fresh = load_canon(CANON_FILE)
        parse("завтра в 10 позвонить маме", datetime(2025, 3, 12, 14, 0), "Europe/Moscow", fresh)
        first_parses.append((time.perf_counter() - started) * 1000)
    warm_loads = []
    for _ in range(5 if quick else 20):
        started = time.perf_counter()
        load_canon(CANON_FILE)
        warm_loads.append((time.perf_counter() - started) * 1000)

    cases = _corpus()
    for text, now, tz in cases:  # warm-up: zone cache, first-use costs
        parse(text, now, tz, canon)
    rounds = 3 if quick else 20
    per_message: list[float] = []
    for _ in range(rounds):
        for text, now, tz in cases:
            started = time.perf_counter()
            parse(text, now, tz, canon)
            per_message.append((time.perf_counter() - started) * 1000)

    canon_load_ms = statistics.median(loads)
    parse_p99_ms = _percentile(per_message, 0.99)
    result: dict[str, Any] = {
        "messages": len(cases),
        "parses": len(per_message),
        "parse_p50_ms": round(_percentile(per_message, 0.50), 4),
        "parse_p99_ms": round(parse_p99_ms, 4),
        "parse_max_ms": round(max(per_message), 4),
        "canon_load_ms": round(canon_load_ms, 2),
        "canon_load_cached_regex_ms": round(statistics.median(warm_loads), 2),
        "canon_first_load_ms": round(first_load_ms, 2),
        "canon_load_and_first_parse_ms": round(statistics.median(first_parses), 2),
        "targets": TARGETS_MS,
        "ratios": {
            "parse_p99": round(parse_p99_ms / TARGETS_MS["parse_p99_ms"], 3),
            "canon_load": round(canon_load_ms / TARGETS_MS["canon_load_ms"], 3),
        },
    }
    result["ok"] = all(ratio <= 1.0 for ratio in result["ratios"].values())
    result["name"] = "parse"
    result["metrics"] = [
        {"metric": "parse p99 per message", "value": result["parse_p99_ms"], "unit": "ms",
         "target": f"<= {TARGETS_MS['parse_p99_ms']}",
         "ok": result["ratios"]["parse_p99"] <= 1.0},
        {"metric": "canon load (median, regex cache purged)", "value": result["canon_load_ms"],
         "unit": "ms", "target": f"<= {TARGETS_MS['canon_load_ms']}",
         "ok": result["ratios"]["canon_load"] <= 1.0},
        {"metric": "canon load + first parse (compiles the time rules)",
         "value": result["canon_load_and_first_parse_ms"], "unit": "ms", "target": "-",
         "ok": None},
    ]
    print(
        f"parse: p50 {result['parse_p50_ms']:.3f} ms, p99 {result['parse_p99_ms']:.3f} ms "
        f"(target {TARGETS_MS['parse_p99_ms']} ms) over {len(per_message)} parses of "
        f"{len(cases)} messages"
    )
    print(
        f"canon load: {result['canon_load_ms']:.1f} ms median, regex cache purged "
        f"(target {TARGETS_MS['canon_load_ms']} ms); {result['canon_load_cached_regex_ms']:.1f} ms "
        f"on a reload; first load with schema set-up {result['canon_first_load_ms']:.1f} ms; "
        f"load and first parse {result['canon_load_and_first_parse_ms']:.1f} ms"
    )
    return result


if __name__ == "__main__":
    figures = run(quick="--quick" in sys.argv)
    print(json.dumps(figures, indent=2))
    sys.exit(0 if figures["ok"] else 1)
