"""E-mail intake: a professional's message becomes a claim whose explanations sit
on the right contacts, or waits for an agent.

For each message, from any source (`mail.sources`: files, mbox, Maildir; an
IMAP mailbox is another source of the same `RawMessage`s):

1. Read it (`mail.reading.read`): a message that cannot be read (malformed,
   too large, no text, a MIME bomb, an injected header) is `rejected`:
   one line of the report, nothing recorded.
2. Its Message-ID already read: `duplicate`, nothing recorded.
3. Find the professional: the author's address (any case; for a forward,
   the original sender's), else a professional's ref, a claim's ref, a
   contact's ref, a phone number or a company name written in the message,
   in that order of trust, else the forwarder's address. Nobody, or several
   people equally: `unknown_sender`, kept for an agent.
4. An automatic answer (out of office) or a question: `not_a_claim`, kept,
   visibly, for an agent.
5. Attribute the pieces of text to the professional's first 20 contacts
   (`mail.matching`).
6. The professional has an open claim (the one the message names by ref or
   answers, else the latest): the matches are proposed additions and
   replacements to it, `needs_review`; nothing of the claim changes.
7. Every match sure and no piece left over: the claim is `created`, open,
   submitted at the message's date, its explanations, the message kept
   whole, and an `intake` entry in the decision log (who, which message),
   in one transaction. Otherwise `needs_review`: the proposals wait for an
   agent, nothing is applied.

Each message is one short transaction; a message read twice at once by two
processes is recorded once (the Message-ID is unique), the other is told
`duplicate`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from guarantee_tui.i18n import N_
from guarantee_tui.mail.cues import Contact
from guarantee_tui.mail.matching import Attribution, Match, attribute
from guarantee_tui.mail.message import BadMessage
from guarantee_tui.mail.reading import Reading, is_question, read
from guarantee_tui.mail.sources import RawMessage
from guarantee_tui.policy.calendar import to_local
from guarantee_tui.policy.markets import rules_for
from guarantee_tui.policy.window import in_window
from guarantee_tui.services.agents import Actor, refusals, resolve_actor
from guarantee_tui.services.verdicts import refresh_claims
from guarantee_tui.store import intake as store
from guarantee_tui.store import search
from guarantee_tui.store.intake import ClaimRow, NewMatch, NewMessage, ProfessionalRow
from guarantee_tui.store.log import NewEntry, append, canonical_json
from guarantee_tui.store.transactions import write_transaction
from guarantee_tui.text import ref_key

ACTION: Final = "intake"

CREATED: Final = "created"
DUPLICATE: Final = "duplicate"
NEEDS_REVIEW: Final = "needs_review"
UNKNOWN_SENDER: Final = "unknown_sender"
NOT_A_CLAIM: Final = "not_a_claim"
REJECTED: Final = "rejected"

STATUS_LABELS: Final = {
    CREATED: N_("claim created"),
    DUPLICATE: N_("already read"),
    NEEDS_REVIEW: N_("waits for an agent"),
    UNKNOWN_SENDER: N_("sender unknown"),
    NOT_A_CLAIM: N_("not a claim"),
    REJECTED: N_("refused"),
}
# Why a message waits, or was set aside (codes for programs, words for people).
REASONS: Final = {
    "low_confidence": N_("some explanations are not surely placed"),
    "unmatched": N_("some paragraphs went to no contact"),
    "open_claim": N_("proposed changes to the open claim"),
    "no_contacts": N_("the professional has bought no contact"),
    "no_explanation": N_("no explanation found"),
    "not_found": N_("no professional has this address, ref, phone or company"),
    "ambiguous": N_("several professionals could have sent it"),
    "out_of_office": N_("an automatic answer"),
    "question": N_("a question"),
}

# The refs of claims intake creates: CL-M and the intake's number.
CLAIM_REF: Final = "CL-M{number:06d}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one message (one line of the report, one JSON object)."""

    source: str
    status: str
    message_id: str | None = None
    reason: str | None = None  # a key of REASONS, or of mail.message.PROBLEMS when rejected
    professional: str | None = None
    claim: str | None = None
    matches: tuple[Match, ...] = ()
    unmatched: tuple[str, ...] = ()
    # Contacts among the first 20 that no piece explains.
    missing: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "message_id": self.message_id,
            "status": self.status,
            "reason": self.reason,
            "source": self.source,
            "professional": self.professional,
            "claim": self.claim,
            "matches": [
                {
                    "contact_ref": m.contact_ref,
                    "position": m.position,
                    "text": m.text,
                    "cue": m.cue,
                    "confidence": m.confidence,
                }
                for m in self.matches
            ],
            "unmatched": list(self.unmatched),
        }


@dataclass(slots=True)
class _Plan:
    status: str
    reason: str | None = None
    professional: ProfessionalRow | None = None
    claim: ClaimRow | None = None
    attribution: Attribution | None = None
    changes: dict[str, str] = field(default_factory=dict)
    contacts: int = 0


def intake(
    engine: Engine,
    messages: Iterable[RawMessage],
    *,
    agent: str | None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Iterator[Outcome]:
    """Each message's outcome, in order, each recorded before the next is read."""
    for message in messages:
        yield intake_one(engine, message, agent=agent, at=clock())


def _planned(engine: Engine, message: RawMessage) -> Outcome | tuple[Reading, _Plan]:
    """The message read and what to make of it, or its outcome when that is
    settled before anything is written (unreadable, or already taken in)."""
    if message.data is None:
        return Outcome(message.origin, REJECTED, reason="too_large")
    try:
        reading = read(message.data)
    except BadMessage as exc:
        return Outcome(message.origin, REJECTED, reason=exc.problem)
    message_id = reading.letter.message_id
    with engine.connect() as conn:
        known = store.known_message(conn, message_id)
        if known is not None:
            return _duplicate(message.origin, message_id, known)
        return reading, _plan(conn, reading)


def intake_one(engine: Engine, message: RawMessage, *, agent: str | None, at: datetime) -> Outcome:
    planned = _planned(engine, message)
    if isinstance(planned, Outcome):
        return planned
    reading, plan = planned
    message_id = reading.letter.message_id
    try:
        with refusals(), write_transaction(engine) as conn:
            return _record(conn, message, reading, plan, agent, at)
    except IntegrityError:
        # Another process recorded the same message meanwhile.
        with engine.connect() as conn:
            known = store.known_message(conn, message_id)
        if known is None:
            raise
        return _duplicate(message.origin, message_id, known)


def preview(engine: Engine, message: RawMessage) -> Outcome:
    """What intake would make of `message`, recording nothing."""
    planned = _planned(engine, message)
    if isinstance(planned, Outcome):
        return planned
    reading, plan = planned
    return _outcome(
        message.origin,
        reading.letter.message_id,
        plan,
        plan.claim.ref if plan.claim else None,
    )


def _outcome(source: str, message_id: str, plan: _Plan, claim_ref: str | None) -> Outcome:
    attribution = plan.attribution
    matches = attribution.matches if attribution is not None else ()
    return Outcome(
        source,
        plan.status,
        message_id=message_id,
        reason=plan.reason,
        professional=plan.professional.ref if plan.professional else None,
        claim=claim_ref,
        matches=matches,
        unmatched=attribution.unmatched if attribution is not None else (),
        missing=max(0, plan.contacts - len({m.contact_ref for m in matches})),
    )


def _duplicate(source: str, message_id: str, known: store.KnownMessage) -> Outcome:
    return Outcome(
        source,
        DUPLICATE,
        message_id=message_id,
        professional=known.professional,
        claim=known.claim,
    )


# --- who sent it -------------------------------------------------------------------


def _one(found: set[int]) -> int | None:
    return next(iter(found)) if len(found) == 1 else None


def find_professional(conn: Connection, reading: Reading) -> tuple[int | None, str | None]:
    """The professional who wrote `reading`, or None and why (`not_found`, `ambiguous`)."""
    ambiguous = False
    by_address = set(store.by_email(conn, reading.sender_key)) if reading.sender_key else set()
    if len(by_address) == 1:
        return _one(by_address), None
    ids = reading.identifiers
    keys = [k for k in (ref_key(r) for r in ids.refs) if k]
    candidates: list[set[int]] = []
    if keys:
        for kind in ("ref", "claim"):
            hits = store.by_refs(conn, kind, keys)
            candidates.append(set().union(*hits.values()) if hits else set())
        contacts = store.by_contact_refs(conn, list(ids.refs))
        candidates.append(set(contacts.values()))
    if ids.phone_keys:
        phones = store.by_phones(conn, list(ids.phone_keys))
        candidates.append(set().union(*phones.values()) if phones else set())
    if ids.company_keys:
        companies = store.by_company_keys(conn, list(ids.company_keys))
        candidates.append(set().union(*companies.values()) if companies else set())
    for found in candidates:
        if by_address:
            # Several professionals share the address: what the message names decides.
            found = found & by_address
        if len(found) == 1:
            return _one(found), None
        ambiguous = ambiguous or len(found) > 1
    forwarder = reading.forwarder_key
    if forwarder and not by_address:
        by_forwarder = set(store.by_email(conn, forwarder))
        if len(by_forwarder) == 1:
            return _one(by_forwarder), None
    if by_address or ambiguous:
        return None, "ambiguous"
    return None, "not_found"


# --- what to do with it -------------------------------------------------------------


def contacts_of(conn: Connection, professional: ProfessionalRow) -> list[Contact]:
    zone = rules_for(professional.market).zone
    return [
        Contact(
            position=i,
            ref=row.ref,
            client_name=row.client_name,
            city=row.city,
            job_title=row.job_title,
            purchased_on=to_local(row.purchased_at, zone).date(),
        )
        for i, row in enumerate(store.first_contacts(conn, professional.id), start=1)
    ]


def _target_claim(conn: Connection, reading: Reading, professional_id: int) -> ClaimRow | None:
    """The open claim a later message of the professional is about."""
    named = [
        c
        for c in store.claims_by_refs(conn, list(reading.identifiers.refs))
        if c.professional_id == professional_id and c.status == "open"
    ]
    if named:
        return named[0]
    answered = store.claim_of_messages(conn, list(reading.letter.replies_to))
    if answered is not None:
        row = store.claim(conn, answered)
        if row is not None and row.professional_id == professional_id and row.status == "open":
            return row
    return store.latest_open_claim(conn, professional_id)


def _changes(conn: Connection, claim_id: int, matches: Sequence[Match]) -> dict[str, str]:
    stored = store.explanations(conn, claim_id)
    changes: dict[str, str] = {}
    for m in matches:
        before = stored.get(m.contact_ref)
        if before is None or not before.strip():
            changes[m.contact_ref] = "addition"
        elif " ".join(before.split()) == " ".join(m.text.split()):
            changes[m.contact_ref] = "same"
        else:
            changes[m.contact_ref] = "replacement"
    return changes


def _plan(conn: Connection, reading: Reading) -> _Plan:
    pid, why = find_professional(conn, reading)
    professional = store.professional(conn, pid) if pid is not None else None
    if reading.automatic:
        return _Plan(NOT_A_CLAIM, "out_of_office", professional)
    if professional is None:
        return _Plan(UNKNOWN_SENDER, why)
    contacts = contacts_of(conn, professional)
    attribution = attribute(reading.pieces, contacts)
    plan = _Plan(NEEDS_REVIEW, None, professional, None, attribution, contacts=len(contacts))
    if is_question(reading, attribution):
        plan.status, plan.reason = NOT_A_CLAIM, "question"
        return plan
    open_claim = _target_claim(conn, reading, professional.id)
    if open_claim is not None:
        plan.claim, plan.reason = open_claim, "open_claim"
        plan.changes = _changes(conn, open_claim.id, attribution.matches)
    elif not contacts:
        plan.reason = "no_contacts"
    elif not attribution.matches:
        plan.reason = "no_explanation"
    elif attribution.sure:
        plan.status = CREATED
    else:
        plan.reason = "unmatched" if attribution.unmatched else "low_confidence"
    return plan


# --- recording it ------------------------------------------------------------------


def _submitted_at(reading: Reading, at: datetime) -> datetime:
    return submitted_at(reading.letter.sent_at, at)


def submitted_at(sent: datetime | None, received: datetime) -> datetime:
    """When the claim was sent: the message's date, unless its clock is wrong."""
    # A date in the future or outside the tool's years is a wrong clock: the
    # message reached us when it was received.
    if sent is None or sent > received or not in_window(sent):
        return received
    return sent


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What the log says of the message a claim comes from."""

    message_id: str
    sender: str
    source: str
    raw: bytes


def create_claim(
    conn: Connection,
    *,
    intake_id: int,
    professional: ProfessionalRow,
    message: MessageFacts,
    submitted_at: datetime,
    texts: Sequence[tuple[str, str]],
    actor: Actor,
    at: datetime,
    confirmed: bool = False,
) -> tuple[str, int]:
    """The open claim of an intake message, its explanations (contact ref, text)
    and its `intake` log entry, in the caller's transaction; intake creates it,
    or an agent who confirmed the message (`confirmed`). Returns the claim's
    ref and the entry's seq."""
    claim_ref = CLAIM_REF.format(number=intake_id)
    claim_id = store.add_claim(conn, professional.id, claim_ref, submitted_at, texts)
    details: dict[str, object] = {
        "intake": intake_id,
        "message_id": message.message_id,
        "sender": message.sender,
        "source": message.source,
        "raw_sha256": hashlib.sha256(message.raw).hexdigest(),
        "explanations": len(texts),
    }
    if confirmed:
        details["outcome"] = "confirmed"
    entry = append(
        conn,
        NewEntry(
            at=at,
            agent=actor.name,
            role=actor.role,
            action=ACTION,
            claim_ref=claim_ref,
            professional_ref=professional.ref,
            market=professional.market,
            details=canonical_json(details),
        ),
    )
    store.link_claim(conn, intake_id, claim_id, entry.seq)
    search.sync(conn, [professional.id])
    refresh_claims(conn, [claim_id], at)
    return claim_ref, entry.seq


def _record(
    conn: Connection,
    message: RawMessage,
    reading: Reading,
    plan: _Plan,
    agent: str | None,
    at: datetime,
) -> Outcome:
    actor = resolve_actor(conn, agent, at)
    message_id = reading.letter.message_id
    known = store.known_message(conn, message_id)
    if known is not None:
        return _duplicate(message.origin, message_id, known)
    professional = plan.professional
    if plan.status == CREATED and professional is not None:
        # Another message of theirs may have opened a claim since the plan.
        appeared = store.latest_open_claim(conn, professional.id)
        if appeared is not None and plan.attribution is not None:
            plan.status, plan.reason, plan.claim = NEEDS_REVIEW, "open_claim", appeared
            plan.changes = _changes(conn, appeared.id, plan.attribution.matches)
    attribution = plan.attribution
    matches = attribution.matches if attribution is not None else ()
    unmatched = attribution.unmatched if attribution is not None else ()
    letter = reading.letter
    assert message.data is not None
    intake_id = store.add_message(
        conn,
        NewMessage(
            message_id=message_id,
            received_at=at,
            sent_at=letter.sent_at,
            sender=reading.sender[:320],
            forwarded_by=reading.forwarded_by[:320] if reading.forwarded_by else None,
            subject=letter.subject,
            source=message.origin,
            status=plan.status,
            reason=plan.reason,
            professional_id=professional.id if professional else None,
            claim_id=plan.claim.id if plan.claim else None,
            agent=actor.name,
            text=reading.body.text,
            unmatched=json.dumps(list(unmatched), ensure_ascii=False),
            attachments=json.dumps(
                [
                    {"name": a.name, "type": a.content_type, "size": a.size}
                    for a in letter.attachments
                ],
                ensure_ascii=False,
            ),
            raw=message.data,
        ),
        [
            NewMatch(
                m.position,
                m.contact_ref,
                m.text,
                m.cue,
                m.confidence,
                plan.changes.get(m.contact_ref, "new"),
            )
            for m in matches
        ],
    )
    claim_ref = plan.claim.ref if plan.claim else None
    if plan.status == CREATED and professional is not None:
        claim_ref, _seq = create_claim(
            conn,
            intake_id=intake_id,
            professional=professional,
            message=MessageFacts(message_id, reading.sender, message.origin, message.data),
            submitted_at=_submitted_at(reading, at),
            texts=[(m.contact_ref, m.text) for m in matches],
            actor=actor,
            at=at,
        )
    return _outcome(message.origin, message_id, plan, claim_ref)
