"""The phone desk: find a caller, tell them where their guarantee stands, note the call.

- `lookup(engine, query)`: the professionals a phone number, an e-mail, a
  company name or a ref finds, best first (store/search.py does the
  indexed queries).
- `card(engine, ref, at)`: the guarantee as it stands for one professional,
  claim or no claim: the progress checklist (the policy without a claim),
  each claim with its checklist or its decision and letter, recent calls,
  and `advice`: a few plain sentences for the caller, as messages that can
  be shown in the caller's language or the agent's.
- `record_call_note(...)`: a call note and its decision-log entry, together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, Translator
from guarantee_tui.policy import (
    CONDITION_BY_ID,
    CONDITION_REQUIREMENTS,
    Checklist,
    ConditionId,
    ConditionResult,
    ReviewSource,
    Status,
    Verdict,
    evaluate,
)
from guarantee_tui.policy.facts import Professional
from guarantee_tui.policy.markets import MarketRules, rules_for
from guarantee_tui.policy.messages import Credits, Items, Message, Moment, msg, nmsg
from guarantee_tui.policy.vocabulary import POSITIVE_RATING, REVIEWS_REQUIRED
from guarantee_tui.services.agents import resolve_actor
from guarantee_tui.store import calls, details, search
from guarantee_tui.store.calls import CallNoteRow
from guarantee_tui.store.details import ContactDetails, DecisionRow, ProfessionalRow
from guarantee_tui.store.facts import load_professional
from guarantee_tui.store.log import NewEntry, append, canonical_json
from guarantee_tui.store.transactions import write_transaction
from guarantee_tui.text import MAX_QUERY, parse_query

__all__ = [
    "MATCHED_ON_LABELS",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "CallNoteRow",
    "Card",
    "ClaimLine",
    "ContactLine",
    "DecisionRow",
    "Lookup",
    "LookupResult",
    "advice",
    "card",
    "lookup",
    "record_call_note",
]

LOOKUP_LIMIT: Final = 50
NOTES_SHOWN: Final = 5
MAX_SUMMARY: Final = 2000

MATCHED_ON_LABELS: Final = {
    "phone": N_("phone"),
    "email": N_("e-mail"),
    "company": N_("company"),
    "ref": N_("ref"),
    "claim": N_("claim"),
    "contact": N_("contact"),
}

# What came of a call; the log records the code, people read the label.
OUTCOMES: Final = ("informed", "callback", "complaint", "other")
OUTCOME_LABELS: Final = {
    "informed": N_("caller informed"),
    "callback": N_("callback needed"),
    "complaint": N_("complaint"),
    "other": N_("other"),
}


# --- errors -------------------------------------------------------------------


class UnknownProfessional(UserError):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref

    def describe(self, tr: Translator) -> str:
        return tr("No professional with ref {ref}.", ref=self.ref)


class UnknownOutcome(UserError):
    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome

    def describe(self, tr: Translator) -> str:
        return tr(
            "Unknown call outcome {outcome}: use {known}.",
            outcome=self.outcome,
            known=", ".join(OUTCOMES),
        )


class SummaryRequired(UserError):
    def describe(self, tr: Translator) -> str:
        return tr("Write a few words about the call.")


class SummaryTooLong(UserError):
    def describe(self, tr: Translator) -> str:
        return tr.plural(
            "The summary is too long: at most {n} character.",
            "The summary is too long: at most {n} characters.",
            MAX_SUMMARY,
        )


# --- lookup -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LookupResult:
    professional_ref: str
    company: str
    market: str
    matched_on: str  # phone, email, company, ref, claim or contact
    exact: bool
    # What matched, as stored and normalised (the phone key, the claim ref...).
    matched: str
    phone: str | None
    email: str | None
    status: str


@dataclass(frozen=True, slots=True)
class Lookup:
    query: str
    results: tuple[LookupResult, ...]
    # Why there is nothing to show, or how to search better; None with results.
    hint: Message | None = None


def lookup(engine: Engine, query: str, limit: int = LOOKUP_LIMIT) -> Lookup:
    """Whoever `query` finds. Never raises for what was typed: odd input gives a hint."""
    parsed = parse_query(query)
    if parsed.too_long:
        return Lookup(
            parsed.raw,
            (),
            nmsg(
                "That is too long for a search: at most {n} character.",
                "That is too long for a search: at most {n} characters.",
                MAX_QUERY,
            ),
        )
    if not parsed.raw:
        return Lookup("", (), msg("Type a phone number, an e-mail, a company name or a ref."))
    if parsed.empty:
        return Lookup(parsed.raw, (), msg("Nothing to search for: type letters or digits."))
    with engine.connect() as conn:
        hits = search.find(conn, parsed, limit)
        rows = search.professionals(conn, [h.professional_id for h in hits])
    results = tuple(
        LookupResult(
            professional_ref=row.ref,
            company=row.company,
            market=row.market,
            matched_on=hit.matched_on,
            exact=hit.exact,
            matched=hit.token,
            phone=row.phone,
            email=row.email,
            status=row.status,
        )
        for hit in hits
        if (row := rows.get(hit.professional_id)) is not None
    )
    if results:
        return Lookup(parsed.raw, results)
    if parsed.phone_with_letters:
        return Lookup(
            parsed.raw,
            (),
            msg(
                "No professional found. A phone number has only digits, "
                "spaces and + ( ) . - / in it."
            ),
        )
    return Lookup(parsed.raw, (), msg("No professional found for {query}.", query=parsed.raw))


# --- the caller's card ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactLine:
    """A contact as the caller knows it (never by its ref): when, what job, where."""

    ref: str
    purchased_at: datetime
    job: str | None
    city: str | None


@dataclass(frozen=True, slots=True)
class ClaimLine:
    ref: str
    status: str
    submitted_at: datetime
    # An open claim, judged as it stands.
    checklist: Checklist | None
    # A decided claim's latest decision (None if it was imported decided).
    decision: DecisionRow | None
    # An open claim's contacts that have no explanation yet, oldest first.
    unexplained: tuple[ContactLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Card:
    professional: ProfessionalRow
    rules: MarketRules
    at: datetime
    # The policy without a claim: where the professional stands.
    progress: Checklist
    claims: tuple[ClaimLine, ...]  # oldest first
    notes: tuple[CallNoteRow, ...]  # newest first
    # What to tell the caller, in any language (rendered by the reader's translator).
    advice: tuple[Message, ...]
    latest_completeness: int | None
    active_pack: str | None
    # When the pack active at `at` started.
    active_pack_since: datetime | None = None

    @property
    def language(self) -> str:
        """The caller's language: the market's."""
        return self.rules.language

    @property
    def open_claim(self) -> ClaimLine | None:
        """The claim the caller most likely calls about: the latest open one."""
        found = [c for c in self.claims if c.status == "open" and c.checklist is not None]
        return found[-1] if found else None

    @property
    def standing(self) -> Checklist:
        """The one evaluation the card's conditions and the advice both read: the
        open claim's checklist (at its submission and at `at`), else the progress."""
        line = self.open_claim
        return line.checklist if line is not None and line.checklist is not None else self.progress

    @property
    def shown_conditions(self) -> tuple[ConditionResult, ...]:
        """The conditions the policy lists on the phone card, in the card's order;
        with an open claim, its explanations too, and what fails first."""
        standing = self.standing
        on_claim = standing.claim is not None
        shown = [
            r
            for r in standing.results
            if CONDITION_BY_ID[r.id].phone_card is not None
            or (on_claim and r.id is ConditionId.EXPLANATIONS_COMPLETE)
        ]
        order = {Status.NOT_MET: 0, Status.UNKNOWN: 1, Status.PENDING: 1, Status.MET: 2}
        return tuple(
            sorted(
                shown,
                key=lambda r: (
                    order[r.status] if on_claim else 0,
                    CONDITION_BY_ID[r.id].phone_card or 0,
                ),
            )
        )

    @property
    def latest_decided(self) -> ClaimLine | None:
        """The claim decided last (with its decision and letter), if any."""
        decided = [c for c in self.claims if c.decision is not None]
        return (
            max(decided, key=lambda c: c.decision.decided_at if c.decision else c.submitted_at)
            if decided
            else None
        )


