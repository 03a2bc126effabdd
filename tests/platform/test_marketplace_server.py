"""The local marketplace honours the contract: every request and answer checked
against the OpenAPI schemas of tests/data/marketplace-api.yaml."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from guarantee_tui.marketplace_server import Marketplace, MarketplaceServer, contract
from tests.platform.conftest import TOKEN

CONTRACT = Path(__file__).resolve().parent.parent / "data" / "marketplace-api.yaml"
DOC: dict[str, Any] = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
REGISTRY = Registry().with_resource(
    "contract", Resource.from_contents(DOC, default_specification=DRAFT202012)
)
CREDIT = {"professional": "P1", "amount_credits": 120, "reason": "guarantee_refund", "claim": "C1"}
SUSPEND = {"professional": "P1", "reason": "platform_abuse", "claim": "C1", "note": "n"}
LIFT = {"reason": "decision_reopened", "claim": "C1"}
LETTER = {"professional": "P1", "claim": "C1", "language": "pt", "subject": "s", "body": "b"}


def _pointer(*parts: str) -> str:
    return "contract#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _validate(pointer: str, value: Any) -> None:
    Draft202012Validator({"$ref": pointer}, registry=REGISTRY).validate(value)


def _template(path: str) -> str:
    return "/v1/suspensions/{id}/lift" if path.endswith("/lift") else path


def check_request(path: str, body: Any) -> None:
    _validate(
        _pointer(
            "paths", _template(path), "post", "requestBody", "content", "application/json", "schema"
        ),
        body,
    )


def check_response(method: str, path: str, response: httpx.Response) -> dict[str, Any]:
    """The answer is one the contract lists for this call, with the schema it gives."""
    operation = DOC["paths"][_template(path)][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path}: {status} is not in the contract"
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    answer = operation["responses"][status]
    if "$ref" in answer:  # the shared Error response
        _validate("contract#/components/responses/Error/content/application~1json/schema", body)
    else:
        _validate(
            _pointer(
                "paths",
                _template(path),
                method,
                "responses",
                status,
                "content",
                "application/json",
                "schema",
            ),
            body,
        )
    for key in ("created_at", "lifted_at"):
        if isinstance(body.get(key), str):
            assert datetime.fromisoformat(body[key]).tzinfo is not None
    assert isinstance(body, dict)
    return body


@pytest.fixture
def http(server: MarketplaceServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"})


def post(http: httpx.Client, path: str, key: str | None, body: Any) -> httpx.Response:
    headers = {} if key is None else {"Idempotency-Key": key}
    return http.post(path, content=json.dumps(body).encode(), headers=headers)


def test_the_servers_contract_is_the_yaml_contract() -> None:
    assert contract() == DOC


def test_each_call_answers_as_the_contract_says(http: httpx.Client) -> None:
    for path, body in (
        ("/v1/credit-adjustments", CREDIT),
        ("/v1/suspensions", SUSPEND),
        ("/v1/messages", LETTER),
    ):
        check_request(path, body)
    credit = check_response(
        "post", "/v1/credit-adjustments", post(http, "/v1/credit-adjustments", "k1", CREDIT)
    )
    assert (credit["amount_credits"], credit["balance_credits"]) == (120, 120)
    reversal = dict(CREDIT, amount_credits=-20, reason="guarantee_refund_reversal")
    check_request("/v1/credit-adjustments", reversal)
    answer = post(http, "/v1/credit-adjustments", "k2", reversal)
    assert check_response("post", "/v1/credit-adjustments", answer)["balance_credits"] == 100
    first = post(http, "/v1/suspensions", "k3", SUSPEND)
    second = post(http, "/v1/suspensions", "k4", SUSPEND)
    assert first.status_code == second.status_code == 201
    suspension = check_response("post", "/v1/suspensions", first)
    assert suspension["active"] is True and suspension["lifted_at"] is None
    lift_path = f"/v1/suspensions/{suspension['id']}/lift"
    check_request(lift_path, LIFT)
    lifted = check_response("post", lift_path, post(http, lift_path, "k5", LIFT))
    assert lifted["active"] is False and lifted["lifted_at"]
    # Several suspensions per profile, each lifted on its own.
    other = check_response("post", "/v1/suspensions", second)
    assert other["active"] is True and other["id"] != suspension["id"]
    again = post(http, lift_path, "k6", LIFT)
    assert check_response("post", lift_path, again)["error"] == "already_lifted"
    assert again.status_code == 409
    unknown = post(http, "/v1/suspensions/nope/lift", "k7", LIFT)
    assert unknown.status_code == 404
    check_response("post", "/v1/suspensions/{id}/lift", unknown)
    message = check_response("post", "/v1/messages", post(http, "/v1/messages", "k8", LETTER))
    assert message["status"] == "queued"


def test_a_key_answers_its_first_response_again_and_refuses_another_body(
    http: httpx.Client, marketplace: Marketplace
) -> None:
    first = post(http, "/v1/credit-adjustments", "same", CREDIT)
    again = post(http, "/v1/credit-adjustments", "same", CREDIT)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert marketplace.balances == {"P1": 120}
    other = post(http, "/v1/credit-adjustments", "same", dict(CREDIT, amount_credits=121))
    assert other.status_code == 409
    assert (
        check_response("post", "/v1/credit-adjustments", other)["error"] == "idempotency_key_reused"
    )
    assert marketplace.balances == {"P1": 120} and marketplace.key_conflicts == ["same"]
    # A refusal is a first response too: the same request gets it again.
    bad = dict(LETTER, language="en")
    assert post(http, "/v1/messages", "bad", bad).status_code == 422
    assert post(http, "/v1/messages", "bad", bad).status_code == 422


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (dict(CREDIT, amount_credits=0), "amount_credits"),
        (dict(CREDIT, amount_credits=-5), "amount_credits"),
        (dict(CREDIT, extra=1), "body"),
        ({k: v for k, v in CREDIT.items() if k != "claim"}, "body"),
        (dict(CREDIT, reason="gift"), "reason"),
    ],
)
def test_bodies_are_validated(http: httpx.Client, body: dict[str, Any], where: str) -> None:
    answer = post(http, "/v1/credit-adjustments", f"v-{where}-{len(body)}", body)
    assert answer.status_code == 422
    assert check_response("post", "/v1/credit-adjustments", answer)["message"].startswith(where)


def test_keys_tokens_and_professionals_are_checked(
    http: httpx.Client, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    assert post(http, "/v1/messages", None, LETTER).status_code == 400
    assert post(http, "/v1/messages", "x" * 256, LETTER).status_code == 400
    assert post(http, "/v1/messages", "tab\there", LETTER).status_code == 400
    wrong = httpx.post(
        f"{server.url}/v1/messages",
        json=LETTER,
        headers={"Idempotency-Key": "k", "Authorization": "Bearer nope"},
    )
    assert wrong.status_code == 401
    check_response("post", "/v1/messages", wrong)
    marketplace.professionals = {"P2"}
    unknown = post(http, "/v1/messages", "k9", LETTER)
    assert unknown.status_code == 404
    assert check_response("post", "/v1/messages", unknown)["error"] == "unknown_professional"


def test_changes_are_paged_with_cursors_that_expire(
    http: httpx.Client, marketplace: Marketplace
) -> None:
    records = [{"ref": f"P{n}", "market": "FR", "company_name": f"C{n}"} for n in range(5)]
    marketplace.add_changes(records)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        answer = http.get("/v1/changes", params=params)
        page = check_response("get", "/v1/changes", answer)
        assert page["format"] == "guarantee-case-file/1"
        seen += [p["ref"] for p in page["professionals"]]
        cursor = page["next_cursor"]
        pages += 1
        if not page["has_more"]:
            break
    assert (seen, pages) == ([r["ref"] for r in records], 3)
    tail = check_response("get", "/v1/changes", http.get("/v1/changes", params={"cursor": cursor}))
    assert (tail["professionals"], tail["has_more"]) == ([], False)
    marketplace.add_changes([{"ref": "P9", "market": "PT", "company_name": "N"}])
    newer = http.get("/v1/changes", params={"cursor": cursor})
    assert [p["ref"] for p in check_response("get", "/v1/changes", newer)["professionals"]] == [
        "P9"
    ]
    marketplace.expire_cursors()
    expired = http.get("/v1/changes", params={"cursor": cursor})
    assert expired.status_code == 410
    check_response("get", "/v1/changes", expired)
    assert http.get("/v1/changes", params={"limit": 0}).status_code == 400


def test_faults_fail_before_applying_drop_after_applying_or_answer_late(
    http: httpx.Client, server: MarketplaceServer, marketplace: Marketplace
) -> None:
    server.faults.fail_before, server.faults.retry_after = 1.0, 3
    busy = post(http, "/v1/credit-adjustments", "f1", CREDIT)
    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "3")
    check_response("post", "/v1/credit-adjustments", busy)
    assert marketplace.balances == {}
    server.faults.fail_before, server.faults.drop_after = 0.0, 1.0
    with pytest.raises(httpx.RemoteProtocolError):
        post(http, "/v1/credit-adjustments", "f1", CREDIT)
    assert marketplace.balances == {"P1": 120}
    server.faults.drop_after, server.faults.slow, server.faults.slow_latency = 0.0, 1.0, 0.3
    with pytest.raises(httpx.ReadTimeout):
        http.post(
            "/v1/credit-adjustments",
            content=json.dumps(dict(CREDIT, claim="C2")).encode(),
            headers={"Idempotency-Key": "f2"},
            timeout=0.05,
        )
    assert marketplace.balances == {"P1": 240}
    server.faults.slow = 0.0
    replay = post(http, "/v1/credit-adjustments", "f1", CREDIT)
    assert check_response("post", "/v1/credit-adjustments", replay)["balance_credits"] == 120
    server.faults.refuse_token = True
    assert post(http, "/v1/credit-adjustments", "f3", CREDIT).status_code == 401
