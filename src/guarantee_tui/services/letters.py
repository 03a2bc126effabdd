"""Letters to the professional, in the market's language.

A French professional gets French, a Portuguese one Portuguese, whatever
language the agent works in: the letter is written with the market's
translator, and its amounts and dates with the market's locale. The texts
are English in the source and translated in the catalogs like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from guarantee_tui.i18n import Translator, translator
from guarantee_tui.policy import CONDITION_LABELS, Checklist, Status
from guarantee_tui.policy.calendar import to_local
from guarantee_tui.policy.markets import MarketRules, rules_for


@dataclass(frozen=True, slots=True)
class LetterFacts:
    claim_ref: str
    company: str
    checklist: Checklist
    # Contacts whose explanations were found untruthful (suspensions).
    untruthful: tuple[str, ...] = ()
    # The agent's reason, quoted in a suspension that rests on it alone.
    reason: str = ""


def market_translator(market: str) -> Translator:
    return translator(rules_for(market).language)


def _opening(tr: Translator, facts: LetterFacts) -> str:
    return "\n\n".join(
        (
            tr("Subject: your guarantee claim {claim}", claim=facts.claim_ref),
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


def approval_letter(facts: LetterFacts) -> str:
    checklist = facts.checklist
    rules = rules_for(checklist.market)
    tr = market_translator(checklist.market)
    milestones = checklist.milestones
    assert checklist.refund_credits is not None
    assert milestones.first_purchase_at is not None
    assert milestones.twentieth_purchase_at is not None
    body = "\n\n".join(
        (
            tr(
                "We have checked your claim under the habitissimo guarantee for your first "
                "20 contacts (the 1st bought on {first}, the 20th on {last}): every condition "
                "is met.",
                first=tr.date(to_local(milestones.first_purchase_at, rules.zone).date()),
                last=tr.date(to_local(milestones.twentieth_purchase_at, rules.zone).date()),
            ),
            tr(
                "We have added {credits} to your habitissimo account balance: the value of "
                "those 20 contacts. You can use them now to buy new contacts.",
                credits=tr.credits(checklist.refund_credits),
            ),
        )
    )
    return "\n\n".join((_opening(tr, facts), body, _closing(tr, rules)))


def rejection_letter(facts: LetterFacts) -> str:
    checklist = facts.checklist
    rules = rules_for(checklist.market)
    tr = market_translator(checklist.market)
    unmet = [r for r in checklist.results if r.status is Status.NOT_MET]
    lines = "\n".join(
        tr(
            "- {condition}: {evidence}",
            condition=tr.render(CONDITION_LABELS[r.id]),
            evidence=tr.render(r.evidence),
        )
        for r in unmet
    )
    intro = tr.plural(
        "We have checked your claim under the habitissimo guarantee for your first 20 "
        "contacts. We cannot accept it, because this condition of the guarantee is not met:",
        "We have checked your claim under the habitissimo guarantee for your first 20 "
        "contacts. We cannot accept it, because these conditions of the guarantee are not "
        "met:",
        len(unmet),
    )
    if not unmet:
        intro = tr(
            "We have checked your claim under the habitissimo guarantee for your first 20 "
            "contacts. We cannot accept it: {reason}",
            reason=facts.reason,
        )
    body = "\n\n".join(part for part in (intro, lines, _advice(tr, rules)) if part)
    return "\n\n".join((_opening(tr, facts), body, _closing(tr, rules)))


def suspension_letter(facts: LetterFacts) -> str:
    checklist = facts.checklist
    rules = rules_for(checklist.market)
    tr = market_translator(checklist.market)
    if facts.untruthful:
        finding = tr.plural(
            "We have checked each of the 20 contacts of your claim. What you told us about "
            "contact {refs} does not match what happened.",
            "We have checked each of the 20 contacts of your claim. What you told us about "
            "contacts {refs} does not match what happened.",
            len(facts.untruthful),
            refs=tr.items(facts.untruthful),
        )
    else:
        finding = tr("We have checked your claim. {reason}", reason=facts.reason)
    ground = tr(
        "As the conditions of the guarantee state, no refund will be made, and your business "
        "profile is suspended for platform abuse."
    )
    body = "\n\n".join((finding, ground))
    return "\n\n".join((_opening(tr, facts), body, _closing(tr, rules)))


def letter(action: str, facts: LetterFacts) -> str:
    writers = {
        "approve": approval_letter,
        "reject": rejection_letter,
        "suspend": suspension_letter,
    }
    return writers[action](facts)
