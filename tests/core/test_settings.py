"""Settings: every rule of the stable interface, one clear line per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from organizer.errors import ConfigError
from organizer.settings import describe, load_settings

BASE = {"PATH": "/usr/bin"}


def load(**values: str):  # type: ignore[no-untyped-def]
    return load_settings({**BASE, **values}, env_file=None)


def test_defaults_match_the_stable_interface() -> None:
    s = load()
    assert s.db_path == Path("data/organizer.db").absolute()
    assert (s.tg_longpoll_sec, s.tg_http_read_timeout) == (30, 40)
    assert (s.api_host, s.api_port, s.default_tz) == ("127.0.0.1", 8101, "Europe/Moscow")
    assert s.google_sa_file == Path("/data/google_sa.json")
    assert s.backup_dir == s.db_path.parent / "backups"
    assert not s.calendar_configured and s.telegram_bot_token is None
    assert s.default_owner == "local"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"TG_LONGPOLL_SEC": "30", "TG_HTTP_READ_TIMEOUT": "35"},
         "TG_HTTP_READ_TIMEOUT=35 is below TG_LONGPOLL_SEC + 10 = 40"),
        ({"TG_LONGPOLL_SEC": "abc"}, "TG_LONGPOLL_SEC='abc' is not a whole number"),
        ({"GOOGLE_CALENDAR_ID": "primary"}, "GOOGLE_CALENDAR_ID=primary is refused"),
        ({"DEFAULT_TZ": "Mars/Olympus"}, "DEFAULT_TZ='Mars/Olympus' is not an IANA time zone"),
        ({"API_PORT": "70000"}, "API_PORT=70000 is out of range"),
        ({"TG_ALLOWED_USER_IDS": "123,abc"}, "TG_ALLOWED_USER_IDS has 'abc'"),
        ({"TELEGRAM_API_BASE": "ftp://x"}, "TELEGRAM_API_BASE='ftp://x' is not an http(s) URL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT='xml' is not one of text, json"),
    ],
)
def test_bad_values_name_the_variable_and_the_fix(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(**values)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert "; " in str(info.value)  # what is wrong; how to fix it


def test_a_malformed_token_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigError) as info:
        load(TELEGRAM_BOT_TOKEN="not-a-token-secret-value")
    assert "not-a-token-secret-value" not in str(info.value)


def test_empty_values_mean_the_default() -> None:
    s = load(TELEGRAM_API_BASE="", TG_LONGPOLL_SEC=" ", DB_PATH="")
    assert (s.telegram_api_base, s.tg_longpoll_sec) == ("https://api.telegram.org", 30)
    assert s.db_path == Path("data/organizer.db").absolute()


def test_env_file_is_read_under_the_real_environment(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("# prod\nexport DEFAULT_TZ='Europe/Berlin'\nAPI_PORT=9000\n\n")
    s = load_settings({**BASE, "API_PORT": "9100"}, env_file=env_file)
    assert (s.default_tz, s.api_port) == ("Europe/Berlin", 9100)


def test_env_file_with_a_broken_line_names_file_and_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DEFAULT_TZ=UTC\nthis is not a setting\n")
    with pytest.raises(ConfigError, match=r"\.env:2: not a KEY=VALUE line"):
        load_settings(BASE, env_file=env_file)


def test_describe_never_shows_a_secret() -> None:
    token = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"
    rows = {k: v for k, _, v in describe({"TELEGRAM_BOT_TOKEN": token, "DEFAULT_TZ": "UTC"})}
    assert rows["TELEGRAM_BOT_TOKEN"] == "(secret, set)"
    assert rows["DEFAULT_TZ"] == "UTC"
    assert token not in repr(load(TELEGRAM_BOT_TOKEN=token))


@pytest.mark.parametrize(("url", "shown"), [
    ("http://user:PASSWORD@asr.lan:9000/", "http://user:***@asr.lan:9000/"),
    ("http://:PASSWORD@asr.lan/", "http://:***@asr.lan/"),
    ("https://hc-ping.com/x?token=PASSWORD&n=1", "https://hc-ping.com/x?token=***&n=1"),
    ("http://asr.lan:9000/", "http://asr.lan:9000/"),
    ("http://[::1", "http://[::1"),
    ("http://u:PASSWORD@[::1", "http://***"),
    ("Europe/Moscow", "Europe/Moscow"),
])
def test_mask_url_hides_passwords_and_query_tokens(url: str, shown: str) -> None:
    from organizer.settings import mask_url

    assert mask_url(url) == shown


@pytest.mark.parametrize(("host", "warned"), [
    ("127.0.0.1", False), ("::1", False), ("localhost", False), ("127.0.0.2", False),
    ("0.0.0.0", True), ("::", True), ("192.168.1.5", True), ("api.example.org", True),
])
def test_a_non_loopback_api_host_is_warned_about(host: str, warned: bool) -> None:
    from organizer.settings import exposed_host_warning

    warning = exposed_host_warning(host)
    assert (warning is not None) == warned
    if warning:
        assert warning.startswith(f"API_HOST={host} exposes the api")
