"""`guarantee-tui check` keeps the contract of tests/data/check-output.md."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from guarantee_tui.cli import main
from guarantee_tui.policy import ConditionId
from guarantee_tui.services import checks
from guarantee_tui.store.models import Claim, ContactPurchase
from tests.builders import claim_for, eligible_professional, tagged, with_purchase
from tests.store.helpers import insert

AT = "2026-06-01T12:00:00Z"


@pytest.fixture
def database(db_url: str, engine: Engine) -> str:
    good = tagged(eligible_professional(), "A")
    insert(engine, good, replace(claim_for(good), ref="CL-GOOD"), email="good@x.fr")
    bad = tagged(with_purchase(eligible_professional(), 4, channel="standard"), "B")
    insert(engine, bad, replace(claim_for(bad), ref="CL-BAD", status="rejected"), email="bad@x.fr")
    return db_url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_json_output_follows_the_contract(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "check", "CL-GOOD", "--at", AT, "--json", "--db", database)
    assert status == 0, err
    data = json.loads(out)
    assert list(data) == [
        "claim",
        "professional",
        "market",
        "at",
        "verdict",
        "recommended_action",
        "refund_credits",
        "conditions",
    ]
    assert data["claim"] == "CL-GOOD"
    assert data["professional"] == "A-FR-0001"
    assert data["market"] == "FR"
    assert data["at"] == "2026-06-01T12:00:00+00:00"
    assert data["verdict"] == "eligible"
    assert data["recommended_action"] == "approve"
    assert data["refund_credits"] == 240
    assert [c["id"] for c in data["conditions"]] == [str(c) for c in ConditionId]
    for condition in data["conditions"]:
        assert list(condition) == ["id", "status", "evidence"]
        assert condition["status"] in {"met", "not_met", "pending", "unknown"}
        assert condition["evidence"].strip()


def test_a_claim_that_is_not_eligible_still_exits_zero(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "check", "CL-BAD", "--at", AT, "--json", "--db", database)
    assert status == 0
    data = json.loads(out)
    assert data["verdict"] == "not_eligible"
    assert data["recommended_action"] == "reject"
    channel = next(c for c in data["conditions"] if c["id"] == "priority_discount_channel")
    assert channel["status"] == "not_met"
    assert "B-L-05" in channel["evidence"]


def test_evidence_follows_the_language(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = {}
    for lang in ("en", "fr", "pt"):
        status, out, _ = run(
            capsys, "check", "CL-BAD", "--at", AT, "--json", "--lang", lang, "--db", database
        )
        assert status == 0
        outputs[lang] = json.loads(out)
    evidence = {
        lang: next(c["evidence"] for c in o["conditions"] if c["id"] == "purchase_window")
        for lang, o in outputs.items()
    }
    assert "Mar 2026" in evidence["en"]
    assert "mars 2026" in evidence["fr"]
    assert "março de 2026" in evidence["pt"]
    # Programs read only ids and statuses, which never change with the language.
    strip = [[(c["id"], c["status"]) for c in o["conditions"]] for o in outputs.values()]
    assert strip[0] == strip[1] == strip[2]


def test_the_same_at_gives_the_same_output(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(
        capsys, "check", "CL-GOOD", "--at", "2026-06-01T14:00:00+02:00", "--json", "--db", database
    )
    second = run(capsys, "check", "CL-GOOD", "--at", AT, "--json", "--db", database)
    assert first == second


def test_all_prints_one_object_per_line(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "--all", "--at", AT, "--db", database)
    assert status == 0
    lines = out.splitlines()
    assert [json.loads(line)["claim"] for line in lines] == ["CL-BAD", "CL-GOOD"]
    status, out, _ = run(capsys, "check", "--all", "--status", "open", "--at", AT, "--db", database)
    assert [json.loads(line)["claim"] for line in out.splitlines()] == ["CL-GOOD"]


def test_readable_table_in_french(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "CL-BAD", "--at", AT, "--lang", "fr", "--db", database)
    assert status == 0
    assert "non éligible" in out
    assert "rejeter" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "CL-NOPE"], "CL-NOPE"),
        (["check", "CL-GOOD", "--at", "yesterday"], "--at"),
        (["check", "CL-GOOD", "--at", "2026-06-01T12:00:00"], "offset"),
        (["check"], "claim"),
        (["check", "CL-GOOD", "--all"], "not both"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    database: str, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    status, out, err = run(capsys, *args, "--db", database)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert expected in err


def test_unreadable_databases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00not sqlite" * 1000)
    for db in (
        str(tmp_path / "missing.db"),
        str(garbage),
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
    ):
        status, out, err = run(capsys, "check", "CL-1", "--db", db)
        assert status == 2, db
        assert out == ""
        assert len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "missing.db").exists()


def test_the_installed_command_never_shows_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "guarantee_tui", "check", "CL-1", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


# --- dates the policy would overflow on, written into the database by hand -----------


@pytest.fixture
def far_dates(database: str, engine: Engine) -> str:
    """CL-FAR submitted on 9999-12-31 and CL-OLD with a purchase in year 2: what an
    import refuses, written past it."""
    far = tagged(eligible_professional(), "F")
    insert(engine, far, replace(claim_for(far), ref="CL-FAR"), email="far@x.fr")
    old = tagged(eligible_professional(), "O")
    insert(engine, old, replace(claim_for(old), ref="CL-OLD"), email="old@x.fr")
    with engine.begin() as conn:
        conn.execute(
            update(Claim)
            .where(Claim.ref == "CL-FAR")
            .values(submitted_at=datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC))
        )
        conn.execute(
            update(ContactPurchase)
            .where(ContactPurchase.ref == "O-L-01")
            .values(purchased_at=datetime(2, 1, 1, tzinfo=UTC))
        )
    return database


FAR = (
    "Claim CL-FAR: submitted_at is 9999-12-31 23:59:59 UTC, outside the accepted range, "
    "2000-01-01 to 2100-12-31. The database holds a date no import accepts: correct it there.\n"
)
OLD = (
    "Claim CL-OLD: contact_purchases[O-L-01].purchased_at is 0002-01-01 00:00:00 UTC, "
    "outside the accepted range, 2000-01-01 to 2100-12-31. The database holds a date no "
    "import accepts: correct it there.\n"
)


def test_a_claim_with_a_date_outside_the_window_is_exit_2_naming_the_field(
    far_dates: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for ref, message in (("CL-FAR", FAR), ("CL-OLD", OLD)):
        for output in ((), ("--json",)):
            status, out, err = run(capsys, "check", ref, "--at", AT, *output, "--db", far_dates)
            assert (status, out, err) == (2, "", message)


@pytest.mark.parametrize("parallel", [False, True])
def test_check_all_checks_every_other_claim_and_names_those_it_cannot(
    far_dates: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    parallel: bool,
) -> None:
    if parallel:
        # Slices of one claim, in worker processes.
        monkeypatch.setattr(checks, "PARALLEL_FROM", 1)
        monkeypatch.setattr(checks, "SLICE", 1)
    jobs = "2" if parallel else "1"
    status, out, err = run(capsys, "check", "--all", "--at", AT, "--jobs", jobs, "--db", far_dates)
    assert status == 2
    assert [json.loads(line)["claim"] for line in out.splitlines()] == ["CL-BAD", "CL-GOOD"]
    assert err == FAR + OLD
