"""The claim queue's opening page, read straight from a SQLite file.

Importing SQLAlchemy and mapping the models takes the app longer than
Textual takes to start. So the workspace paints this page first, read with
the standard library's sqlite3, and opens the database properly in the
background; the page the full store reads a moment later replaces it, and is
the same (a test compares the two for every status filter). Only the opening
view is served: a status filter, nothing else, in the default order (open
claims first, oldest first). Anything unusual (a URL rather than a file, a
missing or locked file, another schema revision) gives None and leaves the
diagnosis to the full store, which words it for the user. Its columns, join
and orders come from store/queue_shape.py, as store/queue.py's do.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from guarantee_tui.filters import QueueFilter, QueueRow, QueueSort
from guarantee_tui.store import queue_shape as shape
from guarantee_tui.store.location import SCHEMA_REVISION
from guarantee_tui.store.sqlite_time import from_sqlite

# The statement store/queue.py builds with SQLAlchemy, written from the same list.
_JOINED, _ON = shape.JOIN
_FROM = f"FROM {shape.CLAIMS} JOIN {_JOINED.table} ON {_JOINED.sql} = {_ON.sql}"
# Aliased: the claim's and the professional's refs are both "ref".
_COLUMNS = ", ".join(f"{c.sql} AS c{i}" for i, c in enumerate(shape.PAGE_COLUMNS))
_ALIASES = ", ".join(f"c{i}" for i in range(len(shape.PAGE_COLUMNS)))
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
    where = f"WHERE {shape.STATUS.sql} IN ({', '.join('?' * len(statuses))})" if statuses else ""
    order = "ORDER BY " + ", ".join(item.sql for item in shape.default_order(f))
    # Read-only, and never creating the file.
    uri = f"file:{quote(str(path))}?mode=ro"
    # One statement, one row: the app reads this in a thread while the event
    # loop mounts the screen, and every row stepped would hand the interpreter
    # lock back and wait to get it again. The rows come as a JSON array, each
    # with its position (the order of an aggregate's input is not guaranteed).
    sql = (
        "SELECT (SELECT group_concat(version_num, ' ') FROM alembic_version), "
        f"(SELECT count(*) FROM {shape.CLAIMS} {where}), "
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
    # Each row is [position, *columns]; positions are unique, so they sort it.
    rows = [_row(values[1:]) for values in sorted(json.loads(found))]
    return FirstPage(int(total), rows, role)


def _row(values: list[Any]) -> QueueRow:
    """A page row as the full store reads it: its instants as aware datetimes."""
    read: list[Any] = [
        from_sqlite(value) if column in shape.MOMENTS else value
        for column, value in zip(shape.PAGE_COLUMNS, values, strict=True)
    ]
    return QueueRow(*read)
