"""Settings: one typed, validated object from the environment and an optional env file.

Real environment variables win over the env file. Every rule of the stable
interface (shared in README.md, "Configuration") is checked here, so a daemon
never starts on a configuration that cannot work.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from organizer.config_safety import exposed_host_warning, mask_url
from organizer.env_file import read_env_file
from organizer.errors import ConfigError
from organizer.setting_values import (
    chat_id,
    choice,
    clock_time,
    file_path,
    http_url,
    secret_url,
    user_ids,
    whole_number,
    zone,
)

__all__ = ["exposed_host_warning", "mask_url", "read_env_file"]  # their homes are leaf modules

TELEGRAM_PUBLIC_API = "https://api.telegram.org"
# OPS_PING_URL: a healthchecks-style ping URL is itself the credential.
SECRET_KEYS = frozenset({"TELEGRAM_BOT_TOKEN", "OPS_PING_URL"})
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")

# key -> default ("" means unset); the order is the order `config show` prints.
DEFAULTS: dict[str, str] = {
    "DB_PATH": "./data/organizer.db",
    "EXPECTED_DB_VOLUME": "",
    "CANON_PATH": "./canon/intents_v2.yml",
    "MIGRATIONS_DIR": "",
    "TELEGRAM_BOT_TOKEN": "",
    "TELEGRAM_API_BASE": TELEGRAM_PUBLIC_API,
    "TG_LONGPOLL_SEC": "30",
    "TG_HTTP_READ_TIMEOUT": "40",
    "TG_RECEIVE_STALE_SEC": "120",
    "TG_ALLOWED_USER_IDS": "",
    "DEFAULT_TZ": "Europe/Moscow",
    "DEFAULT_LANG": "ru",
    "GOOGLE_CALENDAR_ID": "",
    "GOOGLE_SA_FILE": "/data/google_sa.json",
    "GOOGLE_CALENDAR_API_BASE": "",
    "ASR_SERVICE_URL": "",
    "API_HOST": "127.0.0.1",
    "API_PORT": "8101",
    "BACKUP_DIR": "",
    "LOG_FORMAT": "text",
    "ORGANIZER_RUNTIME": "auto",
    "REMINDER_LEAD_MIN": "0",
    "REMINDER_MAX_LATE_MIN": "720",
    "OPS_ADMIN_CHAT_ID": "",
    "OPS_DAILY_CHECK_AT": "",
    "OPS_PING_URL": "",
    "GOOGLE_CALENDAR_TIMEOUT_SEC": "10",
}


@dataclass(frozen=True)
class Settings:
    """Everything organizer reads from its environment, validated."""

    db_path: Path
    expected_db_volume: str | None
    canon_path: Path
    migrations_dir: Path
    telegram_bot_token: str | None
    telegram_api_base: str
    tg_longpoll_sec: int
    tg_http_read_timeout: int
    tg_receive_stale_sec: int
    tg_allowed_user_ids: tuple[int, ...]
    default_tz: str
    google_calendar_id: str | None
    google_sa_file: Path
    google_calendar_api_base: str | None
    asr_service_url: str | None
    api_host: str
    api_port: int
    backup_dir: Path
    log_format: str
    runtime: str
    reminder_lead_min: int
    reminder_max_late_min: int
    ops_admin_chat_id: int | None
    google_calendar_timeout_sec: int = 10
    default_lang: str = "ru"  # replies and reminders for people Telegram gives no en/ru code for
    ops_daily_check_at: str | None = None  # HH:MM in default_tz: the worker runs the daily check
    ops_ping_url: str | None = None  # dead-man's switch (healthchecks.io protocol); a secret

    @property
    def calendar_configured(self) -> bool:
        return self.google_calendar_id is not None

    @property
    def bot_off_reason(self) -> str | None:
        """Why the bot is off by configuration (a normal state), or None when it should run."""
        return None if self.telegram_bot_token else "TELEGRAM_BOT_TOKEN is not set"

    @property
    def data_dir(self) -> Path:
        return self.db_path.parent

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def default_owner(self) -> str:
        """The owner the CLI acts for when no --user is given."""
        return str(self.tg_allowed_user_ids[0]) if self.tg_allowed_user_ids else "local"

    def __repr__(self) -> str:  # never show a secret, even in a traceback
        shown = {
            f.name: ("***" if f.name.upper() in SECRET_KEYS else getattr(self, f.name))
            for f in fields(self)
        }
        return f"Settings({shown})"


def bundled_migrations_dir() -> Path:
    return Path(__file__).parent / "migrations"


def merged_environment(
    env: Mapping[str, str] | None = None, env_file: Path | None = None
) -> dict[str, str]:
    """The env file's values overlaid by the real environment."""
    merged: dict[str, str] = {}
    if env_file is not None and env_file.exists():
        merged.update(read_env_file(env_file))
    merged.update(os.environ if env is None else env)
    return merged


