"""Letters to the professional, in the market's language.

A French professional gets French, a Portuguese one Portuguese, whatever
language the agent works in: the letter is written with the market's
translator, and its amounts and dates with the market's locale, as letters
write them (long dates, the public page's hours). The texts are English in
the source and translated in the catalogs like any other.

What the professional reads is written for them. No code of ours reaches
them, and no ref of ours without what they know the thing by: a contact
comes with its job, its purchase date and the client's first name, a claim
with the day it was sent. Each ground is the condition as a requirement,
then what was found, then what can still be done. The agent's reason for a
decision stays in the log; what the agent writes for the professional
(`message_for_professional`) is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Final

from sqlalchemy import Connection

from guarantee_tui.i18n import Translator, letter_translator
from guarantee_tui.policy import CONDITION_REQUIREMENTS, Checklist, ConditionId, Status
from guarantee_tui.policy.markets import MarketRules, rules_for
from guarantee_tui.policy.messages import Items, Message, Moment, Param, msg, nmsg
from guarantee_tui.policy.vocabulary import CONTACTS_REQUIRED
from guarantee_tui.store import details
from guarantee_tui.store.facts import ClaimFacts, load_professional
from guarantee_tui.store.professionals import company_name

C = ConditionId


@dataclass(frozen=True, slots=True)
class ContactFacts:
    """One of the 20 contacts as the professional knows it, and what its check found."""

    purchased_at: datetime
    job_title: str | None = None
    client_name: str | None = None
    # The professional's explanation, and the verification's note on it.
    explanation: str | None = None
    finding: str | None = None


@dataclass(frozen=True, slots=True)
class LetterFacts:
    claim_ref: str
    company: str
    checklist: Checklist
    # When the claim was sent: the professional knows it by this day.
    submitted_at: datetime
    # Contacts whose explanations were found untruthful (suspensions).
    untruthful: tuple[str, ...] = ()
    contacts: Mapping[str, ContactFacts] = field(default_factory=lambda: MappingProxyType({}))
    # The professional's other claims (ref -> when sent) and reviews (ref -> date),
    # for the refs the grounds quote.
    claims_sent: Mapping[str, datetime] = field(default_factory=lambda: MappingProxyType({}))
    reviews: Mapping[str, datetime] = field(default_factory=lambda: MappingProxyType({}))
    # Written by the agent for the professional, in the letter's language.
    message_for_professional: str | None = None


def letter_facts(
    conn: Connection,
    facts: ClaimFacts,
    checklist: Checklist,
    message_for_professional: str | None = None,
) -> LetterFacts:
    """What a letter about `facts` needs beyond the checklist, read in `conn`."""
    refs = [p.ref for p in checklist.contacts]
    clients = details.contacts(conn, refs)
    explained = details.explanations(conn, facts.claim_id)
    contacts = {}
    for p in checklist.contacts:
        client = clients.get(p.ref)
        explanation = explained.get(p.ref)
        contacts[p.ref] = ContactFacts(
            purchased_at=p.purchased_at,
            job_title=client.job_title if client else None,
            client_name=client.client_name if client else None,
            explanation=explanation.text if explanation else None,
            finding=explanation.note if explanation else None,
        )
    claims_sent: dict[str, datetime] = {}
    if checklist.result(C.NO_PREVIOUS_REFUND).status is Status.NOT_MET:
        loaded = load_professional(conn, facts.professional_id)
        if loaded is not None:
            claims_sent = {c.claim.ref: c.claim.submitted_at for c in loaded.claims}
    untruthful = checklist.result(C.EXPLANATIONS_VERIFIED)
    return LetterFacts(
        claim_ref=facts.claim.ref,
        company=company_name(conn, facts.professional_id),
        checklist=checklist,
        submitted_at=facts.claim.submitted_at,
        untruthful=untruthful.contacts if untruthful.status is Status.NOT_MET else (),
        contacts=MappingProxyType(contacts),
        claims_sent=MappingProxyType(claims_sent),
        reviews=MappingProxyType({r.ref: r.at for r in facts.professional.reviews}),
        message_for_professional=message_for_professional,
    )


# --- what the professional knows a ref by ------------------------------------------

# Words before a surname that are not a first name ("M. Giraud", "Sr. Matos").
_TITLES: Final = frozenset(("m", "mme", "mlle", "sr", "sra", "d", "dr", "dra", "eng", "mr", "ms"))


def _first_name(name: str | None) -> str | None:
    """The client's first name, or a title and surname as given ("M. Giraud")."""
    words = (name or "").split()
    if not words:
        return None
    if words[0].rstrip(".").lower() in _TITLES:
        return " ".join(words)
    return words[0]


