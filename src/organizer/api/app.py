"""The Litestar application: /health and /metrics."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar, Response, get
from prometheus_client import CONTENT_TYPE_LATEST

from organizer.api.checks import CanonView, MissingCanon
from organizer.api.health import HealthProbe
from organizer.api.metrics import MetricsSource
from organizer.errors import CanonError
from organizer.settings import Settings

PROMETHEUS_TYPE = CONTENT_TYPE_LATEST.split("; charset=")[0]


def open_canon(settings: Settings) -> CanonView:
    """The live canon from CANON_PATH, or a stand-in whose health check fails and says why."""
    from organizer.canon import LiveCanon

    try:
        return LiveCanon(settings.canon_path)
    except CanonError as exc:
        return MissingCanon(str(exc))


def create_app(settings: Settings, canon: CanonView | None = None, *,
               mountinfo: Callable[[], str] | None = None) -> Litestar:
    """The API for these settings.

    `canon` is the live canon the process holds (loaded from CANON_PATH when not
    given); `mountinfo` reads the mount table (/proc/self/mountinfo by default).
    """
    probe = HealthProbe(settings, canon if canon is not None else open_canon(settings),
                        bot_off=settings.bot_off_reason, mountinfo=mountinfo)
    metrics = MetricsSource(settings)

    @get("/health")
    async def health() -> Response[bytes]:
        """200 with ok/degraded, 503 with fail; one entry per check."""
        code, body = await probe.report()
        return Response(content=body, status_code=code, media_type="application/json")

    @get("/metrics")
    async def scrape() -> Response[bytes]:
        """Prometheus text format; 503 with one line when the database cannot be read."""
        code, body = await metrics.render()
        # Litestar appends "; charset=utf-8" to every text/ type itself.
        media = PROMETHEUS_TYPE if code == 200 else "text/plain"
        return Response(content=body, status_code=code, media_type=media)

    return Litestar(route_handlers=[health, scrape], openapi_config=None, logging_config=None)
