"""Each condition has one home: `CONDITIONS` (id, label, evaluation, time boundaries, card)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings

from guarantee_tui.i18n import LANGUAGES, translator
from guarantee_tui.policy import (
    CONDITION_BY_ID,
    CONDITION_LABELS,
    CONDITION_REQUIREMENTS,
    CONDITIONS,
    Action,
    Claim,
    ConditionId,
    FirstContact,
    Professional,
    Status,
    Verdict,
    evaluate,
    first_contact,
    recommended_action,
    verdict_of,
)
from guarantee_tui.policy.conditions import _context
from guarantee_tui.policy.messages import Percent
from guarantee_tui.policy.vocabulary import (
    FIRST_CONTACT_LIMIT,
    PROFILE_MIN_PERCENT,
    PURCHASE_WINDOW_MONTHS,
)
from tests.builders import AT, purchases
from tests.policy.test_properties import cases

C = ConditionId


def test_the_registry_lists_every_condition_once_in_checklist_order() -> None:
    assert [c.id for c in CONDITIONS] == list(ConditionId)
    assert set(CONDITION_BY_ID) == set(ConditionId)
    assert list(CONDITION_LABELS) == list(ConditionId)


def test_labels_take_their_figures_from_the_policy_constants() -> None:
    profile = CONDITION_BY_ID[C.PROFILE_COMPLETE].label
    assert profile.params["percent"] == Percent(PROFILE_MIN_PERCENT)
    window = CONDITION_BY_ID[C.PURCHASE_WINDOW].label
    assert window.count == PURCHASE_WINDOW_MONTHS
    first = CONDITION_BY_ID[C.FIRST_CONTACT_24H].label
    assert first.count == FIRST_CONTACT_LIMIT // timedelta(hours=1)
    for condition in CONDITIONS:
        # No figure that a constant holds is written into a label's text.
        for figure in ("80", "3 month", "24 hour"):
            assert figure not in condition.label.text, (condition.id, figure)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            (
                "Profile 80% complete at each purchase",
                "20 contacts bought within 3 months",
                "Each client contacted within 24 hours",
            ),
        ),
        (
            "fr",
            (
                "Profil complété à 80\u00a0% à chaque achat",
                "20\u00a0contacts achetés en 3\u00a0mois maximum",
                "Chaque client contacté sous 24\u00a0heures",
            ),
        ),
        (
            "pt_PT",
            (
                "Perfil 80% preenchido em cada compra",
                "20\u00a0contactos comprados em 3\u00a0meses no máximo",
                "Cada cliente contactado até 24\u00a0horas após a compra",
            ),
        ),
    ],
)
def test_labels_read_as_before_in_every_language(
    language: str, expected: tuple[str, str, str]
) -> None:
    tr = translator(language)
    shown = tuple(
        tr.render(CONDITION_LABELS[c])
        for c in (C.PROFILE_COMPLETE, C.PURCHASE_WINDOW, C.FIRST_CONTACT_24H)
    )
    assert shown == expected


def test_every_label_reads_in_every_language() -> None:
    for language in LANGUAGES:
        tr = translator(language)
        for condition in CONDITIONS:
            text = tr.render(condition.label)
            assert text.strip() and "{" not in text, (language, condition.id)


def test_every_requirement_reads_in_every_language_inside_a_sentence() -> None:
    # Requirements stand in sentences and letters ("does not meet this condition:
    # having an active professional pack"), so they start in lower case.
    for language in LANGUAGES:
        tr = translator(language)
        for condition in CONDITIONS:
            text = tr.render(condition.requirement)
            assert text.strip() and "{" not in text, (language, condition.id)
            assert text[0].islower() or text[0].isdigit(), (language, text)
    for condition in CONDITIONS:
        for figure in ("80", "3 month", "24 hour"):
            assert figure not in condition.requirement.text, (condition.id, figure)
    assert list(CONDITION_REQUIREMENTS) == list(ConditionId)


def test_the_phone_card_lists_what_the_professional_can_act_on_without_a_claim() -> None:
    assert [c.id for c in CONDITIONS if c.phone_card is None] == [
        C.FIRST_TWENTY_CONTACTS,  # the card's milestones
        C.PURCHASE_WINDOW,
        C.WAITING_PERIOD,
        C.EXPLANATIONS_COMPLETE,  # need a claim
        C.EXPLANATIONS_VERIFIED,
    ]
    ranks = [c.phone_card for c in CONDITIONS if c.phone_card is not None]
    assert sorted(ranks) == list(range(1, len(ranks) + 1)), "one place each on the card"


# --- verdict and recommended action ---------------------------------------------


def test_verdict_follows_the_worst_status() -> None:
    assert verdict_of([Status.MET, Status.NOT_MET, Status.PENDING]) is Verdict.NOT_ELIGIBLE
    assert verdict_of([Status.MET, Status.UNKNOWN]) is Verdict.PENDING
    assert verdict_of([Status.MET, Status.PENDING]) is Verdict.PENDING
    assert verdict_of([Status.MET, Status.MET]) is Verdict.ELIGIBLE


@pytest.mark.parametrize(
    ("verdict", "untruthful", "action"),
    [
        (Verdict.ELIGIBLE, False, Action.APPROVE),
        (Verdict.NOT_ELIGIBLE, False, Action.REJECT),
        (Verdict.PENDING, False, Action.WAIT),
        (Verdict.NOT_ELIGIBLE, True, Action.SUSPEND),
        (Verdict.PENDING, True, Action.SUSPEND),
    ],
)
def test_recommended_action(verdict: Verdict, untruthful: bool, action: Action) -> None:
    assert recommended_action(verdict, untruthful=untruthful) is action


# --- the first-contact rule, for the checklist and the contacts screen ---------------


def test_first_contact_at_its_edges() -> None:
    bought = purchases(1)[0]
    limit = bought.purchased_at + FIRST_CONTACT_LIMIT
    tick = timedelta(microseconds=1)
    assert first_contact(replace(bought, first_contacted_at=limit), AT) is FirstContact.IN_TIME
    late = replace(bought, first_contacted_at=limit + tick)
    assert first_contact(late, AT) is FirstContact.LATE
    never = replace(bought, first_contacted_at=None)
    assert first_contact(never, limit - tick) is FirstContact.AWAITED
    assert first_contact(never, limit) is FirstContact.MISSED


@settings(max_examples=150, deadline=None)
@given(cases)
def test_the_checklist_flags_the_contacts_the_first_contact_rule_flags(
    case: tuple[Professional, Claim | None, datetime],
) -> None:
    pro, claim, at = case
    result = evaluate(pro, claim, at)
    states = {p.ref: first_contact(p, result.at) for p in result.contacts}
    failing = tuple(r for r, s in states.items() if s in (FirstContact.LATE, FirstContact.MISSED))
    awaited = tuple(r for r, s in states.items() if s is FirstContact.AWAITED)
    checked = result.result(C.FIRST_CONTACT_24H)
    if failing:
        assert checked.status is Status.NOT_MET
        assert checked.contacts == failing
    elif awaited:
        assert checked.status is Status.PENDING
        assert checked.contacts == awaited
    else:
        assert checked.status in (Status.MET, Status.PENDING)
        assert checked.contacts == ()


# --- each condition's own time boundaries ------------------------------------------


@settings(max_examples=150, deadline=None)
@given(cases)
def test_each_condition_holds_until_its_own_next_boundary(
    case: tuple[Professional, Claim | None, datetime],
) -> None:
    pro, claim, at = case
    ctx = _context(pro, claim, at)
    for condition in CONDITIONS:
        now = condition.evaluate(ctx).status
        later = sorted(t for t in condition.boundaries(ctx) if t > ctx.at)
        if not later:
            far = _context(pro, claim, ctx.at + timedelta(days=20 * 365))
            assert condition.evaluate(far).status is now, condition.id
            continue
        edge = later[0]
        for t in (ctx.at + (edge - ctx.at) / 2, edge - timedelta(microseconds=1)):
            assert condition.evaluate(_context(pro, claim, t)).status is now, (condition.id, t)