def load_settings(
    env: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Build Settings from the environment, raising ConfigError on the first bad value."""
    raw = merged_environment(env, env_file)

    def get(key: str) -> str:
        # An empty value (KEY= in an env file) means "use the default".
        return raw.get(key, "").strip() or DEFAULTS[key]

    def opt(key: str) -> str | None:
        return get(key) or None

    longpoll = whole_number(get, "TG_LONGPOLL_SEC", low=1, high=600)
    read_timeout = whole_number(get, "TG_HTTP_READ_TIMEOUT", low=1, high=3600)
    if read_timeout < longpoll + 10:
        raise ConfigError(
            f"TG_HTTP_READ_TIMEOUT={read_timeout} is below TG_LONGPOLL_SEC + 10 = {longpoll + 10}; "
            f"set TG_HTTP_READ_TIMEOUT to at least {longpoll + 10} or lower TG_LONGPOLL_SEC"
        )
    token = opt("TELEGRAM_BOT_TOKEN")
    if token is not None and not _TOKEN_RE.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters, as BotFather "
            "gives it); paste the whole token or unset it to run without the bot"
        )
    calendar_id = opt("GOOGLE_CALENDAR_ID")
    if calendar_id is not None and calendar_id.lower() == "primary":
        raise ConfigError(
            "GOOGLE_CALENDAR_ID=primary is refused: a service account's primary calendar is not "
            "yours; set the id of a calendar shared with the service account (…@group.calendar.google.com)"
        )
    db_path = file_path(get, "DB_PATH")
    backup_dir = opt("BACKUP_DIR")
    admin_chat = opt("OPS_ADMIN_CHAT_ID")
    return Settings(
        db_path=db_path,
        expected_db_volume=opt("EXPECTED_DB_VOLUME"),
        canon_path=file_path(get, "CANON_PATH"),
        migrations_dir=(
            file_path(get, "MIGRATIONS_DIR") if get("MIGRATIONS_DIR") else bundled_migrations_dir()
        ),
        telegram_bot_token=token,
        telegram_api_base=http_url(get, "TELEGRAM_API_BASE"),
        tg_longpoll_sec=longpoll,
        tg_http_read_timeout=read_timeout,
        tg_receive_stale_sec=whole_number(get, "TG_RECEIVE_STALE_SEC", low=1, high=24 * 3600),
        tg_allowed_user_ids=user_ids(get("TG_ALLOWED_USER_IDS")),
        default_tz=zone(get("DEFAULT_TZ")),
        google_calendar_id=calendar_id,
        google_sa_file=file_path(get, "GOOGLE_SA_FILE"),
        google_calendar_api_base=http_url(get, "GOOGLE_CALENDAR_API_BASE") or None,
        asr_service_url=http_url(get, "ASR_SERVICE_URL") or None,
        api_host=get("API_HOST") or "127.0.0.1",
        api_port=whole_number(get, "API_PORT", low=1, high=65535),
        backup_dir=Path(backup_dir).expanduser().absolute()
        if backup_dir
        else db_path.parent / "backups",
        log_format=choice(get, "LOG_FORMAT", ("text", "json")),
        runtime=choice(get, "ORGANIZER_RUNTIME", ("auto", "compose", "local")),
        reminder_lead_min=whole_number(get, "REMINDER_LEAD_MIN", low=0, high=7 * 24 * 60),
        reminder_max_late_min=whole_number(get, "REMINDER_MAX_LATE_MIN", low=0, high=30 * 24 * 60),
        ops_admin_chat_id=chat_id(admin_chat),
        google_calendar_timeout_sec=whole_number(get, "GOOGLE_CALENDAR_TIMEOUT_SEC", low=1, high=120),
        default_lang=choice(get, "DEFAULT_LANG", ("ru", "en")),
        ops_daily_check_at=clock_time(opt("OPS_DAILY_CHECK_AT")),
        ops_ping_url=secret_url(opt("OPS_PING_URL"), "OPS_PING_URL"),
    )


def describe(settings_env: Mapping[str, str]) -> list[tuple[str, bool, str]]:
    """(key, is set, shown value) for `config show`; secrets are never shown."""
    rows = []
    for key, default in DEFAULTS.items():
        value = settings_env.get(key, "").strip()
        is_set = bool(value)
        if key in SECRET_KEYS:
            shown = "(secret, set)" if is_set else "(unset)"
        elif is_set:
            shown = mask_url(value)
        else:
            shown = f"(default) {default}" if default else "(unset)"
        rows.append((key, is_set, shown))
    return rows

