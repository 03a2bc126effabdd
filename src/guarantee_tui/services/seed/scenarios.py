"""The situations seeded professionals are in, and what the policy should say of them.

Every professional gets one `Scenario`: where they stand at the anchor
(`Stage`), whether and how they claimed, and the `Fault`s that set them
apart from a clean record. `CORE` lists the scenarios the default sample
must hold (each in the market it names), so that every condition of
POLICY.md fails somewhere, every verdict appears in both markets, and the
phone desk has professionals at every stage. Beyond the core, `FILL` gives
the mix a large database is drawn from.

`expect` derives, from the scenario alone, what evaluating the claim (or
the professional without a claim) at the anchor must give; the tests hold
the generator to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from guarantee_tui.policy import (
    Action,
    ClaimStatus,
    ConditionId,
    Market,
    Verdict,
    recommended_action,
)


class Stage(StrEnum):
    NEW = "new"  # signed up, no contact bought yet
    BUYING = "buying"  # fewer than 20 bought, the 3-month window still open
    LAPSED = "lapsed"  # fewer than 20 bought, the 3-month window over
    WAITING = "waiting"  # 20 bought less than a month before the anchor
    CLAIMABLE = "claimable"  # 20 bought more than a month before the anchor


class Fault(StrEnum):
    """A departure from a clean record (most make one condition fail)."""

    JOB_WON = "job_won"
    PREVIOUS_REFUND = "previous_refund"  # an earlier claim was approved
    PROFILE_LOW = "profile_low"  # under 80 % at the first purchases
    PROFILE_DROP = "profile_drop"  # fell under 80 % for a few purchases
    PROFILE_UNRECORDED = "profile_unrecorded"  # no completeness known at the first purchases
    INSURANCE_LATE = "insurance_late"  # FR: liability insurance activated after buying
    LICENCE_GAP = "licence_gap"  # FR: trade licence lapsed for a few purchases
    VERIFICATION_LATE = "verification_late"  # verified label activated after buying
    STANDARD_CHANNEL = "standard_channel"
    WINDOW_EXCEEDED = "window_exceeded"  # the 20th bought more than 3 months after the 1st
    PAYMENT_INCIDENT = "payment_incident"
    LATE_CONTACT = "late_contact"  # a client first contacted after 24 h
    NEVER_CONTACTED = "never_contacted"
    AWAITING_CONTACT = "awaiting_contact"  # last contact bought hours ago, not called yet
    FEW_CONTACT_REVIEWS = "few_contact_reviews"
    FEW_FORMER_REVIEWS = "few_former_reviews"
    NO_PACK_AT_SUBMISSION = "no_pack_at_submission"
    NO_PACK_NOW = "no_pack_now"
    EXPLANATION_MISSING = "explanation_missing"
    EXPLANATION_BLANK = "explanation_blank"
    # Not failures: twists the data should still hold.
    TIE_AT_TWENTIETH = "tie_at_twentieth"  # 20th and 21st bought at the same instant
    SUSPICIOUS = "suspicious"  # "never reached" explanations, not yet verified


class Checked(StrEnum):
    """How far the agents got verifying the explanations."""

    NONE = "none"
    PARTLY = "partly"
    TRUTHFUL = "truthful"  # every explanation verified truthful
    UNTRUTHFUL = "untruthful"  # some found untruthful


class Quirk(StrEnum):
    """Oddities of the explanations' text (they change no verdict)."""

    COPIES = "copies"  # near-identical texts pasted for several contacts
    MARKUP = "markup"  # text that looks like markup, or emoji


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    stage: Stage
    claim: ClaimStatus | None = None  # None: no claim yet
    checked: Checked = Checked.NONE
    faults: frozenset[Fault] = frozenset()
    # How many contacts, for the stages with fewer than 20.
    contacts: tuple[int, int] = (1, 19)
    # The markets this scenario makes sense in.
    markets: tuple[Market, ...] = (Market.FR, Market.PT)


@dataclass(frozen=True, slots=True)
class Expectation:
    verdict: Verdict
    action: Action
    not_met: frozenset[ConditionId]


def _s(
    name: str,
    stage: Stage,
    claim: ClaimStatus | None = None,
    checked: Checked = Checked.NONE,
    *faults: Fault,
    contacts: tuple[int, int] = (1, 19),
    markets: tuple[Market, ...] = (Market.FR, Market.PT),
) -> Scenario:
    return Scenario(name, stage, claim, checked, frozenset(faults), contacts, markets)


C, OPEN = Stage.CLAIMABLE, ClaimStatus.OPEN
APPROVED, REJECTED, SUSPENDED = ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.SUSPENDED
F = Fault
FR_ONLY = (Market.FR,)

