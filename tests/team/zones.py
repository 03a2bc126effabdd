"""The process's local time zone, set for a test (times shown "in the desk's zone")."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo


@contextmanager
def local_zone(name: str) -> Iterator[ZoneInfo]:
    """The local zone is `name` inside the block (as `TZ` sets it), as before after."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield ZoneInfo(name)
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
