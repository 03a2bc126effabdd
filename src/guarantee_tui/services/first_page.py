"""The queue's opening page before the database layer is loaded (store/first_page).

Nothing here imports SQLAlchemy: the workspace calls it while SQLAlchemy
would still be loading.
"""

from __future__ import annotations

from guarantee_tui.store.first_page import FirstPage, serves
from guarantee_tui.store.first_page import read_first_page as read
from guarantee_tui.store.location import sqlite_file as database_file

__all__ = ["FirstPage", "database_file", "read", "serves"]