def card(engine: Engine, professional_ref: str, at: datetime) -> Card:
    with engine.connect() as conn:
        pid = search.professional_id(conn, professional_ref)
        facts = load_professional(conn, pid) if pid is not None else None
        if pid is None or facts is None:
            raise UnknownProfessional(professional_ref)
        row = details.professional(conn, pid)
        decisions = {
            loaded.claim_id: details.latest_decision(conn, loaded.claim_id)
            for loaded in facts.claims
            if loaded.claim.status != "open"
        }
        notes = calls.recent(conn, pid, NOTES_SHOWN)
        pro = facts.professional
        checklists = {
            loaded.claim_id: evaluate(pro, loaded.claim, at)
            for loaded in facts.claims
            if loaded.claim.status == "open"
        }
        missing = {
            claim_id: checklist.result(ConditionId.EXPLANATIONS_COMPLETE).contacts
            for claim_id, checklist in checklists.items()
            if checklist.result(ConditionId.EXPLANATIONS_COMPLETE).status is Status.NOT_MET
        }
        known = details.contacts(conn, [ref for refs in missing.values() for ref in refs])
    progress = evaluate(pro, None, at)
    bought = {p.ref: p.purchased_at for p in pro.purchases}
    lines = tuple(
        ClaimLine(
            ref=loaded.claim.ref,
            status=loaded.claim.status,
            submitted_at=loaded.claim.submitted_at,
            checklist=checklists.get(loaded.claim_id),
            decision=decisions.get(loaded.claim_id),
            unexplained=tuple(
                _contact_line(ref, bought[ref], known.get(ref))
                for ref in missing.get(loaded.claim_id, ())
                if ref in bought
            ),
        )
        for loaded in facts.claims
    )
    completeness = [c.percent for c in sorted(pro.completeness, key=lambda c: c.at) if c.at <= at]
    packs = [p for p in pro.packs if p.active_at(at)]
    pack = max(packs, key=lambda p: p.starts_at) if packs else None
    rules = rules_for(pro.market)
    return Card(
        professional=row,
        rules=rules,
        at=at,
        progress=progress,
        claims=lines,
        notes=tuple(notes),
        advice=advice(pro, progress, lines, rules),
        latest_completeness=completeness[-1] if completeness else None,
        active_pack=pack.name if pack else None,
        active_pack_since=pack.starts_at if pack else None,
    )


