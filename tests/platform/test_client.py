"""The client's classification of answers, Retry-After, and the backoff (mocked transport)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from guarantee_tui.platform.backoff import Backoff
from guarantee_tui.platform.client import (
    CursorExpired,
    MarketplaceClient,
    PermanentError,
    TokenRejected,
    TransientError,
    retry_after_seconds,
)

URL = "http://marketplace.test"
BODY = {"professional": "P1", "amount_credits": 5, "reason": "guarantee_refund", "claim": "C1"}


@pytest.fixture
def client() -> MarketplaceClient:
    return MarketplaceClient(URL, "s3cret-token", timeout=2.0)


def error(status: int, code: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"error": code, "message": "m"}, headers=headers)


@respx.mock
def test_a_post_carries_the_key_the_token_and_the_body_byte_for_byte(
    client: MarketplaceClient,
) -> None:
    route = respx.post(f"{URL}/v1/credit-adjustments").mock(
        return_value=httpx.Response(201, json={"id": "adj_1", "balance_credits": 5})
    )
    reply = client.post("/v1/credit-adjustments", "key-1", '{"b":1,"a":2}')
    assert reply.status == 201 and reply.data["balance_credits"] == 5
    request = route.calls.last.request
    assert request.headers["Idempotency-Key"] == "key-1"
    assert request.headers["Authorization"] == "Bearer s3cret-token"
    assert request.headers["Content-Type"] == "application/json"
    assert request.content == b'{"b":1,"a":2}'
    assert "s3cret-token" not in repr(client)


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
@respx.mock
def test_statuses_worth_retrying_are_transient(client: MarketplaceClient, status: int) -> None:
    respx.post(f"{URL}/v1/messages").mock(return_value=error(status, "busy", {"Retry-After": "7"}))
    with pytest.raises(TransientError) as info:
        client.send_message("k", {})
    assert info.value.status == status and info.value.retry_after == 7.0
    assert str(info.value).startswith(f"{status} busy")


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("reset"),
    ],
)
@respx.mock
def test_timeouts_and_transport_errors_are_transient(
    client: MarketplaceClient, exc: Exception
) -> None:
    respx.post(f"{URL}/v1/suspensions").mock(side_effect=exc)
    with pytest.raises(TransientError) as info:
        client.suspend("k", {})
    assert info.value.status is None and info.value.retry_after is None


@pytest.mark.parametrize(
    ("status", "code"), [(400, "bad"), (404, "unknown_professional"), (422, "invalid")]
)
@respx.mock
def test_other_client_errors_are_permanent(
    client: MarketplaceClient, status: int, code: str
) -> None:
    respx.post(f"{URL}/v1/credit-adjustments").mock(return_value=error(status, code))
    with pytest.raises(PermanentError) as info:
        client.credit_adjustment("k", BODY)
    assert (info.value.status, info.value.code, info.value.key_reused) == (status, code, False)


@respx.mock
def test_a_409_is_a_reused_key_unless_the_suspension_was_already_lifted(
    client: MarketplaceClient,
) -> None:
    route = respx.post(f"{URL}/v1/suspensions/s%2F1/lift")
    route.mock(return_value=error(409, "idempotency_key_reused"))
    with pytest.raises(PermanentError) as info:
        client.lift("k", "s/1", {})
    assert info.value.key_reused
    route.mock(return_value=error(409, "already_lifted"))
    with pytest.raises(PermanentError) as info:
        client.lift("k", "s/1", {})
    assert not info.value.key_reused


@respx.mock
def test_401_is_a_rejected_token_that_never_shows_the_token(client: MarketplaceClient) -> None:
    respx.get(f"{URL}/v1/changes").mock(return_value=error(401, "unauthorized"))
    with pytest.raises(TokenRejected) as info:
        client.changes()
    assert "token rejected (401)" in str(info.value)
    assert "s3cret" not in str(info.value)


@respx.mock
def test_changes_pass_the_cursor_and_410_is_an_expired_cursor(client: MarketplaceClient) -> None:
    route = respx.get(f"{URL}/v1/changes").mock(return_value=error(410, "cursor_expired"))
    with pytest.raises(CursorExpired):
        client.changes("abc", 50)
    assert route.calls.last.request.url.params == httpx.QueryParams(
        {"cursor": "abc", "limit": "50"}
    )


@respx.mock
def test_a_success_that_is_not_a_json_object_is_permanent(client: MarketplaceClient) -> None:
    respx.post(f"{URL}/v1/messages").mock(return_value=httpx.Response(202, text="queued"))
    with pytest.raises(PermanentError):
        client.send_message("k", {})


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_backoff_grows_exponentially_to_its_cap_with_full_jitter() -> None:
    backoff = Backoff(base=0.5, cap=30.0)
    assert [backoff.ceiling(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff.ceiling(10) == 30.0 and backoff.ceiling(10_000) == 30.0
    rng = random.Random(1)
    draws = [backoff.delay(3, rng=rng) for _ in range(2000)]
    assert all(0.0 <= d <= 2.0 for d in draws)
    # Full jitter: spread over the whole range, not bunched at the ceiling.
    assert min(draws) < 0.1 and max(draws) > 1.9
    assert 0.9 < sum(draws) / len(draws) < 1.1


def test_retry_after_is_a_floor_and_is_bounded() -> None:
    backoff = Backoff(base=0.5, cap=30.0, max_retry_after=600.0)
    rng = random.Random(2)
    assert all(backoff.delay(1, 45.0, rng) == 45.0 for _ in range(50))
    assert backoff.delay(1, 10**9, rng) == 600.0
    assert 0.0 <= backoff.delay(1, -5.0, rng) <= 0.5
