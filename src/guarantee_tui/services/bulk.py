"""Settings for batch jobs that allocate millions of short-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young objects allowed before a collection: 70 times the interpreter's default.
BULK_THRESHOLD = 50_000


@contextmanager
def few_collections() -> Iterator[None]:
    """Fewer, cheaper garbage collections for the duration of a batch job.

    `check --all` builds and drops a few hundred small objects per claim.
    With the default thresholds the collector ran so often, and walked the
    tens of thousands of objects of the loaded libraries so many times, that
    it took a quarter of the job. Those are frozen (never collected again,
    they live as long as the process) and collections wait for more
    allocations. Reference counting still frees the claims' objects at once;
    cycles, rare on this path, are collected later, not never.
    """
    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(BULK_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
