"""What the screens show of the marketplace's effects (services/effects.py).

The header's counts, the effects of one claim with what each waits for and
why a cancelled one was cancelled, and a supervisor's list of effects that
need attention. Plain data, so the screens never see the store's rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Engine

from guarantee_tui.services.effects import STUCK_AFTER
from guarantee_tui.store import outbox
from guarantee_tui.store.log import LogFilter, filtered_entries
from guarantee_tui.store.outbox import Effect

# Not yet delivered, not given up: what "N waiting" counts.
WAITING: Final = ("pending", "sending", "retrying")
CANCEL_ACTION: Final = "cancel_effect"


@dataclass(frozen=True, slots=True)
class LinkCounts:
    waiting: int
    failed: int


@dataclass(frozen=True, slots=True)
class EffectView:
    id: int
    kind: str  # credit, suspension, lift, letter
    state: str  # pending, sending, delivered, retrying, failed, cancelled
    professional: str
    claim: str | None
    tries: int
    created_at: datetime
    next_try_at: datetime | None
    delivered_at: datetime | None
    last_error: str | None
    response_status: int | None
    balance_credits: int | None
    # A credit adjustment's amount (negative for a reversal).
    amount_credits: int | None
    # The kind of the earlier effect this one waits for, when it waits for one.
    waiting_for: str | None = None
    # Why a supervisor cancelled it (from the decision log).
    cancel_reason: str | None = None

    @property
    def short_error(self) -> str | None:
        """The last error in a few words: "503 unavailable", "404 unknown professional",
        "timeout"."""
        return short_error(self.last_error)


def short_error(error: str | None) -> str | None:
    if not error:
        return None
    # "404 unknown_professional: unknown professional P-1 [key ...]" -> "404 unknown professional";
    # "timeout (ReadTimeout)" -> "timeout".
    head = error.split(":", 1)[0].split(" (", 1)[0].split(" [", 1)[0].strip()
    return head.replace("_", " ") or error


def _amount(effect: Effect) -> int | None:
    if effect.kind != "credit":
        return None
    try:
        value = json.loads(effect.payload).get("amount_credits")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _view(
    effect: Effect, waiting_for: str | None = None, cancel_reason: str | None = None
) -> EffectView:
    return EffectView(
        id=effect.id,
        kind=effect.kind,
        state=effect.state,
        professional=effect.professional,
        claim=effect.claim,
        tries=effect.tries,
        created_at=effect.created_at,
        next_try_at=effect.next_try_at,
        delivered_at=effect.delivered_at,
        last_error=effect.last_error,
        response_status=effect.response_status,
        balance_credits=effect.balance_credits,
        amount_credits=_amount(effect),
        waiting_for=waiting_for,
        cancel_reason=cancel_reason,
    )


def link_counts(engine: Engine) -> LinkCounts:
    """The header's "N waiting · N failed"."""
    with engine.connect() as conn:
        counts = outbox.count_by_state(conn)
    return LinkCounts(sum(counts.get(s, 0) for s in WAITING), counts.get("failed", 0))


def _cancel_reasons(details: list[tuple[Any, str | None]]) -> dict[int, str]:
    reasons: dict[int, str] = {}
    for raw, reason in details:
        try:
            effect_id = json.loads(raw).get("effect") if raw else None
        except (ValueError, AttributeError):
            continue
        if isinstance(effect_id, int) and reason:
            reasons[effect_id] = reason
    return reasons


def claim_effects(engine: Engine, claim_ref: str) -> list[EffectView]:
    """The claim's effects, oldest first, each with what it waits for."""
    with engine.connect() as conn:
        effects = outbox.of_claim(conn, claim_ref)
        reasons: dict[int, str] = {}
        if any(e.state == "cancelled" for e in effects):
            f = LogFilter(claim_ref=claim_ref, actions=frozenset({CANCEL_ACTION}))
            reasons = _cancel_reasons([(e.details, e.reason) for e in filtered_entries(conn, f)])
    by_id = {e.id: e for e in effects}
    views: list[EffectView] = []
    for effect in effects:
        waiting_for = None
        if effect.state == "pending":
            dependency = by_id.get(effect.depends_on) if effect.depends_on else None
            if dependency is not None and dependency.state not in outbox.SETTLED:
                waiting_for = dependency.kind
            else:
                earlier = [
                    e
                    for e in effects
                    if e.id < effect.id
                    and e.professional == effect.professional
                    and e.state not in outbox.SETTLED
                ]
                waiting_for = earlier[-1].kind if earlier else None
        views.append(_view(effect, waiting_for, reasons.get(effect.id)))
    return views


def needing_attention(
    engine: Engine, at: datetime | None = None, stuck_after: timedelta = STUCK_AFTER
) -> list[EffectView]:
    """Failed effects, and those still undelivered `stuck_after` after their act
    (each professional's first only: the one to act on)."""
    with engine.connect() as conn:
        found = outbox.problems(conn, at or datetime.now(UTC), stuck_after)
    return [_view(e) for e in found]
