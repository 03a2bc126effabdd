"""The local marketplace over real HTTP/1.1 (keep-alive), with faults on demand.

Faults, drawn per request from a seeded generator:

- `fail_before`: this share of requests gets 503 with `Retry-After` before
  anything is applied;
- `drop_after`: this share is applied, then the connection is closed without
  an answer (the caller cannot know it was applied);
- `latency`: seconds to wait between applying and answering, every time;
- `slow`: this share is applied, then answered only after `slow_latency`
  seconds (longer than the caller's timeout, it becomes a timeout);
- `refuse_token`: every request gets 401, whatever its token.

`on_request(number, phase)` lets a test act at an exact point ("before":
nothing applied yet; "after": applied, not yet answered), e.g. kill the
dispatcher that sent it.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from guarantee_tui.marketplace_server.state import Answer, Marketplace, error


@dataclass(slots=True)
class Faults:
    fail_before: float = 0.0
    drop_after: float = 0.0
    latency: float = 0.0
    slow: float = 0.0
    slow_latency: float = 30.0
    retry_after: int = 1
    refuse_token: bool = False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One write per answer, sent at once: headers and body in separate small
    # writes would meet the client's delayed ACK (40 ms a request).
    wbufsize = -1
    disable_nagle_algorithm = True
    server: MarketplaceServer

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _answer(self, answer: Answer, headers: dict[str, str] | None = None) -> None:
        data = answer.encoded()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        self.close_connection = True

    def _serve(self, apply: Callable[[], Answer]) -> None:
        server = self.server
        faults = server.faults
        if faults.refuse_token or not server.marketplace.authorised(
            self.headers.get("Authorization")
        ):
            self._answer(error(401, "unauthorized", "missing or wrong token"))
            return
        number, draw = server.next_request()
        server.hook(number, "before")
        if draw < faults.fail_before:
            self._answer(
                error(503, "unavailable", "try again later"),
                {"Retry-After": str(faults.retry_after)},
            )
            return
        answer = apply()
        server.hook(number, "after")
        if faults.latency > 0:
            time.sleep(faults.latency)
        if draw < faults.fail_before + faults.drop_after:
            self._drop()
            return
        if draw < faults.fail_before + faults.drop_after + faults.slow:
            time.sleep(faults.slow_latency)
        self._answer(answer)

    def do_POST(self) -> None:
        raw = self._body()
        path = urlsplit(self.path).path
        key = self.headers.get("Idempotency-Key")
        self._serve(lambda: self.server.marketplace.post(path, key, raw))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self._body()
        market = self.server.marketplace
        if parts.path == "/v1/changes":
            query = parse_qs(parts.query)
            self._serve(lambda: market.changes_page(query))
        elif parts.path == "/_state":
            # Not in the contract: the end state, for a demo or a test in another process.
            self._serve(lambda: Answer(200, market.snapshot()))
        else:
            self._serve(lambda: error(404, "not_found", f"no such call: GET {parts.path}"))


class MarketplaceServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self,
        marketplace: Marketplace,
        faults: Faults | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int | None = None,
        on_request: Callable[[int, str], None] | None = None,
        verbose: bool = False,
    ) -> None:
        super().__init__((host, port), _Handler)
        self.marketplace = marketplace
        self.faults = faults or Faults()
        self.on_request = on_request
        self.verbose = verbose
        self._rng = random.Random(seed)
        self._count = 0
        self._count_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> int:
        return self._count

    def next_request(self) -> tuple[int, float]:
        with self._count_lock:
            self._count += 1
            return self._count, self._rng.random()

    def hook(self, number: int, phase: str) -> None:
        if self.on_request is not None:
            self.on_request(number, phase)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A caller killed or gone mid-answer is part of the faults under test.
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def start(self) -> MarketplaceServer:
        """Serves in a background thread (tests, the benchmark)."""
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join()


def state_of(url: str, token: str) -> dict[str, Any]:
    """GET /_state of a server in another process."""
    import httpx

    response = httpx.get(f"{url}/_state", headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    value = json.loads(response.text)
    assert isinstance(value, dict)
    return value
