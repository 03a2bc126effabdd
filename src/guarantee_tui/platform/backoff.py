"""How long to wait before trying a transient failure again.

Exponential growth capped, with "full jitter" (a uniform draw between 0 and
the capped exponential): many dispatchers that failed together do not come
back together. A `Retry-After` from the marketplace is a floor.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    base: float = 0.5  # seconds, the ceiling of the first draw
    cap: float = 300.0  # the ceiling never grows past this
    # A Retry-After beyond this is read as this (a broken header must not park
    # an effect for days).
    max_retry_after: float = 3600.0

    def ceiling(self, tries: int) -> float:
        """The largest wait after `tries` failed tries (1 for the first failure)."""
        exponent = max(0, tries - 1)
        # 2**exponent overflows a float long before the cap matters: stop early.
        if exponent >= 64:
            return self.cap
        return float(min(self.cap, self.base * (2**exponent)))

    def delay(
        self, tries: int, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait before the next try."""
        draw = (rng or random).uniform(0.0, self.ceiling(tries))
        if retry_after is None:
            return draw
        return max(draw, min(max(retry_after, 0.0), self.max_retry_after))
