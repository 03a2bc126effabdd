"""E-mail intake in the database: who a message is from, the contacts it
explains, and what intake records of it (intake_messages, intake_matches,
the claim it creates).

Every lookup is an index seek: the sender's e-mail key, refs through the
search tokens or the unique refs, phone keys, company keys, and the
guarantee's first 20 contacts in purchase order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, func, insert, select, update

from guarantee_tui.store.models import (
    Claim,
    ContactPurchase,
    Explanation,
    IntakeMatch,
    IntakeMessage,
    Professional,
    SearchToken,
)

# Values per IN (...) list: well under SQLite's and PostgreSQL's limits.
_CHUNK: Final = 500
FIRST_CONTACTS: Final = 20


@dataclass(frozen=True, slots=True)
class ProfessionalRow:
    id: int
    ref: str
    market: str
    company: str


@dataclass(frozen=True, slots=True)
class ContactRow:
    ref: str
    purchased_at: datetime
    client_name: str | None
    city: str | None
    job_title: str | None


@dataclass(frozen=True, slots=True)
class ClaimRow:
    id: int
    ref: str
    professional_id: int
    status: str


@dataclass(frozen=True, slots=True)
class KnownMessage:
    """A message intake has already read."""

    id: int
    status: str
    professional: str | None
    claim: str | None


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# --- finding the professional ------------------------------------------------------


def by_email(conn: Connection, key: str) -> list[int]:
    """Professionals whose e-mail key is `key` (folded)."""
    return sorted(
        conn.execute(select(Professional.id).where(Professional.email_key == key)).scalars()
    )


def by_refs(conn: Connection, kind: str, keys: Sequence[str]) -> dict[str, set[int]]:
    """Professional (`kind` "ref") or claim ("claim") ref keys -> the professionals found."""
    found: dict[str, set[int]] = {}
    for chunk in _chunks(sorted(set(keys))):
        rows = conn.execute(
            select(SearchToken.token, SearchToken.professional_id).where(
                SearchToken.kind == kind, SearchToken.token.in_(chunk)
            )
        )
        for token, pid in rows:
            found.setdefault(token, set()).add(pid)
    return found


def by_contact_refs(conn: Connection, refs: Sequence[str]) -> dict[str, int]:
    """Contact refs (as written, upper or lower case) -> their professional."""
    variants = sorted({v for r in refs for v in (r, r.upper(), r.lower())})
    found: dict[str, int] = {}
    for chunk in _chunks(variants):
        rows = conn.execute(
            select(ContactPurchase.ref, ContactPurchase.professional_id).where(
                ContactPurchase.ref.in_(chunk)
            )
        )
        for ref, pid in rows:
            found[ref.casefold()] = pid
    return found


def by_phones(conn: Connection, keys: Sequence[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for chunk in _chunks(sorted(set(keys))):
        rows = conn.execute(
            select(Professional.phone_key, Professional.id).where(Professional.phone_key.in_(chunk))
        )
        for key, pid in rows:
            if key is not None:
                found.setdefault(key, set()).add(pid)
    return found


def by_company_keys(conn: Connection, keys: Sequence[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for chunk in _chunks(sorted(set(keys))):
        rows = conn.execute(
            select(Professional.company_key, Professional.id).where(
                Professional.company_key.in_(chunk)
            )
        )
        for key, pid in rows:
            found.setdefault(key, set()).add(pid)
    return found


def professional(conn: Connection, professional_id: int) -> ProfessionalRow:
    row = conn.execute(
        select(
            Professional.id, Professional.ref, Professional.market, Professional.company_name
        ).where(Professional.id == professional_id)
    ).one()
    return ProfessionalRow(row.id, row.ref, row.market, row.company_name)


def first_contacts(conn: Connection, professional_id: int) -> list[ContactRow]:
    """The guarantee's contacts: the first 20 purchases, by time then ref."""
    rows = conn.execute(
        select(
            ContactPurchase.ref,
            ContactPurchase.purchased_at,
            ContactPurchase.client_name,
            ContactPurchase.city,
            ContactPurchase.job_title,
        )
        .where(ContactPurchase.professional_id == professional_id)
        .order_by(ContactPurchase.purchased_at, ContactPurchase.ref)
        .limit(FIRST_CONTACTS)
    )
    return [ContactRow(*row) for row in rows]


# --- claims ---------------------------------------------------------------------


def claims_by_refs(conn: Connection, refs: Sequence[str]) -> list[ClaimRow]:
    variants = sorted({v for r in refs for v in (r, r.upper())})
    found: list[ClaimRow] = []
    for chunk in _chunks(variants):
        rows = conn.execute(
            select(Claim.id, Claim.ref, Claim.professional_id, Claim.status).where(
                Claim.ref.in_(chunk)
            )
        )
        found.extend(ClaimRow(*row) for row in rows)
    return found


def latest_open_claim(conn: Connection, professional_id: int) -> ClaimRow | None:
    row = conn.execute(
        select(Claim.id, Claim.ref, Claim.professional_id, Claim.status)
        .where(Claim.professional_id == professional_id, Claim.status == "open")
        .order_by(Claim.submitted_at.desc(), Claim.id.desc())
        .limit(1)
    ).first()
    return None if row is None else ClaimRow(*row)


