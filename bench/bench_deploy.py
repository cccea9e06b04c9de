"""Deploy benchmarks, read from the end-to-end run (`nox -s e2e` writes .bench/e2e.json).

Nothing here starts a container: the figures were measured on the real engine
by tests/e2e, the ratio side by side in that same run.

* image size <= 250 MB (`docker image inspect` .Size, MB = 10^6 bytes);
* `up -d --wait` from cold (no containers, no volume; image built) to every
  service healthy <= 30 s;
* resident memory of api + worker + telegram-bot <= 1.2x the sum of their
  floors (a bare aiogram bot, a bare Litestar app under uvicorn, a Python
  process holding a built Calendar client), each the VmRSS of the container's
  process tree.

A missing file or figure is reported as an error, never invented.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

E2E_FILE = Path(__file__).resolve().parents[1] / ".bench" / "e2e.json"
IMAGE_MB_MAX = 250.0
UP_COLD_S_MAX = 30.0
RSS_RATIO_MAX = 1.2


def _metric(metric: str, value: float, unit: str, target: str, ok: bool) -> dict[str, Any]:
    return {"metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}


def figures(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """(metrics, what is missing) from the e2e run's record."""
    metrics, missing = [], []
    if "image_size_mb" in data:
        size = float(data["image_size_mb"])
        metrics.append(_metric("image size", size, "MB", f"<= {IMAGE_MB_MAX:g} MB",
                               size <= IMAGE_MB_MAX))
    else:
        missing.append("image_size_mb")
    if "up_cold_s" in data:
        up = float(data["up_cold_s"])
        metrics.append(_metric("up cold to all healthy", up, "s", f"<= {UP_COLD_S_MAX:g} s",
                               up <= UP_COLD_S_MAX))
    else:
        missing.append("up_cold_s")
    if "rss_services_kib" in data and data.get("rss_floors_kib"):
        services, floors = float(data["rss_services_kib"]), float(data["rss_floors_kib"])
        ratio = services / floors
        metrics += [
            _metric("RSS api+worker+bot", services / 1024, "MiB", "(measured)", True),
            _metric("RSS floors (bare bot+litestar+calendar)", floors / 1024, "MiB",
                    "(measured)", True),
            _metric("RSS services / floors", ratio, "x", f"<= {RSS_RATIO_MAX:g}x",
                    ratio <= RSS_RATIO_MAX),
        ]
    else:
        missing.append("rss_services_kib / rss_floors_kib")
    return metrics, missing


def run(quick: bool) -> dict[str, Any]:
    """The e2e run's figures against the deploy targets (`quick` changes nothing)."""
    result: dict[str, Any] = {"name": "deploy", "metrics": []}
    try:
        data = json.loads(E2E_FILE.read_text())
    except FileNotFoundError:
        result["error"] = f"{E2E_FILE} is missing: run `nox -s e2e` (as root) first"
        return result
    except ValueError as exc:
        result["error"] = f"{E2E_FILE} is not JSON ({exc}): run `nox -s e2e` again"
        return result
    result["metrics"], missing = figures(data)
    result["recorded_at"] = data.get("recorded_at")
    if missing:
        result["error"] = (f"{E2E_FILE} lacks {', '.join(missing)} (an e2e run that stopped "
                           "early?): run `nox -s e2e` again")
    return result
