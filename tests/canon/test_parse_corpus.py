"""The labelled corpus: at least 95% of messages parse exactly as labelled."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from organizer.canon import Canon
from organizer.parsing import parse

from .corpus import load_cases

CORPUS = Path(__file__).with_name("corpus.yml")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def test_corpus_is_big_and_mostly_russian() -> None:
    cases = load_cases(CORPUS)
    russian = [c for c in cases if _CYRILLIC.search(c.text)]
    assert len(cases) >= 300
    assert len(russian) / len(cases) >= 0.70
    assert len({c.text + str(c.now) + c.tz for c in cases}) == len(cases), "duplicate cases"


def test_corpus_pass_rate(canon: Canon) -> None:
    cases = load_cases(CORPUS)
    total: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    failures = []
    for case in cases:
        got = parse(case.text, case.now, case.tz, canon).to_json()
        intent = case.expected["intent"]
        total[intent] += 1
        if got == case.expected:
            passed[intent] += 1
        else:
            keys = got.keys() | case.expected.keys()
            diff = {k: (case.expected.get(k), got.get(k)) for k in keys
                    if got.get(k) != case.expected.get(k)}
            failures.append(f"  {case.text!r}: {diff}")
    print("\ncorpus pass rate by intent:")
    for intent in sorted(total):
        print(
            f"  {intent:16} {passed[intent]:3}/{total[intent]:3}  "
            f"{100 * passed[intent] / total[intent]:5.1f}%"
        )
    rate = sum(passed.values()) / len(cases)
    print(f"  {'all':16} {sum(passed.values()):3}/{len(cases):3}  {100 * rate:5.1f}%")
    if failures:
        print("failures (expected, got):\n" + "\n".join(failures))
    assert rate >= 0.95
