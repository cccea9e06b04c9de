"""`organizer ops incident` records what the system saw; `ops journal` renders it under the
incident: the last daily check's failing lines, the log lines the scan flags, the drift and the
/health body with its secrets masked — or, for a piece that cannot be had, that fact."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from organizer.cli.main import app
from organizer.settings import Settings
from tests.fakes.ping_server import PingServer
from tests.ops.conftest import LINE

TOKEN = "123456789:AAHsecretsecretsecretsecretsecret12"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def half_dead_bot(settings: Settings) -> None:
    failing = [f"2026-02-22T10:00:{i:02d}.000Z WARNING bot getUpdates failed (ClientDecodeError:"
               f" 502 Bad Gateway); retrying in {i % 5 + 1}.0 s" for i in range(30)]
    (settings.log_dir / "bot.log").write_text("\n".join([LINE.format(d="bot")] * 90 + failing)
                                              + "\n")


def test_an_incident_records_and_renders_what_the_system_saw(
    deployment: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert invoke("ops", "baseline", "--json")[0] == 0
    half_dead_bot(deployment)
    assert invoke("ops", "daily-check", "--no-backup", "--json")[0] == 1  # the api is down
    with PingServer() as api:
        api.health_status, api.health = 503, {"status": "fail", "checks": {
            "bot": {"status": "fail", "detail": "getUpdates failing for 140 s: 502 Bad Gateway"},
            "asr": {"status": "ok", "url": "http://asr:PASSWORD1@asr:9000/health"},
            "telegram": {"status": "ok", "token": TOKEN, "note": f"polling with {TOKEN}"}}}
        monkeypatch.setenv("API_PORT", api.base.rsplit(":", 1)[1])
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        code, out = invoke("ops", "incident", "--json", "--title", "Half-dead bot",
                           "--symptom", "the bot does not answer", "--impact", "no replies")
    assert code == 0
    record = json.loads(out)
    evidence = record["evidence"]
    assert evidence["runtime"] == "local"
    assert evidence["last_check"]["status"] == "FAIL"
    assert any(line.startswith("API health: FAIL — ") for line in evidence["last_check"]["lines"])
    assert any(line.startswith("Bot logs (last 120): WARN — repeated x30")
               for line in evidence["last_check"]["lines"])
    bot, worker = evidence["logs"]
    assert bot["daemon"] == "bot" and bot["status"] == "WARN"
    assert len(bot["lines"]) == 10 and "getUpdates failed" in bot["lines"][-1]
    assert worker == {"daemon": "worker", "status": "OK", "reason": "1 lines, no errors",
                      "lines": []}
    assert evidence["drift"]["status"] == "FAIL"  # the token and the port came in since
    assert "env keys +TELEGRAM_BOT_TOKEN" in evidence["drift"]["reason"]
    assert evidence["health"]["http"] == 503
    assert evidence["health"]["body"]["checks"]["bot"]["detail"].startswith("getUpdates failing")
    assert "PASSWORD1" not in out and TOKEN not in out
    assert evidence["health"]["body"]["checks"]["telegram"]["token"] == "***"

    rendered = invoke("ops", "journal")[1]
    section = rendered[rendered.index("— Half-dead bot"):]
    assert "- Symptom: the bot does not answer\n" in section
    assert "\n- Evidence (gathered " in section
    assert "\n  - Last daily check: Day 1 — " in section
    assert "\n    - API health: FAIL — " in section
    assert "\n  - Bot logs (scanned now): WARN — repeated x30 in 120 lines: getUpdates" in section
    assert "\n    - `2026-02-22T10:00:29.000Z WARNING bot getUpdates failed" in section
    assert "\n  - Worker logs (scanned now): OK — 1 lines, no errors" in section
    assert "\n  - Drift since baseline: FAIL — drifted since the baseline of " in section
    assert f"\n  - Health (`{api.base}/health`): HTTP 503 `{{" in section
    assert "PASSWORD1" not in rendered and TOKEN not in rendered


def test_a_piece_that_cannot_be_had_is_recorded_as_that_fact(deployment: Settings) -> None:
    (deployment.log_dir / "worker.log").unlink()
    code, out = invoke("ops", "incident", "--json", "--symptom", "the api is down")
    assert code == 0
    evidence = json.loads(out)["evidence"]
    assert evidence["last_check"] == {"error": "no daily check in the journal yet"}
    assert evidence["health"]["error"].startswith("connection refused")
    assert evidence["logs"][1]["error"].startswith("not gathered: OrganizerError: no log file")
    assert evidence["drift"]["status"] == "WARN"  # no baseline yet
    rendered = invoke("ops", "journal")[1]
    assert "\n  - Last daily check: no daily check in the journal yet" in rendered
    assert "/health`): connection refused" in rendered
    assert "\n  - Worker logs (scanned now): not gathered: OrganizerError: no log file" in rendered


def test_no_evidence_records_the_text_only(deployment: Settings) -> None:
    code, out = invoke("ops", "incident", "--json", "--no-evidence", "--symptom", "past")
    assert code == 0 and "evidence" not in json.loads(out)
    assert "Evidence" not in invoke("ops", "journal")[1]
