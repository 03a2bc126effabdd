"""Writing policy facts into a database through the models (test set-up only)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from guarantee_tui import policy
from guarantee_tui.store import models, search
from guarantee_tui.text import email_key, fold, phone_key

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def insert(
    engine: Engine,
    pro: policy.Professional,
    *claims: policy.Claim,
    company: str = "Rénovation Test",
    email: str | None = "contact@example.fr",
    phone: str | None = "01 84 88 82 46",
) -> None:
    with Session(engine) as session, session.begin():
        row = models.Professional(
            ref=pro.ref,
            market=str(pro.market),
            company_name=company,
            email=email,
            phone=phone,
            created_at=min((p.purchased_at for p in pro.purchases), default=EPOCH),
            company_key=fold(company),
            email_key=email_key(email),
            phone_key=phone_key(phone),
        )
        row.purchases = [
            models.ContactPurchase(
                ref=p.ref,
                purchased_at=p.purchased_at,
                price_credits=p.price_credits,
                channel=p.channel,
                first_contacted_at=p.first_contacted_at,
                job_won=p.job_won,
            )
            for p in pro.purchases
        ]
        row.completeness = [
            models.CompletenessRecord(at=c.at, percent=c.percent) for c in pro.completeness
        ]
        row.labels = [
            models.TrustLabel(kind=t.kind, activated_at=t.activated_at, revoked_at=t.revoked_at)
            for t in pro.labels
        ]
        row.packs = [
            models.Pack(name=p.name, starts_at=p.starts_at, ends_at=p.ends_at) for p in pro.packs
        ]
        row.incidents = [
            models.PaymentIncident(at=i.at, kind=i.kind, resolved_at=i.resolved_at)
            for i in pro.incidents
        ]
        row.reviews = [
            models.Review(
                ref=r.ref, at=r.at, rating=r.rating, source=r.source, contact_ref=r.contact_ref
            )
            for r in pro.reviews
        ]
        row.claims = [
            models.Claim(
                ref=c.ref,
                submitted_at=c.submitted_at,
                status=c.status,
                explanations=[
                    models.Explanation(
                        contact_ref=e.contact_ref, text=e.text, verification=e.verification
                    )
                    for e in c.explanations
                ],
            )
            for c in claims
        ] + [
            models.Claim(ref=o.ref, submitted_at=EPOCH, status=o.status)
            for o in pro.claims
            if all(o.ref != c.ref for c in claims)
        ]
        session.add(row)
    # As the importer and the seed do: the phone desk finds professionals by these.
    with engine.begin() as conn:
        pid = conn.execute(
            select(models.Professional.id).where(models.Professional.ref == pro.ref)
        ).scalar_one()
        search.sync(conn, [pid])