def _described_contact(ref: str, contact: ContactFacts, zone: str) -> tuple[Param, Param]:
    """A contact ref with its job, its purchase date and its client: in full, and
    without the date for a sentence that gives the date itself."""
    day = Moment(contact.purchased_at, zone, with_time=False)
    job = (contact.job_title or "").strip()
    client = _first_name(contact.client_name)
    if job and client:
        return (
            msg(
                "{ref} ({job}, bought on {date}, client: {client})",
                ref=ref,
                job=job,
                date=day,
                client=client,
            ),
            msg("{ref} ({job}, client: {client})", ref=ref, job=job, client=client),
        )
    if job:
        return (
            msg("{ref} ({job}, bought on {date})", ref=ref, job=job, date=day),
            msg("{ref} ({job})", ref=ref, job=job),
        )
    if client:
        return (
            msg("{ref} (bought on {date}, client: {client})", ref=ref, date=day, client=client),
            msg("{ref} (client: {client})", ref=ref, client=client),
        )
    return msg("{ref} (bought on {date})", ref=ref, date=day), ref


def _known_refs(facts: LetterFacts, zone: str) -> dict[str, tuple[Param, Param]]:
    known: dict[str, tuple[Param, Param]] = {
        ref: _described_contact(ref, contact, zone) for ref, contact in facts.contacts.items()
    }
    for ref, at in facts.reviews.items():
        review = msg("{ref} of {date}", ref=ref, date=Moment(at, zone, with_time=False))
        known[ref] = (review, review)
    for ref, at in facts.claims_sent.items():
        claim = msg("{ref} (sent on {date})", ref=ref, date=Moment(at, zone, with_time=False))
        known[ref] = (claim, claim)
    return known


def _for_professional(message: Message, known: Mapping[str, tuple[Param, Param]]) -> Message:
    """`message` as a professional should read it: each of our refs with what they
    know it by, and days rather than the minute things were recorded at."""
    # A sentence that dates its contact ("L-01 bought on 3 May ...") needs no second date.
    dated = any(isinstance(v, Moment) for v in message.params.values())

    def swap(value: Param) -> Param:
        match value:
            case str() if value in known:
                full, short = known[value]
                return short if dated else full
            case Moment(at, zone, _):
                return Moment(at, zone, with_time=False)
            case Items(items, style):
                return Items(tuple(swap(i) for i in items), style)
            case Message():
                return _for_professional(value, known)
        return value

    return Message(
        message.text,
        MappingProxyType({k: swap(v) for k, v in message.params.items()}),
        message.plural,
        message.count,
    )


# --- French typography --------------------------------------------------------------

_NO_BREAK_BEFORE: Final = re.compile(r" ([:»])")
_THIN_NO_BREAK_BEFORE: Final = re.compile(r" ([;?!])")
_NO_BREAK_AFTER: Final = re.compile(r"« ")
# A number and its unit or what it counts stay on one line ("2 h", "20 contactos"),
# in either language, as the catalogs set them.
_NUMBER_UNIT: Final = re.compile(
    r"(\d) ((?:h|min|heures?|minutes?|jours?|mois|ans?|semaines?|crédits?|contacts?"
    r"|horas?|minutos?|dias?|meses|mês|anos?|semanas?|créditos?|contactos?)(?!\w)|%)"
)


def _typeset(text: str, language: str) -> str:
    """The catalogs set French typography; this sets it in what people typed too
    (a company name, an explanation, the agent's message), as a printed letter would."""
    text = _NUMBER_UNIT.sub("\\1\u00a0\\2", text)
    if language != "fr":
        return text
    text = _NO_BREAK_BEFORE.sub("\u00a0\\1", text)
    text = _THIN_NO_BREAK_BEFORE.sub("\u202f\\1", text)
    return _NO_BREAK_AFTER.sub("«\u00a0", text)


# --- the parts of a letter ------------------------------------------------------------


def _day(at: datetime, rules: MarketRules) -> Moment:
    return Moment(at, rules.zone, with_time=False)


