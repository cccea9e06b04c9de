"""Settings shown safely: URLs with their secrets masked, and an api exposed beyond this host.

A leaf module (standard library only), so logging, health and ops code can mask
without loading the settings themselves.
"""

from __future__ import annotations

import logging
import re
from ipaddress import ip_address
from urllib.parse import parse_qsl, urlencode, urlparse

_SECRET_QUERY_RE = re.compile(r"token|key|secret|pass|auth|sig|session|code", re.IGNORECASE)


def mask_url(value: str) -> str:
    """`value` with a URL's password and secret-looking query values replaced by ***.

    Anything that is not a URL is returned as it is; a URL too broken to parse that
    has userinfo or a query is shown as scheme://*** so that nothing in it can leak.
    """
    if "://" not in value:
        return value
    try:
        parsed = urlparse(value)
        if parsed.password:
            user = parsed.username or ""
            host = parsed.netloc.rpartition("@")[2]
            parsed = parsed._replace(netloc=f"{user}:***@{host}")
        if parsed.query:
            pairs = [(k, "***" if _SECRET_QUERY_RE.search(k) else v)
                     for k, v in parse_qsl(parsed.query, keep_blank_values=True)]
            parsed = parsed._replace(query=urlencode(pairs, safe="*"))
        return parsed.geturl()
    except ValueError:  # too broken to parse: show it only when nothing in it can be a secret
        if "@" not in value and "?" not in value:
            return value
        return value.partition("://")[0] + "://***"


def exposed_host_warning(host: str) -> str | None:
    """One line when API_HOST makes the api answer beyond this machine, else None."""
    if host.lower() == "localhost":
        return None
    try:
        if ip_address(host.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass  # a host name: it resolves to whatever the network says
    every = host in ("0.0.0.0", "::", "[::]")
    reach = "every network interface" if every else f"{host}, not only this machine"
    return (f"API_HOST={host} exposes the api (/health, /metrics) on {reach}; fine behind a "
            "firewall, otherwise set API_HOST=127.0.0.1")


def api_exposure_line(host: str, in_container: bool) -> tuple[int, str] | None:
    """(log level, line) the api says at start about API_HOST, or None for loopback.

    Inside a container 0.0.0.0 is the usual choice and reaches only the container's
    own network; what the host exposes is the compose file's `ports:` (the deploy
    publishes 127.0.0.1:8101), so it is said at INFO, not as a warning.
    """
    warning = exposed_host_warning(host)
    if warning is None:
        return None
    if in_container:
        return logging.INFO, (f"API_HOST={host} inside a container: reachable from the host "
                              "only where compose publishes the port (see `ports:`)")
    return logging.WARNING, warning
