"""Reading professionals: their names as shown to people."""

from __future__ import annotations

from sqlalchemy import Connection, select

from guarantee_tui.store.models import Professional


def company_name(conn: Connection, professional_id: int) -> str:
    return str(
        conn.execute(
            select(Professional.company_name).where(Professional.id == professional_id)
        ).scalar_one()
    )
