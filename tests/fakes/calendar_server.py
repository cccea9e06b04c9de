"""A Google Calendar v3 compatible server on 127.0.0.1, for the real Google client libraries.

What it holds to, as Google does:
* a token endpoint (the service-account file's `token_uri`) that accepts only
  a JWT-bearer assertion signed by a key it trusts, and hands out Bearer tokens
  that every other call must carry;
* calendars shared per service account: not shared → 404, shared read-only →
  403 on writes;
* client-chosen event ids: lowercase base32hex, 5–1024 characters; a second
  insert of an id answers 409 — also when that event was deleted, because a
  deleted event stays as a `cancelled` tombstone, listed only with
  showDeleted; patching a tombstone answers 403, deleting it again 410;
* events.list with iCalUID, privateExtendedProperty, showDeleted, paging.

Faults for tests: `inject(kind, times)` or `chaos(rate)`, where kind is
"before" (500, nothing done), "after" (the change is committed, then 503 —
what leads a naive client to a duplicate), "slow" (committed, the answer
comes after `slow_s`, past the client's timeout) or "429".
"""

from __future__ import annotations

import json
import random
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

GOOGLE_TOKEN_AUD = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/calendar"
ID_RE = re.compile(r"^[a-v0-9]{5,1024}$")
KINDS = ("before", "after", "slow", "429")