def _opening(tr: Translator, facts: LetterFacts, rules: MarketRules) -> str:
    return "\n\n".join(
        (
            tr(
                "Subject: your guarantee claim of {date} ({claim})",
                date=tr.param(_day(facts.submitted_at, rules)),
                claim=facts.claim_ref,
            ),
            tr("Hello {company},", company=facts.company),
        )
    )


def _closing(tr: Translator, rules: MarketRules) -> str:
    hours = tr(
        "Monday to Friday, {opens}–{closes}",
        opens=tr.time_of_day(rules.opens),
        closes=tr.time_of_day(rules.closes),
    )
    return "\n\n".join(
        (
            tr(
                "If you have any question, call us on {phone} ({hours}) or write to {email}.",
                phone=rules.phone,
                hours=hours,
                email=rules.email,
            ),
            tr("Kind regards,\nThe habitissimo support team"),
        )
    )


def _advice(tr: Translator, rules: MarketRules) -> str:
    advice = tr(
        "To win more jobs from your contacts: call each client as soon as you buy the "
        "contact, then confirm by e-mail what you agreed; follow up, and stay available "
        "to guide the client in their decisions."
    )
    if rules.tips_url:
        advice += " " + tr("You will find more advice at {url}.", url=rules.tips_url)
    return advice


def _message(facts: LetterFacts) -> str:
    return (facts.message_for_professional or "").strip()


def _write(tr: Translator, facts: LetterFacts, rules: MarketRules, *body: str) -> str:
    letter = "\n\n".join((_opening(tr, facts, rules), *(p for p in body if p), _closing(tr, rules)))
    return _typeset(letter, tr.language)


def approval_letter(facts: LetterFacts) -> str:
    checklist = facts.checklist
    rules = rules_for(checklist.market)
    tr = letter_translator(rules.language)
    milestones = checklist.milestones
    assert checklist.refund_credits is not None
    assert milestones.first_purchase_at is not None
    assert milestones.twentieth_purchase_at is not None
    return _write(
        tr,
        facts,
        rules,
        tr(
            "We have checked your claim under the habitissimo guarantee for your first "
            "20 contacts (the 1st bought on {first}, the 20th on {last}): every condition "
            "is met.",
            first=tr.param(_day(milestones.first_purchase_at, rules)),
            last=tr.param(_day(milestones.twentieth_purchase_at, rules)),
        ),
        tr(
            "We have added {credits} to your habitissimo account balance: the value of "
            "those 20 contacts. You can use them now to buy new contacts.",
            credits=tr.credits(checklist.refund_credits),
        ),
        _message(facts),
    )


# Grounds the professional can still put right for a new claim; the others are
# facts of the 20 purchases, which no longer change.
_CAN_BE_PUT_RIGHT: Final = frozenset(
    (C.CONTACT_REVIEWS, C.FORMER_CLIENT_REVIEWS, C.ACTIVE_PACK, C.EXPLANATIONS_COMPLETE)
)
# Grounds about how clients were dealt with, where the pages' advice helps.
_ADVICE_HELPS: Final = frozenset((C.FIRST_CONTACT_24H, C.CONTACT_REVIEWS))


def _next_step(condition: ConditionId, checklist: Checklist, rules: MarketRules) -> Message | None:
    """What the professional can do about one ground, or None if nothing can be done."""
    match condition:
        case C.FIRST_TWENTY_CONTACTS:
            m = checklist.milestones
            if m.purchase_deadline is None or checklist.at > m.purchase_deadline:
                return None
            return nmsg(
                "You can still buy the missing contact until {deadline}; a claim can be made "
                "one month after the 20th purchase.",
                "You can still buy the {n} missing contacts until {deadline}; a claim can be "
                "made one month after the 20th purchase.",
                CONTACTS_REQUIRED - m.purchases,
                deadline=_day(m.purchase_deadline, rules),
            )
        case C.CONTACT_REVIEWS:
            return msg(
                "You can ask the clients of these contacts to leave a review about your "
                "service on your habitissimo profile."
            )
        case C.FORMER_CLIENT_REVIEWS:
            return msg(
                "You can ask your former clients to leave a review on your habitissimo profile."
            )
        case C.ACTIVE_PACK:
            return msg(
                "You can reactivate a professional pack from your habitissimo account; it "
                "must be active when you send your claim."
            )
        case C.EXPLANATIONS_COMPLETE:
            return msg(
                "You can add a short explanation of what happened with each of these contacts."
            )
    return None


