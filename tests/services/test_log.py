"""The decision log: complete, tamper-evident, scoped by role, exportable, reviewable."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from guarantee_tui.i18n import translator
from guarantee_tui.policy import Market
from guarantee_tui.services import decisions, log, privacy, reopen, verification
from guarantee_tui.services.agents import NotAllowed, set_role
from guarantee_tui.services.log import LogFilter
from guarantee_tui.store.models import LedgerEntry, OutboxMessage, Professional
from tests.builders import AT, claim_for, eligible_professional, tagged, with_purchase
from tests.store.helpers import insert

EN = translator("en")


def add(engine: Engine, tag: str, *, market: Market = Market.FR, broken: bool = False) -> str:
    pro = eligible_professional(market)
    if broken:
        pro = with_purchase(pro, 2, channel="standard")
    pro = tagged(pro, tag)
    claim = replace(claim_for(pro), ref=f"CL-{tag}")
    insert(engine, pro, claim, email=f"{tag}@x.fr")
    return claim.ref


def decide(engine: Engine, ref: str, action: str, **kwargs: Any) -> decisions.Outcome:
    """Decides `ref`. `add`'s claims meet every condition unless broken: a
    rejection or a suspension carries a message for the professional saying why."""
    message = None if action == "approve" else "Nous avons vérifié votre demande par téléphone."
    return decisions.decide(engine, ref, action, message_for_professional=message, **kwargs)


@pytest.fixture
def team(engine: Engine) -> Engine:
    set_role(engine, "Sofia", "supervisor", AT)
    set_role(engine, "Ana", "agent", AT)
    set_role(engine, "Bob", "agent", AT)
    return engine


def test_every_act_is_in_the_chain_and_the_chain_verifies(team: Engine) -> None:
    a = add(team, "A")
    b = add(team, "B", broken=True, market=Market.PT)
    verification.mark(team, a, "A-L-01", "truthful", agent="Ana", at=AT)
    decide(team, a, "approve", reason="ok", agent="Ana", at=AT)
    decide(team, b, "reject", reason="channel", agent="Bob", at=AT)
    privacy.reveal(team, b, agent="Bob", at=AT)
    result = log.verify(team)
    assert result.ok
    assert result.count == 4
    assert result.head == log.head(team)[1]
    entries = list(log.iter_all(team))
    assert [e.action for e in entries] == [
        "mark_truthful",
        "approve",
        "reject",
        "reveal_client_data",
    ]
    assert entries[1].letter_text and "240\xa0crédits" in entries[1].letter_text
    checklist = json.loads(entries[1].checklist or "{}")
    assert [c["status"] for c in checklist["conditions"]] == ["met"] * 15
    assert entries[2].market == "PT"
    assert entries[2].letter_language == "pt"


def _tamper(engine: Engine, statement: str) -> None:
    """What an attacker with database access would do: drop the guard, then edit."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER log_entries_no_update"))
            conn.execute(text("DROP TRIGGER log_entries_no_delete"))
        else:
            conn.execute(text("ALTER TABLE log_entries DISABLE TRIGGER USER"))
        conn.execute(text(statement))


def _three_decisions(engine: Engine) -> None:
    for tag in ("X", "Y", "Z"):
        decide(engine, add(engine, tag), "reject", reason=f"r{tag}", agent="Ana", at=AT)


def test_an_edited_entry_is_named(team: Engine) -> None:
    _three_decisions(team)
    _tamper(team, "UPDATE log_entries SET reason = 'nothing to see' WHERE seq = 2")
    result = log.verify(team)
    assert not result.ok
    assert result.broken_seq == 2
    assert result.count == 1
    assert EN.render(result.problem) == "its content does not match its hash"  # type: ignore[arg-type]


def test_a_deleted_entry_is_named(team: Engine) -> None:
    ref = add(team, "M")
    for contact in ("M-L-01", "M-L-02", "M-L-03"):
        verification.mark(team, ref, contact, "truthful", agent="Ana", at=AT)
    _tamper(team, "DELETE FROM log_entries WHERE seq = 2")
    result = log.verify(team)
    assert not result.ok
    assert result.broken_seq == 2
    assert "missing" in EN.render(result.problem)  # type: ignore[arg-type]


def test_a_rewritten_hash_breaks_the_next_link(team: Engine) -> None:
    _three_decisions(team)
    _tamper(
        team, "UPDATE log_entries SET reason = 'x', hash = 'f' || substr(hash, 2) WHERE seq = 2"
    )
    result = log.verify(team)
    assert not result.ok
    assert result.broken_seq == 2


