"""Taking, holding and giving back claims, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from guarantee_tui.cli import main
from guarantee_tui.config import ConfigError, lease_minutes
from guarantee_tui.filters import QueueFilter, QueueSort
from guarantee_tui.i18n import translator
from guarantee_tui.services import leases, verification
from guarantee_tui.services.agents import NotAllowed, set_role
from guarantee_tui.services.leases import ClaimHeld
from guarantee_tui.store import queue
from tests.builders import AT
from tests.team.conftest import MESSAGE, add_claim, reject
from tests.team.zones import local_zone


def _expire(engine: Engine, ref: str) -> None:
    """The lease ran out (as if its minutes had passed without activity)."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE claims SET held_until = held_since WHERE ref = :ref"),
            {"ref": ref},
        )


def test_take_next_gives_the_oldest_unheld_claim_of_the_market(engine: Engine) -> None:
    for tag, market in (("A", "FR"), ("B", "PT"), ("C", "FR")):
        add_claim(engine, tag, market=market)
    first = leases.take_next(engine, "Ana", "FR")
    second = leases.take_next(engine, "Bruno", "FR")
    assert first is not None and second is not None
    assert {first.claim_ref, second.claim_ref} == {"CL-A", "CL-C"}
    assert first.holder == "Ana" and first.until > first.since
    assert leases.take_next(engine, "Carla", "FR") is None
    pt = leases.take_next(engine, "Carla", None)
    assert pt is not None and pt.claim_ref == "CL-B"
    holder = leases.holder_of(engine, first.claim_ref)
    assert holder is not None and holder.holder == "Ana"
    assert [(h.holder, h.claim_ref) for h in leases.held(engine)] == sorted(
        [("Ana", first.claim_ref), ("Bruno", second.claim_ref), ("Carla", "CL-B")]
    )


def test_an_agents_markets_are_the_default(engine: Engine) -> None:
    from guarantee_tui.services.agents import change_role

    add_claim(engine, "A", market="FR")
    add_claim(engine, "B", market="PT")
    change_role(engine, "Inês", "agent", AT, markets="pt", by="admin")
    taken = leases.take_next(engine, "Inês")
    assert taken is not None and taken.claim_ref == "CL-B"
    assert leases.take_next(engine, "Inês") is None


def test_deciding_or_marking_a_claim_held_by_another_is_refused(engine: Engine) -> None:
    ref = add_claim(engine, "A")
    leases.take(engine, ref, "Ana")
    with pytest.raises(ClaimHeld) as info:
        reject(engine, ref, "Bruno")
    assert "Ana is on claim CL-A since" in str(info.value)
    with pytest.raises(ClaimHeld):
        verification.mark(engine, ref, "A-L-01", "truthful", agent="Bruno", at=AT)
    with pytest.raises(ClaimHeld):
        leases.take(engine, ref, "Bruno")
    assert leases.renew(engine, ref, "Bruno") is None
    assert not leases.release(engine, ref, "Bruno")
    # Expired, the lease holds nothing: anyone may take the claim and decide.
    _expire(engine, ref)
    assert leases.holder_of(engine, ref) is None
    assert leases.take(engine, ref, "Bruno").holder == "Bruno"
    reject(engine, ref, "Bruno")
    # A decision ends the lease.
    assert leases.holder_of(engine, ref) is None


def test_renew_release_and_take_over(engine: Engine) -> None:
    ref = add_claim(engine, "A")
    set_role(engine, "Sofia", "supervisor", AT)
    held = leases.take(engine, ref, "Ana", minutes=1)
    renewed = leases.renew(engine, ref, "Ana", minutes=30)
    assert renewed is not None and renewed.since == held.since and renewed.until > held.until
    with pytest.raises(NotAllowed):
        leases.take_over(engine, ref, "Bruno", at=AT)
    over = leases.take_over(engine, ref, "Sofia", at=AT)
    assert over.holder == "Sofia"
    assert leases.renew(engine, ref, "Ana") is None
    with engine.connect() as conn:
        logged = conn.execute(
            text("SELECT agent, action, details FROM log_entries ORDER BY seq")
        ).all()
    assert [(e.agent, e.action) for e in logged] == [("Sofia", "take_over")]
    assert '"from":"Ana"' in logged[0].details
    assert leases.release(engine, ref, "Sofia")
    assert leases.holder_of(engine, ref) is None


