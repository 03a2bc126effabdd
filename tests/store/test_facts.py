"""Facts come back from the database exactly, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, event, text

from guarantee_tui.policy import Claim, OtherClaim, Purchase, Verdict, evaluate
from guarantee_tui.policy.conditions import first_twenty
from guarantee_tui.store.facts import iter_claims, load_claim
from tests.builders import AT, claim_for, eligible_professional, purchases, tagged
from tests.store.helpers import insert


@contextmanager
def count_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def test_a_claim_loads_as_it_was_written(engine: Engine) -> None:
    pro = eligible_professional()
    claim = claim_for(pro)
    pro = replace(pro, claims=(OtherClaim("CL-0000", "rejected"),))
    insert(engine, pro, claim)
    with engine.connect() as conn:
        facts = load_claim(conn, "CL-0001")
    assert facts is not None
    assert facts.claim.ref == "CL-0001"
    assert facts.claim.submitted_at == claim.submitted_at
    assert sorted(facts.claim.explanations, key=lambda e: e.contact_ref) == sorted(
        claim.explanations, key=lambda e: e.contact_ref
    )
    loaded = facts.professional
    assert sorted(loaded.purchases, key=lambda p: p.ref) == sorted(
        pro.purchases, key=lambda p: p.ref
    )
    assert set(loaded.labels) == set(pro.labels)
    assert set(loaded.reviews) == set(pro.reviews)
    assert set(loaded.packs) == set(pro.packs)
    assert {(c.ref, c.status) for c in loaded.claims} == {
        ("CL-0000", "rejected"),
        ("CL-0001", "open"),
    }
    assert evaluate(loaded, facts.claim, AT) == evaluate(pro, claim, AT)
    assert evaluate(loaded, facts.claim, AT).verdict is Verdict.ELIGIBLE


def test_unknown_claim(engine: Engine) -> None:
    with engine.connect() as conn:
        assert load_claim(conn, "CL-NOPE") is None


def test_only_the_first_twenty_purchases_are_loaded(engine: Engine) -> None:
    pro = eligible_professional()
    extra = tuple(
        Purchase(f"L-{i:02d}", datetime(2026, 6, 1, tzinfo=UTC) + timedelta(hours=i), 7, "standard")
        for i in range(30, 60)
    )
    pro = replace(pro, purchases=pro.purchases + extra)
    insert(engine, pro, claim_for(pro))
    with engine.connect() as conn:
        facts = load_claim(conn, "CL-0001")
    assert facts is not None
    assert facts.professional.purchases and len(facts.professional.purchases) == 20
    assert first_twenty(facts.professional.purchases) == first_twenty(pro.purchases)


def test_each_professional_of_a_batch_gets_their_own_first_twenty(engine: Engine) -> None:
    # Purchases inserted out of order, with shared instants (ref breaks the tie),
    # some before and some after the twentieth: the twenty are chosen per
    # professional, not over the batch.
    start = datetime(2026, 2, 1, 8, tzinfo=UTC)
    expected = {}
    for i, count in enumerate((35, 20, 12)):
        bought = tuple(
            Purchase(
                f"L-{(k * 11) % count:02d}",
                start + timedelta(hours=(k * 11) % count // 3),
                5,
                "standard",
            )
            for k in range(count)
        )
        pro = tagged(replace(eligible_professional(), purchases=bought), f"P{i}")
        insert(engine, pro, replace(claim_for(pro), ref=f"CL-{i}"), email=f"{i}@x.fr")
        expected[f"CL-{i}"] = first_twenty(pro.purchases)
    with engine.connect() as conn:
        loaded = {f.claim.ref: f.professional.purchases for f in iter_claims(conn)}
    assert {ref: first_twenty(bought) for ref, bought in loaded.items()} == expected
    assert sorted(len(bought) for bought in loaded.values()) == [12, 20, 20]


def test_loading_a_claim_takes_the_same_few_queries_whatever_the_data(engine: Engine) -> None:
    small = tagged(replace(eligible_professional(), purchases=purchases(3)), "S")
    small_claim = replace(claim_for(small), ref="CL-SMALL")
    insert(engine, small, small_claim, email="a@x.fr")
    big = tagged(
        replace(eligible_professional(), purchases=purchases(60, every=timedelta(hours=5))), "B"
    )
    insert(engine, big, claim_for(big), email="b@x.fr")
    counts = []
    for ref in ("CL-SMALL", "CL-0001"):
        with engine.connect() as conn, count_queries(engine) as statements:
            assert load_claim(conn, ref) is not None
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 10


def test_iterating_claims_goes_in_batches_with_a_status_filter(engine: Engine) -> None:
    for i in range(7):
        pro = tagged(eligible_professional(), f"P{i}")
        claim = replace(claim_for(pro), ref=f"CL-{i}", status="open" if i % 2 else "rejected")
        insert(engine, pro, claim, email=f"{i}@x.fr")
    with engine.connect() as conn, count_queries(engine) as statements:
        refs = [f.claim.ref for f in iter_claims(conn, batch_size=3)]
    assert refs == [f"CL-{i}" for i in range(7)]
    assert len(statements) <= 4 * 10  # three batches and a last empty look
    with engine.connect() as conn:
        assert [f.claim.ref for f in iter_claims(conn, status="open", batch_size=2)] == [
            "CL-1",
            "CL-3",
            "CL-5",
        ]


def test_timestamps_come_back_as_aware_utc_on_every_backend(engine: Engine) -> None:
    paris_summer = timezone(timedelta(hours=2))
    at = datetime(2026, 7, 1, 14, 30, 15, 123456, tzinfo=paris_summer)
    pro = replace(
        eligible_professional(),
        purchases=(Purchase("L-TZ", at, 5, "standard", at + timedelta(minutes=5)),),
    )
    insert(engine, pro, Claim("CL-TZ", at, "open", ()))
    with engine.connect() as conn:
        facts = load_claim(conn, "CL-TZ")
        raw = conn.execute(text("SELECT purchased_at FROM contact_purchases")).scalar_one()
    assert facts is not None
    purchase = facts.professional.purchases[0]
    assert purchase.purchased_at == at
    assert purchase.purchased_at.tzinfo == UTC
    assert purchase.purchased_at.hour == 12
    # Stored as UTC: SQLite keeps the naive UTC text, PostgreSQL a timestamptz.
    assert "12:30:15" in str(raw)


def test_a_naive_datetime_is_refused_on_write(engine: Engine) -> None:
    pro = replace(
        eligible_professional(), purchases=(Purchase("L-N", datetime(2026, 1, 1), 5, "standard"),)
    )
    with pytest.raises(Exception, match="time zone"):
        insert(engine, pro)
