"""The phone desk's service: lookup, the caller's card, what to tell them, call notes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, update

from guarantee_tui.i18n import translator
from guarantee_tui.policy import Market, Pack, Professional
from guarantee_tui.policy.messages import Message, Moment
from guarantee_tui.services import decisions, phone
from guarantee_tui.services.agents import NoAgent
from guarantee_tui.services.log import verify
from guarantee_tui.services.phone import (
    SummaryRequired,
    SummaryTooLong,
    UnknownOutcome,
    UnknownProfessional,
)
from guarantee_tui.store.models import CallNote, ContactPurchase, LogEntry
from tests.builders import (
    AT,
    START,
    claim_for,
    eligible_professional,
    purchases,
    tagged,
    with_purchase,
)
from tests.store.helpers import insert

EN = translator("en")
FR = translator("fr")
PT = translator("pt")


def texts(card: phone.Card) -> list[str]:
    """The advice's source texts (the language-neutral part of each message)."""
    return [m.text for m in card.advice]


def rendered(card: phone.Card, tr: object = EN) -> list[str]:
    return [tr.render(m) for m in card.advice]  # type: ignore[attr-defined]


def partly_through(n: int = 17) -> Professional:
    """A professional on their way: n of 20 bought, one positive review tied to them."""
    pro = eligible_professional(Market.FR, n=n)
    return replace(pro, reviews=tuple(r for r in pro.reviews if r.ref != "R-2"))


# --- lookup ----------------------------------------------------------------------


@pytest.fixture
def people(engine: Engine) -> Engine:
    a = tagged(eligible_professional(Market.FR), "A")
    insert(
        engine, a, company="Rénovation Dupont", email="contact@dupont.fr", phone="01 84 88 82 46"
    )
    c = tagged(eligible_professional(Market.PT), "C")
    insert(engine, c, company="Construções Silva", email="geral@silva.pt", phone="+351 910 000 000")
    return engine


def test_lookup_returns_who_was_found_and_how(people: Engine) -> None:
    found = phone.lookup(people, "+33 1 84 88 82 46")
    assert found.hint is None
    (result,) = found.results
    assert result.professional_ref == "A-FR-0001"
    assert result.company == "Rénovation Dupont"
    assert result.market == "FR"
    assert result.matched_on == "phone"
    assert result.exact
    assert result.phone == "01 84 88 82 46"
    assert result.email == "contact@dupont.fr"


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("", "Type a phone number, an e-mail, a company name or a ref."),
        ("   ", "Type a phone number, an e-mail, a company name or a ref."),
        ("!!! ...", "Nothing to search for: type letters or digits."),
        ("x" * 500, "That is too long for a search: at most 120 characters."),
        ("01 84 88 8x 46", "No professional found. A phone number has only digits,"),
        ("[b]nobody[/b]", "No professional found for [b]nobody[/b]."),
        ("'; DROP TABLE professionals; --", "No professional found for '; DROP"),
    ],
)
def test_odd_queries_give_a_hint_not_an_error(people: Engine, query: str, hint: str) -> None:
    found = phone.lookup(people, query)
    assert found.results == ()
    assert found.hint is not None
    assert EN.render(found.hint).startswith(hint)
    assert phone.lookup(people, "dupont").results  # and the database is still there


# --- the card: where a professional without a claim stands ------------------------


def test_partly_through_bought_so_far_deadline_and_what_is_missing(engine: Engine) -> None:
    pro = tagged(partly_through(), "P")
    insert(engine, pro, company="Rénovation Partielle")
    at = START + timedelta(days=55)
    card = phone.card(engine, "P-FR-0001", at)
    assert card.claims == ()
    assert card.language == "fr"
    m = card.progress.milestones
    assert m.purchases == 17
    assert card.progress.claim is None
    assert rendered(card) == [
        "You have bought 17 contacts out of 20; the 20th must be bought by 5 Apr 2026 "
        "at the latest.",
        "1 positive review tied to one of your contacts is still missing.",
        "You can claim one month after your 20th purchase.",
    ]
    # Dates are the caller's, written the caller's way (Babel, whatever the catalog).
    assert "5 avr. 2026" in FR.render(card.advice[0])
    assert "5 de abril de 2026" in PT.render(card.advice[0])
    # What the caller can still act on first, the settled facts last.
    shown = [str(r.id) for r in card.shown_conditions]
    assert shown == [
        "profile_complete",
        "trust_labels",
        "priority_discount_channel",
        "first_contact_24h",
        "contact_reviews",
        "former_client_reviews",
        "no_payment_incident",
        "active_pack",
        "no_job_won",
        "no_previous_refund",
    ]


