"""The database schema, as SQLAlchemy models.

It mirrors the case-file format (tests/data/case-file.schema.json)
plus what the support workflow itself records. Refs from the exporting
system are unique keys; integer ids are ours. Every timestamp is a
`UTCDateTime`. The schema is created and changed only by the Alembic
migrations in `store/migrations`; a test checks that they agree with these
models.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from guarantee_tui.store.clock import database_now
from guarantee_tui.store.types import UTCDateTime

# Named constraints, so migrations (and SQLite batch mode) can address them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


REF = String(64)


class Professional(Base):
    __tablename__ = "professionals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(REF, unique=True)
    market: Mapped[str] = mapped_column(String(2))
    company_name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Normalised forms for searching (see guarantee_tui.text).
    company_key: Mapped[str] = mapped_column(String(300), index=True)
    email_key: Mapped[str | None] = mapped_column(String(320), index=True)
    phone_key: Mapped[str | None] = mapped_column(String(32), index=True)
    # Set by a "suspend" decision (platform abuse), cleared by reopening it.
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspension_reason: Mapped[str | None] = mapped_column(Text)

    completeness: Mapped[list[CompletenessRecord]] = relationship(
        back_populates="professional",
        cascade="all, delete-orphan",
        order_by="CompletenessRecord.at",
    )
    labels: Mapped[list[TrustLabel]] = relationship(
        back_populates="professional", cascade="all, delete-orphan"
    )
    packs: Mapped[list[Pack]] = relationship(
        back_populates="professional", cascade="all, delete-orphan"
    )
    incidents: Mapped[list[PaymentIncident]] = relationship(
        back_populates="professional", cascade="all, delete-orphan"
    )
    purchases: Mapped[list[ContactPurchase]] = relationship(
        back_populates="professional", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="professional", cascade="all, delete-orphan"
    )
    claims: Mapped[list[Claim]] = relationship(
        back_populates="professional", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("market IN ('FR', 'PT')", name="market"),
        CheckConstraint("status IN ('active', 'suspended')", name="status"),
    )


class CompletenessRecord(Base):
    __tablename__ = "completeness_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    percent: Mapped[int] = mapped_column(Integer)

    professional: Mapped[Professional] = relationship(back_populates="completeness")

    __table_args__ = (
        Index("ix_completeness_records_professional_at", "professional_id", "at"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
    )


class TrustLabel(Base):
    __tablename__ = "trust_labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    professional: Mapped[Professional] = relationship(back_populates="labels")

    __table_args__ = (
        CheckConstraint(
            "kind IN ('verified_independent', 'verified_company', "
            "'liability_insurance', 'trade_license')",
            name="kind",
        ),
    )


class Pack(Base):
    __tablename__ = "packs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    price_eur: Mapped[float | None] = mapped_column(Float)

    professional: Mapped[Professional] = relationship(back_populates="packs")


class PaymentIncident(Base):
    __tablename__ = "payment_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    professional: Mapped[Professional] = relationship(back_populates="incidents")


class ContactPurchase(Base):
    __tablename__ = "contact_purchases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(REF, unique=True)
    purchased_at: Mapped[datetime] = mapped_column(UTCDateTime())
    price_credits: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(32))
    first_contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    job_won: Mapped[bool] = mapped_column(Boolean, default=False)
    client_name: Mapped[str | None] = mapped_column(String(300))
    client_phone: Mapped[str | None] = mapped_column(String(64))
    job_title: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(200))

    professional: Mapped[Professional] = relationship(back_populates="purchases")

    __table_args__ = (
        # The guarantee's "first 20" are read in this order.
        Index("ix_contact_purchases_professional_order", "professional_id", "purchased_at", "ref"),
        CheckConstraint("channel IN ('priority_discount', 'standard')", name="channel"),
        CheckConstraint("price_credits >= 0", name="price_credits"),
    )


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), index=True
    )
    ref: Mapped[str] = mapped_column(REF, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    rating: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))
    contact_ref: Mapped[str | None] = mapped_column(REF)
    text: Mapped[str | None] = mapped_column(Text)

    professional: Mapped[Professional] = relationship(back_populates="reviews")

    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        CheckConstraint("source IN ('platform_contact', 'former_client')", name="source"),
    )


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), index=True
    )
    ref: Mapped[str] = mapped_column(REF, unique=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Bumped by every change of the claim's state, so that two agents acting on
    # what they saw cannot both succeed.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The verdict as last computed, so the queue can sort and filter 100,000
    # claims in SQL. Refreshed by every write through the services and when
    # `stable_until` passes (time alone can change a verdict).
    verdict: Mapped[str | None] = mapped_column(String(16), index=True)
    recommended_action: Mapped[str | None] = mapped_column(String(16))
    refund_credits: Mapped[int | None] = mapped_column(Integer)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stable_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Who works the claim (a lease: see store/leases.py); an expired lease
    # holds nothing. Not bumping `version`: taking a claim changes nothing of it.
    holder: Mapped[str | None] = mapped_column(String(100), index=True)
    held_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    professional: Mapped[Professional] = relationship(back_populates="claims")
    explanations: Mapped[list[Explanation]] = relationship(
        back_populates="claim", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("status IN ('open', 'approved', 'rejected', 'suspended')", name="status"),
        Index("ix_claims_status_submitted", "status", "submitted_at"),
    )


class Explanation(Base):
    __tablename__ = "explanations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    contact_ref: Mapped[str] = mapped_column(REF)
    text: Mapped[str] = mapped_column(Text)
    verification: Mapped[str | None] = mapped_column(String(16))
    verified_by: Mapped[str | None] = mapped_column(String(100))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verification_note: Mapped[str | None] = mapped_column(Text)

    claim: Mapped[Claim] = relationship(back_populates="explanations")

    __table_args__ = (
        UniqueConstraint("claim_id", "contact_ref"),
        CheckConstraint(
            "verification IS NULL OR verification IN ('truthful', 'untruthful')",
            name="verification",
        ),
    )


class Agent(Base):
    """The people who work claims, and their role.

    On PostgreSQL `login` maps a database login to the agent: the database
    itself then decides who acts (migration 0007). `markets` ("FR", "PT" or
    "FR,PT"; NULL: both) is where the agent takes claims from by default.
    """

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="agent")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    login: Mapped[str | None] = mapped_column(String(63), unique=True)
    markets: Mapped[str | None] = mapped_column(String(5))

    __table_args__ = (
        CheckConstraint("role IN ('agent', 'supervisor')", name="role"),
        CheckConstraint("markets IS NULL OR markets IN ('FR', 'PT', 'FR,PT')", name="markets"),
    )


class LogEntry(Base):
    """One act on a claim, in a hash chain (see services/log.py).

    Append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on
    PostgreSQL). `prev_hash` is unique, so two appends can never both
    follow the same entry: the chain cannot fork. Triggers (migration 0004)
    also refuse a decision on a claim whose last decision no reopening
    followed, and a reopening with no decision before it.
    """

    __tablename__ = "log_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    agent: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32), index=True)
    claim_ref: Mapped[str | None] = mapped_column(REF)
    professional_ref: Mapped[str | None] = mapped_column(REF, index=True)
    market: Mapped[str | None] = mapped_column(String(2))
    letter_language: Mapped[str | None] = mapped_column(String(8))
    letter_text: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    refund_credits: Mapped[int | None] = mapped_column(Integer)
    # JSON, written canonically by the log service (sorted keys, no spaces).
    checklist: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # When the database wrote the entry, by its own clock (`at` is the time the
    # writer gives for the act). Outside the hash: the writer cannot know it
    # beforehand. NULL for entries written before revision 0004.
    recorded_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), server_default=database_now()
    )

    # A claim's entries in order, with their action, read from the index alone
    # (the folded log, the triggers' last decision; migration 0012).
    __table_args__ = (Index("ix_log_entries_claim_seq_action", "claim_ref", "seq", "action"),)


class LogHead(Base):
    """The chain's newest entry; appenders lock this one row, so they queue."""

    __tablename__ = "log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Decision(Base):
    """A decision on a claim, with everything the agent saw and wrote.

    A trigger (migration 0004) refuses a second one on a claim unless a
    reopening was logged after the first.
    """

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    log_seq: Mapped[int] = mapped_column(ForeignKey("log_entries.seq"), unique=True)
    action: Mapped[str] = mapped_column(String(16))
    agent: Mapped[str] = mapped_column(String(100), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the agent opened the claim, for the time-to-decision figures.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    reason_codes: Mapped[str] = mapped_column(Text)  # JSON list of condition ids
    refund_credits: Mapped[int | None] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(16))
    checklist: Mapped[str] = mapped_column(Text)  # JSON, as recorded in the log
    letter_language: Mapped[str] = mapped_column(String(8))
    letter_text: Mapped[str] = mapped_column(Text)
    claim_version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("action IN ('approve', 'reject', 'suspend')", name="action"),
        Index("ix_decisions_claim_decided", "claim_id", "decided_at"),
    )