def test_agents_see_their_own_entries_supervisors_all(team: Engine) -> None:
    decide(team, add(team, "A"), "reject", reason="x", agent="Ana", at=AT)
    decide(team, add(team, "B"), "reject", reason="y", agent="Bob", at=AT)
    everything = LogFilter()
    assert log.count(team, everything, "Ana") == 1
    assert [e.agent for e in log.page(team, everything, "Bob", 0, 10)] == ["Bob"]
    assert log.count(team, everything, "Sofia") == 2
    # Asking for someone else's entries as an agent still gives only your own.
    assert log.count(team, LogFilter(agents=frozenset({"Bob"})), "Ana") == 1
    with pytest.raises(log.UnknownEntry):
        log.get(team, 2, "Ana")
    assert log.get(team, 2, "Sofia").agent == "Bob"


def test_filters_by_period_agent_market_action(team: Engine) -> None:
    decide(team, add(team, "A"), "reject", reason="x", agent="Ana", at=AT)
    later = AT + timedelta(days=3)
    decide(team, add(team, "B", market=Market.PT), "approve", reason="y", agent="Bob", at=later)
    sofia = "Sofia"
    assert log.count(team, LogFilter(start=AT + timedelta(days=1)), sofia) == 1
    assert log.count(team, LogFilter(end=AT + timedelta(days=1)), sofia) == 1
    assert log.count(team, LogFilter(markets=frozenset({"PT"})), sofia) == 1
    assert log.count(team, LogFilter(actions=frozenset({"approve"})), sofia) == 1
    assert log.count(team, LogFilter(agents=frozenset({"Ana", "Bob"})), sofia) == 2
    with pytest.raises(log.UnknownLogAction):
        log.check_actions(["approve", "delete"])


def test_csv_export_opens_in_french_and_portuguese_spreadsheets(team: Engine) -> None:
    decide(team, add(team, "A"), "approve", reason="Tout est bon ; « oui »", agent="Ana", at=AT)
    out = io.StringIO()
    assert log.export(team, out, LogFilter(), "Sofia", "csv", translator("fr")) == 1
    data = out.getvalue()
    assert data.startswith("\ufeff")  # UTF-8 BOM: accents survive
    rows = list(csv.reader(io.StringIO(data[1:]), delimiter=";"))
    assert rows[0][0] == "n°"
    assert rows[0][1] == "heure (UTC)"
    assert rows[1][1] == "2026-06-01 12:00:00"
    assert rows[1][9] == "Tout est bon ; « oui »"
    assert "240\xa0crédits" in rows[1][11]
    assert "\r\n" in data


def test_jsonl_export_is_one_object_per_line(team: Engine) -> None:
    decide(team, add(team, "A"), "reject", reason="x", agent="Ana", at=AT)
    verification.mark(team, add(team, "B"), "B-L-02", "untruthful", agent="Bob", at=AT, note="lie")
    out = io.StringIO()
    log.export(team, out, LogFilter(), "Sofia", "jsonl", EN)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["action"] for r in records] == ["reject", "mark_untruthful"]
    assert records[0]["checklist"]["verdict"] == "eligible"
    assert records[1]["details"] == {"contact_ref": "B-L-02"}
    assert records[1]["reason"] == "lie"


def test_figures_per_agent(team: Engine) -> None:
    for i, action in enumerate(("approve", "approve", "reject")):
        ref = add(team, f"F{i}")
        decide(
            team,
            ref,
            action,
            reason="r",
            agent="Ana",
            at=AT + timedelta(minutes=10 * (i + 1)),
            opened_at=AT,
        )
    decide(team, add(team, "G"), "reject", reason="r", agent="Bob", at=AT)
    figures = {f.agent: f for f in log.figures(team, LogFilter(), "Sofia")}
    ana = figures["Ana"]
    assert (ana.approve, ana.reject, ana.suspend, ana.decisions) == (2, 1, 0, 3)
    assert ana.approval_rate == pytest.approx(2 / 3)
    assert ana.median_seconds == 20 * 60
    assert figures["Bob"].median_seconds is None  # never opened through the workspace
    assert [f.agent for f in log.figures(team, LogFilter(), "Bob")] == ["Bob"]