def test_twenty_bought_claim_possible_from_a_date(engine: Engine) -> None:
    pro = tagged(eligible_professional(Market.PT), "T")
    insert(engine, pro)
    twentieth = START + timedelta(days=3 * 19)
    card = phone.card(engine, "T-PT-0001", twentieth + timedelta(days=3))
    assert card.language == "pt"
    claimable = card.progress.milestones.claimable_from
    assert claimable is not None
    assert rendered(card) == [
        "You have bought your 20 contacts; the 20th on 3 Mar 2026.",
        "You can make your claim from 3 Apr 2026, by e-mail to suporte@habitissimo.pt, "
        "explaining what happened with each of the 20 contacts.",
    ]
    assert card.advice[-1].params["date"] == Moment(claimable, "Europe/Lisbon", False)
    # Once the month has passed, now.
    later = phone.card(engine, "T-PT-0001", claimable + timedelta(days=1))
    assert rendered(later)[-1].startswith("You can make your claim now, by e-mail")


def test_what_cannot_be_put_right_is_said_once_and_plainly(engine: Engine) -> None:
    pro = with_purchase(eligible_professional(Market.FR), 3, channel="standard")
    pro = with_purchase(pro, 5, channel="standard")
    insert(engine, tagged(pro, "S"))
    card = phone.card(engine, "S-FR-0001", AT)
    assert rendered(card) == [
        "You have bought your 20 contacts; the 20th on 3 Mar 2026.",
        "2 contacts were not bought through the priority service with discount.",
        "So a claim for these contacts could not be accepted.",
    ]


def test_too_few_bought_in_three_months(engine: Engine) -> None:
    insert(engine, tagged(eligible_professional(Market.FR, n=5), "W"))
    card = phone.card(engine, "W-FR-0001", AT)
    assert rendered(card) == [
        "You bought only 5 contacts by 5 Apr 2026, 3 months after the first: "
        "the guarantee no longer applies."
    ]


def test_nothing_bought_yet(engine: Engine) -> None:
    pro = replace(tagged(eligible_professional(Market.FR), "N"), purchases=(), reviews=())
    insert(engine, pro)
    card = phone.card(engine, "N-FR-0001", AT)
    assert texts(card) == [
        "You have not bought any contact yet: the guarantee covers your first 20 "
        "contacts, bought within 3 months."
    ]


def test_a_missing_pack_and_former_client_reviews(engine: Engine) -> None:
    pro = replace(
        eligible_professional(Market.FR),
        packs=(),
        reviews=tuple(r for r in eligible_professional().reviews if r.source != "former_client"),
    )
    insert(engine, tagged(pro, "K"))
    card = phone.card(engine, "K-FR-0001", AT)
    assert rendered(card)[1:] == [
        "2 reviews from former clients are still missing.",
        "You need an active professional pack when you send your claim.",
        "Once that is done, you can make your claim by e-mail to support@habitissimo.fr, "
        "explaining what happened with each of the 20 contacts.",
    ]


def test_a_new_client_still_to_call(engine: Engine) -> None:
    bought = purchases(5)
    last = replace(bought[-1], first_contacted_at=None)
    pro = replace(eligible_professional(Market.FR), purchases=(*bought[:-1], last))
    insert(engine, tagged(pro, "Y"))
    card = phone.card(engine, "Y-FR-0001", last.purchased_at + timedelta(hours=3))
    assert "Remember to contact your newest client within 24 hours of the purchase." in (
        rendered(card)
    )


# --- the card with claims -------------------------------------------------------


def test_a_rejected_claim_with_its_decision_and_letter(engine: Engine) -> None:
    pro = tagged(with_purchase(eligible_professional(Market.FR), 0, job_won=True), "R")
    insert(engine, pro, replace(claim_for(pro), ref="CL-000123"))
    decided_at = AT - timedelta(days=2)
    decisions.decide(
        engine, "CL-000123", "reject", reason="Job won", agent="Rui", at=decided_at, language="fr"
    )
    card = phone.card(engine, "r-fr-0001", AT)  # any case
    (claim,) = card.claims
    assert claim.status == "rejected"
    assert claim.decision is not None
    assert claim.decision.agent == "Rui"
    assert claim.decision.letter_language == "fr"
    assert "CL-000123" in claim.decision.letter_text
    assert card.latest_decided is claim
    assert rendered(card) == [
        "Your claim CL-000123 was rejected on 30 May 2026; the letter explaining why was "
        "sent to you."
    ]
    assert "30 mai 2026" in FR.render(card.advice[0])


