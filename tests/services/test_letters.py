"""Letters to professionals: every kind and every ground, in French and Portuguese.

Each letter is compared line by line with a reviewed text in
tests/data/letters/<language>/<case>.txt. A changed wording shows as a
failing line; after reading the new letter through, write the files again
with GUARANTEE_TUI_WRITE_LETTERS=1 and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType

import pytest
from sqlalchemy import Engine, select, update

from guarantee_tui.policy import (
    Claim,
    ConditionId,
    Explanation,
    Market,
    OtherClaim,
    Pack,
    PaymentIncident,
    Professional,
    Review,
    Status,
    TrustLabel,
    evaluate,
)
from guarantee_tui.policy.conditions import INCIDENT_KINDS
from guarantee_tui.services import decisions, verification
from guarantee_tui.services.letters import ContactFacts, LetterFacts, letter
from guarantee_tui.store.models import ContactPurchase, LogEntry, OutboxMessage
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

LETTERS = Path(__file__).resolve().parent.parent / "data" / "letters"
WRITE = os.environ.get("GUARANTEE_TUI_WRITE_LETTERS") == "1"
C = ConditionId

LANGUAGE = {Market.FR: "fr", Market.PT: "pt"}
COMPANY = {
    Market.FR: "Martin & Fils Plomberie SARL",
    Market.PT: "Remodelações Guerreiro Unipessoal, Lda.",
}
JOBS = {
    Market.FR: (
        "Rénovation de salle de bain",
        "Remplacement d'un chauffe-eau",
        "Création d'un faux plafond",
    ),
    Market.PT: (
        "Remodelação de casa de banho",
        "Substituição de esquentador",
        "Pintura de moradia",
    ),
}
CLIENTS = {
    Market.FR: ("Hélène Roux", "M. Giraud", "Kévin Roy"),
    Market.PT: ("António Vaz", "Sr. Matos", "Filipa Mendes"),
}
EXPLANATION = {
    Market.FR: "Client jamais joignable, ni par téléphone ni par e-mail.",
    Market.PT: "Impossível contactar o cliente, telemóvel sempre desligado.",
}
# As an agent types it: an ordinary space before the colon, which a French
# letter must not keep.
FINDING = {
    Market.FR: "Appel au client : il a bien été contacté et attend toujours le devis.",
    Market.PT: "Liguei ao cliente: falou com o profissional duas vezes.",
}
REASON = "NOTE INTERNE : le client n'a pas répondu, voir avec Julien"


def facts(
    pro: Professional,
    claim: Claim | None = None,
    *,
    at: datetime = AT,
    message: str | None = None,
    claims_sent: dict[str, datetime] | None = None,
) -> LetterFacts:
    claim = claim or claim_for(pro)
    checklist = evaluate(pro, claim, at)
    market = pro.market
    contacts = {
        p.ref: ContactFacts(
            purchased_at=p.purchased_at,
            job_title=JOBS[market][i % 3],
            client_name=CLIENTS[market][i % 3],
            explanation=EXPLANATION[market],
            finding=FINDING[market],
        )
        for i, p in enumerate(checklist.contacts)
    }
    verified = checklist.result(C.EXPLANATIONS_VERIFIED)
    return LetterFacts(
        claim_ref=claim.ref,
        company=COMPANY[market],
        checklist=checklist,
        submitted_at=claim.submitted_at,
        untruthful=verified.contacts if verified.status is Status.NOT_MET else (),
        contacts=MappingProxyType(contacts),
        claims_sent=MappingProxyType(claims_sent or {}),
        reviews=MappingProxyType({r.ref: r.at for r in pro.reviews}),
        message_for_professional=message,
    )


def marked(pro: Professional, *untruthful: int) -> Claim:
    """The claim with the explanations of the contacts at these positions untruthful."""
    claim = claim_for(pro)
    refs = {sorted(pro.purchases, key=lambda p: p.purchased_at)[i].ref for i in untruthful}
    return replace(
        claim,
        explanations=tuple(
            replace(e, verification="untruthful") if e.contact_ref in refs else e
            for e in claim.explanations
        ),
    )


def _fewer_than_twenty(m: Market) -> tuple[str, LetterFacts]:
    pro = replace(eligible_professional(m), purchases=purchases(14))
    at = START + timedelta(days=60)
    claim = replace(claim_for(pro), submitted_at=at - timedelta(days=1))
    return "reject", facts(pro, claim, at=at)


def _job_won(m: Market) -> tuple[str, LetterFacts]:
    return "reject", facts(with_purchase(eligible_professional(m), 4, job_won=True))


def _jobs_won(m: Market) -> tuple[str, LetterFacts]:
    pro = with_purchase(eligible_professional(m), 4, job_won=True)
    return "reject", facts(with_purchase(pro, 11, job_won=True))


def _refunded_before(m: Market) -> tuple[str, LetterFacts]:
    pro = replace(eligible_professional(m), claims=(OtherClaim("CL-0000", "approved"),))
    return "reject", facts(pro, claims_sent={"CL-0000": START - timedelta(days=200)})


def _profile(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    record = pro.completeness[0]
    low = replace(record, at=START + timedelta(days=8), percent=70)
    back = replace(record, at=START + timedelta(days=10), percent=85)
    return "reject", facts(replace(pro, completeness=(record, low, back)))


def _labels(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    kept = tuple(lb for lb in pro.labels if lb.kind != "verified_company")
    late = TrustLabel("verified_company", START + timedelta(days=7))
    return "reject", facts(replace(pro, labels=(*kept, late)))


def _channel(m: Market) -> tuple[str, LetterFacts]:
    return "reject", facts(with_purchase(eligible_professional(m), 3, channel="standard"))


def _window(m: Market) -> tuple[str, LetterFacts]:
    pro = replace(eligible_professional(m), purchases=purchases(every=timedelta(days=6)))
    return "reject", facts(pro, replace(claim_for(pro), submitted_at=AT - timedelta(days=2)))


def _incident(m: Market) -> tuple[str, LetterFacts]:
    incident = PaymentIncident(START + timedelta(days=10, hours=5), "insufficient_funds")
    return "reject", facts(replace(eligible_professional(m), incidents=(incident,)))


def _incidents(m: Market) -> tuple[str, LetterFacts]:
    found = (
        PaymentIncident(START + timedelta(days=10), "card_declined"),
        PaymentIncident(START + timedelta(days=20), "sepa_mandate_revoked"),
    )
    return "reject", facts(replace(eligible_professional(m), incidents=found))


def _first_contact(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    late = with_purchase(pro, 2, first_contacted_at=START + timedelta(days=6, hours=30))
    return "reject", facts(with_purchase(late, 9, first_contacted_at=None))


def _contact_reviews(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    return "reject", facts(replace(pro, reviews=tuple(r for r in pro.reviews if r.ref != "R-2")))


def _former_clients(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    kept = tuple(r for r in pro.reviews if r.source != "former_client")
    return "reject", facts(replace(pro, reviews=kept))


def _pack(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    ended = Pack("Pack Pro", START - timedelta(days=10), START + timedelta(days=90))
    return "reject", facts(replace(pro, packs=(ended,)))


def _explanations_missing(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    claim = claim_for(pro)
    gone = {"L-05", "L-06"}
    claim = replace(
        claim,
        explanations=tuple(
            Explanation(e.contact_ref, "", None) if e.contact_ref in gone else e
            for e in claim.explanations
        ),
    )
    return "reject", facts(pro, claim)


def _untruthful_rejected(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    return "reject", facts(pro, marked(pro, 7))


def _all_can_be_put_right(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    ended = Pack("Pack Pro", START - timedelta(days=10), START + timedelta(days=90))
    kept = tuple(r for r in pro.reviews if r.source != "former_client")
    return "reject", facts(replace(pro, packs=(ended,), reviews=kept))


def _nothing_unmet_with_message(m: Market) -> tuple[str, LetterFacts]:
    message = {
        Market.FR: "Les 20 contacts de votre demande ont été achetés pour le compte d'une "
        "autre entreprise : la garantie ne couvre que vos propres achats.",
        Market.PT: "Os 20 contactos do seu pedido foram comprados por conta de outra "
        "empresa: a garantia só cobre as suas próprias compras.",
    }[m]
    return "reject", facts(eligible_professional(m), message=message)


def _nothing_unmet(m: Market) -> tuple[str, LetterFacts]:
    return "reject", facts(eligible_professional(m))


def _approve(m: Market) -> tuple[str, LetterFacts]:
    return "approve", facts(eligible_professional(m))


def _suspend_one(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    return "suspend", facts(pro, marked(pro, 7))


def _suspend_two(m: Market) -> tuple[str, LetterFacts]:
    pro = eligible_professional(m)
    return "suspend", facts(pro, marked(pro, 7, 15))


def _suspend_on_message(m: Market) -> tuple[str, LetterFacts]:
    message = {
        Market.FR: "Les deux avis d'anciens clients publiés sur votre profil le 10 mars 2026 "
        "ont été rédigés depuis votre propre compte.",
        Market.PT: "As duas opiniões de antigos clientes publicadas no seu perfil em 10 de "
        "março de 2026 foram escritas a partir da sua própria conta.",
    }[m]
    return "suspend", facts(eligible_professional(m), message=message)


CASES: dict[str, Callable[[Market], tuple[str, LetterFacts]]] = {
    "approve": _approve,
    "reject-first-twenty-contacts": _fewer_than_twenty,
    "reject-no-job-won": _job_won,
    "reject-no-job-won-several": _jobs_won,
    "reject-no-previous-refund": _refunded_before,
    "reject-profile-complete": _profile,
    "reject-trust-labels": _labels,
    "reject-priority-discount-channel": _channel,
    "reject-purchase-window": _window,
    "reject-no-payment-incident": _incident,
    "reject-no-payment-incident-unknown-kind": _incidents,
    "reject-first-contact-24h": _first_contact,
    "reject-contact-reviews": _contact_reviews,
    "reject-former-client-reviews": _former_clients,
    "reject-active-pack": _pack,
    "reject-explanations-complete": _explanations_missing,
    "reject-explanations-verified": _untruthful_rejected,
    "reject-all-can-be-put-right": _all_can_be_put_right,
    "reject-no-failed-condition-with-message": _nothing_unmet_with_message,
    "reject-no-failed-condition": _nothing_unmet,
    "suspend-one-contact": _suspend_one,
    "suspend-two-contacts": _suspend_two,
    "suspend-on-message": _suspend_on_message,
}
GROUNDS = {
    "reject-first-twenty-contacts": C.FIRST_TWENTY_CONTACTS,
    "reject-no-job-won": C.NO_JOB_WON,
    "reject-no-previous-refund": C.NO_PREVIOUS_REFUND,
    "reject-profile-complete": C.PROFILE_COMPLETE,
    "reject-trust-labels": C.TRUST_LABELS,
    "reject-priority-discount-channel": C.PRIORITY_DISCOUNT_CHANNEL,
    "reject-purchase-window": C.PURCHASE_WINDOW,
    "reject-no-payment-incident": C.NO_PAYMENT_INCIDENT,
    "reject-first-contact-24h": C.FIRST_CONTACT_24H,
    "reject-contact-reviews": C.CONTACT_REVIEWS,
    "reject-former-client-reviews": C.FORMER_CLIENT_REVIEWS,
    "reject-active-pack": C.ACTIVE_PACK,
    "reject-explanations-complete": C.EXPLANATIONS_COMPLETE,
    "reject-explanations-verified": C.EXPLANATIONS_VERIFIED,
}
PARAMS = [(case, market) for case in CASES for market in (Market.FR, Market.PT)]


def written(case: str, market: Market) -> tuple[str, LetterFacts, str]:
    action, letter_facts = CASES[case](market)
    return action, letter_facts, letter(action, letter_facts)


def test_every_ground_a_claim_can_fail_on_has_its_letter() -> None:
    # The waiting period is never failed, only waited for.
    assert set(GROUNDS.values()) == set(ConditionId) - {C.WAITING_PERIOD}
    for case, ground in GROUNDS.items():
        _, letter_facts = CASES[case](Market.FR)
        assert ground in {r.id for r in letter_facts.checklist.failed}, case


@pytest.mark.parametrize(("case", "market"), PARAMS, ids=[f"{m}-{c}" for c, m in PARAMS])
def test_the_letter_reads_as_reviewed(case: str, market: Market) -> None:
    _, _, text = written(case, market)
    path = LETTERS / LANGUAGE[market] / f"{case}.txt"
    if WRITE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    assert path.is_file(), f"{path} is missing: write it with GUARANTEE_TUI_WRITE_LETTERS=1"
    expected = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    got = text.split("\n")
    for number, (want, have) in enumerate(zip(expected, got, strict=False), start=1):
        assert have == want, f"{path.name}, line {number}"
    assert len(got) == len(expected), f"{path.name}: {len(got)} lines, {len(expected)} expected"


@pytest.mark.parametrize(("case", "market"), PARAMS, ids=[f"{m}-{c}" for c, m in PARAMS])
def test_nothing_internal_reaches_the_professional(case: str, market: Market) -> None:
    _, letter_facts, text = written(case, market)
    # No code of ours: condition ids, incident kinds, the suspension's reason code.
    codes = {str(c) for c in ConditionId} | set(INCIDENT_KINDS) | {"sepa_mandate_revoked"}
    for code in (*codes, "platform_abuse", "not_met", "untruthful"):
        assert code not in text, code
    # Every contact ref comes with what the professional knows it by.
    for ref in letter_facts.contacts:
        for found in re.finditer(re.escape(ref) + r"\b", text):
            assert text[found.end() : found.end() + 2] == " (", (ref, text[found.start() :][:40])
    # Days, not the minute things were recorded at.
    assert not re.search(r"\b\d{1,2}:\d{2}\b", text.replace("8:00", "").replace("17:00", ""))


@pytest.mark.parametrize("market", [Market.FR, Market.PT])
@pytest.mark.parametrize("action", ["approve", "reject", "suspend"])
def test_a_message_for_the_professional_is_shown_as_written(action: str, market: Market) -> None:
    message = "Voir la pièce jointe n° 2."
    shown = letter(action, facts(eligible_professional(market), message=message))
    assert message in shown.replace("\u202f", " ")
    assert letter(action, facts(eligible_professional(market))).count("Voir") == 0


def test_french_letters_set_french_typography_in_typed_text_too() -> None:
    pro = eligible_professional(Market.FR)
    text = letter("suspend", facts(pro, marked(pro, 7), message="Des questions ? Écrivez-nous !"))
    assert "Appel au client\u00a0: il a bien" in text
    assert "Des questions\u202f? Écrivez-nous\u202f!" in text
    assert "«\u00a0Client jamais joignable, ni par téléphone ni par e-mail.\u00a0»" in text


def test_portuguese_letters_open_formally() -> None:
    text = letter("reject", facts(eligible_professional(Market.PT)))
    assert text.split("\n\n")[1:3] == [COMPANY[Market.PT], "Exmos. Senhores,"]


def test_a_rejection_without_a_failed_condition_shows_no_ground_and_no_advice() -> None:
    _, _, text = written("reject-no-failed-condition", Market.FR)
    assert "condition non remplie" not in text and "Pour obtenir plus de travaux" not in text


def test_a_review_is_named_with_its_date() -> None:
    pro = eligible_professional(Market.FR)
    review = Review("R-9", START + timedelta(days=40), 5, "platform_contact", "L-04")
    pro = replace(pro, reviews=(review, *(r for r in pro.reviews if r.ref not in {"R-1", "R-2"})))
    text = letter("reject", facts(pro))
    assert "R-9 du 14 février 2026 sur L-04 (" in text


# --- through the decision service: what the database holds reaches the letter -----


def _stored(engine: Engine, market: Market) -> str:
    """A claim in the database with an untruthful explanation, its contacts' jobs and clients."""
    pro = tagged(eligible_professional(market), "DB")
    claim = replace(claim_for(pro), ref="CL-DB")
    insert(engine, pro, claim, company=COMPANY[market])
    with engine.begin() as conn:
        for i, p in enumerate(sorted(pro.purchases, key=lambda p: p.purchased_at)):
            conn.execute(
                update(ContactPurchase)
                .where(ContactPurchase.ref == p.ref)
                .values(job_title=JOBS[market][i % 3], client_name=CLIENTS[market][i % 3])
            )
    verification.mark(
        engine, "CL-DB", "DB-L-08", "untruthful", agent="Ana", at=AT, note=FINDING[market]
    )
    return "CL-DB"