def _contact_line(ref: str, at: datetime, known: ContactDetails | None) -> ContactLine:
    job = known.job_title.strip() if known and known.job_title else None
    city = known.city.strip() if known and known.city else None
    return ContactLine(ref, at, job or None, city or None)


# --- what to tell the caller ---------------------------------------------------


def _day(at: datetime, rules: MarketRules) -> Moment:
    return Moment(at, rules.zone, with_time=False)


def _decided(line: ClaimLine, rules: MarketRules) -> Message:
    d = line.decision
    if line.status == "approved":
        if d is None:
            return msg("Your claim {ref} was approved.", ref=line.ref)
        if d.refund_credits is None:
            return msg(
                "Your claim {ref} was approved on {date}.",
                ref=line.ref,
                date=_day(d.decided_at, rules),
            )
        return msg(
            "Your claim {ref} was approved on {date}: {credits} were added to your balance.",
            ref=line.ref,
            date=_day(d.decided_at, rules),
            credits=Credits(d.refund_credits),
        )
    if line.status == "suspended":
        if d is None:
            return msg(
                "Your claim {ref} was refused and your profile suspended for abuse of the "
                "platform.",
                ref=line.ref,
            )
        return msg(
            "Your claim {ref} was refused on {date} and your profile suspended for abuse of "
            "the platform; the letter explaining why was sent to you.",
            ref=line.ref,
            date=_day(d.decided_at, rules),
        )
    if d is None:
        return msg("Your claim {ref} was rejected.", ref=line.ref)
    return msg(
        "Your claim {ref} was rejected on {date}; the letter explaining why was sent to you.",
        ref=line.ref,
        date=_day(d.decided_at, rules),
    )


# What the caller can still put right on an open claim (docs/POLICY.md): an
# explanation sent for a contact, reviews (they count from their date, up to
# the moment the claim is judged), a pack that must be active when the claim is
# judged. The other conditions are facts of the past; the verification is ours.
CALLER_CAN_FIX: Final = frozenset(
    {
        ConditionId.EXPLANATIONS_COMPLETE,
        ConditionId.CONTACT_REVIEWS,
        ConditionId.FORMER_CLIENT_REVIEWS,
        ConditionId.ACTIVE_PACK,
    }
)
# At most this many contacts are named in one sentence.
CONTACTS_NAMED: Final = 5


def _contact(line: ContactLine, rules: MarketRules) -> Message | Moment:
    day = _day(line.purchased_at, rules)
    if line.job and line.city:
        return msg("{date} ({job}, {city})", date=day, job=line.job, city=line.city)
    if line.job or line.city:
        return msg("{date} ({what})", date=day, what=line.job or line.city or "")
    return day


