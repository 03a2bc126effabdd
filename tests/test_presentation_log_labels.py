"""The log's acts in words: an intake message set aside is not a claim taken in."""

from __future__ import annotations

import pytest

from guarantee_tui.i18n import translator
from guarantee_tui.presentation import log_action_label
from guarantee_tui.store.log import canonical_json

DISMISSED = canonical_json(
    {"intake": 7, "message_id": "<m1@x.fr>", "sender": "a@x.fr", "outcome": "dismissed"}
)
CONFIRMED = canonical_json({"intake": 7, "message_id": "<m1@x.fr>", "claim": "C-1"})


@pytest.mark.parametrize(
    ("language", "set_aside", "taken_in"),
    [
        ("en", "message set aside", "claim taken in from an e-mail"),
        ("fr", "message mis de côté", None),
        ("pt", "mensagem posta de parte", None),
    ],
)
def test_an_intake_set_aside_reads_as_such(
    language: str, set_aside: str, taken_in: str | None
) -> None:
    tr = translator(language)
    assert log_action_label("intake", tr, DISMISSED) == set_aside
    taken = log_action_label("intake", tr, CONFIRMED)
    assert taken != set_aside
    assert taken == log_action_label("intake", tr)
    if taken_in is not None:
        assert taken == taken_in


def test_other_acts_and_unreadable_details_keep_their_label() -> None:
    tr = translator("en")
    # "outcome" means nothing on another act.
    assert log_action_label("approve", tr, DISMISSED) == "approved"
    assert log_action_label("intake", tr, "not json") == "claim taken in from an e-mail"
    assert log_action_label("intake", tr, "[1, 2]") == "claim taken in from an e-mail"
