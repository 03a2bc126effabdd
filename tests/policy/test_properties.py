"""Properties of the policy over arbitrary facts (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from guarantee_tui.i18n import LANGUAGES, translator
from guarantee_tui.policy import (
    Action,
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
    Review,
    Status,
    TrustLabel,
    Verdict,
    evaluate,
)
from guarantee_tui.policy.conditions import first_twenty

BASE = datetime(2025, 6, 1, tzinfo=UTC)
moments = st.integers(min_value=0, max_value=500 * 24 * 60).map(
    lambda minutes: BASE + timedelta(minutes=minutes)
)
maybe_moment = st.none() | moments


@st.composite
def purchase_lists(draw: st.DrawFn) -> tuple[Purchase, ...]:
    n = draw(st.integers(min_value=0, max_value=26))
    out = []
    for i in range(n):
        at = draw(moments)
        delay = draw(st.none() | st.integers(min_value=0, max_value=48 * 60))
        out.append(
            Purchase(
                ref=f"L-{i:03d}",
                purchased_at=at,
                price_credits=draw(st.integers(min_value=0, max_value=50)),
                channel=draw(
                    st.sampled_from(["priority_discount", "priority_discount", "standard"])
                ),
                first_contacted_at=None if delay is None else at + timedelta(minutes=delay),
                # Rare, as in life: most contacts are not won.
                job_won=draw(st.integers(0, 7)) == 0,
            )
        )
    return tuple(out)


@st.composite
def professionals(draw: st.DrawFn) -> Professional:
    bought = draw(purchase_lists())
    refs = [p.ref for p in bought] or ["L-none"]
    return Professional(
        ref="P-1",
        market=draw(st.sampled_from(list(Market))),
        purchases=bought,
        completeness=tuple(
            CompletenessRecord(at, pct)
            for at, pct in draw(st.lists(st.tuples(moments, st.integers(0, 100)), max_size=4))
        ),
        labels=tuple(
            TrustLabel(kind, start, end)
            for kind, start, end in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(
                            [
                                "verified_independent",
                                "verified_company",
                                "liability_insurance",
                                "trade_license",
                            ]
                        ),
                        moments,
                        maybe_moment,
                    ),
                    max_size=5,
                )
            )
        ),
        packs=tuple(
            Pack("Pack", start, end)
            for start, end in draw(st.lists(st.tuples(moments, maybe_moment), max_size=3))
        ),
        incidents=tuple(
            PaymentIncident(at, "card_declined") for at in draw(st.lists(moments, max_size=2))
        ),
        reviews=tuple(
            Review(f"R-{i}", at, rating, source, contact)
            for i, (at, rating, source, contact) in enumerate(
                draw(
                    st.lists(
                        st.tuples(
                            moments,
                            st.integers(1, 5),
                            st.sampled_from(["platform_contact", "former_client"]),
                            st.none() | st.sampled_from(refs),
                        ),
                        max_size=6,
                    )
                )
            )
        ),
        claims=tuple(
            OtherClaim(f"CL-{i}", status)
            for i, status in enumerate(
                draw(
                    st.lists(
                        st.sampled_from(["open", "approved", "rejected", "suspended"]), max_size=2
                    )
                )
            )
        ),
    )


@st.composite
def claims_for(draw: st.DrawFn, professional: Professional) -> Claim:
    explanations = []
    for p in professional.purchases:
        if draw(st.integers(0, 9)) == 0:
            continue
        explanations.append(
            Explanation(
                p.ref,
                draw(st.sampled_from(["No answer.", "  ", "Chose another pro. [b]x[/b] {n}"])),
                draw(st.sampled_from([None, "truthful", "truthful", "untruthful"])),
            )
        )
    return Claim("CL-X", draw(moments), "open", tuple(explanations))


cases = professionals().flatmap(
    lambda pro: st.tuples(st.just(pro), st.none() | claims_for(pro), moments)
)


@settings(max_examples=150, deadline=None)
@given(cases)
def test_checklist_is_complete_and_its_verdict_follows_the_statuses(
    case: tuple[Professional, Claim | None, datetime],
) -> None:
    pro, claim, at = case
    result = evaluate(pro, claim, at)
    assert [r.id for r in result.results] == list(ConditionId)
    statuses = [r.status for r in result.results]
    if Status.NOT_MET in statuses:
        assert result.verdict is Verdict.NOT_ELIGIBLE
    elif Status.PENDING in statuses or Status.UNKNOWN in statuses:
        assert result.verdict is Verdict.PENDING
    else:
        assert result.verdict is Verdict.ELIGIBLE
    untruthful = claim is not None and any(
        e.verification == "untruthful" and e.contact_ref in {p.ref for p in result.contacts}
        for e in claim.explanations
    )
    expected_action = {
        Verdict.ELIGIBLE: Action.APPROVE,
        Verdict.NOT_ELIGIBLE: Action.REJECT,
        Verdict.PENDING: Action.WAIT,
    }[result.verdict]
    assert result.action is (Action.SUSPEND if untruthful else expected_action)
    twenty = first_twenty(pro.purchases)
    assert result.contacts == twenty
    assert result.refund_credits == (
        sum(p.price_credits for p in twenty) if len(twenty) == 20 else None
    )
    if len(twenty) < 20 and claim is not None:
        assert result.verdict is Verdict.NOT_ELIGIBLE
    # Every result reads in every language, whatever the data.
    for language in LANGUAGES:
        tr = translator(language)
        for r in result.results:
            assert tr.render(r.evidence).strip()


@settings(max_examples=100, deadline=None)
@given(cases, st.randoms(use_true_random=False))
def test_the_order_facts_arrive_in_does_not_matter(
    case: tuple[Professional, Claim | None, datetime], rnd: object
) -> None:
    pro, claim, at = case
    shuffled = list(pro.purchases)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    reviews = list(pro.reviews)
    rnd.shuffle(reviews)  # type: ignore[attr-defined]
    other = replace(
        pro,
        purchases=tuple(shuffled),
        reviews=tuple(reviews),
        labels=tuple(reversed(pro.labels)),
        packs=tuple(reversed(pro.packs)),
    )
    assert evaluate(other, claim, at) == evaluate(pro, claim, at)


@settings(max_examples=150, deadline=None)
@given(cases, st.integers(min_value=1, max_value=5))
def test_purchases_after_the_twentieth_change_nothing(
    case: tuple[Professional, Claim | None, datetime], extra: int
) -> None:
    pro, claim, at = case
    twenty = first_twenty(pro.purchases)
    if len(twenty) < 20:
        return
    last = twenty[-1].purchased_at
    later = tuple(
        Purchase(f"Z-{i}", last + timedelta(days=i + 1), 99, "standard", None, True)
        for i in range(extra)
    )
    assert evaluate(replace(pro, purchases=pro.purchases + later), claim, at).results == (
        evaluate(pro, claim, at).results
    )


@settings(max_examples=100, deadline=None)
@given(cases)
def test_an_untruthful_explanation_among_the_twenty_always_means_suspend(
    case: tuple[Professional, Claim | None, datetime],
) -> None:
    pro, claim, at = case
    twenty = first_twenty(pro.purchases)
    if not twenty:
        return
    claim = claim or Claim("CL-X", at, "open", ())
    flagged = Explanation(twenty[0].ref, "Never called.", "untruthful")
    others = tuple(e for e in claim.explanations if e.contact_ref != twenty[0].ref)
    result = evaluate(pro, replace(claim, explanations=(flagged, *others)), at)
    assert result.action is Action.SUSPEND
    assert result.verdict is Verdict.NOT_ELIGIBLE


@settings(max_examples=150, deadline=None)
@given(
    cases, st.lists(st.floats(min_value=0, max_value=1, exclude_max=True), min_size=1, max_size=5)
)
def test_statuses_hold_until_stable_until(
    case: tuple[Professional, Claim | None, datetime], fractions: list[float]
) -> None:
    pro, claim, at = case
    result = evaluate(pro, claim, at)
    horizon = result.stable_until
    end = horizon if horizon is not None else at + timedelta(days=3 * 365)
    assert end > at
    statuses = [r.status for r in result.results]
    for fraction in fractions:
        span = (end - at) // timedelta(microseconds=1)
        t = at + timedelta(microseconds=min(int(span * fraction), span - 1))
        later = evaluate(pro, claim, t)
        assert [r.status for r in later.results] == statuses, (t, horizon)
    if horizon is None:
        # Nothing left that time alone can change.
        assert evaluate(pro, claim, at + timedelta(days=20 * 365)).verdict == result.verdict
