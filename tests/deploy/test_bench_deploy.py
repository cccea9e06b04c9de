"""bench/bench_deploy.py: the e2e run's figures against the targets, errors when absent."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench import bench_deploy


def test_figures_against_the_targets() -> None:
    metrics, missing = bench_deploy.figures({"image_size_mb": 236.9, "up_cold_s": 31.0,
                                             "rss_services_kib": 240_000,
                                             "rss_floors_kib": 200_000})
    by_name = {m["metric"]: m for m in metrics}
    assert not missing
    assert by_name["image size"]["ok"] is True
    assert by_name["up cold to all healthy"]["ok"] is False
    assert by_name["RSS services / floors"]["value"] == 1.2
    assert by_name["RSS services / floors"]["ok"] is True


def test_a_missing_file_is_an_error_not_a_number(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_deploy, "E2E_FILE", tmp_path / "e2e.json")
    result = bench_deploy.run(quick=True)
    assert result["metrics"] == [] and "nox -s e2e" in result["error"]
    (tmp_path / "e2e.json").write_text('{"image_size_mb": 200}')
    result = bench_deploy.run(quick=True)
    assert [m["metric"] for m in result["metrics"]] == ["image size"]
    assert "up_cold_s" in result["error"]