def test_an_approved_claim_says_the_credits(engine: Engine) -> None:
    pro = tagged(eligible_professional(Market.PT), "G")
    insert(engine, pro, replace(claim_for(pro), ref="CL-G"))
    decisions.decide(engine, "CL-G", "approve", reason="ok", agent="Rui", at=AT, language="pt")
    card = phone.card(engine, "G-PT-0001", AT)
    assert rendered(card) == [
        "Your claim CL-G was approved on 1 Jun 2026: 240 credits were added to your balance."
    ]
    assert card.professional.balance == 240


def test_an_open_claim_waiting_for_verification(engine: Engine) -> None:
    pro = tagged(eligible_professional(Market.FR), "O")
    claim = replace(claim_for(pro, verification=None), ref="CL-O")
    insert(engine, pro, claim)
    card = phone.card(engine, "O-FR-0001", AT)
    (line,) = card.claims
    assert line.checklist is not None and line.decision is None
    assert rendered(card) == [
        "Your claim CL-O, sent on 7 Apr 2026, is being examined.",
        "We are checking your explanations for each of the 20 contacts.",
    ]


def test_an_open_claim_that_fails_names_the_conditions(engine: Engine) -> None:
    pro = tagged(with_purchase(eligible_professional(Market.FR), 2, channel="standard"), "Q")
    insert(engine, pro, replace(claim_for(pro), ref="CL-Q"))
    card = phone.card(engine, "Q-FR-0001", AT)
    said = rendered(card)
    assert said[1] == (
        "As it stands, it does not meet this condition: "
        "buying each contact through the priority service with discount."
    )


def test_an_eligible_open_claim(engine: Engine) -> None:
    pro = tagged(eligible_professional(Market.FR), "V")
    insert(engine, pro, replace(claim_for(pro), ref="CL-V"))
    card = phone.card(engine, "V-FR-0001", AT)
    assert rendered(card)[1] == (
        "Every condition is met as it stands; we will decide on it shortly."
    )


def test_an_unknown_professional(engine: Engine) -> None:
    with pytest.raises(UnknownProfessional) as info:
        phone.card(engine, "NOBODY", AT)
    assert info.value.describe(EN) == "No professional with ref NOBODY."


def test_every_message_renders_in_every_language(engine: Engine) -> None:
    pro = tagged(partly_through(12), "L")
    insert(engine, pro)
    card = phone.card(engine, "L-FR-0001", START + timedelta(days=40))
    for tr in (EN, FR, PT):
        for message in card.advice:
            assert isinstance(message, Message)
            assert "{" not in tr.render(message)


# --- call notes -------------------------------------------------------------------


def log_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(LogEntry)).scalar_one())


def test_a_call_note_goes_to_the_log_with_agent_and_time(engine: Engine) -> None:
    pro = tagged(partly_through(), "N")
    insert(engine, pro)
    at = datetime(2026, 6, 1, 12, 30, tzinfo=UTC)
    outcome = phone.record_call_note(
        engine,
        "N-FR-0001",
        summary="  Asked when he can claim; told him after the 20th purchase.  ",
        outcome="informed",
        agent="Ana",
        at=at,
    )
    with engine.connect() as conn:
        note = conn.execute(select(CallNote)).one()
        entry = conn.execute(select(LogEntry)).one()
    assert note.summary == "Asked when he can claim; told him after the 20th purchase."
    assert (note.agent, note.at, note.outcome, note.log_seq) == ("Ana", at, "informed", entry.seq)
    assert outcome.log_seq == entry.seq
    assert entry.action == "call_note"
    assert entry.professional_ref == "N-FR-0001"
    assert entry.market == "FR"
    assert entry.agent == "Ana"
    assert entry.at == at
    assert entry.reason == note.summary
    assert json.loads(entry.details or "{}") == {"outcome": "informed"}
    assert verify(engine).ok
    card = phone.card(engine, "N-FR-0001", at)
    assert [(n.agent, n.outcome) for n in card.notes] == [("Ana", "informed")]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"outcome": "angry"}, UnknownOutcome),
        ({"summary": "   "}, SummaryRequired),
        ({"summary": "x" * (phone.MAX_SUMMARY + 1)}, SummaryTooLong),
        ({"agent": " "}, NoAgent),
        ({"ref": "NOBODY"}, UnknownProfessional),
    ],
)
def test_a_bad_call_note_records_nothing(
    engine: Engine, kwargs: dict[str, str], error: type[Exception]
) -> None:
    insert(engine, tagged(partly_through(), "N"))
    args = {"ref": "N-FR-0001", "summary": "Called", "outcome": "other", "agent": "Ana"} | kwargs
    with pytest.raises(error) as info:
        phone.record_call_note(
            engine,
            args["ref"],
            summary=args["summary"],
            outcome=args["outcome"],
            agent=args["agent"],
            at=AT,
        )
    assert info.value.describe(EN)  # type: ignore[attr-defined]
    assert log_count(engine) == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(CallNote)).scalar_one() == 0


