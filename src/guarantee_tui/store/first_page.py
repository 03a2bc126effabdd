"""The claim queue's opening page, read straight from a SQLite file.

Importing SQLAlchemy and mapping the models takes the app longer than
Textual takes to start. So the workspace paints this page first, read with
the standard library's sqlite3, and opens the database properly in the
background; the page the full store reads a moment later replaces it, and is
the same (a test compares the two for every status filter). Only the opening
view is served: a status filter, nothing else, in the default order (open
claims first, oldest first). Anything unusual (a URL rather than a file, a
missing or locked file, another schema revision) gives None and leaves the
diagnosis to the full store, which words it for the user.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from guarantee_tui.filters import QueueFilter, QueueRow, QueueSort, open_first_matters
from guarantee_tui.store.location import SCHEMA_REVISION
from guarantee_tui.store.sqlite_time import from_sqlite

# store/queue.py's default orders and columns, written out in SQL.
_FROM = "FROM claims JOIN professionals ON professionals.id = claims.professional_id"
_OPEN_FIRST = (
    "ORDER BY CASE WHEN (claims.status = 'open') THEN 0 ELSE 1 END, claims.submitted_at, claims.ref"
)
_OLDEST_FIRST = "ORDER BY claims.submitted_at, claims.ref"
_COLUMNS = (
    "claims.ref AS claim_ref, professionals.ref AS pro_ref, professionals.company_name, "
    "professionals.market, claims.submitted_at, claims.status, claims.verdict, "
    "claims.recommended_action, claims.refund_credits"
)
_ALIASES = (
    "claim_ref, pro_ref, company_name, market, submitted_at, status, verdict, "
    "recommended_action, refund_credits"
)
# Never wait on a writer: the full store will.
_TIMEOUT_S = 0.05


@dataclass(frozen=True, slots=True)
class FirstPage:
    total: int
    rows: list[QueueRow]
    # The agent's role as the agents table records it; None if not recorded.
    role: str | None


def serves(f: QueueFilter, sort: QueueSort) -> bool:
    """Whether the first page of this view can be read here."""
    return sort == QueueSort() and f == QueueFilter(statuses=f.statuses)


def read_first_page(
    path: Path, f: QueueFilter, sort: QueueSort, limit: int, agent: str = ""
) -> FirstPage | None:
    """The number of claims in the view, its first `limit` rows and the role of
    `agent` (for the header), or None."""
    if not serves(f, sort) or not path.is_file():
        return None
    statuses = sorted(f.statuses)
    where = f"WHERE claims.status IN ({', '.join('?' * len(statuses))})" if statuses else ""
    order = _OPEN_FIRST if open_first_matters(f) else _OLDEST_FIRST
    # Read-only, and never creating the file.
    uri = f"file:{quote(str(path))}?mode=ro"
    # One statement, one row: the app reads this in a thread while the event
    # loop mounts the screen, and every row stepped would hand the interpreter
    # lock back and wait to get it again. The rows come as a JSON array, each
    # with its position (the order of an aggregate's input is not guaranteed).
    sql = (
        "SELECT (SELECT group_concat(version_num, ' ') FROM alembic_version), "
        f"(SELECT count(*) FROM claims {where}), "
        "(SELECT role FROM agents WHERE name = ?), "
        f"(SELECT json_group_array(json_array(position, {_ALIASES})) FROM ("
        f"SELECT row_number() OVER ({order}) AS position, {_COLUMNS} "
        f"{_FROM} {where} {order} LIMIT ?))"
    )
    name = " ".join(agent.split())
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=_TIMEOUT_S)) as conn:
            revision, total, role, found = conn.execute(
                sql, [*statuses, name, *statuses, limit]
            ).fetchone()
    except sqlite3.Error:
        return None
    if revision != SCHEMA_REVISION:
        return None
    rows = [
        QueueRow(c, p, company, m, from_sqlite(at), s, v, a, r)  # type: ignore[arg-type]
        for _, c, p, company, m, at, s, v, a, r in sorted(json.loads(found))
    ]
    return FirstPage(int(total), rows, role)