def test_the_review_sample_is_reproducible_and_for_supervisors(team: Engine) -> None:
    for i in range(20):
        decide(
            team,
            add(team, f"S{i:02d}"),
            "reject",
            reason="r",
            agent="Ana",
            at=AT + timedelta(hours=i),
        )
    period = LogFilter(start=AT, end=AT + timedelta(days=2))
    first = log.review_sample(team, period, 25, "Sofia")
    assert len(first) == 5
    assert [e.seq for e in log.review_sample(team, period, 25, "Sofia")] == [e.seq for e in first]
    other = log.review_sample(team, replace(period, end=AT + timedelta(days=3)), 25, "Sofia")
    assert [e.seq for e in other] != [e.seq for e in first]
    with pytest.raises(NotAllowed):
        log.review_sample(team, period, 25, "Ana")
    with pytest.raises(log.InvalidPercent):
        log.review_sample(team, period, 0, "Sofia")
    review = log.record_review(
        team, first[0].seq, False, "Wrong reading of L-03", "Sofia", AT + timedelta(days=5)
    )
    assert review.action == "review_disagree"
    assert log.reviews_of(team, [first[0].seq])[first[0].seq].reason == "Wrong reading of L-03"
    with pytest.raises(NotAllowed):
        log.record_review(team, first[1].seq, True, "fine", "Ana", AT)
    assert log.verify(team).ok


def test_reopening_an_approval_reverses_the_refund(team: Engine) -> None:
    ref = add(team, "R")
    decide(team, ref, "approve", reason="ok", agent="Ana", at=AT)
    with pytest.raises(NotAllowed):
        reopen.reopen(team, ref, reason="no", agent="Ana", at=AT)
    done = reopen.reopen(
        team, ref, reason="Job won after all", agent="Sofia", at=AT + timedelta(hours=1)
    )
    assert done.previous_status == "approved"
    assert done.reversed_credits == 240
    with team.connect() as conn:
        ledger = conn.execute(
            select(LedgerEntry.amount, LedgerEntry.kind).order_by(LedgerEntry.id)
        ).all()
        outbox = conn.execute(
            select(OutboxMessage.payload)
            .where(OutboxMessage.kind == "credit")
            .order_by(OutboxMessage.id)
        ).all()
    assert [tuple(row) for row in ledger] == [(240, "guarantee_refund"), (-240, "refund_reversal")]
    assert [json.loads(row.payload)["reason"] for row in outbox] == [
        "guarantee_refund",
        "guarantee_refund_reversal",
    ]
    # Back in the queue, and decidable again.
    decide(team, ref, "reject", reason="job won", agent="Ana", at=AT + timedelta(hours=2))
    actions = [e.action for e in log.iter_all(team)]
    assert actions == ["approve", "reopen", "reject"]
    with pytest.raises(reopen.NotDecided):
        reopen.reopen(team, add(team, "O"), reason="x", agent="Sofia", at=AT)


def test_reopening_a_suspension_lifts_it(team: Engine) -> None:
    ref = add(team, "U")
    decide(team, ref, "suspend", reason="fake reviews", agent="Ana", at=AT)
    reopen.reopen(team, ref, reason="reviews checked, genuine", agent="Sofia", at=AT)
    with team.connect() as conn:
        status = conn.execute(select(Professional.status)).scalar_one()
        effects = conn.execute(
            select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.depends_on).order_by(
                OutboxMessage.id
            )
        ).all()
    assert status == "active"
    # The lift names the suspension it undoes, so it waits for that one's answer;
    # a reopening sends no letter of its own.
    assert [e.kind for e in effects] == ["suspension", "letter", "lift"]
    assert effects[2].depends_on == effects[0].id


def test_masking_keeps_enough_to_tell_contacts_apart() -> None:
    assert privacy.mask_name("Marie Moreau") == "M. M."
    assert privacy.mask_phone("06 12 34 56 78") == "•• •• •• •• 78"
    assert privacy.mask_phone("+351 912 345 678") == "+••• ••• ••• •78"


def test_supervisors_see_client_data(team: Engine) -> None:
    assert privacy.sees_client_data(team, "Sofia")
    assert not privacy.sees_client_data(team, "Ana")


def test_log_times_are_utc_with_microseconds(team: Engine) -> None:
    at = datetime(2026, 6, 1, 12, 0, 0, 123456, tzinfo=UTC)
    decide(team, add(team, "T"), "reject", reason="x", agent="Ana", at=at)
    (entry,) = log.iter_all(team)
    assert entry.at == at
    assert log.verify(team).ok
