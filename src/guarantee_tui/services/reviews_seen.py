"""A supervisor's review of a decision, as the reviewed agent meets it.

A review (agree or disagree, with a note) is a log entry (services/log.py,
`record_review`). It must reach the agent who decided: the claim screen
shows the reviews of the claim's decisions (ui/widgets/claim_reviews.py),
to that agent and to supervisors; other agents are not shown another's
quality review.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from guarantee_tui.services.agents import lookup_actor
from guarantee_tui.store import log as store
from guarantee_tui.store.log import LogFilter

_DECISIONS = frozenset({"approve", "reject", "suspend"})
_REVIEWS = frozenset({"review_agree", "review_disagree"})


@dataclass(frozen=True, slots=True)
class ReviewSeen:
    decision_seq: int
    decision: str  # approve, reject, suspend
    decided_by: str
    reviewer: str
    agrees: bool
    note: str
    at: datetime
    market: str | None
    # The reviewed decision is the one standing on the claim (not reopened since).
    standing: bool


def reviews_of_claim(engine: Engine, claim_ref: str, agent: str | None) -> list[ReviewSeen]:
    """The reviews of `claim_ref`'s decisions that `agent` may read, oldest first:
    a supervisor reads them all, an agent those of their own decisions."""
    with engine.connect() as conn:
        actor = lookup_actor(conn, agent)
        entries = list(
            store.filtered_entries(
                conn,
                LogFilter(
                    claim_ref=claim_ref, actions=frozenset({*_DECISIONS, *_REVIEWS, "reopen"})
                ),
            )
        )
    decisions = {e.seq: e for e in entries if e.action in _DECISIONS}
    last_decision = max(decisions, default=None)
    reopened_after = last_decision is not None and any(
        e.action == "reopen" and e.seq > last_decision for e in entries
    )
    seen = []
    for e in entries:
        if e.action not in _REVIEWS or not e.details:
            continue
        reviewed = json.loads(e.details).get("reviewed_seq")
        decision = decisions.get(reviewed) if isinstance(reviewed, int) else None
        if decision is None:
            continue
        if not (actor.is_supervisor or decision.agent == actor.name):
            continue
        seen.append(
            ReviewSeen(
                decision_seq=decision.seq,
                decision=decision.action,
                decided_by=decision.agent,
                reviewer=e.agent,
                agrees=e.action == "review_agree",
                note=e.reason or "",
                at=e.at,
                market=e.market,
                standing=decision.seq == last_decision and not reopened_after,
            )
        )
    return seen
