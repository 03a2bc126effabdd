"""Deciding claims: what is recorded, what is refused, and that nothing is half-written."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, text

from guarantee_tui.services import decisions, verification
from guarantee_tui.services.checks import UnknownClaim
from guarantee_tui.services.log import verify
from guarantee_tui.store.models import (
    Claim,
    Decision,
    Explanation,
    LedgerEntry,
    LogEntry,
    OutboxMessage,
    Professional,
)
from tests.builders import AT, claim_for, eligible_professional, tagged, with_purchase
from tests.store.helpers import insert


def add(
    engine: Engine,
    tag: str,
    *,
    market: str = "FR",
    verification_: str | None = "truthful",
    broken: bool = False,
    ref: str | None = None,
) -> str:
    from guarantee_tui.policy import Market

    pro = eligible_professional(Market(market))
    if broken:
        pro = with_purchase(pro, 3, channel="standard")
    pro = tagged(pro, tag)
    claim = replace(claim_for(pro, verification=verification_), ref=ref or f"CL-{tag}")
    insert(engine, pro, claim, company=f"Société {tag} [b]x[/b]", email=f"{tag}@x.fr")
    return claim.ref


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            model.__tablename__: conn.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Decision, LedgerEntry, LogEntry, OutboxMessage)
        }


def test_approve_records_everything_in_one_go(engine: Engine) -> None:
    ref = add(engine, "A")
    outcome = decisions.decide(
        engine, ref, "approve", reason="All conditions met", agent="Ana", at=AT, language="fr"
    )
    assert outcome.status == "approved"
    assert outcome.refund_credits == 240
    assert outcome.letter_language == "fr"
    assert "240\xa0crédits" in outcome.letter
    assert "01 84 88 82 46" in outcome.letter and "support@habitissimo.fr" in outcome.letter
    assert "Société A [b]x[/b]" in outcome.letter
    with engine.connect() as conn:
        claim = conn.execute(
            select(Claim.status, Claim.version, Claim.verdict).where(Claim.ref == ref)
        ).one()
        ledger = conn.execute(select(LedgerEntry.amount, LedgerEntry.kind)).one()
        decision = conn.execute(select(Decision.__table__)).mappings().one()
        effects = conn.execute(
            select(OutboxMessage.kind, OutboxMessage.payload).order_by(OutboxMessage.id)
        ).all()
    assert claim.status == "approved" and claim.version == 2
    assert (ledger.amount, ledger.kind) == (240, "guarantee_refund")
    record = json.loads(decision["checklist"])
    assert record["verdict"] == "eligible"
    assert record["language"] == "fr"
    assert [c["status"] for c in record["conditions"]] == ["met"] * 15
    assert decision["agent"] == "Ana"
    # The refund reaches the balance first, then the letter tells of it.
    assert [e.kind for e in effects] == ["credit", "letter"]
    assert json.loads(effects[0].payload)["amount_credits"] == 240
    letter = json.loads(effects[1].payload)
    assert letter["language"] == "fr"
    assert letter["subject"] and letter["subject"] in outcome.letter
    assert letter["body"] in outcome.letter
    assert verify(engine).ok


def test_reject_letter_lists_unmet_conditions_with_dates(engine: Engine) -> None:
    ref = add(engine, "R", market="PT", broken=True)
    outcome = decisions.decide(
        engine, ref, "reject", reason="standard channel", agent="Rui", at=AT, language="en"
    )
    assert outcome.letter_language == "pt"
    assert "serviço prioritário com desconto" in outcome.letter
    assert "R-L-04" in outcome.letter
    assert "308 801 879" in outcome.letter
    # Advice on dealing with clients would be beside the point for a purchase channel.
    assert "dicas_conseguir_clientes" not in outcome.letter
    assert counts(engine)["ledger_entries"] == 0
    with engine.connect() as conn:
        effects = conn.execute(
            select(OutboxMessage.kind, OutboxMessage.payload).order_by(OutboxMessage.id)
        ).all()
    # A rejection reaches the professional too: its letter is the only effect.
    assert [e.kind for e in effects] == ["letter"]
    assert json.loads(effects[0].payload)["language"] == "pt"


def test_suspend_names_the_untruthful_contacts_and_suspends_the_profile(engine: Engine) -> None:
    ref = add(engine, "S")
    verification.mark(
        engine,
        ref,
        "S-L-07",
        "untruthful",
        agent="Ana",
        at=AT,
        note="The client says nobody called",
    )
    draft = decisions.draft(engine, ref, "suspend", AT)
    assert draft.allowed
    assert draft.untruthful == ("S-L-07",)
    outcome = decisions.decide(engine, ref, "suspend", reason="untruthful", agent="Ana", at=AT)
    assert "S-L-07" in outcome.letter
    assert "abus de la plate-forme" in outcome.letter
    with engine.connect() as conn:
        status, why = conn.execute(
            select(Professional.status, Professional.suspension_reason)
        ).one()
    assert status == "suspended"
    assert why is not None
    assert why.startswith("platform_abuse")
    with engine.connect() as conn:
        effects = conn.execute(
            select(OutboxMessage.kind, OutboxMessage.payload).order_by(OutboxMessage.id)
        ).all()
    assert [e.kind for e in effects] == ["suspension", "letter"]
    assert json.loads(effects[0].payload)["reason"] == "platform_abuse"


def test_approve_is_refused_unless_eligible(engine: Engine) -> None:
    ref = add(engine, "N", verification_=None)
    draft = decisions.draft(engine, ref, "approve", AT)
    assert not draft.allowed
    before = counts(engine)
    with pytest.raises(decisions.ActionNotAllowed) as info:
        decisions.decide(engine, ref, "approve", reason="ok", agent="Ana", at=AT)
    assert "pending" in str(info.value)
    assert counts(engine) == before


def test_suspend_without_untruthful_needs_a_message_and_a_reason(engine: Engine) -> None:
    ref = add(engine, "X")
    assert not decisions.draft(engine, ref, "suspend", AT).allowed
    # The reason stays in the log: it does not explain the suspension to the professional.
    assert not decisions.draft(engine, ref, "suspend", AT, reason="Fake reviews").allowed
    message = "Vos avis ont été rédigés depuis votre compte."
    assert decisions.draft(
        engine, ref, "suspend", AT, reason="Fake reviews", message_for_professional=message
    ).allowed
    with pytest.raises(decisions.ReasonRequired):
        decisions.decide(
            engine,
            ref,
            "suspend",
            reason="  ",
            message_for_professional=message,
            agent="Ana",
            at=AT,
        )


@pytest.mark.parametrize(
    ("action", "refusal"),
    [
        ("reject", "No condition fails: a rejection needs a message to the professional"),
        ("suspend", "Suspend needs an explanation marked untruthful, or a message to the"),
    ],
)
def test_a_decision_the_checklist_does_not_explain_needs_a_message_for_the_professional(
    engine: Engine, action: str, refusal: str
) -> None:
    # Every condition met, no explanation untruthful: the checklist explains neither.
    ref = add(engine, "W")
    reason = "Julien (internal): the client told us on the phone"
    before = counts(engine)
    for message in (None, "", " \n "):
        drafted = decisions.draft(engine, ref, action, AT, reason, message_for_professional=message)
        assert not drafted.allowed
        with pytest.raises(decisions.ActionNotAllowed, match=refusal):
            decisions.decide(
                engine,
                ref,
                action,
                reason=reason,
                agent="Ana",
                at=AT,
                message_for_professional=message,
            )
    assert counts(engine) == before
    message = "Le client nous a confirmé avoir trouvé un artisan par un autre moyen."
    assert decisions.draft(
        engine, ref, action, AT, reason, message_for_professional=message
    ).allowed
    outcome = decisions.decide(
        engine, ref, action, reason=reason, agent="Ana", at=AT, message_for_professional=message
    )
    assert outcome.status == decisions.NEW_STATUS[action]
    assert message in outcome.letter and "Julien" not in outcome.letter
    with engine.connect() as conn:
        logged = conn.execute(select(LogEntry.reason, LogEntry.letter_text)).one()
        decided = conn.execute(select(Decision.reason, Decision.letter_text)).one()
        sent = conn.execute(
            select(OutboxMessage.payload).where(OutboxMessage.kind == "letter")
        ).scalar_one()
    # The reason stays in the log entry and the decision row; the letter is the message's.
    assert logged.reason == decided.reason == reason
    assert logged.letter_text == decided.letter_text == outcome.letter
    assert message in json.loads(sent)["body"] and "Julien" not in sent
    assert verify(engine).ok


def test_a_claim_is_never_decided_twice(engine: Engine) -> None:
    ref = add(engine, "T")
    decisions.decide(
        engine, ref, "reject", reason="first", message_for_professional="Non.", agent="Ana", at=AT
    )
    with pytest.raises(decisions.ClaimNotOpen):
        decisions.decide(engine, ref, "approve", reason="second", agent="Bob", at=AT)
    assert counts(engine)["decisions"] == 1


def test_a_stale_version_is_refused(engine: Engine) -> None:
    ref = add(engine, "V")
    seen = decisions.draft(engine, ref, "approve", AT).version
    verification.mark(engine, ref, "V-L-02", None, agent="Bob", at=AT)
    with pytest.raises(decisions.ClaimChanged):
        decisions.decide(
            engine, ref, "reject", reason="late", agent="Ana", at=AT, seen_version=seen
        )
    assert counts(engine)["decisions"] == 0


def test_a_failure_midway_leaves_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = add(engine, "F")
    before = counts(engine)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(decisions, "enqueue_decision_effects", explode)
    with pytest.raises(RuntimeError):
        decisions.decide(engine, ref, "approve", reason="ok", agent="Ana", at=AT)
    assert counts(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(Claim.status).where(Claim.ref == ref)).scalar_one() == "open"


def test_unknown_claim_and_action(engine: Engine) -> None:
    with pytest.raises(UnknownClaim):
        decisions.decide(engine, "CL-NONE", "approve", reason="x", agent="A", at=AT)
    with pytest.raises(decisions.UnknownAction):
        decisions.decide(engine, "CL-NONE", "destroy", reason="x", agent="A", at=AT)


def test_marks_record_who_and_when_and_move_the_verdict(engine: Engine) -> None:
    ref = add(engine, "M", verification_=None)
    with pytest.raises(verification.NoteRequired):
        verification.mark(engine, ref, "M-L-01", "untruthful", agent="Ana", at=AT)
    with pytest.raises(verification.NoExplanation):
        verification.mark(engine, ref, "M-L-99", "truthful", agent="Ana", at=AT)
    for i in range(1, 21):
        verification.mark(
            engine, ref, f"M-L-{i:02d}", "truthful", agent="Ana", at=AT + timedelta(seconds=i)
        )
    with engine.connect() as conn:
        row = conn.execute(
            select(Explanation.verified_by, Explanation.verified_at).where(
                Explanation.contact_ref == "M-L-05"
            )
        ).one()
        verdict = conn.execute(select(Claim.verdict).where(Claim.ref == ref)).scalar_one()
        actions = conn.execute(select(LogEntry.action)).scalars().all()
    assert row.verified_by == "Ana"
    assert row.verified_at == AT + timedelta(seconds=5)
    assert verdict == "eligible"
    assert actions == ["mark_truthful"] * 20
    cleared = verification.mark(engine, ref, "M-L-05", None, agent="Ana", at=AT)
    assert cleared.verification is None
    with engine.connect() as conn:
        assert conn.execute(select(Claim.verdict).where(Claim.ref == ref)).scalar_one() == "pending"


def test_the_log_refuses_edits(engine: Engine) -> None:
    ref = add(engine, "L")
    decisions.decide(
        engine, ref, "reject", reason="x", message_for_professional="Non.", agent="Ana", at=AT
    )
    for statement in ("UPDATE log_entries SET reason = 'changed'", "DELETE FROM log_entries"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert verify(engine).ok