class LedgerEntry(Base):
    """A movement of credits on a professional's balance made by this tool."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    amount: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    log_seq: Mapped[int] = mapped_column(ForeignKey("log_entries.seq"))
    agent: Mapped[str] = mapped_column(String(100))

    __table_args__ = (
        CheckConstraint("kind IN ('guarantee_refund', 'refund_reversal')", name="kind"),
        # One refund per decision, and one reversal of it.
        Index("uq_ledger_entries_decision_kind", "decision_id", "kind", unique=True),
    )


class OutboxMessage(Base):
    """An effect the marketplace's API must apply exactly once (see platform/).

    Written in the same transaction as the act that causes it, with an
    idempotency key chosen then; `payload` is the request body, byte for
    byte, so a retry sends the same body with the same key. Effects of one
    professional are delivered in `id` order: an act appends its effects
    after taking the log's head lock, so ids follow the order of the acts.
    A dispatcher leases an effect (`lease_holder`, `lease_until`) for the
    time of its request; an expired lease is anybody's again.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional: Mapped[str] = mapped_column(REF)
    claim: Mapped[str | None] = mapped_column(REF, index=True)
    # The log entry of the act that caused it.
    log_seq: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    payload: Mapped[str] = mapped_column(Text)
    # A lift needs the suspension id its suspension's answer brings.
    depends_on: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_holder: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    # From the answer: the adjustment's, suspension's or message's id, and
    # the balance after a credit adjustment.
    result_id: Mapped[str | None] = mapped_column(String(255))
    balance_credits: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("kind IN ('credit', 'suspension', 'lift', 'letter')", name="kind"),
        CheckConstraint(
            "state IN ('pending', 'sending', 'delivered', 'retrying', 'failed', 'cancelled')",
            name="state",
        ),
        CheckConstraint("kind <> 'lift' OR depends_on IS NOT NULL", name="lift_depends"),
        # A professional's queue: its earliest undelivered effect.
        Index("ix_outbox_professional_id", "professional", "id"),
        # Where the claimable effects start (see store/outbox.py's claim_due).
        Index("ix_outbox_state_id", "state", "id"),
    )


