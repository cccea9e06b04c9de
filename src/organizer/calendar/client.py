"""The Google Calendar v3 adapter: google-api-python-client with its shipped discovery document.

Every call has a timeout (GOOGLE_CALENDAR_TIMEOUT_SEC, on the socket) and is
retried with exponential backoff and jitter on 429, 5xx, rate-limit 403s,
timeouts and connection errors; then it raises CalendarUnavailable. Answers
that mean the configuration is wrong (calendar not found, no access, a key the
token endpoint refuses) raise CalendarRefused at once — retrying them only
spams. The answers organizer expects (409 on an insert, 404/410 on an event)
come back as None/False so the sync can act on them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from organizer.backoff import Backoff
from organizer.errors import CalendarError, CalendarRefused, CalendarUnavailable
from organizer.settings import Settings

SCOPE = "https://www.googleapis.com/auth/calendar"
SA_KEYS = ("client_email", "private_key", "token_uri")  # what google-auth needs of a key
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})
Wait = Callable[[float], bool]  # sleeps; True when the worker is stopping
Row = dict[str, Any]


class _Status(Exception):
    """An HTTP answer the retry loop hands back to the caller to interpret."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status, self.reason, self.message = status, reason, message


def build_service(settings: Settings) -> Any:
    """A `calendar` v3 service object, or CalendarRefused when the key file cannot be used."""
    import google_auth_httplib2
    import httplib2
    from google.oauth2 import service_account
    from googleapiclient.discovery import build

    # googleapiclient warns on every 403/429/5xx it sees; this adapter decides what is worth
    # a line (one per outage, one per mode change), so its chatter would be a line per task.
    logging.getLogger("googleapiclient.http").setLevel(logging.ERROR)
    info = _key_info(settings.google_sa_file)
    try:
        credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=[SCOPE])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CalendarRefused(
            f"GOOGLE_SA_FILE {settings.google_sa_file} is not a usable service-account key "
            f"({type(exc).__name__}); download a new JSON key for the service account"
        ) from None
    http = google_auth_httplib2.AuthorizedHttp(
        credentials, http=httplib2.Http(timeout=settings.google_calendar_timeout_sec))
    options = ({"api_endpoint": settings.google_calendar_api_base}
               if settings.google_calendar_api_base else None)
    return build("calendar", "v3", http=http, static_discovery=True, client_options=options,
                 cache_discovery=False)


def _key_info(path: Path) -> dict[str, Any]:
    """The key file's JSON object, or CalendarRefused naming what is wrong with it."""
    try:
        info = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise CalendarRefused(
            f"GOOGLE_SA_FILE {path} does not exist; put the service-account JSON key there"
        ) from None
    except OSError as exc:
        raise CalendarRefused(f"GOOGLE_SA_FILE {path} cannot be read ({exc.strerror})") from None
    except ValueError:
        info, why = None, "not JSON"
    else:
        missing = ([k for k in SA_KEYS if not isinstance(info.get(k), str) or not info[k]]
                   if isinstance(info, dict) else [])
        why = (f"JSON {type(info).__name__}, not an object" if not isinstance(info, dict)
               else f"no {', '.join(missing)}" if missing else "")
    if why:
        raise CalendarRefused(f"GOOGLE_SA_FILE {path} is not a usable service-account key "
                              f"({why}); download a new JSON key for the service account")
    return cast(dict[str, Any], info)