def test_outcomes_have_labels() -> None:
    assert [phone.outcome_label(o, EN) for o in phone.OUTCOMES] == [
        "caller informed",
        "callback needed",
        "complaint",
        "other",
    ]


# --- one evaluation for the script and the card ------------------------------------


def lapsed_at_submission() -> tuple[Professional, datetime]:
    """A pack that ended before the claim was sent and a new one active today."""
    pro = eligible_professional(Market.FR)
    sent = claim_for(pro).submitted_at
    packs = (
        Pack("Pro 6 mois", START - timedelta(days=10), sent - timedelta(days=4)),
        Pack("Pro 12 mois", sent + timedelta(days=9)),
    )
    return replace(pro, packs=packs), sent


def test_the_card_and_the_script_read_the_same_evaluation(engine: Engine) -> None:
    pro, sent = lapsed_at_submission()
    pro = tagged(pro, "F")
    insert(engine, pro, replace(claim_for(pro, verification=None), ref="CL-F"))
    card = phone.card(engine, "F-FR-0001", AT)
    # The card's conditions are the open claim's checklist, failures first.
    assert card.open_claim is not None and card.standing is card.open_claim.checklist
    first = card.shown_conditions[0]
    assert str(first.id) == "active_pack" and first.status.value == "not_met"
    assert "when the claim was sent" in EN.render(first.evidence)
    assert all(r.status.value != "met" for r in card.shown_conditions if str(r.id) == "active_pack")
    said = rendered(card)
    assert said[1] == (
        "Your professional pack was not active when you sent this claim, on 7 Apr 2026; "
        "only a claim sent while a pack is active meets this condition."
    )
    # Today a pack is active: the card says since when, the script does not deny it.
    assert card.active_pack == "Pro 12 mois"
    assert card.active_pack_since == sent + timedelta(days=9)
    assert not any("does not meet" in line for line in said)


def test_a_pack_that_lapsed_after_the_claim_can_be_put_right(engine: Engine) -> None:
    pro = eligible_professional(Market.FR)
    sent = claim_for(pro).submitted_at
    pro = tagged(replace(pro, packs=(Pack("Pro", START, sent + timedelta(days=1)),)), "G")
    insert(engine, pro, replace(claim_for(pro), ref="CL-G"))
    said = rendered(phone.card(engine, "G-FR-0001", AT))
    assert said[1] == (
        "Your professional pack is no longer active: it must be active again for this "
        "claim to be accepted."
    )


def test_a_missing_explanation_is_asked_for_by_date_job_and_city(engine: Engine) -> None:
    pro = tagged(eligible_professional(Market.PT), "M")
    claim = claim_for(pro, verification=None)
    gone = {pro.purchases[4].ref, pro.purchases[9].ref}
    claim = replace(
        claim,
        ref="CL-M",
        explanations=tuple(e for e in claim.explanations if e.contact_ref not in gone),
    )
    insert(engine, pro, claim)
    with engine.begin() as conn:
        conn.execute(
            update(ContactPurchase)
            .where(ContactPurchase.ref == pro.purchases[4].ref)
            .values(job_title="Pintura de interiores", city="Seixal")
        )
    card = phone.card(engine, "M-PT-0001", AT)
    said = rendered(card)
    assert said[1] == (
        "Send us the explanations of what happened with the 2 contacts bought on "
        "17 Jan 2026 (Pintura de interiores, Seixal) and 1 Feb 2026."
    )
    # In the caller's language, never with the contact's internal ref.
    pt = PT.render(card.advice[1])
    assert "Pintura de interiores, Seixal" in pt and "M-L-05" not in pt
    assert str(card.shown_conditions[0].id) == "explanations_complete"


def test_missing_reviews_on_an_open_claim_say_what_to_ask_for(engine: Engine) -> None:
    pro = eligible_professional(Market.FR)
    pro = tagged(replace(pro, reviews=tuple(r for r in pro.reviews if r.ref != "R-2")), "Z")
    insert(engine, pro, replace(claim_for(pro), ref="CL-Z"))
    said = rendered(phone.card(engine, "Z-FR-0001", AT))
    assert said[1] == (
        "1 more positive review from one of these 20 clients is needed: you can ask them "
        "to leave one on the platform."
    )