# --- claims ---------------------------------------------------------------------
ELIGIBLE = _s("eligible", C, OPEN, Checked.TRUTHFUL)
ELIGIBLE_TIE = _s("eligible_tie_at_twentieth", C, OPEN, Checked.TRUTHFUL, F.TIE_AT_TWENTIETH)
UNVERIFIED = _s("pending_unverified", C, OPEN, Checked.NONE)
PARTLY = _s("pending_partly_verified", C, OPEN, Checked.PARTLY)
SUSPICIOUS = _s("pending_suspicious", C, OPEN, Checked.NONE, F.SUSPICIOUS)
WAITING = _s("pending_waiting_period", Stage.WAITING, OPEN, Checked.NONE)
UNRECORDED = _s("pending_profile_unrecorded", C, OPEN, Checked.TRUTHFUL, F.PROFILE_UNRECORDED)
UNTRUTHFUL = _s("untruthful", C, OPEN, Checked.UNTRUTHFUL)
FEW = _s("fails_first_twenty", Stage.BUYING, OPEN, Checked.NONE, contacts=(11, 17))
FEW_VERIFIED = _s(
    "fails_first_twenty_verified", Stage.BUYING, OPEN, Checked.TRUTHFUL, contacts=(14, 18)
)
JOB_WON = _s("fails_job_won", C, OPEN, Checked.NONE, F.JOB_WON)
PREVIOUS = _s("fails_previous_refund", C, OPEN, Checked.NONE, F.PREVIOUS_REFUND)
PROFILE_LOW = _s("fails_profile_low", C, OPEN, Checked.PARTLY, F.PROFILE_LOW)
PROFILE_DROP = _s("fails_profile_drop", C, OPEN, Checked.NONE, F.PROFILE_DROP)
INSURANCE = _s("fails_insurance", C, OPEN, Checked.NONE, F.INSURANCE_LATE, markets=FR_ONLY)
LICENCE = _s("fails_licence_gap", C, OPEN, Checked.PARTLY, F.LICENCE_GAP, markets=FR_ONLY)
VERIFICATION = _s("fails_verification_label", C, OPEN, Checked.NONE, F.VERIFICATION_LATE)
STANDARD = _s("fails_channel", C, OPEN, Checked.NONE, F.STANDARD_CHANNEL)
WINDOW = _s("fails_purchase_window", C, OPEN, Checked.NONE, F.WINDOW_EXCEEDED)
INCIDENT = _s("fails_payment_incident", C, OPEN, Checked.PARTLY, F.PAYMENT_INCIDENT)
LATE = _s("fails_late_contact", C, OPEN, Checked.NONE, F.LATE_CONTACT)
NEVER = _s("fails_never_contacted", C, OPEN, Checked.NONE, F.NEVER_CONTACTED)
CONTACT_REVIEWS = _s("fails_contact_reviews", C, OPEN, Checked.NONE, F.FEW_CONTACT_REVIEWS)
FORMER_REVIEWS = _s("fails_former_reviews", C, OPEN, Checked.PARTLY, F.FEW_FORMER_REVIEWS)
PACK_THEN = _s("fails_pack_at_submission", C, OPEN, Checked.NONE, F.NO_PACK_AT_SUBMISSION)
PACK_NOW = _s("fails_pack_now", C, OPEN, Checked.NONE, F.NO_PACK_NOW)
PACK_NEITHER = _s(
    "fails_pack_neither", C, OPEN, Checked.NONE, F.NO_PACK_AT_SUBMISSION, F.NO_PACK_NOW
)
MISSING = _s("fails_explanation_missing", C, OPEN, Checked.NONE, F.EXPLANATION_MISSING)
BLANK = _s("fails_explanation_blank", C, OPEN, Checked.PARTLY, F.EXPLANATION_BLANK)
SEVERAL = _s(
    "fails_several",
    C,
    OPEN,
    Checked.NONE,
    F.WINDOW_EXCEEDED,
    F.STANDARD_CHANNEL,
    F.LATE_CONTACT,
    F.FEW_FORMER_REVIEWS,
)
# --- decided claims -------------------------------------------------------------
APPROVED_CLAIM = _s("approved", C, APPROVED, Checked.TRUTHFUL)
REJECTED_JOB = _s("rejected_job_won", C, REJECTED, Checked.PARTLY, F.JOB_WON)
REJECTED_CONTACT = _s(
    "rejected_late_contact", C, REJECTED, Checked.NONE, F.LATE_CONTACT, F.FEW_CONTACT_REVIEWS
)
REJECTED_CHANNEL = _s("rejected_channel", C, REJECTED, Checked.NONE, F.STANDARD_CHANNEL)
SUSPENDED_CLAIM = _s("suspended", C, SUSPENDED, Checked.UNTRUTHFUL)
# --- no claim yet (the phone desk) ---------------------------------------------
READY = _s("no_claim_ready", C)
IN_WAITING = _s("no_claim_waiting", Stage.WAITING)
BUYING = _s("no_claim_buying", Stage.BUYING, contacts=(3, 19))
AWAITING = _s("no_claim_awaiting_first_call", Stage.BUYING, None, Checked.NONE,
              F.AWAITING_CONTACT, contacts=(15, 19))  # fmt: skip
