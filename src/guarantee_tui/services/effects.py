"""The effects of acts on the marketplace: what each act queues, and their upkeep.

Each act writes its effects in its own transaction (the transactional
outbox, store/outbox.py), in this order:

- approve: a credit adjustment of +refund (`guarantee_refund`), then the letter;
- reject: the letter;
- suspend: the suspension (platform abuse, with the agent's reason as its
  note), then the letter;
- reopening an approval: a credit adjustment of -refund
  (`guarantee_refund_reversal`); reopening a suspension: the lift of the
  suspension id the marketplace returned for it (the lift waits for that
  answer). A reopening sends no letter.

The letter is the decision's letter as recorded, in the professional's
language: its first paragraph ("Subject: ...") gives the subject, the rest
the body.

A supervisor retries a failed (or waiting) effect, or cancels it with a
reason, which is logged like any act. `sync` delivers what is due (see
platform/dispatcher.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy import Connection, Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import N_, Translator
from guarantee_tui.services.agents import NotAllowed, resolve_actor
from guarantee_tui.store import outbox
from guarantee_tui.store.log import NewEntry, append, canonical_json
from guarantee_tui.store.outbox import Effect
from guarantee_tui.store.transactions import write_transaction

if TYPE_CHECKING:
    from guarantee_tui.platform.dispatcher import Dispatcher, Tally
    from guarantee_tui.platform.settings import MarketplaceSettings

SUBJECT_MAX: Final = 200
NOTE_MAX: Final = 2000
# Contract languages by the letters' language codes.
LETTER_LANGUAGES: Final = {"fr": "fr", "pt": "pt", "pt_PT": "pt"}
# An effect still undelivered this long after its act is "stuck" for supervisors.
STUCK_AFTER: Final = timedelta(minutes=15)


class UnknownEffect(UserError):
    def __init__(self, effect_id: int) -> None:
        super().__init__(str(effect_id))
        self.effect_id = effect_id

    def describe(self, tr: Translator) -> str:
        return tr("There is no effect {id}.", id=self.effect_id)


class EffectSettled(UserError):
    """Retrying or cancelling an effect that is delivered, cancelled, or being sent."""

    def __init__(self, effect_id: int, state: str) -> None:
        super().__init__(str(effect_id))
        self.effect_id, self.state = effect_id, state

    def describe(self, tr: Translator) -> str:
        if self.state == "sending":
            return tr(
                "Effect {id} is being sent right now: look again in a moment.", id=self.effect_id
            )
        if self.state == "delivered":
            return tr("Effect {id} was delivered: there is nothing to do.", id=self.effect_id)
        return tr("Effect {id} was cancelled: there is nothing to do.", id=self.effect_id)


# --- what acts queue ----------------------------------------------------------


def split_letter(text: str) -> tuple[str, str]:
    """A recorded letter as (subject, body): its first paragraph is the subject line."""
    first, _, rest = text.strip().partition("\n\n")
    subject = first.split(":", 1)[1].strip() if ":" in first else first.strip()
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    return subject, rest.strip() or text.strip()


def _letter(
    conn: Connection,
    *,
    professional: str,
    claim: str,
    language: str,
    text: str,
    at: datetime,
    log_seq: int | None,
) -> int:
    subject, body = split_letter(text)
    effect_id, _ = outbox.add_effect(
        conn,
        kind="letter",
        professional=professional,
        claim=claim,
        payload={
            "professional": professional,
            "claim": claim,
            "language": LETTER_LANGUAGES.get(language, language),
            "subject": subject,
            "body": body,
        },
        at=at,
        log_seq=log_seq,
    )
    return effect_id


def enqueue_decision_effects(
    conn: Connection,
    *,
    action: str,
    professional: str,
    claim: str,
    log_seq: int,
    at: datetime,
    letter_language: str,
    letter_text: str,
    refund_credits: int | None = None,
    note: str | None = None,
) -> list[int]:
    """Queues a decision's effects in the caller's transaction; returns their ids.

    `action` is approve (needs `refund_credits` > 0), reject or suspend
    (`note`: the agent's reason, sent with the suspension).
    """
    ids: list[int] = []

    def add(kind: str, payload: dict[str, object]) -> None:
        effect_id, _ = outbox.add_effect(
            conn,
            kind=kind,
            professional=professional,
            claim=claim,
            payload=payload,
            at=at,
            log_seq=log_seq,
        )
        ids.append(effect_id)

    if action == "approve":
        if not refund_credits or refund_credits <= 0:
            raise ValueError("an approval's effects need a positive refund")
        add(
            "credit",
            {
                "professional": professional,
                "amount_credits": refund_credits,
                "reason": "guarantee_refund",
                "claim": claim,
            },
        )
    elif action == "suspend":
        body: dict[str, object] = {
            "professional": professional,
            "reason": "platform_abuse",
            "claim": claim,
        }
        if note and note.strip():
            body["note"] = note.strip()[:NOTE_MAX]
        add("suspension", body)
    elif action != "reject":
        raise ValueError(f"unknown action {action!r}")
    ids.append(
        _letter(
            conn,
            professional=professional,
            claim=claim,
            language=letter_language,
            text=letter_text,
            at=at,
            log_seq=log_seq,
        )
    )
    return ids


def enqueue_reopening_effects(
    conn: Connection,
    *,
    previous_status: str,
    professional: str,
    claim: str,
    log_seq: int,
    at: datetime,
    reversed_credits: int | None = None,
) -> list[int]:
    """Queues what undoing a decision takes on the marketplace; returns the ids.

    An approval's refund is reversed (`reversed_credits` > 0, the refund);
    a suspension is lifted: the lift points at the claim's suspension effect
    and is sent with the id the marketplace returned for it. A suspension
    that was cancelled, never sent, leaves nothing to lift.
    """
    if previous_status == "approved" and reversed_credits:
        credit_id, _ = outbox.add_effect(
            conn,
            kind="credit",
            professional=professional,
            claim=claim,
            payload={
                "professional": professional,
                "amount_credits": -abs(reversed_credits),
                "reason": "guarantee_refund_reversal",
                "claim": claim,
            },
            at=at,
            log_seq=log_seq,
        )
        return [credit_id]
    if previous_status == "suspended":
        suspension = outbox.latest_of_claim(conn, claim, "suspension")
        if suspension is None:
            return []
        lift_id, _ = outbox.add_effect(
            conn,
            kind="lift",
            professional=professional,
            claim=claim,
            payload={"reason": "decision_reopened", "claim": claim},
            depends_on=suspension.id,
            at=at,
            log_seq=log_seq,
        )
        return [lift_id]
    return []


# --- a supervisor's upkeep ----------------------------------------------------


def _supervisor(conn: Connection, agent: str | None, at: datetime, act: str) -> tuple[str, str]:
    actor = resolve_actor(conn, agent, at)
    if not actor.is_supervisor:
        raise NotAllowed(actor, act)
    return actor.name, actor.role


def _open_effect(conn: Connection, effect_id: int, at: datetime) -> Effect:
    effect = outbox.get(conn, effect_id, for_update=True)
    if effect is None:
        raise UnknownEffect(effect_id)
    leased = effect.lease_until is not None and effect.lease_until > at
    if effect.state in outbox.SETTLED or (effect.state == "sending" and leased):
        raise EffectSettled(effect_id, effect.state)
    return effect


def retry_effect(engine: Engine, effect_id: int, *, agent: str | None, at: datetime) -> Effect:
    """A failed (or waiting) effect is tried again at the next chance (a failed
    one under a new key: see store.outbox.set_due_now)."""
    with write_transaction(engine) as conn:
        _supervisor(conn, agent, at, N_("retry an effect"))
        outbox.set_due_now(conn, _open_effect(conn, effect_id, at), at)
        effect = outbox.get(conn, effect_id)
        assert effect is not None
        return effect


def cancel_effect(
    engine: Engine, effect_id: int, *, reason: str, agent: str | None, at: datetime
) -> Effect:
    """Gives up an effect for good, with a reason recorded in the decision log.

    The professional's later effects are then sent; a lift whose suspension
    is cancelled fails (nothing to lift) and is cancelled in turn.
    """
    from guarantee_tui.services.decisions import ReasonRequired

    if not reason.strip():
        raise ReasonRequired(str(effect_id))
    with write_transaction(engine) as conn:
        name, role = _supervisor(conn, agent, at, N_("cancel an effect"))
        effect = _open_effect(conn, effect_id, at)
        append(
            conn,
            NewEntry(
                at=at,
                agent=name,
                role=role,
                action="cancel_effect",
                claim_ref=effect.claim,
                professional_ref=effect.professional,
                reason=reason.strip(),
                details=canonical_json(
                    {
                        "effect": effect.id,
                        "kind": effect.kind,
                        "idempotency_key": effect.idempotency_key,
                        "state": effect.state,
                        "tries": effect.tries,
                        "last_error": effect.last_error,
                        "payload": effect.payload,
                    }
                ),
            ),
        )
        outbox.set_cancelled(conn, effect_id)
        cancelled = outbox.get(conn, effect_id)
        assert cancelled is not None
        return cancelled


def effects_of_claim(engine: Engine, claim_ref: str) -> list[Effect]:
    with engine.connect() as conn:
        return outbox.of_claim(conn, claim_ref)


def failed_or_stuck(
    engine: Engine, at: datetime | None = None, stuck_after: timedelta = STUCK_AFTER
) -> list[Effect]:
    with engine.connect() as conn:
        return outbox.problems(conn, at or datetime.now(UTC), stuck_after)


def counts(engine: Engine) -> dict[str, int]:
    """Effects by state (the header's "N waiting, N failed")."""
    with engine.connect() as conn:
        return outbox.count_by_state(conn)


def remaining(engine: Engine) -> list[Effect]:
    """Each professional's first undelivered effect: why their queue is not empty."""
    with engine.connect() as conn:
        return outbox.unsettled_heads(conn)


# --- delivering ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncResult:
    delivered: int
    retried: int
    failed: int
    remaining: list[Effect]


def dispatcher(
    engine: Engine,
    settings: MarketplaceSettings,
    *,
    workers: int | None = None,
    timeout: float | None = None,
) -> Dispatcher:
    """A dispatcher on the configured marketplace (its client closes with `close_dispatcher`)."""
    from guarantee_tui.platform.client import DEFAULT_TIMEOUT, MarketplaceClient
    from guarantee_tui.platform.dispatcher import DEFAULT_WORKERS, Dispatcher

    url, token = settings.require()
    n = workers or DEFAULT_WORKERS
    client = MarketplaceClient(url, token, timeout=timeout or DEFAULT_TIMEOUT, connections=n)
    return Dispatcher(engine, client, workers=n)


def sync(
    engine: Engine,
    settings: MarketplaceSettings,
    *,
    max_wait: float = 30.0,
    watch: bool = False,
    started: Callable[[Dispatcher], None] | None = None,
    on_progress: Callable[[Tally], None] | None = None,
) -> SyncResult:
    """Delivers every due effect; waits for retries at most `max_wait` seconds
    (with `watch`, runs until the dispatcher is stopped). Raises TokenRejected
    on a 401, MarketplaceNotConfigured or TokenMissing on bad settings."""
    worker = dispatcher(engine, settings)
    try:
        if started is not None:
            started(worker)
        tally = worker.run(watch=watch, max_wait=max_wait, on_progress=on_progress)
    finally:
        worker.client.close()
    return SyncResult(tally.delivered, tally.retried, tally.failed, remaining(engine))