def make_service_account(path: Path, server: CalendarServer, *, email: str = "",
                         trusted: bool = True) -> str:
    """Write a service-account JSON key whose token_uri is this server; returns client_email."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    email = email or f"organizer-{secrets.token_hex(3)}@test-project.iam.gserviceaccount.com"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "test-project",
        "private_key_id": secrets.token_hex(20), "private_key": private_pem,
        "client_email": email, "client_id": "1234567890",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": server.token_uri,
    }))
    if trusted:
        server.keys[email] = public_pem
    return email


@dataclass
class Calendar:
    id: str
    writers: set[str] = field(default_factory=set)
    readers: set[str] = field(default_factory=set)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)


class CalendarServer:
    """The server and its state; `start()` serves on a free port in a thread."""

    def __init__(self, slow_s: float = 3.0) -> None:
        self.keys: dict[str, str] = {}  # client_email -> public key PEM
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (email, expiry)
        self.calendars: dict[str, Calendar] = {}
        self.lock = threading.RLock()
        self.faults: list[str] = []
        self.chaos_rate = 0.0
        self.rng = random.Random(7)
        self.slow_s = slow_s
        self.requests: list[tuple[str, str]] = []
        self.inserted_at: dict[str, float] = {}  # event id -> time.monotonic() of its insert
        self.token_requests = 0
        self.httpd: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> CalendarServer:
        server = self

        class Handler(_Handler):
            owner = server

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    @property
    def port(self) -> int:
        assert self.httpd is not None
        return int(self.httpd.server_address[1])

    @property
    def base(self) -> str:
        """GOOGLE_CALENDAR_API_BASE for this server."""
        return f"http://127.0.0.1:{self.port}/calendar/v3/"

    @property
    def token_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    # -- test controls -----------------------------------------------------------

    def add_calendar(self, cal_id: str, *, writers: tuple[str, ...] = (),
                     readers: tuple[str, ...] = ()) -> Calendar:
        with self.lock:
            cal = Calendar(cal_id, set(writers), set(readers))
            self.calendars[cal_id] = cal
            return cal

    def inject(self, kind: str, times: int = 1) -> None:
        assert kind in KINDS
        with self.lock:
            self.faults.extend([kind] * times)

    def chaos(self, rate: float, seed: int = 7) -> None:
        with self.lock:
            self.chaos_rate = rate
            self.rng = random.Random(seed)

    def delete_by_hand(self, cal_id: str, event_id: str) -> None:
        with self.lock:
            self.calendars[cal_id].events[event_id]["status"] = "cancelled"

    def live_events(self, cal_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(e) for e in self.calendars[cal_id].events.values()
                    if e["status"] != "cancelled"]

    def live_by_task(self, cal_id: str) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for event in self.live_events(cal_id):
            task = event.get("extendedProperties", {}).get("private", {}).get("organizerTaskId")
            out.setdefault(str(task), []).append(event)
        return out

    def _next_fault(self, method: str) -> str | None:
        with self.lock:
            if self.faults:
                return self.faults.pop(0)
            if self.chaos_rate and self.rng.random() < self.chaos_rate:
                return self.rng.choice(KINDS)
        return None

    # -- token endpoint ------------------------------------------------------------

    def issue_token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        from google.auth import exceptions, jwt

        self.token_requests += 1
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return 400, {"error": "unsupported_grant_type"}
        assertion = (form.get("assertion") or [""])[0]
        try:
            claims = jwt.decode(assertion, verify=False)
            email = str(claims.get("iss", ""))
            key = self.keys.get(email)
            if key is None:
                return 400, {"error": "invalid_grant",
                             "error_description": "Invalid grant: account not found"}
            claims = jwt.decode(assertion, certs=key, audience=GOOGLE_TOKEN_AUD,
                                clock_skew_in_seconds=30)
        except (exceptions.GoogleAuthError, ValueError):
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        if SCOPE not in str(claims.get("scope", "")).split():
            return 400, {"error": "invalid_scope"}
        token = "ya29." + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = (email, time.time() + 3600)
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    # -- the API ---------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, list[str]],
               body: dict[str, Any] | None, auth: str) -> tuple[int, Any]:
        email = self._caller(auth)
        if email is None:
            return _error(401, "authError", "Request had invalid authentication credentials.")
        m = re.fullmatch(r"/calendar/v3/calendars/([^/]+)(/events(?:/([^/]+))?)?", path)
        if m is None:
            return _error(404, "notFound", "Not Found")
        from urllib.parse import unquote

        cal_id, events_part, event_id = unquote(m.group(1)), m.group(2), m.group(3)
        with self.lock:
            cal = self.calendars.get(cal_id)
            if cal is None or email not in cal.writers | cal.readers:
                return _error(404, "notFound", "Not Found")
            writing = method in ("POST", "PATCH", "PUT", "DELETE")
            if writing and email not in cal.writers:
                return _error(403, "requiredAccessLevel",
                              "You need to have writer access to this calendar.")
            if events_part is None:
                if method != "GET":
                    return _error(405, "methodNotAllowed", "Method not allowed")
                return 200, {"kind": "calendar#calendar", "id": cal.id, "summary": cal.id,
                             "timeZone": "Europe/Moscow"}
            if event_id is None:
                if method == "POST":
                    return self._insert(cal, body or {})
                if method == "GET":
                    return self._list(cal, query)
                return _error(405, "methodNotAllowed", "Method not allowed")
            return self._one(cal, method, event_id, body or {})

    def _caller(self, auth: str) -> str | None:
        if not auth.startswith("Bearer "):
            return None
        with self.lock:
            found = self.tokens.get(auth[len("Bearer "):])
        if found is None or found[1] < time.time():
            return None
        return found[0]

    def _insert(self, cal: Calendar, body: dict[str, Any]) -> tuple[int, Any]:
        event_id = body.get("id") or secrets.token_hex(13)
        if not ID_RE.match(event_id):
            return _error(400, "invalid", "Invalid resource id value.")
        if event_id in cal.events:
            return _error(409, "duplicate", "The requested identifier already exists.")
        for required in ("start", "end"):
            if required not in body:
                return _error(400, "required", f"Missing {required} time.")
        now = _stamp()
        event = {k: v for k, v in body.items() if v is not None}
        event.update(kind="calendar#event", id=event_id, status="confirmed", created=now,
                     updated=now, sequence=0, etag=f'"{time.time_ns()}"',
                     iCalUID=body.get("iCalUID") or f"{event_id}@google.com",
                     htmlLink=f"https://calendar.example/event?eid={event_id}")
        cal.events[event_id] = event
        self.inserted_at[event_id] = time.monotonic()
        return 200, dict(event)

    def _one(self, cal: Calendar, method: str, event_id: str,
             body: dict[str, Any]) -> tuple[int, Any]:
        event = cal.events.get(event_id)
        if event is None:
            return _error(404, "notFound", "Not Found")
        if method == "GET":
            return 200, dict(event)
        if method == "DELETE":
            if event["status"] == "cancelled":
                return _error(410, "deleted", "Resource has been deleted")
            event.update(status="cancelled", updated=_stamp())
            return 204, None
        if method in ("PATCH", "PUT"):
            if event["status"] == "cancelled":
                return _error(403, "forbidden", "Forbidden")
            if method == "PUT":
                keep = {k: event[k] for k in ("kind", "id", "created", "iCalUID", "htmlLink",
                                              "status", "sequence")}
                event.clear()
                event.update(keep)
            for key, value in body.items():
                if key in ("id", "iCalUID"):
                    continue
                if value is None:
                    event.pop(key, None)
                else:
                    event[key] = value
            event.update(updated=_stamp(), sequence=event["sequence"] + 1,
                         etag=f'"{time.time_ns()}"')
            return 200, dict(event)
        return _error(405, "methodNotAllowed", "Method not allowed")

    def _list(self, cal: Calendar, query: dict[str, list[str]]) -> tuple[int, Any]:
        show_deleted = query.get("showDeleted", ["false"])[0] == "true"
        items = [e for e in cal.events.values() if show_deleted or e["status"] != "cancelled"]
        if "iCalUID" in query:
            items = [e for e in items if e["iCalUID"] == query["iCalUID"][0]]
        for prop in query.get("privateExtendedProperty", []):
            key, _, value = prop.partition("=")
            items = [e for e in items
                     if e.get("extendedProperties", {}).get("private", {}).get(key) == value]
        size = min(int(query.get("maxResults", ["250"])[0]), 2500)
        start = int(query.get("pageToken", ["0"])[0])
        page = {"kind": "calendar#events", "items": [dict(e) for e in items[start:start + size]]}
        if start + size < len(items):
            page["nextPageToken"] = str(start + size)
        return 200, page


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def _error(code: int, reason: str, message: str) -> tuple[int, Any]:
    return code, {"error": {"code": code, "message": message,
                            "errors": [{"domain": "global", "reason": reason,
                                        "message": message}]}}


class _Handler(BaseHTTPRequestHandler):
    owner: CalendarServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _serve(self) -> None:
        server = self.owner
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        server.requests.append((self.command, url.path))
        if url.path == "/token" and self.command == "POST":
            status, answer = server.issue_token(parse_qs(raw.decode()))
            self._send(status, answer)
            return
        fault = server._next_fault(self.command) if url.path.startswith("/calendar/") else None
        if fault == "before":
            self._send(*_error(500, "backendError", "Backend Error"))
            return
        if fault == "429":
            self._send(*_error(429, "rateLimitExceeded", "Rate Limit Exceeded"))
            return
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._send(*_error(400, "parseError", "Parse Error"))
            return
        status, answer = server.handle(self.command, url.path, parse_qs(url.query), body,
                                       self.headers.get("Authorization", ""))
        if fault == "after":
            self._send(*_error(503, "backendError", "The service is currently unavailable."))
            return
        if fault == "slow":
            time.sleep(server.slow_s)
        self._send(status, answer)

    def _send(self, status: int, answer: Any) -> None:
        data = b"" if answer is None else json.dumps(answer).encode()
        try:
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve
