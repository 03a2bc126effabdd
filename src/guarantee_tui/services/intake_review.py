"""The agent's answer to the messages intake could not settle alone.

Intake (services/intake.py) leaves a message waiting when a match is unsure,
a paragraph went to no contact, the sender is unknown, or the message
proposes changes to an open claim; it sets aside, visibly, what is not a
claim. Here an agent:

- lists them (`waiting`), newest first;
- opens one as a `Draft` (`load`): plain data, held in memory, never
  written until confirmed: the paragraphs of the message in their order,
  each on one of the professional's first 20 contacts or left over, with
  the cue and confidence that put it there;
- edits the draft (`move`, `unassign`, `split`, `merge`), each edit a pure
  function returning a new draft;
- picks the professional of an unknown sender (`load` with
  `professional_ref`, after the phone desk's search: services/phone.py);
- `confirm`s it: the open claim is created exactly as intake creates one
  (`intake.create_claim`: submitted at the message's date, its
  explanations, the message kept, one `intake` entry in the decision log
  naming the agent and the message), or the proposed additions and
  replacements are applied to the open claim; or `dismiss`es it with a
  reason, logged.

Each answer is one short transaction that reads the message again under
the log head's lock: a message answered meanwhile is refused, naming who
answered it; the same agent answering twice is told it is done, and
nothing is created twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Final

from sqlalchemy import Connection, Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator
from guarantee_tui.mail.cues import Contact
from guarantee_tui.mail.matching import APPLY_FROM, attribute
from guarantee_tui.mail.message import BadMessage, read_letter
from guarantee_tui.mail.reading import read
from guarantee_tui.mail.segments import EXPLANATION
from guarantee_tui.services.agents import Actor, refusals, resolve_actor
from guarantee_tui.services.intake import (
    ACTION,
    MessageFacts,
    contacts_of,
    create_claim,
    submitted_at,
)
from guarantee_tui.services.phone import UnknownProfessional
from guarantee_tui.services.verdicts import refresh_claims
from guarantee_tui.store import intake as store
from guarantee_tui.store.intake import WAITING, ProfessionalRow, StoredMessage, WaitingRow
from guarantee_tui.store.log import NewEntry, append, canonical_json
from guarantee_tui.store.transactions import write_transaction

__all__ = [
    "AGENT_CUE",
    "WAITING",
    "Answer",
    "ContactCard",
    "Draft",
    "Paragraph",
    "WaitingRow",
    "confirm",
    "dismiss",
    "load",
    "merge",
    "move",
    "split",
    "split_point",
    "unassign",
    "waiting",
]

CONFIRMED: Final = "confirmed"
DISMISSED: Final = "dismissed"
# The cue of a paragraph the agent placed: sure, since a person said so.
AGENT_CUE: Final = "agent"
MAX_REASON: Final = 500

# Where a paragraph may be cut: after a line, else after a sentence (not after
# "M.", "Mme.", "Sr.", "D.", "n.º" or an initial).
_SENTENCE_END: Final = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_ABBREVIATIONS: Final = frozenset(
    {"m", "mme", "mlle", "me", "dr", "sr", "sra", "d", "n.º", "nº", "n", "st", "ste", "etc"}
)


# --- errors -------------------------------------------------------------------


class UnknownMessage(UserError):
    def __init__(self, intake_id: int) -> None:
        super().__init__(intake_id)
        self.intake_id = intake_id

    def describe(self, tr: Translator) -> str:
        return tr("No intake message {number}.", number=tr.number(self.intake_id))


class NoProfessional(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("Nobody is known to have sent this message: pick the professional first.")


class NothingPlaced(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("No paragraph is on a contact: place at least one before confirming.")


class AlreadyAnswered(UserError):
    """Another agent (or intake itself) answered the message meanwhile."""

    def __init__(self, status: str, agent: str, claim: str | None) -> None:
        super().__init__(status, agent, claim)
        self.status, self.agent, self.claim = status, agent, claim

    def describe(self, tr: Translator) -> str:
        if self.status == DISMISSED:
            return tr("{agent} has already set this message aside.", agent=self.agent)
        if self.claim is not None:
            return tr(
                "{agent} has already confirmed this message: claim {ref}.",
                agent=self.agent,
                ref=self.claim,
            )
        return tr("{agent} has already confirmed this message.", agent=self.agent)


class ClaimExists(UserError):
    """The professional has an open claim now: a new one would be a second."""

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref

    def describe(self, tr: Translator) -> str:
        return tr(
            "The professional now has an open claim, {ref}: open the message again to "
            "see its proposals as changes to that claim.",
            ref=self.ref,
        )


class ClaimNotOpen(UserError):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref

    def describe(self, tr: Translator) -> str:
        return tr(
            "Claim {ref} is no longer open: its changes cannot be applied.",
            ref=self.ref,
        )


class ReasonRequired(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("Say in a few words why the message is set aside.")


class ReasonTooLong(UserError):
    def describe(self, tr: Translator) -> str:
        return tr.plural(
            "The reason is too long: at most {n} character.",
            "The reason is too long: at most {n} characters.",
            MAX_REASON,
        )


class NoSuchContact(UserError):
    def __init__(self, position: int, count: int) -> None:
        super().__init__(position, count)
        self.position, self.count = position, count

    def describe(self, tr: Translator) -> str:
        if self.count == 0:
            return tr("The professional has no contact to place a paragraph on.")
        return tr(
            "No contact {number}: the contacts go from 1 to {count}.",
            number=tr.number(self.position),
            count=tr.number(self.count),
        )


class CannotSplit(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("This paragraph is one sentence on one line: there is nowhere to split it.")


class NothingToMerge(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("This is the message's last paragraph: there is none after it to merge.")


class NoParagraph(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("No paragraph here: choose a line with a paragraph.")


# --- the waiting messages -----------------------------------------------------------


def waiting(engine: Engine) -> list[WaitingRow]:
    """The messages waiting for an agent or set aside for one, newest first."""
    with engine.connect() as conn:
        return store.waiting(conn)


# --- a message as the agent edits it -----------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactCard:
    """One of the professional's first 20 contacts, as the agent matches it."""

    position: int
    ref: str
    client_name: str | None
    city: str | None
    purchased_on: date | None
    job_title: str | None


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    # The contact's position (1-20) it explains; None: left over.
    position: int | None
    # How it got there ("number+name", "order", AGENT_CUE), "" when left over.
    cue: str = ""
    confidence: float = 0.0

    @property
    def sure(self) -> bool:
        return self.position is not None and self.confidence >= APPLY_FROM


@dataclass(frozen=True, slots=True)
class Draft:
    """An intake message and the agent's edits, held in memory until confirmed."""

    intake_id: int
    message_id: str
    status: str
    reason: str | None
    received_at: datetime
    sent_at: datetime | None
    sender: str
    forwarded_by: str | None
    subject: str
    attachments: tuple[str, ...]
    professional: ProfessionalRow | None
    # The open claim a later message proposes changes to (None: a new claim).
    claim: str | None
    contacts: tuple[ContactCard, ...]
    # In the order of the message.
    paragraphs: tuple[Paragraph, ...]
    # The open claim's current texts by contact ref (proposals: what would change).
    current: tuple[tuple[str, str], ...] = ()
    edits: int = 0

    def index_at(self, position: int) -> int | None:
        """The paragraph on contact `position`, if any."""
        for i, p in enumerate(self.paragraphs):
            if p.position == position:
                return i
        return None

    @property
    def left_over(self) -> list[int]:
        return [i for i, p in enumerate(self.paragraphs) if p.position is None]

    @property
    def missing(self) -> list[ContactCard]:
        """The contacts no paragraph explains."""
        placed = {p.position for p in self.paragraphs}
        return [c for c in self.contacts if c.position not in placed]

    @property
    def unsure(self) -> int:
        return sum(1 for p in self.paragraphs if p.position is not None and not p.sure)

    def texts(self) -> list[tuple[str, str]]:
        """(contact ref, text) of every placed paragraph, in contact order."""
        by_position = {c.position: c.ref for c in self.contacts}
        placed = sorted((p.position, p.text) for p in self.paragraphs if p.position is not None)
        return [(by_position[position], text) for position, text in placed]

    def change(self, position: int) -> str:
        """For a proposal to an open claim: `addition`, `replacement` or `same`."""
        if self.claim is None:
            return "new"
        index = self.index_at(position)
        contact = self.contacts[position - 1]
        before = dict(self.current).get(contact.ref)
        if before is None or not before.strip():
            return "addition"
        if index is not None and _words(before) == _words(self.paragraphs[index].text):
            return "same"
        return "replacement"


def _words(text: str) -> str:
    return " ".join(text.split())


def _check_index(draft: Draft, index: int) -> Paragraph:
    if not 0 <= index < len(draft.paragraphs):
        raise NoParagraph()
    return draft.paragraphs[index]


def move(draft: Draft, index: int, position: int) -> Draft:
    """Paragraph `index` onto contact `position`; the paragraph there, if any,
    takes the moved one's place (a swap)."""
    moved = _check_index(draft, index)
    if not 1 <= position <= len(draft.contacts):
        raise NoSuchContact(position, len(draft.contacts))
    if moved.position == position:
        return draft
    paragraphs = list(draft.paragraphs)
    occupant = draft.index_at(position)
    if occupant is not None:
        paragraphs[occupant] = replace(
            paragraphs[occupant], position=moved.position, cue=AGENT_CUE, confidence=1.0
        )
        if moved.position is None:
            paragraphs[occupant] = replace(paragraphs[occupant], cue="", confidence=0.0)
    paragraphs[index] = replace(moved, position=position, cue=AGENT_CUE, confidence=1.0)
    return replace(draft, paragraphs=tuple(paragraphs), edits=draft.edits + 1)


def unassign(draft: Draft, index: int) -> Draft:
    """Paragraph `index` goes to no contact."""
    paragraph = _check_index(draft, index)
    if paragraph.position is None:
        return draft
    paragraphs = list(draft.paragraphs)
    paragraphs[index] = replace(paragraph, position=None, cue="", confidence=0.0)
    return replace(draft, paragraphs=tuple(paragraphs), edits=draft.edits + 1)


def split_point(text: str) -> int | None:
    """Where a paragraph is cut: after its first line, else after its first
    sentence (None: one sentence on one line)."""
    stripped = text.strip()
    line = stripped.find("\n")
    if line > 0 and stripped[line:].strip():
        return line
    for m in _SENTENCE_END.finditer(stripped):
        before = stripped[: m.start()]
        words = re.findall(r"[^\W_][^\s]*", before[-8:])
        last = words[-1].rstrip(".").casefold() if words else ""
        if before.endswith(".") and (last in _ABBREVIATIONS or len(last) == 1):
            continue
        return m.start()
    return None


def split(draft: Draft, index: int) -> Draft:
    """Paragraph `index` cut in two (`split_point`): the first part keeps its
    contact, the second is left over, right after it."""
    paragraph = _check_index(draft, index)
    text = paragraph.text.strip()
    at = split_point(text)
    if at is None:
        raise CannotSplit()
    first, second = text[:at].strip(), text[at:].strip()
    paragraphs = list(draft.paragraphs)
    paragraphs[index : index + 1] = [
        replace(paragraph, text=first),
        Paragraph(second, None),
    ]
    return replace(draft, paragraphs=tuple(paragraphs), edits=draft.edits + 1)


def merge(draft: Draft, index: int) -> Draft:
    """Paragraph `index` and the next one in the message become one, on the
    first's contact (or the second's, when the first had none)."""
    first = _check_index(draft, index)
    if index + 1 >= len(draft.paragraphs):
        raise NothingToMerge()
    second = draft.paragraphs[index + 1]
    one_line = "\n" not in first.text and "\n" not in second.text
    text = (" " if one_line else "\n").join((first.text.strip(), second.text.strip()))
    kept = first if first.position is not None else second
    merged = Paragraph(text, kept.position, kept.cue, kept.confidence)
    if kept.position is not None:
        merged = replace(merged, cue=AGENT_CUE, confidence=1.0)
    paragraphs = list(draft.paragraphs)
    paragraphs[index : index + 2] = [merged]
    return replace(draft, paragraphs=tuple(paragraphs), edits=draft.edits + 1)


# --- loading ------------------------------------------------------------------------


def load(engine: Engine, intake_id: int, professional_ref: str | None = None) -> Draft:
    """The message `intake_id` as a draft: as intake proposed it, or matched
    again against the contacts of `professional_ref` (the agent's pick)."""
    with engine.connect() as conn:
        message = store.stored_message(conn, intake_id)
        if message is None:
            raise UnknownMessage(intake_id)
        return _draft(conn, message, professional_ref)


def _draft(conn: Connection, message: StoredMessage, professional_ref: str | None) -> Draft:
    professional: ProfessionalRow | None = None
    if professional_ref is not None:
        professional = store.professional_by_ref(conn, professional_ref)
        if professional is None:
            raise UnknownProfessional(professional_ref)
    elif message.professional_id is not None:
        professional = store.professional(conn, message.professional_id)
    contacts = contacts_of(conn, professional) if professional is not None else []
    picked = professional_ref is not None and (
        professional is None or professional.id != message.professional_id
    )
    stored = [] if picked else store.stored_matches(conn, message.id)
    if stored:
        pieces = [(m.text, Paragraph(m.text, m.position, m.cue, m.confidence)) for m in stored] + [
            (t, Paragraph(t, None)) for t in json.loads(message.unmatched)
        ]
    else:
        pieces = [(p.text, p) for p in _attributed(message, contacts)]
    if not pieces:
        # Nothing read as an explanation (a question, an automatic answer): the
        # agent who makes it a claim starts from the text's paragraphs.
        pieces = [(t, Paragraph(t.strip(), None)) for t in message.text.split("\n\n") if t.strip()]
    claim = _claim_of(conn, message, professional, picked)
    current = tuple(sorted(store.explanations(conn, claim.id).items())) if claim else ()
    return Draft(
        intake_id=message.id,
        message_id=message.message_id,
        status=message.status,
        reason=message.reason,
        received_at=message.received_at,
        sent_at=message.sent_at,
        sender=message.sender,
        forwarded_by=message.forwarded_by,
        subject=message.subject,
        attachments=tuple(str(a.get("name") or "") for a in json.loads(message.attachments)),
        professional=professional,
        claim=claim.ref if claim else None,
        contacts=tuple(
            ContactCard(c.position, c.ref, c.client_name, c.city, c.purchased_on, c.job_title)
            for c in contacts
        ),
        paragraphs=_in_message_order(message, pieces),
        current=current,
    )


def _claim_of(
    conn: Connection, message: StoredMessage, professional: ProfessionalRow | None, picked: bool
) -> store.ClaimRow | None:
    """The open claim the message's proposals change, if any."""
    if professional is None:
        return None
    if not picked and message.claim_id is not None:
        row = store.claim(conn, message.claim_id)
        if row is not None and row.status == "open":
            return row
    return store.latest_open_claim(conn, professional.id)


def _attributed(message: StoredMessage, contacts: list[Contact]) -> list[Paragraph]:
    """The message read again and its pieces placed on `contacts`."""
    try:
        reading = read(message.raw)
    except BadMessage:
        # Intake read it once; should the reading change, the stored text stands.
        return [Paragraph(t.strip(), None) for t in message.text.split("\n\n") if t.strip()]
    if not contacts:
        return [Paragraph(p.text, None) for p in reading.pieces if p.kind == EXPLANATION]
    attribution = attribute(reading.pieces, contacts)
    return [Paragraph(m.text, m.position, m.cue, m.confidence) for m in attribution.matches] + [
        Paragraph(t, None) for t in attribution.unmatched
    ]


