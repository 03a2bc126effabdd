"""Initial schema: the case-file data, claim status and explanation verification.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-21 21:39:20.249710
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import guarantee_tui.store.types

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "professionals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("market", sa.String(length=2), nullable=False),
        sa.Column("company_name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("company_key", sa.String(length=300), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=True),
        sa.Column("phone_key", sa.String(length=32), nullable=True),
        sa.CheckConstraint("market IN ('FR', 'PT')", name=op.f("ck_professionals_market")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_professionals")),
        sa.UniqueConstraint("ref", name=op.f("uq_professionals_ref")),
    )
    with op.batch_alter_table("professionals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_professionals_company_key"), ["company_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_professionals_email_key"), ["email_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_professionals_phone_key"), ["phone_key"], unique=False)

    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column(
            "submitted_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'approved', 'rejected', 'suspended')", name=op.f("ck_claims_status")
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_claims_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("ref", name=op.f("uq_claims_ref")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claims_professional_id"), ["professional_id"], unique=False
        )
        batch_op.create_index(
            "ix_claims_status_submitted", ["status", "submitted_at"], unique=False
        )

    op.create_table(
        "completeness_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "percent BETWEEN 0 AND 100", name=op.f("ck_completeness_records_percent")
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_completeness_records_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_completeness_records")),
    )
    with op.batch_alter_table("completeness_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_completeness_records_professional_at", ["professional_id", "at"], unique=False
        )

    op.create_table(
        "contact_purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column(
            "purchased_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("price_credits", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column(
            "first_contacted_at",
            guarantee_tui.store.types.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("job_won", sa.Boolean(), nullable=False),
        sa.Column("client_name", sa.String(length=300), nullable=True),
        sa.Column("client_phone", sa.String(length=64), nullable=True),
        sa.Column("job_title", sa.String(length=300), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "channel IN ('priority_discount', 'standard')",
            name=op.f("ck_contact_purchases_channel"),
        ),
        sa.CheckConstraint("price_credits >= 0", name=op.f("ck_contact_purchases_price_credits")),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_contact_purchases_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_purchases")),
        sa.UniqueConstraint("ref", name=op.f("uq_contact_purchases_ref")),
    )
    with op.batch_alter_table("contact_purchases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_purchases_professional_order",
            ["professional_id", "purchased_at", "ref"],
            unique=False,
        )

    op.create_table(
        "packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "starts_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("ends_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("price_eur", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_packs_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packs")),
    )
    with op.batch_alter_table("packs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_packs_professional_id"), ["professional_id"], unique=False
        )

    op.create_table(
        "payment_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column(
            "resolved_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_payment_incidents_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_incidents")),
    )
    with op.batch_alter_table("payment_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_incidents_professional_id"), ["professional_id"], unique=False
        )

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("contact_ref", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "source IN ('platform_contact', 'former_client')", name=op.f("ck_reviews_source")
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating")),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_reviews_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("ref", name=op.f("uq_reviews_ref")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reviews_professional_id"), ["professional_id"], unique=False
        )

    op.create_table(
        "trust_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "activated_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "revoked_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.CheckConstraint(
            "kind IN ('verified_independent', 'verified_company', 'liability_insurance', 'trade_license')",
            name=op.f("ck_trust_labels_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_trust_labels_professional_id_professionals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_labels")),
    )
    with op.batch_alter_table("trust_labels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trust_labels_professional_id"), ["professional_id"], unique=False
        )

    op.create_table(
        "explanations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("contact_ref", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("verification", sa.String(length=16), nullable=True),
        sa.Column("verified_by", sa.String(length=100), nullable=True),
        sa.Column(
            "verified_at", guarantee_tui.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("verification_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "verification IS NULL OR verification IN ('truthful', 'untruthful')",
            name=op.f("ck_explanations_verification"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_explanations_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explanations")),
        sa.UniqueConstraint("claim_id", "contact_ref", name=op.f("uq_explanations_claim_id")),
    )


def downgrade() -> None:
    op.drop_table("explanations")
    with op.batch_alter_table("trust_labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trust_labels_professional_id"))

    op.drop_table("trust_labels")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_professional_id"))

    op.drop_table("reviews")
    with op.batch_alter_table("payment_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_incidents_professional_id"))

    op.drop_table("payment_incidents")
    with op.batch_alter_table("packs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_packs_professional_id"))

    op.drop_table("packs")
    with op.batch_alter_table("contact_purchases", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_purchases_professional_order")

    op.drop_table("contact_purchases")
    with op.batch_alter_table("completeness_records", schema=None) as batch_op:
        batch_op.drop_index("ix_completeness_records_professional_at")

    op.drop_table("completeness_records")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_status_submitted")
        batch_op.drop_index(batch_op.f("ix_claims_professional_id"))

    op.drop_table("claims")
    with op.batch_alter_table("professionals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_professionals_phone_key"))
        batch_op.drop_index(batch_op.f("ix_professionals_email_key"))
        batch_op.drop_index(batch_op.f("ix_professionals_company_key"))

    op.drop_table("professionals")
