"""One log line format for every daemon; no secret ever reaches a line."""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from dataclasses import replace

import pytest

from organizer.logs import setup_logging
from organizer.settings import Settings

TOKEN = "987654321:AAFakeSecretTokenValueForTests_0123456"
KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"


@pytest.fixture(autouse=True)
def restore_logging():  # type: ignore[no-untyped-def]
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()


def test_text_lines_carry_utc_time_level_and_daemon(settings: Settings,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(settings, "run")
    logging.getLogger("organizer.worker").info("synced %d tasks", 3)
    logging.getLogger("aiogram.dispatcher").warning("poll failed")
    lines = capsys.readouterr().err.splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO worker synced 3 tasks",
                        lines[0])
    assert lines[1].endswith("WARNING bot poll failed")


def test_json_lines(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(replace(settings, log_format="json"), "api")
    logging.getLogger("uvicorn.error").error("bind failed")
    record = json.loads(capsys.readouterr().err)
    assert (record["level"], record["daemon"], record["message"]) == ("ERROR", "api",
                                                                      "bind failed")


def test_planted_secrets_never_reach_a_line(settings: Settings,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with_token = replace(settings, telegram_bot_token=TOKEN)
    setup_logging(with_token, "bot", files_for=("bot",))
    log = logging.getLogger("aiogram.session")
    log.error("POST https://api.telegram.org/bot%s/getUpdates failed", TOKEN)
    log.error("key material: %s", KEY)
    try:
        raise RuntimeError(f"boom with {TOKEN}")
    except RuntimeError:
        log.exception("handler crashed")
    err = capsys.readouterr().err
    written = (settings.log_dir / "bot.log").read_text()
    for text in (err, written):
        assert TOKEN not in text and "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" not in text
        assert "bot***/getUpdates" in text


def test_run_writes_one_file_per_daemon(settings: Settings) -> None:
    setup_logging(settings, "run", files_for=("api", "worker", "bot"))
    logging.getLogger("organizer.worker").info("worker line")
    logging.getLogger("organizer.api").info("api line")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "worker line" in (settings.log_dir / "worker.log").read_text()
    assert "worker line" not in (settings.log_dir / "api.log").read_text()
    assert "api line" in (settings.log_dir / "api.log").read_text()


def test_the_data_directory_the_logs_create_is_private(settings: Settings) -> None:
    old = os.umask(0o022)
    try:
        setup_logging(settings, "run", files_for=("worker",))
    finally:
        os.umask(old)
    for directory in (settings.log_dir, settings.db_path.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


def test_a_password_inside_a_url_never_reaches_a_line(settings: Settings,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    asr = "http://voice:S3cretPassw0rd@asr.lan:9000/"
    setup_logging(replace(settings, asr_service_url=asr), "bot", files_for=("bot",))
    logging.getLogger("organizer.bot").warning("ASR %sasr answered 502", asr)
    err = capsys.readouterr().err
    written = (settings.log_dir / "bot.log").read_text()
    for text in (err, written):
        assert "S3cretPassw0rd" not in text
        assert "ASR http://voice:***@asr.lan:9000/asr answered 502" in text
