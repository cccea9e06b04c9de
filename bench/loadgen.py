"""A small HTTP/1.1 keep-alive load generator: `python -m bench.loadgen URL SECONDS CONNS`.

Prints one JSON object: requests, errors, requests/s, p50/p99 latency in ms.
Pure asyncio on raw sockets, so the generator costs little next to the server;
both sides of a comparison are driven by the same generator in the same run.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


async def _client(host: str, port: int, path: str, until: float,
                  latencies: list[float], errors: list[int]) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200") and not head.startswith(b"HTTP/1.1 503"):
                errors.append(1)
    finally:
        writer.close()


async def run(url: str, seconds: float, conns: int) -> dict[str, float]:
    parts = urlsplit(url)
    latencies: list[float] = []
    errors: list[int] = []
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_client(parts.hostname or "127.0.0.1", parts.port or 80,
                                   parts.path or "/", until, latencies, errors)
                           for _ in range(conns)))
    took = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {"requests": len(latencies), "errors": len(errors), "rps": len(latencies) / took,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99)}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(sys.argv[1], float(sys.argv[2]), int(sys.argv[3])))))
