"""An import never changes what an agent or a supervisor decided.

The scenario of issue 9, as a new user met it: an export taken before any
decision, imported again after decisions and marks, reopened two decided
claims, cleared the marks and let the same refund be paid twice.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from guarantee_tui.i18n import translator
from guarantee_tui.policy import Market
from guarantee_tui.services import decisions, reopen, verification
from guarantee_tui.services.agents import set_role
from guarantee_tui.services.case_files import describe_kept, export_case_file, import_case_file
from guarantee_tui.services.log import verify
from guarantee_tui.store.models import (
    Claim,
    Decision,
    Explanation,
    LedgerEntry,
    LogEntry,
    OutboxMessage,
    Review,
)
from tests.builders import AT, claim_for, eligible_professional, tagged, with_purchase
from tests.store.helpers import insert

EN = translator("en")
MARKED = [f"M-L-{i:02d}" for i in range(1, 8)]


def add(engine: Engine, tag: str, *, verified: bool = True, broken: bool = False) -> str:
    pro = eligible_professional(Market.FR)
    if broken:
        pro = with_purchase(pro, 3, channel="standard")
    pro = tagged(pro, tag)
    claim = replace(claim_for(pro, verification="truthful" if verified else None), ref=f"CL-{tag}")
    insert(engine, pro, claim, company=f"Société {tag}", email=f"{tag.lower()}@x.fr")
    return claim.ref


def export(engine: Engine) -> dict[str, Any]:
    out = io.StringIO()
    export_case_file(engine, out, client_data=True)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


def state(engine: Engine) -> dict[str, Any]:
    """Everything a decision or a mark wrote, as rows."""
    with engine.connect() as conn:
        return {
            "claims": conn.execute(
                select(Claim.ref, Claim.status, Claim.version).order_by(Claim.ref)
            ).all(),
            "explanations": conn.execute(
                select(
                    Explanation.contact_ref,
                    Explanation.text,
                    Explanation.verification,
                    Explanation.verified_by,
                    Explanation.verified_at,
                    Explanation.verification_note,
                ).order_by(Explanation.contact_ref)
            ).all(),
            "decisions": conn.execute(
                select(Decision.id, Decision.claim_id, Decision.action).order_by(Decision.id)
            ).all(),
            "ledger": conn.execute(
                select(LedgerEntry.id, LedgerEntry.amount).order_by(LedgerEntry.id)
            ).all(),
            "log": conn.execute(select(LogEntry.seq, LogEntry.hash).order_by(LogEntry.seq)).all(),
            "outbox": conn.execute(select(func.count()).select_from(OutboxMessage)).scalar_one(),
        }


@pytest.fixture
def worked(engine: Engine, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """Three claims exported untouched, then approved, rejected and partly marked."""
    add(engine, "A")
    add(engine, "R", broken=True)
    add(engine, "M", verified=False)
    document = export(engine)
    path = tmp_path / "before-decisions.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    decisions.decide(engine, "CL-A", "approve", reason="All met", agent="Ana", at=AT)
    decisions.decide(
        engine, "CL-R", "reject", reason="standard channel", agent="Bob", at=AT + timedelta(1)
    )
    for i, contact in enumerate(MARKED):
        verification.mark(
            engine, "CL-M", contact, "truthful", agent="Ana", at=AT + timedelta(2, minutes=i)
        )
    return path, document


def test_reimporting_an_export_from_before_the_decisions_changes_none_of_them(
    engine: Engine, worked: tuple[Path, dict[str, Any]]
) -> None:
    path, _ = worked
    before = state(engine)
    assert [c.status for c in before["claims"]] == ["approved", "open", "rejected"]
    report = import_case_file(engine, path)
    assert state(engine) == before
    kept = {(k.claim_ref, k.kind, k.contact_ref) for k in report.kept}
    assert kept == {
        ("CL-A", "status", None),
        ("CL-R", "status", None),
        *(("CL-M", "verification", contact) for contact in MARKED),
    }
    lines = sorted(describe_kept(k, EN) for k in report.kept)
    assert (
        lines[0] == "CL-A: status in file 'open' ignored: approved by Ana on 1 Jun 2026 at 12:00."
    )
    assert lines[1] == (
        "CL-M: verification of contact M-L-01 in file 'null' ignored: "
        "marked truthful by Ana on 3 Jun 2026 at 12:00."
    )
    assert lines[-1] == (
        "CL-R: status in file 'open' ignored: rejected by Bob on 2 Jun 2026 at 12:00."
    )
    # A second approval is refused: the claim is still decided.
    with pytest.raises(decisions.ClaimNotOpen):
        decisions.decide(engine, "CL-A", "approve", reason="again", agent="Ana", at=AT)
    with engine.connect() as conn:
        balance = conn.execute(select(func.sum(LedgerEntry.amount))).scalar_one()
    assert balance == 240
    result = verify(engine)
    assert result.ok and result.count == 2 + len(MARKED)


def test_facts_keep_flowing_in_around_what_agents_decided(
    engine: Engine, worked: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    _, document = worked
    by_ref = {p["ref"]: p for p in document["professionals"]}
    approved = by_ref[next(r for r in by_ref if r.startswith("A"))]
    marked = by_ref[next(r for r in by_ref if r.startswith("M"))]
    approved["company_name"] = "Société A renommée"
    approved["reviews"].append(
        {"ref": "RV-NEW", "at": "2026-05-01T10:00:00Z", "rating": 5, "source": "former_client"}
    )
    for pro, ref in ((approved, "A-L-99"), (marked, "M-L-99")):
        pro["contact_purchases"].append({**pro["contact_purchases"][-1], "ref": ref})
    claim_a = approved["claims"][0]
    claim_a["status"] = "rejected"
    claim_a["explanations"][0]["text"] = "Une autre histoire"
    claim_a["explanations"].append({"contact_ref": "A-L-99", "text": "Nouvelle"})
    claim_m = marked["claims"][0]
    claim_m["explanations"][10]["text"] = "Texte corrigé par le professionnel"
    claim_m["explanations"].append({"contact_ref": "M-L-99", "text": "Nouvelle"})
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = state(engine)
    report = import_case_file(engine, path)
    kept = {(k.claim_ref, k.kind, k.contact_ref) for k in report.kept}
    assert {
        ("CL-A", "status", None),
        ("CL-A", "text", "A-L-01"),
        ("CL-A", "explanation", "A-L-99"),
        ("CL-M", "text", "M-L-11"),
    } <= kept
    after = state(engine)
    assert after["claims"][0] == before["claims"][0]  # CL-A: approved, same version
    assert after["decisions"] == before["decisions"]
    assert after["ledger"] == before["ledger"]
    assert after["log"] == before["log"]
    with engine.connect() as conn:
        contacts = set(conn.execute(select(Explanation.contact_ref)).scalars())
        reviews = set(conn.execute(select(Review.ref)).scalars())
        texts = dict(conn.execute(select(Explanation.contact_ref, Explanation.text)).all())
    # The open claim agents are working on gets the new explanation, the
    # decided one does not; texts agents worked on stay.
    assert "M-L-99" in contacts and "A-L-99" not in contacts
    assert texts["M-L-11"] != "Texte corrigé par le professionnel"
    assert "RV-NEW" in reviews
    assert report.professionals.updated == 1
    lines = [describe_kept(k, EN) for k in report.kept]
    assert (
        "CL-A: new explanation of contact A-L-99 ignored: approved by Ana on 1 Jun 2026 at 12:00."
        in lines
    )


def test_a_claim_nobody_acted_on_still_takes_the_files_status_and_marks(
    engine: Engine, tmp_path: Path
) -> None:
    add(engine, "A")
    document = export(engine)
    claim = document["professionals"][0]["claims"][0]
    claim["status"] = "rejected"
    claim["explanations"][0]["verification"] = None
    path = tmp_path / "f.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_case_file(engine, path)
    assert report.kept == ()
    with engine.connect() as conn:
        assert conn.execute(select(Claim.status)).scalar_one() == "rejected"


def test_a_reopened_claim_keeps_its_status_and_can_be_decided_again(
    engine: Engine, worked: tuple[Path, dict[str, Any]]
) -> None:
    path, _ = worked
    set_role(engine, "Sofia", "supervisor", AT)
    reopen.reopen(engine, "CL-A", reason="check again", agent="Sofia", at=AT + timedelta(3))
    report = import_case_file(engine, path)
    # The file says open, as the claim is: nothing to keep about its status.
    assert ("CL-A", "status") not in {(k.claim_ref, k.kind) for k in report.kept}
    decisions.decide(engine, "CL-A", "approve", reason="ok", agent="Ana", at=AT + timedelta(4))
    with engine.connect() as conn:
        amounts = list(conn.execute(select(LedgerEntry.amount).order_by(LedgerEntry.id)).scalars())
    assert amounts == [240, -240, 240]
    assert verify(engine).ok