def claim(conn: Connection, claim_id: int) -> ClaimRow | None:
    row = conn.execute(
        select(Claim.id, Claim.ref, Claim.professional_id, Claim.status).where(Claim.id == claim_id)
    ).first()
    return None if row is None else ClaimRow(*row)


def claim_of_messages(conn: Connection, message_ids: Sequence[str]) -> int | None:
    """The claim an earlier message of this thread created or proposed changes to."""
    if not message_ids:
        return None
    row = conn.execute(
        select(IntakeMessage.claim_id)
        .where(IntakeMessage.message_id.in_(list(message_ids)), IntakeMessage.claim_id.is_not(None))
        .order_by(IntakeMessage.id.desc())
        .limit(1)
    ).first()
    return None if row is None or row[0] is None else int(row[0])


def explanations(conn: Connection, claim_id: int) -> dict[str, str]:
    """A claim's explanation texts by contact ref."""
    rows = conn.execute(
        select(Explanation.contact_ref, Explanation.text).where(Explanation.claim_id == claim_id)
    )
    return dict(rows.all())


def add_claim(
    conn: Connection,
    professional_id: int,
    ref: str,
    submitted_at: datetime,
    texts: Sequence[tuple[str, str]],
) -> int:
    """An open claim with its explanations (contact ref, text); returns its id."""
    claim_id = int(
        conn.execute(
            insert(Claim)
            .values(
                professional_id=professional_id,
                ref=ref,
                submitted_at=submitted_at,
                status="open",
                version=1,
            )
            .returning(Claim.id)
        ).scalar_one()
    )
    if texts:
        conn.execute(
            insert(Explanation),
            [{"claim_id": claim_id, "contact_ref": c, "text": t} for c, t in texts],
        )
    return claim_id


# --- intake's own records ----------------------------------------------------------


def known_message(conn: Connection, message_id: str) -> KnownMessage | None:
    row = conn.execute(
        select(IntakeMessage.id, IntakeMessage.status, Professional.ref, Claim.ref)
        .select_from(IntakeMessage)
        .outerjoin(Professional, Professional.id == IntakeMessage.professional_id)
        .outerjoin(Claim, Claim.id == IntakeMessage.claim_id)
        .where(IntakeMessage.message_id == message_id)
    ).first()
    return None if row is None else KnownMessage(*row)


@dataclass(frozen=True, slots=True)
class NewMessage:
    message_id: str
    received_at: datetime
    sent_at: datetime | None
    sender: str
    forwarded_by: str | None
    subject: str
    source: str
    status: str
    reason: str | None
    professional_id: int | None
    claim_id: int | None
    agent: str
    text: str
    unmatched: str  # JSON
    attachments: str  # JSON
    raw: bytes


@dataclass(frozen=True, slots=True)
class NewMatch:
    position: int
    contact_ref: str
    text: str
    cue: str
    confidence: float
    change: str


def _columns(message: NewMessage) -> dict[str, object]:
    """The message's fields, by the name of their column (one home: the dataclass)."""
    return {f.name: getattr(message, f.name) for f in fields(NewMessage)}


def add_message(conn: Connection, message: NewMessage, matches: Sequence[NewMatch]) -> int:
    intake_id = int(
        conn.execute(
            insert(IntakeMessage).values(**_columns(message)).returning(IntakeMessage.id)
        ).scalar_one()
    )
    if matches:
        conn.execute(
            insert(IntakeMatch),
            [
                {
                    "intake_id": intake_id,
                    "position": match.position,
                    "contact_ref": match.contact_ref,
                    "text": match.text,
                    "cue": match.cue,
                    "confidence": match.confidence,
                    "change": match.change,
                }
                for match in matches
            ],
        )
    return intake_id


def link_claim(conn: Connection, intake_id: int, claim_id: int, log_seq: int) -> None:
    conn.execute(
        update(IntakeMessage)
        .where(IntakeMessage.id == intake_id)
        .values(claim_id=claim_id, log_seq=log_seq)
    )


@dataclass(frozen=True, slots=True)
class ClaimableProfessional:
    id: int
    ref: str
    market: str
    company: str
    email: str | None
    phone: str | None


def claimable_professionals(
    conn: Connection, limit: int, minimum_contacts: int = FIRST_CONTACTS
) -> list[ClaimableProfessional]:
    """Professionals with at least `minimum_contacts` contacts and no open claim, by id
    (whom a claim e-mail of the seeded corpus may come from)."""
    bought = (
        select(ContactPurchase.professional_id)
        .group_by(ContactPurchase.professional_id)
        .having(func.count() >= minimum_contacts)
    )
    open_claims = select(Claim.professional_id).where(Claim.status == "open")
    rows = conn.execute(
        select(
            Professional.id,
            Professional.ref,
            Professional.market,
            Professional.company_name,
            Professional.email,
            Professional.phone,
        )
        .where(Professional.id.in_(bought), Professional.id.not_in(open_claims))
        .order_by(Professional.id)
        .limit(limit)
    )
    return [ClaimableProfessional(*row) for row in rows]


