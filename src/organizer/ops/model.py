"""A check's outcome: OK, WARN or FAIL with one line saying why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"

    @property
    def rank(self) -> int:
        return {"OK": 0, "WARN": 1, "FAIL": 2}[self.value]


@dataclass
class CheckResult:
    """One check's verdict; `details` is machine-readable and never holds a secret."""

    name: str
    label: str
    status: Status
    reason: str
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "status": self.status.value,
                "reason": self.reason, "seconds": round(self.seconds, 3),
                "details": self.details}


def ok(reason: str, **details: Any) -> tuple[Status, str, dict[str, Any]]:
    return Status.OK, reason, details


def warn(reason: str, **details: Any) -> tuple[Status, str, dict[str, Any]]:
    return Status.WARN, reason, details


def fail(reason: str, **details: Any) -> tuple[Status, str, dict[str, Any]]:
    return Status.FAIL, reason, details


Verdict = tuple[Status, str, dict[str, Any]]


def worst(statuses: Iterable[Status]) -> Status:
    """The most severe status; OK for none."""
    return max(statuses, key=lambda s: s.rank, default=Status.OK)