def _in_message_order(
    message: StoredMessage, pieces: list[tuple[str, Paragraph]]
) -> tuple[Paragraph, ...]:
    """The paragraphs in the order the professional wrote them: each found in
    the piece of the message it comes from (the same phrases recur from one
    explanation to the next, so the piece it is, else the first that holds it)."""
    try:
        read_pieces = [p.text.strip() for p in read(message.raw).pieces]
    except BadMessage:
        read_pieces = [message.text]

    def place(item: tuple[int, tuple[str, Paragraph]]) -> tuple[int, int, int]:
        order, (found, _p) = item
        wanted = found.strip()
        for i, piece in enumerate(read_pieces):
            if piece == wanted:
                return (i, 0, order)
        for i, piece in enumerate(read_pieces):
            at = piece.find(wanted[:60])
            if at >= 0:
                return (i, at, order)
        return (len(read_pieces), 0, order)

    return tuple(p for _i, (_t, p) in sorted(enumerate(pieces), key=place))


# --- answering ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """What an agent's confirmation or dismissal did."""

    intake_id: int
    status: str  # CONFIRMED or DISMISSED
    agent: str
    claim: str | None
    # A new claim was created (else changes to an open one, or a dismissal).
    created: bool
    # Explanations written (a new claim's, or those added or replaced).
    explanations: int
    log_seq: int | None
    # The same agent had already given this answer: nothing was done again.
    already: bool = False


def _answered(conn: Connection, message: StoredMessage, wanted: str, agent: str) -> Answer | None:
    """None while the message waits; the earlier answer when `agent` already gave
    `wanted`; else AlreadyAnswered (someone else, or another answer)."""
    if message.status in WAITING:
        return None
    claim = store.claim(conn, message.claim_id) if message.claim_id is not None else None
    ref = claim.ref if claim is not None else None
    if message.status == wanted and message.agent == agent:
        return Answer(
            message.id,
            wanted,
            agent,
            ref,
            created=False,
            explanations=0,
            log_seq=None,
            already=True,
        )
    raise AlreadyAnswered(message.status, message.agent, ref)


def confirm(engine: Engine, draft: Draft, *, agent: str | None, at: datetime) -> Answer:
    """Creates the claim of `draft` (or applies its changes to the open claim),
    in one transaction; see the module's docstring for the refusals."""
    texts = draft.texts()
    with refusals(), write_transaction(engine) as conn:
        actor = resolve_actor(conn, agent, at)
        message = store.stored_message(conn, draft.intake_id, lock=True)
        if message is None:
            raise UnknownMessage(draft.intake_id)
        done = _answered(conn, message, CONFIRMED, actor.name)
        if done is not None:
            return done
        professional = draft.professional
        if professional is None:
            raise NoProfessional()
        if not texts:
            raise NothingPlaced()
        if message.professional_id != professional.id:
            # The agent's pick, recorded first: the claim and the log entry are
            # then checked against it (on PostgreSQL, by migration 0010).
            store.set_professional(conn, message.id, professional.id)
        if draft.claim is not None:
            return _apply_changes(conn, message, draft, texts, actor, at)
        appeared = store.latest_open_claim(conn, professional.id)
        if appeared is not None:
            raise ClaimExists(appeared.ref)
        claim_ref, seq = create_claim(
            conn,
            intake_id=message.id,
            professional=professional,
            message=MessageFacts(message.message_id, message.sender, message.source, message.raw),
            submitted_at=submitted_at(message.sent_at, message.received_at),
            texts=texts,
            actor=actor,
            at=at,
            confirmed=True,
        )
        _record_answer(conn, message, CONFIRMED, actor.name, seq, professional.id, None)
        return Answer(message.id, CONFIRMED, actor.name, claim_ref, True, len(texts), seq)