REVIEWS_MISSING = _s(
    "no_claim_reviews_missing", C, None, Checked.NONE, F.FEW_CONTACT_REVIEWS, F.FEW_FORMER_REVIEWS
)
NEW = _s("no_claim_new", Stage.NEW, contacts=(0, 0))
LAPSED = _s("no_claim_window_missed", Stage.LAPSED, contacts=(6, 17))
NO_PACK = _s("no_claim_pack_expired", C, None, Checked.NONE, F.NO_PACK_NOW)
SUCCESSFUL = _s("no_claim_job_won", C, None, Checked.NONE, F.JOB_WON)

FR, PT = Market.FR, Market.PT


@dataclass(frozen=True, slots=True)
class CoreEntry:
    market: Market
    scenario: Scenario
    quirks: frozenset[Quirk] = frozenset()


def _core(market: Market, scenario: Scenario, *quirks: Quirk) -> CoreEntry:
    return CoreEntry(market, scenario, frozenset(quirks))


COPIES, MARKUP = Quirk.COPIES, Quirk.MARKUP

# The default sample: each entry once, then drawn from FILL.
CORE: Final[tuple[CoreEntry, ...]] = (
    _core(FR, ELIGIBLE),
    _core(PT, ELIGIBLE, MARKUP),
    _core(FR, ELIGIBLE_TIE),
    _core(FR, UNVERIFIED, COPIES),
    _core(PT, UNVERIFIED),
    _core(FR, PARTLY, MARKUP),
    _core(PT, PARTLY, COPIES),
    _core(FR, SUSPICIOUS, COPIES),
    _core(PT, SUSPICIOUS),
    _core(FR, WAITING),
    _core(PT, WAITING, MARKUP),
    _core(PT, UNRECORDED),
    _core(FR, UNTRUTHFUL, COPIES),
    _core(PT, UNTRUTHFUL, MARKUP),
    _core(FR, FEW_VERIFIED),
    _core(PT, FEW),
    _core(PT, JOB_WON),
    _core(FR, PREVIOUS),
    _core(PT, PROFILE_LOW),
    _core(FR, PROFILE_DROP),
    _core(FR, INSURANCE),
    _core(FR, LICENCE, MARKUP),
    _core(PT, VERIFICATION),
    _core(PT, STANDARD),
    _core(FR, WINDOW),
    _core(PT, INCIDENT),
    _core(FR, LATE),
    _core(PT, NEVER),
    _core(FR, CONTACT_REVIEWS),
    _core(PT, FORMER_REVIEWS),
    _core(FR, PACK_THEN),
    _core(PT, PACK_NOW),
    _core(FR, PACK_NEITHER),
    _core(FR, MISSING, COPIES),
    _core(PT, BLANK),
    _core(PT, SEVERAL),
    _core(FR, APPROVED_CLAIM),
    _core(PT, APPROVED_CLAIM),
    _core(FR, REJECTED_JOB),
    _core(PT, REJECTED_CONTACT),
    _core(FR, SUSPENDED_CLAIM, COPIES),
    _core(PT, SUSPENDED_CLAIM),
    _core(FR, READY),
    _core(PT, READY),
    _core(FR, IN_WAITING),
    _core(PT, IN_WAITING),
    _core(FR, AWAITING),
    _core(PT, BUYING),
    _core(FR, REVIEWS_MISSING),
    _core(PT, REVIEWS_MISSING),
    _core(FR, NEW),
    _core(PT, NEW),
    _core(FR, LAPSED),
    _core(PT, NO_PACK),
    _core(FR, SUCCESSFUL),
    _core(PT, SUCCESSFUL),
)

