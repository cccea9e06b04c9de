"""Settings: one typed, validated object from the environment and an optional env file.

Real environment variables win over the env file. Every rule of the stable
interface (shared in README.md, "Configuration") is checked here, so a daemon
never starts on a configuration that cannot work.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from organizer.config_safety import exposed_host_warning, mask_url
from organizer.env_file import read_env_file
from organizer.errors import ConfigError
from organizer.setting_values import clock_time, secret_url

__all__ = ["exposed_host_warning", "mask_url", "read_env_file"]  # their homes are leaf modules

TELEGRAM_PUBLIC_API = "https://api.telegram.org"
# OPS_PING_URL: a healthchecks-style ping URL is itself the credential.
SECRET_KEYS = frozenset({"TELEGRAM_BOT_TOKEN", "OPS_PING_URL"})
Getter = Callable[[str], str]
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

    longpoll = _int(get, "TG_LONGPOLL_SEC", low=1, high=600)
    read_timeout = _int(get, "TG_HTTP_READ_TIMEOUT", low=1, high=3600)
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
    db_path = _path(get, "DB_PATH")
    backup_dir = opt("BACKUP_DIR")
    admin_chat = opt("OPS_ADMIN_CHAT_ID")
    return Settings(
        db_path=db_path,
        expected_db_volume=opt("EXPECTED_DB_VOLUME"),
        canon_path=_path(get, "CANON_PATH"),
        migrations_dir=(
            _path(get, "MIGRATIONS_DIR") if get("MIGRATIONS_DIR") else bundled_migrations_dir()
        ),
        telegram_bot_token=token,
        telegram_api_base=_url(get, "TELEGRAM_API_BASE"),
        tg_longpoll_sec=longpoll,
        tg_http_read_timeout=read_timeout,
        tg_receive_stale_sec=_int(get, "TG_RECEIVE_STALE_SEC", low=1, high=24 * 3600),
        tg_allowed_user_ids=_user_ids(get("TG_ALLOWED_USER_IDS")),
        default_tz=_zone(get("DEFAULT_TZ")),
        google_calendar_id=calendar_id,
        google_sa_file=_path(get, "GOOGLE_SA_FILE"),
        google_calendar_api_base=_url(get, "GOOGLE_CALENDAR_API_BASE") or None,
        asr_service_url=_url(get, "ASR_SERVICE_URL") or None,
        api_host=get("API_HOST") or "127.0.0.1",
        api_port=_int(get, "API_PORT", low=1, high=65535),
        backup_dir=Path(backup_dir).expanduser().absolute()
        if backup_dir
        else db_path.parent / "backups",
        log_format=_choice(get, "LOG_FORMAT", ("text", "json")),
        runtime=_choice(get, "ORGANIZER_RUNTIME", ("auto", "compose", "local")),
        reminder_lead_min=_int(get, "REMINDER_LEAD_MIN", low=0, high=7 * 24 * 60),
        reminder_max_late_min=_int(get, "REMINDER_MAX_LATE_MIN", low=0, high=30 * 24 * 60),
        ops_admin_chat_id=_chat_id(admin_chat),
        google_calendar_timeout_sec=_int(get, "GOOGLE_CALENDAR_TIMEOUT_SEC", low=1, high=120),
        default_lang=_choice(get, "DEFAULT_LANG", ("ru", "en")),
        ops_daily_check_at=clock_time(opt("OPS_DAILY_CHECK_AT")),
        ops_ping_url=secret_url(opt("OPS_PING_URL"), "OPS_PING_URL"),
    )


def _chat_id(value: str | None) -> int | None:
    if value is None:
        return None
    if not _is_int(value):
        raise ConfigError(
            f"OPS_ADMIN_CHAT_ID={value[:40]!r} is not a Telegram chat id; set a number such as 123456789"
        )
    return int(value)


def _is_int(value: str) -> bool:
    # 19 digits fit in SQLite's integer; longer ones are no id or port (and int() of
    # thousands of digits is refused by Python itself).
    return re.fullmatch(r"-?\d{1,19}", value) is not None


def _int(get: Getter, key: str, *, low: int, high: int) -> int:
    value = get(key)
    if not _is_int(value):
        shown = value if len(value) <= 40 else f"{value[:20]}… ({len(value)} characters)"
        raise ConfigError(f"{key}={shown!r} is not a whole number; set a number from {low} to {high}")
    number = int(value)
    if not low <= number <= high:
        raise ConfigError(f"{key}={number} is out of range; set a number from {low} to {high}")
    return number


def _path(get: Getter, key: str) -> Path:
    value = get(key)
    if not value:
        raise ConfigError(f"{key} is empty; set a file path or remove the line to use the default")
    if "\x00" in value:
        raise ConfigError(f"{key} contains a NUL character; set a plain file path")
    return Path(value).expanduser().absolute()


def _url(get: Getter, key: str) -> str:
    value = get(key)
    if not value:
        return ""
    try:
        parsed = urlparse(value)
        usable = parsed.scheme in ("http", "https") and bool(parsed.hostname)
        parsed.port  # noqa: B018 -- a port out of range raises here
    except ValueError:
        usable = False
    if not usable:
        raise ConfigError(
            f"{key}={mask_url(value)!r} is not an http(s) URL; set it like "
            "http://127.0.0.1:8080 or unset it"
        )
    return value


def _choice(get: Getter, key: str, allowed: tuple[str, ...]) -> str:
    value = get(key).lower()
    if value not in allowed:
        raise ConfigError(f"{key}={value!r} is not one of {', '.join(allowed)}; set one of them")
    return str(value)


_ZONE_RE = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")


def _zone(value: str) -> str:
    shown = value if len(value) <= 60 else value[:60] + "…"
    error = ConfigError(
        f"DEFAULT_TZ={shown!r} is not an IANA time zone; set a name such as Europe/Moscow"
    )
    if len(value) > 60 or not _ZONE_RE.fullmatch(value):
        raise error
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # a directory ("Europe") is an OSError
        raise error from None
    return value


def _user_ids(value: str) -> tuple[int, ...]:
    ids: list[int] = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"\d{1,19}", part):
            raise ConfigError(
                f"TG_ALLOWED_USER_IDS has {part[:40]!r}, which is not a Telegram user id; "
                "list numeric ids separated by commas, e.g. 123456789,987654321"
            )
        ids.append(int(part))
    return tuple(ids)


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