class MarketplaceCursor(Base):
    """Where `pull` stopped reading the marketplace's changes (one row)."""

    __tablename__ = "marketplace_cursor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cursor: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Byte order on both backends: a prefix is then a plain index range
# (SQLite compares TEXT as bytes already; PostgreSQL's own collation may not).
SEARCH_TOKEN = String(320).with_variant(String(320, collation="C"), "postgresql")


class SearchToken(Base):
    """The normalised words the phone desk searches (see store/search.py).

    One row per professional and searchable word: each word of the company
    name, the e-mail key, the phone key, the professional's ref and each of
    its claims' refs. Rebuilt for a professional by `store.search.sync`
    whenever the importer or the seed writes it.
    """

    __tablename__ = "search_tokens"

    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    token: Mapped[str] = mapped_column(SEARCH_TOKEN, primary_key=True)

    __table_args__ = (
        # Every lookup is `kind = ? AND token >= ? AND token < ?` on this index.
        Index("ix_search_tokens_kind_token", "kind", "token"),
        CheckConstraint("kind IN ('company', 'email', 'phone', 'ref', 'claim')", name="kind"),
    )


class CallNote(Base):
    """A phone call with a professional, as the agent summed it up.

    Written with its decision-log entry (action `call_note`) in one transaction.
    """

    __tablename__ = "call_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("professionals.id", ondelete="CASCADE"))
    agent: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    log_seq: Mapped[int] = mapped_column(ForeignKey("log_entries.seq"), unique=True)

    __table_args__ = (
        Index("ix_call_notes_professional_at", "professional_id", "at"),
        CheckConstraint(
            "outcome IN ('informed', 'callback', 'complaint', 'other')", name="outcome"
        ),
    )


