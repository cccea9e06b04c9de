"""The image: size budget, the CLI inside, a non-root user, no network needed at run time."""

from __future__ import annotations

from conftest import run

IMAGE_BUDGET_BYTES = 250 * 10**6  # the benchmark target, as `docker image ls` counts MB


def test_image_fits_the_size_budget(image: str) -> None:
    size = int(run(["docker", "image", "inspect", "-f", "{{.Size}}", image]).stdout)
    assert size <= IMAGE_BUDGET_BYTES, f"{image} is {size / 1e6:.0f} MB, budget 250 MB"


def test_cli_runs_in_the_image(image: str) -> None:
    result = run(["docker", "run", "--rm", "--network", "none", image, "--help"])
    assert "Usage: organizer" in result.stdout


def test_runs_as_non_root_with_prod_paths(image: str) -> None:
    script = (
        "import os, zoneinfo; zoneinfo.ZoneInfo('Europe/Moscow'); "
        "print(os.getuid(), os.environ['DB_PATH'], os.environ['CANON_PATH'], "
        "os.environ['MIGRATIONS_DIR'], os.access('/data', os.W_OK))"
    )
    result = run(
        [
            "docker",
            "run",
            "--rm",
            "--network",
            "none",
            "--entrypoint",
            "python3",
            image,
            "-c",
            script,
        ]
    )
    assert result.stdout.split() == [
        "10001",
        "/data/organizer.db",
        "/canon/intents_v2.yml",
        "/app/migrations",
        "True",
    ]


def test_image_has_an_api_healthcheck(image: str) -> None:
    check = run(["docker", "image", "inspect", "-f", "{{json .Config.Healthcheck.Test}}", image])
    assert "http://127.0.0.1:" in check.stdout and "/health" in check.stdout
    entry = run(["docker", "image", "inspect", "-f", "{{json .Config.Entrypoint}}", image])
    assert entry.stdout.strip() == '["organizer"]'