def _unexplained(contacts: Sequence[ContactLine], rules: MarketRules) -> Message:
    named: list[Message | Moment] = [_contact(c, rules) for c in contacts[:CONTACTS_NAMED]]
    rest = len(contacts) - CONTACTS_NAMED
    if rest > 0:
        named.append(nmsg("{n} other contact", "{n} other contacts", rest))
    return nmsg(
        "Send us the explanation of what happened with the contact bought on {contacts}.",
        "Send us the explanations of what happened with the {n} contacts bought on {contacts}.",
        len(contacts),
        contacts=Items(tuple(named)),
    )


def _positive_contact_reviews(professional: Professional, checklist: Checklist) -> int:
    refs = {p.ref for p in checklist.contacts}
    return sum(
        1
        for r in professional.reviews
        if r.source == ReviewSource.PLATFORM_CONTACT
        and r.rating >= POSITIVE_RATING
        and r.contact_ref in refs
        and r.at <= checklist.at
    )


def _former_client_reviews(professional: Professional, at: datetime) -> int:
    return sum(
        1 for r in professional.reviews if r.source == ReviewSource.FORMER_CLIENT and r.at <= at
    )


def _pack_fix(professional: Professional, line: ClaimLine, rules: MarketRules) -> Message:
    def active(at: datetime) -> bool:
        return any(p.active_at(at) for p in professional.packs)

    if not active(line.submitted_at):
        # The claim's own moment: no later pack puts that right.
        return msg(
            "Your professional pack was not active when you sent this claim, on {date}; "
            "only a claim sent while a pack is active meets this condition.",
            date=_day(line.submitted_at, rules),
        )
    return msg(
        "Your professional pack is no longer active: it must be active again for this "
        "claim to be accepted."
    )


def _open(professional: Professional, line: ClaimLine, rules: MarketRules) -> list[Message]:
    said = [
        msg(
            "Your claim {ref}, sent on {date}, is being examined.",
            ref=line.ref,
            date=_day(line.submitted_at, rules),
        )
    ]
    checklist = line.checklist
    if checklist is None:
        return said
    failed = {r.id for r in checklist.failed}
    settled = [
        r.id
        for r in checklist.failed
        if r.id not in CALLER_CAN_FIX and r.id is not ConditionId.EXPLANATIONS_VERIFIED
    ]
    if settled:
        # Each condition as a requirement: its checklist label ("No payment
        # incident") would read as the opposite of the fact.
        said.append(
            nmsg(
                "As it stands, it does not meet this condition: {conditions}.",
                "As it stands, it does not meet these conditions: {conditions}.",
                len(settled),
                conditions=Items(tuple(CONDITION_REQUIREMENTS[c] for c in settled)),
            )
        )
    if ConditionId.ACTIVE_PACK in failed:
        said.append(_pack_fix(professional, line, rules))
    if ConditionId.EXPLANATIONS_COMPLETE in failed and line.unexplained:
        said.append(_unexplained(line.unexplained, rules))
    if ConditionId.CONTACT_REVIEWS in failed:
        missing = max(REVIEWS_REQUIRED - _positive_contact_reviews(professional, checklist), 1)
        said.append(
            nmsg(
                "{n} more positive review from one of these 20 clients is needed: you can "
                "ask them to leave one on the platform.",
                "{n} more positive reviews from these 20 clients are needed: you can ask "
                "them to leave one on the platform.",
                missing,
            )
        )
    if ConditionId.FORMER_CLIENT_REVIEWS in failed:
        missing = max(REVIEWS_REQUIRED - _former_client_reviews(professional, checklist.at), 1)
        said.append(
            nmsg(
                "{n} more review from a former client is needed: you can ask your former "
                "clients to leave one on the platform.",
                "{n} more reviews from former clients are needed: you can ask your former "
                "clients to leave one on the platform.",
                missing,
            )
        )
    if settled:
        return said
    waiting = checklist.result(ConditionId.WAITING_PERIOD)
    since = checklist.milestones.claimable_from
    if waiting.status is Status.PENDING and since is not None:
        said.append(
            msg(
                "It can be decided from {date}, one month after your 20th purchase.",
                date=_day(since, rules),
            )
        )
    if checklist.verdict is Verdict.ELIGIBLE:
        said.append(msg("Every condition is met as it stands; we will decide on it shortly."))
        return said
    verified = checklist.result(ConditionId.EXPLANATIONS_VERIFIED)
    if verified.status is Status.PENDING:
        said.append(msg("We are checking your explanations for each of the 20 contacts."))
    elif verified.status is Status.NOT_MET:
        said.append(msg("Some of your explanations could not be confirmed."))
    return said


