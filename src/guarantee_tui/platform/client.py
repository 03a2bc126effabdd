"""The marketplace's API over HTTP: one httpx client, one method per call.

Every answer is classified the way the contract says
(tests/data/marketplace-api.yaml):

- 2xx: a `Reply` with the parsed JSON body;
- 401: `TokenRejected` (the token itself is never part of any message);
- 408, 425, 429, 5xx, timeouts and transport errors (refused, reset, a
  connection closed without an answer): `TransientError`, with the
  `Retry-After` the server gave, if any;
- 410 on /v1/changes: `CursorExpired`;
- any other status: `PermanentError`; a 409 other than `already_lifted` means
  an idempotency key was reused with another body, which this tool never
  does on purpose (`key_reused`, a bug signal).

The client sends a request once; when to try again is the caller's choice
(see platform/dispatcher.py and services/pull.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator
from guarantee_tui.store.log import canonical_json

TRANSIENT_STATUSES: Final = frozenset({408, 425, 429})
USER_AGENT: Final = "guarantee-tui"
DEFAULT_TIMEOUT: Final = 10.0
CONNECT_TIMEOUT: Final = 5.0


class TokenRejected(UserError):
    """The marketplace refused the token (401): nothing can be sent until it is fixed."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url

    def describe(self, tr: Translator) -> str:
        return tr("Marketplace {url}: token rejected (401).", url=self.url)


class MarketplaceError(Exception):
    """A call that did not succeed. `str()` is a short technical line for the
    effect's `last_error` ("503 unavailable: ...", "timeout (ReadTimeout)")."""

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.body = status, code, body


class TransientError(MarketplaceError):
    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        body: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail, status=status, code=code, body=body)
        self.retry_after = retry_after


class PermanentError(MarketplaceError):
    @property
    def key_reused(self) -> bool:
        return self.status == 409 and self.code != "already_lifted"


class CursorExpired(MarketplaceError):
    pass


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    data: dict[str, Any]
    text: str


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds: a number of seconds or an HTTP date; None when absent or bad."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _error_fields(response: httpx.Response) -> tuple[str | None, str]:
    try:
        data = response.json()
    except ValueError:
        return None, response.reason_phrase
    if isinstance(data, dict):
        code = data.get("error")
        message = data.get("message")
        return (
            code if isinstance(code, str) else None,
            message if isinstance(message, str) else response.reason_phrase,
        )
    return None, response.reason_phrase


def classify(response: httpx.Response, base_url: str) -> Reply:
    """The reply of a 2xx answer; raises the right error for any other."""
    status = response.status_code
    text = response.text
    if 200 <= status < 300:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise PermanentError(
                f"{status}: the answer is not a JSON object", status=status, body=text
            )
        return Reply(status, data, text)
    if status == 401:
        raise TokenRejected(base_url)
    code, message = _error_fields(response)
    detail = f"{status} {code or response.reason_phrase}: {message}"
    if status in TRANSIENT_STATUSES or 500 <= status < 600:
        raise TransientError(
            detail,
            status=status,
            code=code,
            body=text,
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )
    if status == 410:
        raise CursorExpired(detail, status=status, code=code, body=text)
    raise PermanentError(detail, status=status, code=code, body=text)


class MarketplaceClient:
    """One keep-alive HTTP/1.1 connection pool to the marketplace, safe to share
    between threads (httpx's pool is)."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        connections: int = 8,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url,
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            limits=httpx.Limits(
                max_connections=connections,
                max_keepalive_connections=connections,
                keepalive_expiry=30.0,
            ),
            http1=True,
            http2=False,
            follow_redirects=False,
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"MarketplaceClient(url={self.url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> MarketplaceClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _send(self, request: httpx.Request) -> Reply:
        try:
            response = self._http.send(request)
        except httpx.TimeoutException as exc:
            raise TransientError(f"timeout ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"transport error ({type(exc).__name__}: {exc})") from exc
        return classify(response, self.url)

    def post(self, path: str, key: str, body: str | Mapping[str, Any]) -> Reply:
        """POSTs `body` (sent byte for byte when it is already JSON text) with `key`."""
        content = body if isinstance(body, str) else canonical_json(dict(body))
        request = self._http.build_request(
            "POST",
            path,
            content=content.encode("utf-8"),
            headers={"Idempotency-Key": key, "Content-Type": "application/json"},
        )
        return self._send(request)

    def credit_adjustment(self, key: str, body: str | Mapping[str, Any]) -> Reply:
        return self.post("/v1/credit-adjustments", key, body)

    def suspend(self, key: str, body: str | Mapping[str, Any]) -> Reply:
        return self.post("/v1/suspensions", key, body)

    def lift(self, key: str, suspension_id: str, body: str | Mapping[str, Any]) -> Reply:
        from urllib.parse import quote

        return self.post(f"/v1/suspensions/{quote(suspension_id, safe='')}/lift", key, body)

    def send_message(self, key: str, body: str | Mapping[str, Any]) -> Reply:
        return self.post("/v1/messages", key, body)

    def changes(self, cursor: str | None = None, limit: int | None = None) -> Reply:
        params: dict[str, str | int] = {}
        if cursor is not None:
            params["cursor"] = cursor
        if limit is not None:
            params["limit"] = limit
        return self._send(self._http.build_request("GET", "/v1/changes", params=params))