def _apply_changes(
    conn: Connection,
    message: StoredMessage,
    draft: Draft,
    texts: list[tuple[str, str]],
    actor: Actor,
    at: datetime,
) -> Answer:
    professional = draft.professional
    assert professional is not None and draft.claim is not None
    found = store.claims_by_refs(conn, [draft.claim])
    claim = next((c for c in found if c.ref == draft.claim), None)
    if claim is None or claim.status != "open" or claim.professional_id != professional.id:
        raise ClaimNotOpen(draft.claim)
    changed = store.apply_explanations(conn, claim.id, texts)
    entry = append(
        conn,
        NewEntry(
            at=at,
            agent=actor.name,
            role=actor.role,
            action=ACTION,
            claim_ref=claim.ref,
            professional_ref=professional.ref,
            market=professional.market,
            details=canonical_json(
                {
                    "intake": message.id,
                    "message_id": message.message_id,
                    "sender": message.sender,
                    "outcome": "changes",
                    "explanations": changed,
                }
            ),
        ),
    )
    _record_answer(conn, message, CONFIRMED, actor.name, entry.seq, professional.id, claim.id)
    refresh_claims(conn, [claim.id], at)
    return Answer(message.id, CONFIRMED, actor.name, claim.ref, False, changed, entry.seq)


def _record_answer(
    conn: Connection,
    message: StoredMessage,
    status: str,
    agent: str,
    seq: int,
    professional_id: int | None,
    claim_id: int | None,
) -> None:
    if not store.answer_message(
        conn,
        message.id,
        was=message.status,
        status=status,
        agent=agent,
        log_seq=seq,
        professional_id=professional_id,
        claim_id=claim_id,
    ):
        # The row is locked (or the database is): it cannot have changed.
        raise RuntimeError(f"intake message {message.id} changed under its lock")


def dismiss(
    engine: Engine, intake_id: int, reason: str, *, agent: str | None, at: datetime
) -> Answer:
    """Sets the message aside for good, with the agent's reason, logged."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    if len(reason) > MAX_REASON:
        raise ReasonTooLong()
    with refusals(), write_transaction(engine) as conn:
        actor = resolve_actor(conn, agent, at)
        message = store.stored_message(conn, intake_id, lock=True)
        if message is None:
            raise UnknownMessage(intake_id)
        done = _answered(conn, message, DISMISSED, actor.name)
        if done is not None:
            return done
        professional = (
            store.professional(conn, message.professional_id)
            if message.professional_id is not None
            else None
        )
        entry = append(
            conn,
            NewEntry(
                at=at,
                agent=actor.name,
                role=actor.role,
                action=ACTION,
                professional_ref=professional.ref if professional else None,
                market=professional.market if professional else None,
                reason=reason,
                details=canonical_json(
                    {
                        "intake": message.id,
                        "message_id": message.message_id,
                        "sender": message.sender,
                        "outcome": "dismissed",
                    }
                ),
            ),
        )
        _record_answer(conn, message, DISMISSED, actor.name, entry.seq, None, None)
        return Answer(message.id, DISMISSED, actor.name, None, False, 0, entry.seq)


# --- the original --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Original:
    """The message as the professional wrote it: its headers and its whole text
    (quotations and signature included), for the agent to read, never to act on."""

    sender: str
    sent_at: datetime | None
    subject: str
    text: str
    attachments: tuple[str, ...]


def original(engine: Engine, intake_id: int) -> Original:
    with engine.connect() as conn:
        message = store.stored_message(conn, intake_id)
    if message is None:
        raise UnknownMessage(intake_id)
    try:
        letter = read_letter(message.raw)
    except BadMessage:
        # Intake read it once; should reading change, the bytes are still shown.
        return Original(
            message.sender,
            message.sent_at,
            message.subject,
            message.raw.decode("utf-8", errors="replace"),
            (),
        )
    return Original(
        letter.sender,
        letter.sent_at,
        letter.subject,
        letter.text,
        tuple(a.name or "" for a in letter.attachments),
    )