@pytest.mark.parametrize("market", [Market.FR, Market.PT])
@pytest.mark.parametrize("action", ["reject", "suspend"])
def test_the_reason_stays_in_the_log_and_the_message_reaches_the_letter(
    engine: Engine, action: str, market: Market
) -> None:
    ref = _stored(engine, market)
    message = "Vous pouvez joindre Camille au 01 84 88 82 46, poste 12."
    drafted = decisions.draft(engine, ref, action, AT, REASON, message_for_professional=message)
    outcome = decisions.decide(
        engine,
        ref,
        action,
        reason=REASON,
        agent="Ana",
        at=AT + timedelta(minutes=1),
        message_for_professional=message,
    )
    for text in (drafted.letter, outcome.letter):
        assert "NOTE INTERNE" not in text and "Julien" not in text
        assert message in text.replace("\u00a0", " ")
        # The contact as the professional knows it, and what the check found.
        assert "DB-L-08 (" in text and JOBS[market][1] in text
    with engine.connect() as conn:
        logged = conn.execute(
            select(LogEntry.reason, LogEntry.letter_text).where(LogEntry.action == action)
        ).one()
        sent = [json.loads(p) for p in conn.execute(select(OutboxMessage.payload)).scalars()]
    assert logged.reason == REASON and "NOTE INTERNE" not in logged.letter_text
    assert not any("NOTE INTERNE" in json.dumps(p) for p in sent if "body" in p)
    if action == "suspend":
        assert FINDING[market].split(":")[-1].strip() in outcome.letter


def test_without_a_message_a_rejection_quotes_no_reason(engine: Engine) -> None:
    ref = _stored(engine, Market.FR)
    text = decisions.draft(engine, ref, "reject", AT, REASON).letter
    assert "NOTE INTERNE" not in text and "Julien" not in text
