"""The Litestar application: /health and /metrics."""

from __future__ import annotations

from litestar import Litestar, Response, get
from prometheus_client import CONTENT_TYPE_LATEST

from organizer.api.checks import CanonView
from organizer.api.health import HealthProbe
from organizer.api.metrics import MetricsSource
from organizer.settings import Settings


def bot_off_reason(settings: Settings) -> str | None:
    return None if settings.telegram_bot_token else "TELEGRAM_BOT_TOKEN is not set"


def create_app(settings: Settings, canon: CanonView | None) -> Litestar:
    """The API for these settings; `canon` is the live canon the process holds."""
    probe = HealthProbe(settings, canon, bot_off=bot_off_reason(settings))
    metrics = MetricsSource(settings)

    @get("/health")
    async def health() -> Response[bytes]:
        """200 with ok/degraded, 503 with fail; one entry per check."""
        code, body = await probe.report()
        return Response(content=body, status_code=code, media_type="application/json")

    @get("/metrics")
    async def scrape() -> Response[bytes]:
        """Prometheus text format."""
        return Response(content=await metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return Litestar(route_handlers=[health, scrape], openapi_config=None, logging_config=None)
