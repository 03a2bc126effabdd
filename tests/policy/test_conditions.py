"""Each condition of POLICY.md, at its edges."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from guarantee_tui.i18n import translator
from guarantee_tui.policy import (
    Action,
    Checklist,
    Claim,
    CompletenessRecord,
    ConditionId,
    Explanation,
    Market,
    OtherClaim,
    Pack,
    PaymentIncident,
    Professional,
    Purchase,
    Status,
    TrustLabel,
    Verdict,
    evaluate,
)
from tests.builders import (
    AT,
    START,
    claim_for,
    eligible_professional,
    purchases,
    with_purchase,
)

EN = translator("en")
C = ConditionId


def check(
    pro: Professional, claim: Claim | None = None, at: datetime = AT, *, with_claim: bool = True
) -> Checklist:
    if claim is None and with_claim:
        claim = claim_for(pro)
    return evaluate(pro, claim, at)


def status(
    pro: Professional, cid: ConditionId, claim: Claim | None = None, at: datetime = AT
) -> Status:
    return check(pro, claim, at).result(cid).status


def evidence(
    pro: Professional, cid: ConditionId, claim: Claim | None = None, at: datetime = AT
) -> str:
    return EN.render(check(pro, claim, at).result(cid).evidence)


@pytest.mark.parametrize("market", [Market.FR, Market.PT])
def test_the_reference_claim_is_eligible_in_both_markets(market: Market) -> None:
    result = check(eligible_professional(market))
    assert [r.id for r in result.results] == list(ConditionId)
    assert {r.status for r in result.results} == {Status.MET}
    assert result.verdict is Verdict.ELIGIBLE
    assert result.action is Action.APPROVE
    assert result.refund_credits == 20 * 12


# --- first_twenty_contacts ----------------------------------------------------


def test_fewer_than_twenty_is_not_met_with_the_count() -> None:
    pro = replace(eligible_professional(), purchases=purchases(14))
    result = check(pro)
    assert result.result(C.FIRST_TWENTY_CONTACTS).status is Status.NOT_MET
    assert evidence(pro, C.FIRST_TWENTY_CONTACTS) == "14 of 20 contacts bought; 6 more needed."
    assert result.refund_credits is None
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert result.action is Action.REJECT


def test_only_the_first_twenty_count_ties_broken_by_ref() -> None:
    pro = eligible_professional()
    same_time = START + timedelta(days=200)
    later = (
        Purchase("L-99", same_time, 500, "standard", None, job_won=True),
        Purchase("L-98", same_time, 500, "standard", None, job_won=True),
    )
    pro = replace(pro, purchases=pro.purchases + later)
    result = check(pro)
    assert result.verdict is Verdict.ELIGIBLE
    assert result.refund_credits == 240
    # Two purchases at the same moment: the smaller ref comes first.
    tied = replace(eligible_professional(), purchases=purchases(19) + later)
    assert check(tied).contacts[-1].ref == "L-98"


# --- no_job_won ---------------------------------------------------------------


def test_a_job_won_names_the_contact() -> None:
    pro = with_purchase(eligible_professional(), 6, job_won=True)
    assert status(pro, C.NO_JOB_WON) is Status.NOT_MET
    assert evidence(pro, C.NO_JOB_WON) == "A job was won from contact L-07."
    assert check(pro).result(C.NO_JOB_WON).contacts == ("L-07",)


def test_no_job_so_far_is_pending_below_twenty() -> None:
    pro = replace(eligible_professional(), purchases=purchases(5))
    assert status(pro, C.NO_JOB_WON) is Status.PENDING
    assert evidence(pro, C.NO_JOB_WON) == "No job won from the 5 contacts bought so far."


# --- no_previous_refund -------------------------------------------------------


def test_an_earlier_approved_claim_fails_but_not_the_claim_itself() -> None:
    pro = replace(eligible_professional(), claims=(OtherClaim("CL-0001", "approved"),))
    assert status(pro, C.NO_PREVIOUS_REFUND) is Status.MET
    pro = replace(
        pro, claims=(OtherClaim("CL-0000", "approved"), OtherClaim("CL-0002", "rejected"))
    )
    assert status(pro, C.NO_PREVIOUS_REFUND) is Status.NOT_MET
    assert "CL-0000" in evidence(pro, C.NO_PREVIOUS_REFUND)
    assert "CL-0002" not in evidence(pro, C.NO_PREVIOUS_REFUND)


# --- profile_complete ---------------------------------------------------------


def test_profile_completeness_is_read_at_each_purchase() -> None:
    pro = eligible_professional()
    fourth = sorted(pro.purchases, key=lambda p: p.purchased_at)[3].purchased_at
    # Drops to 79 % exactly at the 4th purchase, back to 90 % just after it.
    pro = replace(
        pro,
        completeness=pro.completeness
        + (CompletenessRecord(fourth, 79), CompletenessRecord(fourth + timedelta(seconds=1), 90)),
    )
    assert status(pro, C.PROFILE_COMPLETE) is Status.NOT_MET
    text = evidence(pro, C.PROFILE_COMPLETE)
    assert text.startswith("1 contact bought with the profile less than 80% complete: L-04")
    assert "79%" in text


def test_profile_exactly_80_is_enough() -> None:
    pro = replace(eligible_professional(), completeness=(CompletenessRecord(START, 80),))
    assert status(pro, C.PROFILE_COMPLETE) is Status.MET


def test_no_completeness_record_before_a_purchase_is_unknown() -> None:
    pro = eligible_professional()
    second = START + timedelta(days=3)
    pro = replace(pro, completeness=(CompletenessRecord(second, 90),))
    result = check(pro)
    assert result.result(C.PROFILE_COMPLETE).status is Status.UNKNOWN
    assert result.result(C.PROFILE_COMPLETE).contacts == ("L-01",)
    assert result.verdict is Verdict.PENDING


# --- trust_labels -------------------------------------------------------------


def test_france_needs_three_labels_portugal_one() -> None:
    for market in (Market.FR, Market.PT):
        pro = eligible_professional(market)
        pro = replace(pro, labels=(TrustLabel("verified_independent", START - timedelta(days=1)),))
        expected = Status.NOT_MET if market is Market.FR else Status.MET
        assert status(pro, C.TRUST_LABELS) is expected


def test_a_label_revoked_at_the_moment_of_purchase_is_not_active() -> None:
    pro = eligible_professional()
    seventh = START + timedelta(days=18)
    labels = tuple(
        replace(label, revoked_at=seventh) if label.kind == "liability_insurance" else label
        for label in pro.labels
    )
    pro = replace(
        pro, labels=labels + (TrustLabel("liability_insurance", seventh + timedelta(days=1)),)
    )
    text = evidence(pro, C.TRUST_LABELS)
    assert status(pro, C.TRUST_LABELS) is Status.NOT_MET
    assert "L-07 bought on 23 Jan 2026 at 10:00 without liability insurance" in text
    assert "L-08" not in text


def test_label_activated_at_the_purchase_counts() -> None:
    pro = eligible_professional(Market.PT)
    pro = replace(pro, labels=(TrustLabel("verified_company", START),))
    assert status(pro, C.TRUST_LABELS) is Status.MET


def test_missing_identity_label_reads_as_an_alternative() -> None:
    pro = eligible_professional(Market.PT)
    pro = replace(pro, labels=())
    assert "without verified independent or verified company" in evidence(pro, C.TRUST_LABELS)


# --- priority_discount_channel ------------------------------------------------


def test_standard_channel_fails() -> None:
    pro = with_purchase(eligible_professional(), 19, channel="standard")
    assert status(pro, C.PRIORITY_DISCOUNT_CHANNEL) is Status.NOT_MET
    assert "L-20" in evidence(pro, C.PRIORITY_DISCOUNT_CHANNEL)


# --- purchase_window ----------------------------------------------------------


def _spread(first: datetime, last: datetime) -> tuple[Purchase, ...]:
    step = (last - first) // 19
    times = [first + step * i for i in range(19)] + [last]
    return tuple(
        Purchase(f"L-{i + 1:02d}", t, 10, "priority_discount", t + timedelta(hours=1))
        for i, t in enumerate(times)
    )


def test_window_is_three_calendar_months_in_the_market_zone() -> None:
    # 30 Nov 2025 10:00 Paris + 3 months = 28 Feb 2026 10:00 Paris (clamped).
    first = datetime(2025, 11, 30, 9, 0, tzinfo=UTC)
    deadline = datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    pro = replace(eligible_professional(), purchases=_spread(first, deadline))
    assert status(pro, C.PURCHASE_WINDOW) is Status.MET
    late = replace(pro, purchases=_spread(first, deadline + timedelta(minutes=1)))
    assert status(late, C.PURCHASE_WINDOW) is Status.NOT_MET
    assert "after the deadline of 28 Feb 2026 at 10:00" in evidence(late, C.PURCHASE_WINDOW)


def test_window_still_open_below_twenty_is_pending_then_fails_when_passed() -> None:
    pro = replace(eligible_professional(), purchases=purchases(10))
    before = START + timedelta(days=40)
    assert status(pro, C.PURCHASE_WINDOW, at=before) is Status.PENDING
    assert "must be bought by 5 Apr 2026 at 10:00" in evidence(pro, C.PURCHASE_WINDOW, at=before)
    assert status(pro, C.PURCHASE_WINDOW, at=START + timedelta(days=120)) is Status.NOT_MET


# --- no_payment_incident ------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(seconds=-1), Status.MET),
        (timedelta(0), Status.NOT_MET),
        (timedelta(days=57), Status.NOT_MET),  # the 20th purchase itself
        (timedelta(days=57, seconds=1), Status.MET),
    ],
)
def test_payment_incidents_count_from_first_to_twentieth_inclusive(
    offset: timedelta, expected: Status
) -> None:
    pro = replace(
        eligible_professional(), incidents=(PaymentIncident(START + offset, "card_declined"),)
    )
    assert status(pro, C.NO_PAYMENT_INCIDENT) is expected


def test_payment_incident_evidence_names_kind_and_date() -> None:
    pro = replace(
        eligible_professional(),
        incidents=(
            PaymentIncident(START + timedelta(days=2), "card_declined", START + timedelta(days=3)),
        ),
    )
    assert evidence(pro, C.NO_PAYMENT_INCIDENT) == (
        "1 payment incident during the purchases: card declined on 7 Jan 2026 at 10:00."
    )


@pytest.mark.parametrize(
    ("kind", "fr", "pt"),
    [
        ("card_declined", "carte bancaire refusée", "cartão recusado"),
        ("direct_debit_returned", "prélèvement rejeté", "débito direto devolvido"),
        ("insufficient_funds", "provision insuffisante", "saldo insuficiente"),
        ("chargeback", "paiement contesté (rétrofacturation)", "pagamento contestado (estorno)"),
        ("a_kind_added_later", "incident de paiement", "incidência de pagamento"),
    ],
)
def test_payment_incidents_are_named_never_shown_as_their_code(kind: str, fr: str, pt: str) -> None:
    pro = replace(eligible_professional(), incidents=(PaymentIncident(START, kind),))
    found = check(pro).result(C.NO_PAYMENT_INCIDENT).evidence
    for language, name in (("fr", fr), ("pt", pt)):
        text = translator(language).render(found)
        assert name in text and kind not in text, text


# --- first_contact_24h --------------------------------------------------------


def test_first_contact_exactly_24h_is_in_time_a_minute_more_is_not() -> None:
    pro = eligible_professional()
    p = sorted(pro.purchases, key=lambda p: p.purchased_at)[4]
    ok = with_purchase(pro, 4, first_contacted_at=p.purchased_at + timedelta(hours=24))
    assert status(ok, C.FIRST_CONTACT_24H) is Status.MET
    assert "longest delay 24 h" in evidence(ok, C.FIRST_CONTACT_24H)
    late = with_purchase(pro, 4, first_contacted_at=p.purchased_at + timedelta(hours=24, minutes=1))
    assert status(late, C.FIRST_CONTACT_24H) is Status.NOT_MET
    assert "L-05 first contacted after 24 h 01 min" in evidence(late, C.FIRST_CONTACT_24H)


def test_never_contacted_fails_once_24h_passed_else_pending() -> None:
    pro = with_purchase(eligible_professional(), 19, first_contacted_at=None)
    assert status(pro, C.FIRST_CONTACT_24H) is Status.NOT_MET
    assert "L-20 never contacted" in evidence(pro, C.FIRST_CONTACT_24H)
    twentieth = max(p.purchased_at for p in pro.purchases)
    soon = twentieth + timedelta(hours=3)
    assert status(pro, C.FIRST_CONTACT_24H, at=soon) is Status.PENDING


# --- contact_reviews and former_client_reviews ---------------------------------


def test_contact_reviews_need_two_positive_on_the_twenty_by_at() -> None:
    pro = eligible_professional()
    r1, r2, *former = pro.reviews
    assert (
        status(replace(pro, reviews=(r1, replace(r2, rating=3), *former)), C.CONTACT_REVIEWS)
        is Status.NOT_MET
    )
    # A review on a contact outside the first 20 does not count.
    extra = Purchase("L-21", START + timedelta(days=100), 10, "priority_discount")
    outside = replace(
        pro,
        purchases=pro.purchases + (extra,),
        reviews=(r1, replace(r2, contact_ref="L-21"), *former),
    )
    assert status(outside, C.CONTACT_REVIEWS) is Status.NOT_MET
    # A review dated after the evaluation time does not count yet...
    assert status(pro, C.CONTACT_REVIEWS, at=r2.at - timedelta(seconds=1)) is Status.NOT_MET
    # ...and one dated exactly at it does.
    assert status(pro, C.CONTACT_REVIEWS, at=r2.at) is Status.MET
    assert evidence(replace(pro, reviews=(r1, *former)), C.CONTACT_REVIEWS) == (
        "1 positive review tied to the contacts: R-1 on L-03; 1 more needed."
    )


def test_former_client_reviews_any_rating() -> None:
    pro = eligible_professional()
    r1, r2, f1, f2 = pro.reviews
    low = replace(pro, reviews=(r1, r2, replace(f1, rating=1), replace(f2, rating=1)))
    assert status(low, C.FORMER_CLIENT_REVIEWS) is Status.MET
    one = replace(pro, reviews=(r1, r2, f1))
    assert status(one, C.FORMER_CLIENT_REVIEWS) is Status.NOT_MET
    assert evidence(one, C.FORMER_CLIENT_REVIEWS) == (
        "1 of 2 reviews from former clients; 1 more needed."
    )


# --- waiting_period -----------------------------------------------------------


def test_waiting_period_is_pending_with_the_date_until_one_month_after_the_20th() -> None:
    pro = eligible_professional()
    twentieth = max(p.purchased_at for p in pro.purchases)  # 3 Mar 2026 10:00 Paris
    claimable = datetime(2026, 4, 3, 8, 0, tzinfo=UTC)  # 3 Apr 10:00 Paris (summer time)
    before = check(pro, at=claimable - timedelta(seconds=1))
    assert before.result(C.WAITING_PERIOD).status is Status.PENDING
    assert EN.render(before.result(C.WAITING_PERIOD).evidence) == (
        "A claim can be judged from 3 Apr 2026 at 10:00, one month after the 20th purchase "
        "(3 Mar 2026 at 10:00)."
    )
    assert before.milestones.claimable_from == claimable
    assert before.milestones.twentieth_purchase_at == twentieth
    assert before.verdict is Verdict.PENDING
    assert before.action is Action.WAIT
    assert status(pro, C.WAITING_PERIOD, at=claimable) is Status.MET


# --- active_pack --------------------------------------------------------------


def test_pack_must_be_active_at_submission_and_at_evaluation() -> None:
    pro = eligible_professional()
    claim = claim_for(pro)
    ended = replace(pro, packs=(Pack("Pack Pro", START, claim.submitted_at),))
    assert status(ended, C.ACTIVE_PACK, claim) is Status.NOT_MET
    assert "when the claim was sent" in evidence(ended, C.ACTIVE_PACK, claim)
    lapsed = replace(pro, packs=(Pack("Pack Pro", START, AT),))
    assert status(lapsed, C.ACTIVE_PACK, claim) is Status.NOT_MET
    renewed = replace(pro, packs=(Pack("Pack Pro", START, AT), Pack("Pack Pro+", AT)))
    assert status(renewed, C.ACTIVE_PACK, claim) is Status.MET
    assert "Pack Pro+" in evidence(renewed, C.ACTIVE_PACK, claim)


# --- explanations -------------------------------------------------------------


def test_blank_or_missing_explanations_fail_completeness() -> None:
    pro = eligible_professional()
    claim = claim_for(pro)
    explanations = list(claim.explanations)
    explanations[2] = replace(explanations[2], text="   \n ")
    del explanations[5]
    claim = replace(claim, explanations=tuple(explanations))
    result = check(pro, claim)
    assert result.result(C.EXPLANATIONS_COMPLETE).status is Status.NOT_MET
    assert result.result(C.EXPLANATIONS_COMPLETE).contacts == ("L-03", "L-06")
    assert EN.render(result.result(C.EXPLANATIONS_COMPLETE).evidence) == (
        "No explanation for 2 contacts: L-03 and L-06."
    )


def test_verification_untruthful_beats_unverified_and_recommends_suspend() -> None:
    pro = eligible_professional()
    claim = claim_for(pro, verification=None)
    result = check(pro, claim)
    assert result.result(C.EXPLANATIONS_VERIFIED).status is Status.PENDING
    assert EN.render(result.result(C.EXPLANATIONS_VERIFIED).evidence).startswith(
        "20 explanations still to verify: L-01, L-02"
    )
    assert result.action is Action.WAIT
    explanations = list(claim.explanations)
    explanations[8] = replace(explanations[8], verification="untruthful")
    result = check(pro, replace(claim, explanations=tuple(explanations)))
    assert result.result(C.EXPLANATIONS_VERIFIED).status is Status.NOT_MET
    assert result.result(C.EXPLANATIONS_VERIFIED).contacts == ("L-09",)
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert result.action is Action.SUSPEND


def test_untruthful_suspends_even_when_other_conditions_fail() -> None:
    pro = with_purchase(eligible_professional(), 0, channel="standard")
    claim = claim_for(pro)
    explanations = (
        replace(claim.explanations[0], verification="untruthful"),
        *claim.explanations[1:],
    )
    assert check(pro, replace(claim, explanations=explanations)).action is Action.SUSPEND


# --- progress mode (no claim: the phone desk) ---------------------------------


def test_without_a_claim_what_can_still_be_done_is_pending() -> None:
    pro = replace(eligible_professional(), purchases=purchases(17), reviews=(), packs=())
    result = evaluate(pro, None, START + timedelta(days=52))
    assert result.claim is None
    statuses = {r.id: r.status for r in result.results}
    for cid in (
        C.FIRST_TWENTY_CONTACTS,
        C.CONTACT_REVIEWS,
        C.FORMER_CLIENT_REVIEWS,
        C.WAITING_PERIOD,
        C.ACTIVE_PACK,
        C.EXPLANATIONS_COMPLETE,
        C.EXPLANATIONS_VERIFIED,
        C.PURCHASE_WINDOW,
    ):
        assert statuses[cid] is Status.PENDING, cid
    assert statuses[C.NO_PREVIOUS_REFUND] is Status.MET
    assert result.verdict is Verdict.PENDING
    assert result.milestones.purchases == 17
    assert result.milestones.purchase_deadline == datetime(2026, 4, 5, 8, 0, tzinfo=UTC)


def test_evaluation_time_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(eligible_professional(), None, datetime(2026, 1, 1))


def test_explanations_for_contacts_outside_the_twenty_are_ignored() -> None:
    pro = eligible_professional()
    claim = claim_for(pro)
    claim = replace(
        claim,
        explanations=claim.explanations
        + (Explanation("L-99", "not one of the twenty", "untruthful"),),
    )
    assert check(pro, claim).verdict is Verdict.ELIGIBLE
