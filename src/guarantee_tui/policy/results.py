"""What evaluating a claim yields: a result per condition, a verdict, an action."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from guarantee_tui.policy.facts import Purchase
from guarantee_tui.policy.messages import Message
from guarantee_tui.policy.vocabulary import Action, ConditionId, Market, Status, Verdict


def verdict_of(statuses: Iterable[Status]) -> Verdict:
    """POLICY.md: not eligible if any condition is not met, else pending if any is open."""
    seen = set(statuses)
    if Status.NOT_MET in seen:
        return Verdict.NOT_ELIGIBLE
    if Status.PENDING in seen or Status.UNKNOWN in seen:
        return Verdict.PENDING
    return Verdict.ELIGIBLE


def recommended_action(verdict: Verdict, *, untruthful: bool) -> Action:
    """POLICY.md: suspend when an explanation is untruthful, else what the verdict says."""
    if untruthful:
        return Action.SUSPEND
    match verdict:
        case Verdict.NOT_ELIGIBLE:
            return Action.REJECT
        case Verdict.ELIGIBLE:
            return Action.APPROVE
        case Verdict.PENDING:
            return Action.WAIT


@dataclass(frozen=True, slots=True)
class ConditionResult:
    id: ConditionId
    status: Status
    evidence: Message
    # The contacts this result points at (offenders, or the ones still open),
    # so a screen can flag their rows.
    contacts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Milestones:
    """The dates that frame a professional's guarantee."""

    purchases: int  # how many of the 20 are bought (0..20)
    first_purchase_at: datetime | None
    twentieth_purchase_at: datetime | None
    # The 20th purchase must come no later than this.
    purchase_deadline: datetime | None
    # A claim can be judged from this moment (20th purchase + 1 month).
    claimable_from: datetime | None


@dataclass(frozen=True, slots=True)
class Checklist:
    professional: str
    market: Market
    claim: str | None
    at: datetime
    results: tuple[ConditionResult, ...]
    verdict: Verdict
    action: Action
    refund_credits: int | None
    milestones: Milestones
    # The (up to) 20 contacts the guarantee concerns, in order.
    contacts: tuple[Purchase, ...]
    # With the same facts, every status stays as it is until this instant
    # (None: for ever). Lets a stored verdict be refreshed exactly when
    # time alone would change it, such as the end of the waiting period.
    stable_until: datetime | None = None

    def result(self, condition: ConditionId | str) -> ConditionResult:
        for r in self.results:
            if r.id == condition:
                return r
        raise KeyError(condition)

    @property
    def failed(self) -> tuple[ConditionResult, ...]:
        return tuple(r for r in self.results if r.status is Status.NOT_MET)
