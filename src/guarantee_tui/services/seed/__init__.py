"""Realistic generated data: French and Portuguese professionals, purchases, claims.

- `vocabulary`: the words of each market (names, cities, trades, texts).
- `scenarios`: the situations professionals are in, and what the policy
  must say of each.
- `generator`: plain rows, batch by batch, from one seeded random source.
- `writer`: bulk inserts with SQLAlchemy Core.
- `service`: the use case (`seed_database`).
"""

from guarantee_tui.services.seed.generator import (
    DEFAULT_ANCHOR,
    DEFAULT_PROFESSIONALS,
    DEFAULT_SEED,
    EARLIEST_ANCHOR,
    LATEST_ANCHOR,
    Generator,
)
from guarantee_tui.services.seed.service import (
    DatabaseNotEmpty,
    NotASQLiteFile,
    Progress,
    SeedOptions,
    SeedSummary,
    seed_database,
)

__all__ = [
    "DEFAULT_ANCHOR",
    "DEFAULT_PROFESSIONALS",
    "DEFAULT_SEED",
    "EARLIEST_ANCHOR",
    "LATEST_ANCHOR",
    "DatabaseNotEmpty",
    "Generator",
    "NotASQLiteFile",
    "Progress",
    "SeedOptions",
    "SeedSummary",
    "seed_database",
]