class CalendarClient:
    """The calls the sync makes on one calendar; not thread-safe (one per thread)."""

    def __init__(self, service: Any, calendar_id: str, *, wait: Wait, attempts: int = 5,
                 base_delay: float = 0.25, max_delay: float = 8.0) -> None:
        self.service = service
        # Each `service.events()` builds a fresh resource with every method and its docs
        # (~40 KB, freed only by the cycle collector): build the two we use once.
        self.events = service.events()
        self.calendars = service.calendars()
        self.calendar_id = calendar_id
        self.wait = wait
        self.attempts = attempts
        self.backoff = Backoff(base_delay, max_delay, jitter=(0.5, 1.0))
        self.calls = 0

    def close(self) -> None:
        """Close the kept-alive connections."""
        close = getattr(self.service, "close", None)
        if close is not None:
            close()

    # -- the calls -----------------------------------------------------------

    def probe(self) -> Row:
        """Read the calendar itself: the check that the configuration works."""
        try:
            return self._call(lambda: self.calendars.get(calendarId=self.calendar_id))
        except _Status as exc:
            raise self._refusal(exc) from exc

    def insert(self, body: Row, event_id: str) -> Row | None:
        """Insert with a client-chosen id; None when that id already exists (409)."""
        try:
            return self._call(lambda: self.events.insert(
                calendarId=self.calendar_id, body={**_clean(body), "id": event_id}))
        except _Status as exc:
            if exc.status == 409:
                return None
            raise self._refusal(exc) from exc

    def get(self, event_id: str) -> Row | None:
        """The event, tombstones included (status "cancelled"); None when Google has no trace."""
        try:
            return self._call(lambda: self.events.get(
                calendarId=self.calendar_id, eventId=event_id))
        except _Status as exc:
            if exc.status in (404, 410):
                return None
            raise self._refusal(exc) from exc

    def patch(self, event_id: str, body: Row) -> Row | None:
        """Patch the event; None when it is gone (deleted here or by hand)."""
        try:
            return self._call(lambda: self.events.patch(
                calendarId=self.calendar_id, eventId=event_id, body=body))
        except _Status as exc:
            if self._gone(exc, event_id):
                return None
            raise self._refusal(exc) from exc

    def delete(self, event_id: str) -> bool:
        """Delete the event; False when it was already gone."""
        try:
            self._call(lambda: self.events.delete(
                calendarId=self.calendar_id, eventId=event_id))
            return True
        except _Status as exc:
            if self._gone(exc, event_id):
                return False
            raise self._refusal(exc) from exc

    # -- interpretation --------------------------------------------------------

    def _gone(self, exc: _Status, event_id: str) -> bool:
        """404/410 on an event, or a 403 that Google gives for touching a tombstone."""
        if exc.status in (404, 410):
            self.probe()  # a missing *calendar* answers 404 too: that one is a refusal
            return True
        if exc.status == 403:
            found = self.get(event_id)
            return found is None or found.get("status") == "cancelled"
        return False

    def _refusal(self, exc: _Status) -> CalendarError:
        cal = self.calendar_id
        if exc.status == 404:
            return CalendarRefused(
                f"calendar {cal} was not found (404); check GOOGLE_CALENDAR_ID and that the "
                "calendar still exists")
        if exc.status in (401, 403):
            return CalendarRefused(
                f"no write access to calendar {cal} ({exc.status} {exc.message}); share the "
                "calendar with the service account's client_email with 'Make changes to events'")
        return CalendarError(f"calendar {cal} answered {exc}")

    # -- the retry loop --------------------------------------------------------

    def _call(self, make_request: Callable[[], Any]) -> Row:
        from google.auth import exceptions as auth_errors
        from googleapiclient.errors import HttpError
        from httplib2 import HttpLib2Error

        last = "no attempt"
        for attempt in range(self.attempts):
            self.calls += 1
            try:
                answer = make_request().execute(num_retries=0)
                return answer if isinstance(answer, dict) else {}
            except HttpError as exc:
                status, reason = exc.resp.status, _reason(exc)
                if not (status == 429 or status >= 500
                        or (status == 403 and reason in RATE_REASONS)):
                    raise _Status(status, reason, str(exc.reason)[:200]) from exc
                last = f"HTTP {status} {reason}".strip()
            except auth_errors.RefreshError as exc:
                if _refresh_is_transient(exc):
                    last = f"token endpoint: {_short(exc)}"
                else:
                    raise CalendarRefused(
                        "the token endpoint refused the service-account key in GOOGLE_SA_FILE "
                        f"({_short(exc)}); create a new key for the service account") from exc
            except auth_errors.TransportError as exc:
                last = f"token endpoint unreachable: {_short(exc)}"
            except TimeoutError as exc:
                last = f"no answer within the timeout ({type(exc).__name__})"
            except (OSError, HttpLib2Error) as exc:
                last = f"connection failed: {_short(exc)}"
            if attempt + 1 < self.attempts and self.wait(self.backoff.delay(attempt + 1)):
                break
        raise CalendarUnavailable(f"calendar {self.calendar_id} unavailable: {last}")


def _clean(body: Row) -> Row:
    """An insert has no use for explicit nulls (a patch needs them to clear a field)."""
    return {k: v for k, v in body.items() if v is not None}


def _reason(exc: Any) -> str:
    details = getattr(exc, "error_details", None)
    if isinstance(details, list) and details and isinstance(details[0], dict):
        return str(details[0].get("reason", ""))
    return ""


def _refresh_is_transient(exc: Exception) -> bool:
    # google-auth marks 5xx/429 answers of the token endpoint as retryable.
    return bool(getattr(exc, "retryable", False))


def _short(exc: Exception) -> str:
    text = str(exc).replace("\n", " ")
    try:  # token endpoint errors carry a JSON body; keep its error code only
        first = exc.args[1] if len(exc.args) > 1 else None
        if isinstance(first, dict) and "error" in first:
            return str(first["error"])
    except (IndexError, TypeError):
        pass
    return text[:160] if not text.startswith("{") else json.dumps(text[:160])
