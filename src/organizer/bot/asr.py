"""The ASR service adapter: `GET /health`, `POST /asr` (multipart `file`, optional `lang`).

Every call has a timeout; transport errors, timeouts and bad answers all become
AsrUnavailable, which the bot turns into a plain reply.
"""

from __future__ import annotations

import httpx

from organizer.errors import OrganizerError

TRANSCRIBE_TIMEOUT_S = 20.0
HEALTH_TIMEOUT_S = 2.0


class AsrUnavailable(OrganizerError):
    """The ASR service is not configured, down, slow or answered nonsense."""


class AsrClient:
    """Talks to ASR_SERVICE_URL; `base_url=None` means voice is off by configuration."""

    def __init__(self, base_url: str | None, *, timeout: float = TRANSCRIBE_TIMEOUT_S,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/") if base_url else None
        self.timeout = timeout
        self._client = httpx.AsyncClient(transport=transport) if base_url else None

    async def transcribe(self, audio: bytes, lang: str | None = None,
                         filename: str = "voice.oga") -> str:
        """The recognised text of an OGG/Opus voice message."""
        if self._client is None:
            raise AsrUnavailable("ASR_SERVICE_URL is not set")
        data = {"lang": lang} if lang else {}
        try:
            response = await self._client.post(
                f"{self.base_url}/asr", files={"file": (filename, audio, "audio/ogg")},
                data=data, timeout=self.timeout,
            )
            response.raise_for_status()
            text = response.json().get("text")
        except httpx.TimeoutException as exc:
            raise AsrUnavailable(f"ASR service timed out after {self.timeout:.0f} s") from exc
        except httpx.HTTPStatusError as exc:
            raise AsrUnavailable(f"ASR service answered {exc.response.status_code}") from exc
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            raise AsrUnavailable(f"ASR service unreachable: {type(exc).__name__}") from exc
        if not isinstance(text, str):
            raise AsrUnavailable("ASR service answered without a text")
        return text.strip()

    async def health(self) -> str:
        """"off" (not configured), "ok", or "down: <why>" — for the bot's heartbeat."""
        if self._client is None:
            return "off"
        try:
            response = await self._client.get(f"{self.base_url}/health",
                                              timeout=HEALTH_TIMEOUT_S)
        except httpx.HTTPError as exc:
            return f"down: {type(exc).__name__}"
        return "ok" if response.status_code == 200 else f"down: HTTP {response.status_code}"

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
