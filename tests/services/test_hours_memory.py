"""The support lines' hours load the public holidays of their own countries only."""

from __future__ import annotations

import subprocess
import sys
from textwrap import dedent

import holidays

from guarantee_tui.services.hours import _public_holidays


def test_the_lines_import_only_the_markets_countries() -> None:
    # In a fresh interpreter: this one may have loaded every country already.
    script = dedent(
        """
        import sys
        from datetime import UTC, datetime
        from guarantee_tui.services.hours import lines
        lines(datetime(2026, 5, 1, 10, tzinfo=UTC))
        print(*sorted(m for m in sys.modules if m.startswith("holidays.countries.")))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["holidays.countries.france", "holidays.countries.portugal"]


def test_the_holidays_are_the_packages_own() -> None:
    for country, subdivision in (("FR", None), ("FR", "57"), ("PT", None), ("PT", "20")):
        expected = holidays.country_holidays(country, subdiv=subdivision, years=2026)
        assert _public_holidays(country, 2026, subdivision) == frozenset(expected)