# The mix beyond the core: (scenario, weight). About 42 % of professionals
# have a claim; most of the others are simply using the platform.
FILL: Final[tuple[tuple[Scenario, float], ...]] = (
    (SUCCESSFUL, 22.0),
    (BUYING, 11.0),
    (AWAITING, 2.0),
    (READY, 5.0),
    (IN_WAITING, 4.0),
    (REVIEWS_MISSING, 6.0),
    (NEW, 3.0),
    (LAPSED, 3.0),
    (NO_PACK, 2.0),
    (ELIGIBLE, 4.0),
    (ELIGIBLE_TIE, 0.2),
    (UNVERIFIED, 7.0),
    (PARTLY, 4.0),
    (SUSPICIOUS, 0.8),
    (WAITING, 3.0),
    (UNRECORDED, 0.5),
    (UNTRUTHFUL, 1.0),
    (APPROVED_CLAIM, 8.0),
    (REJECTED_JOB, 2.0),
    (REJECTED_CONTACT, 1.5),
    (REJECTED_CHANNEL, 1.5),
    (SUSPENDED_CLAIM, 1.0),
    (FEW, 0.6),
    (FEW_VERIFIED, 0.2),
    (JOB_WON, 0.8),
    (PREVIOUS, 0.4),
    (PROFILE_LOW, 0.5),
    (PROFILE_DROP, 0.3),
    (INSURANCE, 0.4),
    (LICENCE, 0.3),
    (VERIFICATION, 0.4),
    (STANDARD, 0.6),
    (WINDOW, 0.6),
    (INCIDENT, 0.4),
    (LATE, 0.6),
    (NEVER, 0.4),
    (CONTACT_REVIEWS, 0.6),
    (FORMER_REVIEWS, 0.6),
    (PACK_THEN, 0.3),
    (PACK_NOW, 0.3),
    (PACK_NEITHER, 0.2),
    (MISSING, 0.5),
    (BLANK, 0.3),
    (SEVERAL, 0.5),
)

# --- what the policy must say ---------------------------------------------------

_FAILS: Final[dict[Fault, ConditionId]] = {
    F.JOB_WON: ConditionId.NO_JOB_WON,
    F.PREVIOUS_REFUND: ConditionId.NO_PREVIOUS_REFUND,
    F.PROFILE_LOW: ConditionId.PROFILE_COMPLETE,
    F.PROFILE_DROP: ConditionId.PROFILE_COMPLETE,
    F.INSURANCE_LATE: ConditionId.TRUST_LABELS,
    F.LICENCE_GAP: ConditionId.TRUST_LABELS,
    F.VERIFICATION_LATE: ConditionId.TRUST_LABELS,
    F.STANDARD_CHANNEL: ConditionId.PRIORITY_DISCOUNT_CHANNEL,
    F.WINDOW_EXCEEDED: ConditionId.PURCHASE_WINDOW,
    F.PAYMENT_INCIDENT: ConditionId.NO_PAYMENT_INCIDENT,
    F.LATE_CONTACT: ConditionId.FIRST_CONTACT_24H,
    F.NEVER_CONTACTED: ConditionId.FIRST_CONTACT_24H,
}
# Faults that only fail a claim; without one, the professional can still put them right.
_FAILS_A_CLAIM: Final[dict[Fault, ConditionId]] = {
    F.FEW_CONTACT_REVIEWS: ConditionId.CONTACT_REVIEWS,
    F.FEW_FORMER_REVIEWS: ConditionId.FORMER_CLIENT_REVIEWS,
    F.NO_PACK_AT_SUBMISSION: ConditionId.ACTIVE_PACK,
    F.NO_PACK_NOW: ConditionId.ACTIVE_PACK,
    F.EXPLANATION_MISSING: ConditionId.EXPLANATIONS_COMPLETE,
    F.EXPLANATION_BLANK: ConditionId.EXPLANATIONS_COMPLETE,
}

# The approved earlier claim of a PREVIOUS_REFUND professional.
EARLIER_APPROVED: Final = Expectation(
    Verdict.ELIGIBLE, recommended_action(Verdict.ELIGIBLE, untruthful=False), frozenset()
)


def expect(scenario: Scenario) -> Expectation:
    """The verdict, action and failing conditions at the anchor (for the claim, if any)."""
    claim = scenario.claim is not None
    not_met = {cid for fault, cid in _FAILS.items() if fault in scenario.faults}
    if claim:
        not_met |= {cid for fault, cid in _FAILS_A_CLAIM.items() if fault in scenario.faults}
    if scenario.stage is Stage.LAPSED:
        not_met.add(ConditionId.PURCHASE_WINDOW)
    if claim and scenario.stage in (Stage.NEW, Stage.BUYING, Stage.LAPSED):
        not_met.add(ConditionId.FIRST_TWENTY_CONTACTS)
    untruthful = scenario.checked is Checked.UNTRUTHFUL
    if untruthful:
        not_met.add(ConditionId.EXPLANATIONS_VERIFIED)
    pending = (
        not claim
        or scenario.stage is not Stage.CLAIMABLE
        or scenario.checked in (Checked.NONE, Checked.PARTLY)
        or F.PROFILE_UNRECORDED in scenario.faults
        or F.AWAITING_CONTACT in scenario.faults
    )
    if not_met:
        verdict = Verdict.NOT_ELIGIBLE
    elif pending:
        verdict = Verdict.PENDING
    else:
        verdict = Verdict.ELIGIBLE
    action = recommended_action(verdict, untruthful=untruthful)
    return Expectation(verdict, action, frozenset(not_met))