def _for_good(progress: Checklist) -> list[Message]:
    """What can no longer be put right (not met in progress mode), one sentence each."""
    said: list[Message] = []
    for result in progress.failed:
        n = max(len(result.contacts), 1)
        match result.id:
            case ConditionId.NO_JOB_WON:
                said.append(
                    nmsg(
                        "You won a job from {n} of your first 20 contacts.",
                        "You won jobs from {n} of your first 20 contacts.",
                        n,
                    )
                )
            case ConditionId.PROFILE_COMPLETE:
                said.append(
                    nmsg(
                        "{n} contact was bought while your profile was less than 80% complete.",
                        "{n} contacts were bought while your profile was less than 80% complete.",
                        n,
                    )
                )
            case ConditionId.TRUST_LABELS:
                said.append(
                    nmsg(
                        "{n} contact was bought without the required verification labels.",
                        "{n} contacts were bought without the required verification labels.",
                        n,
                    )
                )
            case ConditionId.PRIORITY_DISCOUNT_CHANNEL:
                said.append(
                    nmsg(
                        "{n} contact was not bought through the priority service with discount.",
                        "{n} contacts were not bought through the priority service with discount.",
                        n,
                    )
                )
            case ConditionId.FIRST_CONTACT_24H:
                said.append(
                    nmsg(
                        "{n} client was not contacted within 24 hours of the purchase.",
                        "{n} clients were not contacted within 24 hours of the purchase.",
                        n,
                    )
                )
            case ConditionId.NO_PAYMENT_INCIDENT:
                said.append(msg("A payment incident was recorded during your purchases."))
            case ConditionId.NO_PREVIOUS_REFUND:
                said.append(msg("You were already refunded once: the guarantee applies only once."))
    return said


def _purchases(progress: Checklist, rules: MarketRules) -> Message:
    m = progress.milestones
    n = m.purchases
    if n == 0 or m.first_purchase_at is None or m.purchase_deadline is None:
        return msg(
            "You have not bought any contact yet: the guarantee covers your first 20 "
            "contacts, bought within 3 months."
        )
    deadline = _day(m.purchase_deadline, rules)
    if m.twentieth_purchase_at is None:
        if progress.at > m.purchase_deadline:
            return nmsg(
                "You bought only {n} contact by {deadline}, 3 months after the first: "
                "the guarantee no longer applies.",
                "You bought only {n} contacts by {deadline}, 3 months after the first: "
                "the guarantee no longer applies.",
                n,
                deadline=deadline,
            )
        return nmsg(
            "You have bought {n} contact out of 20; the 20th must be bought by {deadline} "
            "at the latest.",
            "You have bought {n} contacts out of 20; the 20th must be bought by {deadline} "
            "at the latest.",
            n,
            deadline=deadline,
        )
    last = _day(m.twentieth_purchase_at, rules)
    if m.twentieth_purchase_at > m.purchase_deadline:
        return msg(
            "Your 20th contact was bought on {date}, after the deadline of {deadline}: "
            "the guarantee does not apply.",
            date=last,
            deadline=deadline,
        )
    return msg("You have bought your 20 contacts; the 20th on {date}.", date=last)


def _still_missing(professional: Professional, progress: Checklist) -> list[Message]:
    said: list[Message] = []
    at = progress.at
    if progress.result(ConditionId.CONTACT_REVIEWS).status is Status.PENDING:
        missing = max(REVIEWS_REQUIRED - _positive_contact_reviews(professional, progress), 1)
        said.append(
            nmsg(
                "{n} positive review tied to one of your contacts is still missing.",
                "{n} positive reviews tied to your contacts are still missing.",
                missing,
            )
        )
    if progress.result(ConditionId.FORMER_CLIENT_REVIEWS).status is Status.PENDING:
        former = _former_client_reviews(professional, at)
        said.append(
            nmsg(
                "{n} review from a former client is still missing.",
                "{n} reviews from former clients are still missing.",
                max(REVIEWS_REQUIRED - former, 1),
            )
        )
    if progress.result(ConditionId.ACTIVE_PACK).status is Status.PENDING:
        said.append(msg("You need an active professional pack when you send your claim."))
    first_contact = progress.result(ConditionId.FIRST_CONTACT_24H)
    if first_contact.status is Status.PENDING and first_contact.contacts:
        said.append(
            nmsg(
                "Remember to contact your newest client within 24 hours of the purchase.",
                "Remember to contact your {n} newest clients within 24 hours of the purchase.",
                len(first_contact.contacts),
            )
        )
    if any(r.status is Status.UNKNOWN for r in progress.results):
        said.append(msg("Some of your information is not on record yet; we will check it."))
    return said