# --- the agent's answer to a waiting message (services/intake_review.py) -----------

# Messages that wait for an agent, or were set aside for one to see.
WAITING: Final = ("needs_review", "unknown_sender", "not_a_claim")


@dataclass(frozen=True, slots=True)
class WaitingRow:
    """One line of the Intake screen's list."""

    id: int
    message_id: str
    received_at: datetime
    sent_at: datetime | None
    sender: str
    subject: str
    status: str
    reason: str | None
    professional: str | None
    company: str | None
    claim: str | None


def waiting(conn: Connection, limit: int = 500) -> list[WaitingRow]:
    """The waiting messages, newest first (by reception, then by id)."""
    rows = conn.execute(
        select(
            IntakeMessage.id,
            IntakeMessage.message_id,
            IntakeMessage.received_at,
            IntakeMessage.sent_at,
            IntakeMessage.sender,
            IntakeMessage.subject,
            IntakeMessage.status,
            IntakeMessage.reason,
            Professional.ref,
            Professional.company_name,
            Claim.ref,
        )
        .select_from(IntakeMessage)
        .outerjoin(Professional, Professional.id == IntakeMessage.professional_id)
        .outerjoin(Claim, Claim.id == IntakeMessage.claim_id)
        .where(IntakeMessage.status.in_(WAITING))
        .order_by(IntakeMessage.received_at.desc(), IntakeMessage.id.desc())
        .limit(limit)
    )
    return [WaitingRow(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class StoredMessage(NewMessage):
    """An intake message as recorded, for an agent to answer: what was added, and its id."""

    id: int


@dataclass(frozen=True, slots=True)
class StoredMatch:
    position: int
    contact_ref: str
    text: str
    cue: str
    confidence: float
    change: str


def stored_message(conn: Connection, intake_id: int, *, lock: bool = False) -> StoredMessage | None:
    """The message `intake_id`; `lock`: its row locked until the transaction ends
    (PostgreSQL; SQLite's write transaction holds the whole database)."""
    query = select(
        *(getattr(IntakeMessage, f.name) for f in fields(NewMessage)), IntakeMessage.id
    ).where(IntakeMessage.id == intake_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else StoredMessage(*tuple(row))


def stored_matches(conn: Connection, intake_id: int) -> list[StoredMatch]:
    rows = conn.execute(
        select(
            IntakeMatch.position,
            IntakeMatch.contact_ref,
            IntakeMatch.text,
            IntakeMatch.cue,
            IntakeMatch.confidence,
            IntakeMatch.change,
        )
        .where(IntakeMatch.intake_id == intake_id)
        .order_by(IntakeMatch.position)
    )
    return [StoredMatch(*row) for row in rows]


def professional_by_ref(conn: Connection, ref: str) -> ProfessionalRow | None:
    row = conn.execute(
        select(
            Professional.id, Professional.ref, Professional.market, Professional.company_name
        ).where(Professional.ref == ref)
    ).first()
    return None if row is None else ProfessionalRow(row.id, row.ref, row.market, row.company_name)


def answer_message(
    conn: Connection,
    intake_id: int,
    *,
    was: str,
    status: str,
    agent: str,
    log_seq: int,
    professional_id: int | None,
    claim_id: int | None,
) -> bool:
    """Records an agent's answer (`confirmed`, `dismissed`) to a message still in
    status `was`; False when it no longer is (answered meanwhile)."""
    values: dict[str, object] = {"status": status, "agent": agent, "log_seq": log_seq}
    if professional_id is not None:
        values["professional_id"] = professional_id
    if claim_id is not None:
        values["claim_id"] = claim_id
    done = conn.execute(
        update(IntakeMessage)
        .where(IntakeMessage.id == intake_id, IntakeMessage.status == was)
        .values(**values)
    )
    return done.rowcount == 1


def set_professional(conn: Connection, intake_id: int, professional_id: int) -> None:
    """The professional an agent picked for a message (an unknown sender's)."""
    conn.execute(
        update(IntakeMessage)
        .where(IntakeMessage.id == intake_id)
        .values(professional_id=professional_id)
    )


def apply_explanations(conn: Connection, claim_id: int, texts: Sequence[tuple[str, str]]) -> int:
    """Adds or replaces an open claim's explanations (contact ref, text); a replaced
    text loses its verification (it is no longer the text that was verified).
    Returns how many changed."""
    stored = explanations(conn, claim_id)
    changed = 0
    for contact_ref, text in texts:
        before = stored.get(contact_ref)
        if before is None:
            conn.execute(
                insert(Explanation).values(claim_id=claim_id, contact_ref=contact_ref, text=text)
            )
        elif before == text:
            continue
        else:
            conn.execute(
                update(Explanation)
                .where(Explanation.claim_id == claim_id, Explanation.contact_ref == contact_ref)
                .values(
                    text=text,
                    verification=None,
                    verified_by=None,
                    verified_at=None,
                    verification_note=None,
                )
            )
        changed += 1
    return changed