def rejection_letter(facts: LetterFacts) -> str:
    checklist = facts.checklist
    rules = rules_for(checklist.market)
    tr = letter_translator(rules.language)
    known = _known_refs(facts, rules.zone)
    unmet = [r for r in checklist.results if r.status is Status.NOT_MET]
    steps = {r.id: _next_step(r.id, checklist, rules) for r in unmet}
    # A step is worth taking only if every ground can be put right.
    hopeful = bool(unmet) and all(step is not None for step in steps.values())
    grounds = []
    for r in unmet:
        ground = tr(
            "- {condition} — condition not met. {evidence}",
            condition=_capitalised(tr.render(CONDITION_REQUIREMENTS[r.id])),
            evidence=tr.render(_for_professional(r.evidence, known)),
        )
        step = steps[r.id]
        if hopeful and step is not None:
            ground += "\n  " + tr.render(step)
        grounds.append(ground)
    if unmet:
        intro = tr.plural(
            "We have checked your claim under the habitissimo guarantee for your first 20 "
            "contacts. We cannot accept it, because the following condition of the guarantee "
            "is not met:",
            "We have checked your claim under the habitissimo guarantee for your first 20 "
            "contacts. We cannot accept it, because the following conditions of the "
            "guarantee are not met:",
            len(unmet),
        )
        if hopeful:
            outlook = tr.plural(
                "Once this is done, you can send us a new claim.",
                "Once all of this is done, you can send us a new claim.",
                len(unmet),
            )
        else:
            outlook = tr(
                "The guarantee therefore cannot apply to your first 20 contacts. If you "
                "believe something in this letter is wrong, write to us at {email} with any "
                "supporting document: we will examine your claim again.",
                email=rules.email,
            )
    elif _message(facts):
        intro = tr(
            "We have checked your claim under the habitissimo guarantee for your first 20 "
            "contacts. We cannot accept it, for the following reason:"
        )
        outlook = ""
    else:
        intro = tr(
            "We have checked your claim under the habitissimo guarantee for your first 20 "
            "contacts. We cannot accept it."
        )
        outlook = ""
    advice = _advice(tr, rules) if any(r.id in _ADVICE_HELPS for r in unmet) else ""
    return _write(tr, facts, rules, intro, "\n".join(grounds), _message(facts), outlook, advice)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _untruthful_contact(
    tr: Translator, ref: str, facts: LetterFacts, known: Mapping[str, tuple[Param, Param]]
) -> str:
    lines = ["- " + tr.param(known.get(ref, (ref, ref))[0])]
    contact = facts.contacts.get(ref)
    # Quoted on one line each, however they were typed.
    explanation = " ".join((contact.explanation or "").split()) if contact else ""
    finding = " ".join((contact.finding or "").split()) if contact else ""
    if explanation:
        lines.append("  " + tr('Your explanation: "{text}"', text=explanation))
    if finding:
        lines.append("  " + tr('What our check found: "{text}"', text=finding))
    return "\n".join(lines)


def suspension_letter(facts: LetterFacts) -> str:
    checklist = facts.checklist
    rules = rules_for(checklist.market)
    tr = letter_translator(rules.language)
    known = _known_refs(facts, rules.zone)
    if facts.untruthful:
        finding = tr.plural(
            "We have checked each of the 20 contacts of your claim. For the following "
            "contact, what you told us does not match what happened:",
            "We have checked each of the 20 contacts of your claim. For the following "
            "{n} contacts, what you told us does not match what happened:",
            len(facts.untruthful),
        )
        contacts = "\n".join(_untruthful_contact(tr, ref, facts, known) for ref in facts.untruthful)
    else:
        finding = tr(
            "We have checked your claim under the habitissimo guarantee for your first 20 contacts."
        )
        contacts = ""
    consequence = tr(
        "As the conditions of the guarantee state, no refund will be made for these 20 "
        "contacts, and your business profile is suspended for platform abuse from {date}.",
        date=tr.param(_day(checklist.at, rules)),
    )
    # Regulation (EU) 2019/1150, art. 4: the reasons, and a way to contest them.
    contest = tr(
        "If you believe this decision rests on an error, you can send us your comments and "
        "any supporting document at {email}; we will examine your file again.",
        email=rules.email,
    )
    return _write(tr, facts, rules, finding, contacts, _message(facts), consequence, contest)


def letter(action: str, facts: LetterFacts) -> str:
    writers = {
        "approve": approval_letter,
        "reject": rejection_letter,
        "suspend": suspension_letter,
    }
    return writers[action](facts)
