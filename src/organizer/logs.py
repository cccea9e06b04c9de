"""One logging set-up for every command and daemon.

A line per record — UTC time, level, daemon, message — on stderr (what
`docker compose logs` shows), JSON lines with LOG_FORMAT=json, and under
`organizer run` also one rotating file per daemon in <data dir>/logs/, which
the ops checks read like compose logs. Secrets are scrubbed from every line.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import sys
import time
from pathlib import Path

from organizer.settings import Settings
from organizer.store.private import private_dirs

# Which daemon a library's logger speaks for.
_DAEMON_OF = (
    ("organizer.api", "api"), ("uvicorn", "api"), ("litestar", "api"),
    ("organizer.worker", "worker"), ("organizer.calendar", "worker"),
    ("organizer.reminders", "worker"), ("googleapiclient", "worker"),
    ("organizer.bot", "bot"), ("aiogram", "bot"),
)
_TOKEN_RE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")
_USERINFO_RE = re.compile(r"(://[^/\s:@]*:)[^@\s/]+@")  # a URL's password: scheme://user:pw@
_KEY_RE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S)


def daemon_of(logger_name: str, default: str) -> str:
    for prefix, daemon in _DAEMON_OF:
        if logger_name == prefix or logger_name.startswith(prefix + "."):
            return daemon
    return default


class Scrubber:
    """Removes bot tokens, private keys, URL passwords and the configured secret values."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self.secrets = tuple(s for s in secrets if s and len(s) >= 6)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        text = _KEY_RE.sub("***private key***", text)
        text = _USERINFO_RE.sub(r"\1***@", text)
        return _TOKEN_RE.sub("***", text)


class LineFormatter(logging.Formatter):
    def __init__(self, default_daemon: str, scrub: Scrubber, as_json: bool) -> None:
        super().__init__()
        self.default_daemon = default_daemon
        self.scrub = scrub
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        stamp += f".{int(record.msecs):03d}Z"
        daemon = daemon_of(record.name, self.default_daemon)
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        message = self.scrub(message)
        if self.as_json:
            return json.dumps({"time": stamp, "level": record.levelname, "daemon": daemon,
                               "logger": record.name, "message": message}, ensure_ascii=False)
        return f"{stamp} {record.levelname} {daemon} {message}"


class DaemonFilter(logging.Filter):
    def __init__(self, daemon: str, default: str) -> None:
        super().__init__()
        self.daemon = daemon
        self.default = default

    def filter(self, record: logging.LogRecord) -> bool:
        return daemon_of(record.name, self.default) == self.daemon


def setup_logging(settings: Settings | None, daemon: str, *,
                  files_for: tuple[str, ...] = (), level: int = logging.INFO) -> None:
    """Configure the root logger; `files_for` adds <data>/logs/<daemon>.log for each daemon."""
    secrets = (settings.telegram_bot_token or "",
               str(getattr(settings, "ops_ping_url", None) or "")) if settings else ()
    scrub = Scrubber(secrets)
    as_json = bool(settings and settings.log_format == "json")
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(LineFormatter(daemon, scrub, as_json))
    root.addHandler(stderr)
    if settings and files_for:
        log_dir: Path = settings.log_dir
        private_dirs(log_dir)  # often creates the data directory itself: 0700, like the DB's
        for name in files_for:
            handler = logging.handlers.RotatingFileHandler(
                log_dir / f"{name}.log", maxBytes=5 * 1024 * 1024, backupCount=3,
                encoding="utf-8",
            )
            handler.setFormatter(LineFormatter(daemon, scrub, as_json))
            handler.addFilter(DaemonFilter(name, daemon))
            root.addHandler(handler)
    for noisy in ("httpx", "httpcore", "googleapiclient.discovery_cache", "watchfiles"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
