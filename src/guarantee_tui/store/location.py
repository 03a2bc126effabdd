"""Which database to open and which schema it must have.

Kept free of SQLAlchemy: the workspace reads its first page from a SQLite
file (store/first_page) before SQLAlchemy has been imported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

ENV_VAR: Final = "GUARANTEE_TUI_DB"
DEFAULT_DATABASE: Final = "sample.db"
# The newest migration; a test keeps it equal to the migration scripts' head
# so that opening a database needs no scan of the scripts.
SCHEMA_REVISION: Final = "0012_log_claim_index"


def database_setting(value: str | None = None) -> str:
    """The database as configured: an explicit value, else `$GUARANTEE_TUI_DB`, else sample.db."""
    return value if value else os.environ.get(ENV_VAR) or DEFAULT_DATABASE


def sqlite_file(value: str | None = None) -> Path | None:
    """The SQLite file the setting names as a plain path, or None for a URL."""
    raw = database_setting(value)
    if "://" in raw:
        return None
    return Path(raw).expanduser().resolve()
