"""Run checks concurrently, each with its own timeout.

Checks are plain functions returning a Verdict; they run in threads because
their work is subprocesses, HTTP and SQLite, all of which release the GIL.
A check that overruns its timeout is reported FAIL and abandoned (its own
calls carry timeouts too, so the thread ends soon after).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass

from organizer.errors import OrganizerError
from organizer.ops.model import CheckResult, Status, Verdict


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    func: Callable[[], Verdict]
    timeout: float = 10.0


def _call(check: Check) -> tuple[Verdict, float]:
    started = time.perf_counter()
    try:
        verdict = check.func()
    except OrganizerError as exc:
        verdict = (Status.FAIL, str(exc), {})
    except Exception as exc:  # a broken check is a FAIL with its reason, never a crash
        verdict = (Status.FAIL, f"{type(exc).__name__}: {exc}", {})
    return verdict, time.perf_counter() - started


def run_checks(checks: Sequence[Check]) -> list[CheckResult]:
    """All checks at once; results in the order given."""
    if not checks:
        return []
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="ops-check")
    started = time.perf_counter()
    futures: list[Future[tuple[Verdict, float]]] = [pool.submit(_call, c) for c in checks]
    results: list[CheckResult] = []
    for check, future in zip(checks, futures, strict=True):
        remaining = check.timeout - (time.perf_counter() - started)
        wait_futures([future], timeout=max(0.0, remaining))
        if future.done():
            (status, reason, details), seconds = future.result()
            results.append(CheckResult(check.name, check.label, status, reason, seconds, details))
        else:
            results.append(CheckResult(
                check.name, check.label, Status.FAIL,
                f"no answer within {check.timeout:g} s", check.timeout,
            ))
    pool.shutdown(wait=False, cancel_futures=True)
    return results
