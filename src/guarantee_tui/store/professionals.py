"""Reading professionals: names, contact details, balance, suspension."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from guarantee_tui.store.models import LedgerEntry, Professional


def company_name(conn: Connection, professional_id: int) -> str:
    return str(
        conn.execute(
            select(Professional.company_name).where(Professional.id == professional_id)
        ).scalar_one()
    )


def ledger_balance(conn: Connection, professional_id: int) -> int:
    total = conn.execute(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.professional_id == professional_id
        )
    ).scalar_one()
    return int(total)
