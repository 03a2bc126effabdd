"""`db copy`: a desk moves to PostgreSQL and back without losing anything."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from guarantee_tui.cli import main
from guarantee_tui.services import leases, reopen
from guarantee_tui.services.agents import change_role
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.models import Base, LedgerEntry


def _now() -> datetime:
    return datetime.now(UTC)


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def _balances(engine: Engine) -> list[tuple[int, int]]:
    with engine.connect() as conn:
        return [
            (int(p), int(total))
            for p, total in conn.execute(
                select(LedgerEntry.professional_id, func.sum(LedgerEntry.amount))
                .group_by(LedgerEntry.professional_id)
                .order_by(LedgerEntry.professional_id)
            )
        ]


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


@pytest.mark.pg
def test_round_trip_sqlite_postgresql_sqlite(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = str(tmp_path / "desk.db")
    _out(capsys, "seed", "--professionals", "40", "--seed", "1", "--db", desk)
    engine = make_engine(desk)
    with engine.connect() as conn:
        approved = str(
            conn.execute(text("SELECT ref FROM claims WHERE status = 'approved'")).scalar()
        )
    # A reversal on the ledger, a lifted refund's effect, a reopening in the log.
    reopen.reopen(engine, approved, reason="checked again", agent="Sofia Martins", at=_now())
    change_role(engine, "Inês Costa", "agent", _now(), markets="PT", by="admin")
    assert leases.take_next(engine, "Inês Costa") is not None
    engine.dispose()

    said = _out(capsys, "db", "copy", "--from", desk, "--to", pg_url)
    back = str(tmp_path / "back.db")
    said_back = _out(capsys, "db", "copy", "--from", pg_url, "--to", back)
    head = said.splitlines()[-1]
    assert head.startswith("OK ") and said_back.splitlines()[-1] == head

    engines = [make_engine(url) for url in (desk, pg_url, back)]
    try:
        counts = [_counts(e) for e in engines]
        assert counts[0] == counts[1] == counts[2]
        assert counts[0]["decisions"] > 0 and counts[0]["ledger_entries"] > 0
        assert counts[0]["log_entries"] > 0 and counts[0]["outbox"] > 0
        balances = [_balances(e) for e in engines]
        assert balances[0] == balances[1] == balances[2] != []
        with engines[1].connect() as conn:
            assert conn.execute(
                text(
                    "SELECT markets, holder IS NOT NULL FROM agents LEFT JOIN claims "
                    "ON claims.holder = agents.name WHERE agents.name = 'Inês Costa'"
                )
            ).one() == ("PT", True)
        # New rows on the target take new ids after the copied ones.
        pg_head = [_out(capsys, "log", "head", "--db", url) for url in (desk, pg_url, back)]
        assert len(set(pg_head)) == 1
    finally:
        for e in engines:
            e.dispose()
    exports = [_out(capsys, "export", "--db", url) for url in (desk, pg_url, back)]
    assert exports[0] == exports[1] == exports[2]
    logs = [
        _out(capsys, "log", "export", "--format", "jsonl", "--as", "Sofia Martins", "--db", url)
        for url in (desk, pg_url, back)
    ]
    assert logs[0] == logs[1] == logs[2] and logs[0]
    for url in (desk, pg_url, back):
        assert _out(capsys, "log", "verify", "--db", url).splitlines()[-1] == head


@pytest.mark.pg
def test_a_non_empty_target_is_refused(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = str(tmp_path / "desk.db")
    _out(capsys, "seed", "--professionals", "3", "--seed", "1", "--db", desk)
    _out(capsys, "db", "copy", "--from", desk, "--to", pg_url)
    target = make_engine(pg_url)
    try:
        before = _counts(target)
        assert main(["db", "copy", "--from", desk, "--to", pg_url]) == 2
        assert "already holds data" in capsys.readouterr().err
        assert _counts(target) == before
    finally:
        target.dispose()
