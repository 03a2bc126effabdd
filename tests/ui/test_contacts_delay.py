"""The contacts table's first-contact cell follows the policy's first-contact rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from guarantee_tui.i18n import translator
from guarantee_tui.policy.vocabulary import FIRST_CONTACT_LIMIT
from guarantee_tui.services.claim_view import ContactLine
from guarantee_tui.store.details import ContactDetails
from guarantee_tui.ui.screens.contacts import delay_cell
from tests.builders import purchases

EN = translator("en")
BOUGHT = purchases(1)[0]
LIMIT = BOUGHT.purchased_at + FIRST_CONTACT_LIMIT
TICK = timedelta(microseconds=1)


def _line(first_contacted_at: datetime | None) -> ContactLine:
    purchase = replace(BOUGHT, first_contacted_at=first_contacted_at)
    return ContactLine(1, purchase, ContactDetails(None, None, None, None), None, None, ())


def test_a_contact_at_the_limit_is_in_time_one_tick_later_is_flagged() -> None:
    in_time = delay_cell(_line(LIMIT), EN, LIMIT)
    assert in_time.plain == "24 h"
    assert "red" not in str(in_time.style) and not in_time.spans
    late = delay_cell(_line(LIMIT + TICK), EN, LIMIT + TICK)
    assert late.plain.endswith(" ⚠")
    assert any("red" in str(span.style) for span in late.spans)


def test_a_client_not_called_yet_is_awaited_until_the_limit_then_never() -> None:
    awaited = delay_cell(_line(None), EN, LIMIT - TICK)
    assert awaited.plain == "not yet"
    assert "red" not in str(awaited.style)
    missed = delay_cell(_line(None), EN, LIMIT)
    assert missed.plain == "never"
    assert "red" in str(missed.style)