def _when_to_claim(progress: Checklist, rules: MarketRules, missing: bool) -> Message:
    m = progress.milestones
    if m.claimable_from is None:
        return msg("You can claim one month after your 20th purchase.")
    if progress.at < m.claimable_from:
        return msg(
            "You can make your claim from {date}, by e-mail to {email}, explaining what "
            "happened with each of the 20 contacts.",
            date=_day(m.claimable_from, rules),
            email=rules.email,
        )
    if missing:
        return msg(
            "Once that is done, you can make your claim by e-mail to {email}, explaining "
            "what happened with each of the 20 contacts.",
            email=rules.email,
        )
    return msg(
        "You can make your claim now, by e-mail to {email}, explaining what happened "
        "with each of the 20 contacts.",
        email=rules.email,
    )


def advice(
    professional: Professional,
    progress: Checklist,
    claims: Sequence[ClaimLine],
    rules: MarketRules,
) -> tuple[Message, ...]:
    """What to tell the caller, in a few plain sentences, from where they stand.

    A claim speaks for itself: decided ones with their outcome, an open one
    with what it waits for. Without a claim: the purchases and their
    deadline, what can no longer be put right, or else what is still
    missing, and from when a claim can be made.
    """
    said: list[Message] = [_decided(c, rules) for c in claims if c.status != "open"]
    open_claims = [c for c in claims if c.status == "open"]
    for line in open_claims:
        said.extend(_open(professional, line, rules))
    if claims:
        return tuple(said)
    said.append(_purchases(progress, rules))
    if progress.milestones.purchases == 0:
        return tuple(said)
    window = progress.result(ConditionId.PURCHASE_WINDOW).status is Status.NOT_MET
    for_good = _for_good(progress)
    if for_good or window:
        said.extend(for_good)
        if for_good:
            said.append(msg("So a claim for these contacts could not be accepted."))
        return tuple(said)
    missing = _still_missing(professional, progress)
    said.extend(missing)
    said.append(_when_to_claim(progress, rules, bool(missing)))
    return tuple(said)


# --- call notes -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallNoteOutcome:
    note_id: int
    log_seq: int
    professional_ref: str


def record_call_note(
    engine: Engine,
    professional_ref: str,
    *,
    summary: str,
    outcome: str,
    agent: str | None,
    at: datetime,
) -> CallNoteOutcome:
    """The note and its log entry (action `call_note`), in one transaction, or nothing."""
    if outcome not in OUTCOMES:
        raise UnknownOutcome(outcome)
    text = summary.strip()
    if not text:
        raise SummaryRequired(professional_ref)
    if len(text) > MAX_SUMMARY:
        raise SummaryTooLong(professional_ref)
    with write_transaction(engine) as conn:
        pid = search.professional_id(conn, professional_ref)
        if pid is None:
            raise UnknownProfessional(professional_ref)
        row = details.professional(conn, pid)
        actor = resolve_actor(conn, agent, at)
        entry = append(
            conn,
            NewEntry(
                at=at,
                agent=actor.name,
                role=actor.role,
                action="call_note",
                professional_ref=row.ref,
                market=row.market,
                reason=text,
                details=canonical_json({"outcome": outcome}),
            ),
        )
        note_id = calls.add(
            conn,
            professional_id=pid,
            agent=actor.name,
            at=at,
            summary=text,
            outcome=outcome,
            log_seq=entry.seq,
        )
    return CallNoteOutcome(note_id, entry.seq, row.ref)


def outcome_label(outcome: str, tr: Translator) -> str:
    return tr(OUTCOME_LABELS.get(outcome, outcome))


def matched_on_label(matched_on: str, tr: Translator) -> str:
    return tr(MATCHED_ON_LABELS.get(matched_on, matched_on))