def test_the_queue_shows_who_holds_what(engine: Engine) -> None:
    for tag in ("A", "B"):
        add_claim(engine, tag)
    leases.take(engine, "CL-A", "Ana")
    with engine.connect() as conn:
        rows = queue.page(conn, QueueFilter(), QueueSort(), 0, 10)
        mine = queue.page(conn, QueueFilter(held_by="Ana"), QueueSort(), 0, 10)
        unheld = queue.page(conn, QueueFilter(unheld=True), QueueSort(), 0, 10)
    by_ref = {r.claim_ref: r for r in rows}
    assert by_ref["CL-A"].holder == "Ana" and by_ref["CL-A"].held_since is not None
    assert by_ref["CL-B"].holder is None
    assert [r.claim_ref for r in mine] == ["CL-A"]
    assert [r.claim_ref for r in unheld] == ["CL-B"]


def test_take_and_release_commands(
    db_url: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    add_claim(engine, "A", market="PT")
    assert main(["take", "--market", "FR", "--agent", "Ana", "--db", db_url]) == 1
    assert main(["take", "--agent", "Ana", "--db", db_url]) == 0
    assert capsys.readouterr().out.strip() == "CL-A"
    status = main(
        [
            "decide",
            "CL-A",
            "--action",
            "reject",
            "--reason",
            "no",
            "--message",
            MESSAGE,
            "--agent",
            "Bruno",
            "--db",
            db_url,
        ]
    )
    assert status == 2
    assert "Ana is on claim CL-A" in capsys.readouterr().err
    assert main(["release", "CL-A", "--agent", "Bruno", "--db", db_url]) == 1
    assert main(["release", "CL-A", "--agent", "Ana", "--db", db_url]) == 0
    assert main(["take", "--agent", "Bruno", "--db", db_url]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "CL-A"


def test_the_lease_length_comes_from_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("GUARANTEE_TUI_CONFIG", str(path))
    assert lease_minutes() == 15
    path.write_text("[team]\nlease_minutes = 5\n", encoding="utf-8")
    assert lease_minutes() == 5
    path.write_text("[team]\nlease_minutes = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lease_minutes"):
        lease_minutes()


def test_logins_are_for_postgresql(sqlite_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(sqlite_path)
    assert main(["agents", "add", "Ana", "--role", "agent", "--login", "ana", "--db", db]) == 2
    assert "single desk" in capsys.readouterr().err
    assert main(["agents", "add", "Ana", "--role", "agent", "--markets", "PT", "--db", db]) == 0
    assert main(["agents", "list", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Ana\tagent\t-\tPT"


def test_release_all_gives_back_the_agents_claims_only_and_logs_each(engine: Engine) -> None:
    for tag in ("A", "B", "C"):
        add_claim(engine, tag)
    leases.take(engine, "CL-A", "Ana")
    leases.take(engine, "CL-C", "Ana")
    leases.take(engine, "CL-B", "Bruno")
    _expire(engine, "CL-C")  # an expired lease is still given back, as `release` would
    assert leases.release_all(engine, "Ana") == ["CL-A", "CL-C"]
    assert leases.holder_of(engine, "CL-A") is None
    held = leases.holder_of(engine, "CL-B")
    assert held is not None and held.holder == "Bruno"
    with engine.connect() as conn:
        events = conn.execute(
            text("SELECT claim_ref, action, agent FROM claim_events ORDER BY id")
        ).all()
    assert [tuple(e) for e in events][-2:] == [
        ("CL-A", "release", "Ana"),
        ("CL-C", "release", "Ana"),
    ]
    assert leases.release_all(engine, "Ana") == []


def test_a_held_claim_is_told_in_the_local_time_zone(engine: Engine) -> None:
    add_claim(engine, "A")
    holding = leases.take(engine, "CL-A", "Ana")
    tr = translator("en")
    with local_zone("America/St_Johns") as zone:  # UTC-03:30 or -02:30
        told = ClaimHeld(holding).describe(tr)
        assert tr.moment(holding.since.astimezone(zone), in_text=True) in told
        assert tr.time(holding.since) not in told
