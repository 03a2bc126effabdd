"""How long someone has held a claim, as a sentence says it in each language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from guarantee_tui.i18n import translator
from guarantee_tui.ui.base import since_phrase


def test_today_a_time_another_day_a_date_with_its_own_words() -> None:
    now = datetime.now(UTC)
    earlier_today = now.astimezone().replace(hour=0, minute=1).astimezone(UTC)
    long_ago = now - timedelta(days=40)
    fr, pt, en = translator("fr"), translator("pt"), translator("en")
    assert since_phrase(earlier_today, fr) == "depuis 00:01"
    assert since_phrase(earlier_today, pt) == "desde as 00:01"
    assert since_phrase(earlier_today, en).startswith("since ")
    assert since_phrase(long_ago, fr).startswith("depuis le ")
    assert " à " in since_phrase(long_ago, fr)
    assert since_phrase(long_ago, pt).startswith("desde ") and ", às " in since_phrase(long_ago, pt)
