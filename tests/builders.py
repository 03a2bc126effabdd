"""Building policy facts by hand: a claim that meets every condition, then variations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from guarantee_tui.policy import (
    Claim,
    CompletenessRecord,
    Explanation,
    Market,
    Pack,
    Professional,
    Purchase,
    Review,
    TrustLabel,
)

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ALL_LABELS = ("verified_company", "liability_insurance", "trade_license")


def purchases(
    n: int = 20, *, start: datetime = START, every: timedelta = timedelta(days=3), price: int = 12
) -> tuple[Purchase, ...]:
    return tuple(
        Purchase(
            ref=f"L-{i + 1:02d}",
            purchased_at=start + every * i,
            price_credits=price,
            channel="priority_discount",
            first_contacted_at=start + every * i + timedelta(hours=2),
        )
        for i in range(n)
    )


def eligible_professional(market: Market = Market.FR, n: int = 20) -> Professional:
    bought = purchases(n)
    before = START - timedelta(days=10)
    return Professional(
        ref=f"{market}-0001",
        market=market,
        purchases=bought,
        completeness=(CompletenessRecord(before, 85),),
        labels=tuple(TrustLabel(kind, before) for kind in ALL_LABELS),
        packs=(Pack("Pack Pro", before),),
        reviews=(
            Review("R-1", START + timedelta(days=20), 5, "platform_contact", "L-03"),
            Review("R-2", START + timedelta(days=30), 4, "platform_contact", "L-07"),
            Review("R-3", START - timedelta(days=100), 3, "former_client"),
            Review("R-4", START - timedelta(days=90), 5, "former_client"),
        ),
    )


def claim_for(
    professional: Professional,
    *,
    verification: str | None = "truthful",
    submitted_at: datetime | None = None,
) -> Claim:
    last = max(p.purchased_at for p in professional.purchases)
    return Claim(
        ref="CL-0001",
        submitted_at=submitted_at or last + timedelta(days=35),
        explanations=tuple(
            Explanation(p.ref, f"Called the client of {p.ref}; no answer.", verification)
            for p in sorted(professional.purchases, key=lambda p: (p.purchased_at, p.ref))[:20]
        ),
    )


AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def with_purchase(professional: Professional, index: int, **changes: object) -> Professional:
    """The professional with purchase number `index` (0-based, in order) changed."""
    bought = sorted(professional.purchases, key=lambda p: (p.purchased_at, p.ref))
    bought[index] = replace(bought[index], **changes)  # type: ignore[arg-type]
    return replace(professional, purchases=tuple(bought))


def tagged(professional: Professional, tag: str) -> Professional:
    """The same professional under other refs, so several can share a database."""

    def ref(value: str) -> str:
        return f"{tag}-{value}"

    return replace(
        professional,
        ref=ref(professional.ref),
        purchases=tuple(replace(p, ref=ref(p.ref)) for p in professional.purchases),
        reviews=tuple(
            replace(r, ref=ref(r.ref), contact_ref=ref(r.contact_ref) if r.contact_ref else None)
            for r in professional.reviews
        ),
    )