class ClaimEvent(Base):
    """Who took or gave back a claim, for screens that poll (SQLite).

    The log holds every act; leases are not acts and stay out of it, so
    their changes are kept here for `services.events` (on PostgreSQL they
    are also announced with NOTIFY).
    """

    __tablename__ = "claim_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_ref: Mapped[str] = mapped_column(REF)
    action: Mapped[str] = mapped_column(String(16))
    agent: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class IntakeMessage(Base):
    """A claim e-mail as intake read it (mail/, services/intake.py).

    The Message-ID is the key: the same message twice is one row. `raw` is
    the message exactly as received, attachments included, for the log and
    for a supervisor. `status`: `created` (its claim is `claim_id`),
    `needs_review` (proposals in `intake_matches` wait for an agent; with
    `claim_id`, changes to that open claim), `unknown_sender`,
    `not_a_claim`; `confirmed` and `dismissed` are an agent's answers to a
    waiting message. `reason` says why it waits or was set aside.
    """

    __tablename__ = "intake_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The address the message is read as from (a forward's original sender).
    sender: Mapped[str] = mapped_column(String(320))
    forwarded_by: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    # Where it was read: a file, an mbox and its message number, a Maildir entry.
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(String(32))
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), index=True
    )
    claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    # The log entry of the intake that created the claim.
    log_seq: Mapped[int | None] = mapped_column(ForeignKey("log_entries.seq"), unique=True)
    agent: Mapped[str] = mapped_column(String(100))
    # The professional's own words, as read (no quotation, no signature).
    text: Mapped[str] = mapped_column(Text)
    # JSON: the pieces no contact took; the attachments (name, type, size).
    unmatched: Mapped[str] = mapped_column(Text)
    attachments: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        CheckConstraint(
            "status IN ('created', 'needs_review', 'unknown_sender', 'not_a_claim', "
            "'confirmed', 'dismissed')",
            name="status",
        ),
    )


class IntakeMatch(Base):
    """A piece of an intake message attributed to one contact, with how and how surely.

    `change`: `new` (a new claim's explanation), `addition` (an open claim
    has none for this contact), `replacement` (it has another text), `same`.
    """

    __tablename__ = "intake_matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake_messages.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    contact_ref: Mapped[str] = mapped_column(REF)
    text: Mapped[str] = mapped_column(Text)
    cue: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    change: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint("intake_id", "contact_ref"),
        CheckConstraint("change IN ('new', 'addition', 'replacement', 'same')", name="change"),
        CheckConstraint("confidence BETWEEN 0 AND 1", name="confidence"),
    )


class ClaimNote(Base):
    """An agent's internal note on a claim, for the team: never in a letter.

    Written with its decision-log entry (action `claim_note`) in one transaction.
    """

    __tablename__ = "claim_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    agent: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)
    log_seq: Mapped[int] = mapped_column(ForeignKey("log_entries.seq"), unique=True)

    __table_args__ = (Index("ix_claim_notes_claim_at", "claim_id", "at"),)
