"""Claim notes on PostgreSQL (migration 0011): an agent's login adds notes
under its own name only, reads the team's notes, and reads the reopening
entries addressed to whoever takes the claim next."""

from __future__ import annotations

from datetime import timedelta

import pytest

from guarantee_tui.services import claim_view, notes, reopen
from guarantee_tui.store.engine import make_engine
from tests.builders import AT
from tests.team.test_privileges import _refused, _rows, team  # noqa: F401  (fixture)


@pytest.mark.pg
def test_an_agent_adds_notes_as_herself_and_reads_the_reopening(
    team: dict[str, str],  # noqa: F811
    pg_url: str,
) -> None:
    camille = make_engine(team["camille"])
    try:
        notes.add_note(camille, "CL-B", "Called: sends the review Monday", agent=None, at=AT)
    finally:
        camille.dispose()
    assert _rows(pg_url, "SELECT agent, text FROM claim_notes") == [
        ("Camille Laurent", "Called: sends the review Monday")
    ]
    assert _rows(pg_url, "SELECT agent FROM log_entries WHERE action = 'claim_note'") == [
        ("Camille Laurent",)
    ]
    # Under another's name, or on another act's log entry: refused.
    seq = _rows(pg_url, "SELECT seq FROM log_entries WHERE action = 'approve'")[0][0]
    _refused(
        team["camille"],
        "INSERT INTO claim_notes (claim_id, agent, at, text, log_seq) "
        f"SELECT id, 'Julien Morel', now(), 'x', {seq} FROM claims WHERE ref = 'CL-B'",
        "you are connected as",
    )
    sofia = make_engine(team["sofia"])
    try:
        reopen.reopen(
            sofia, "CL-A", reason="Refund sent twice", agent=None, at=AT + timedelta(hours=1)
        )
    finally:
        sofia.dispose()
    # Julien (who decided CL-A) and Camille both read why it was reopened.
    camille = make_engine(team["camille"])
    try:
        view = claim_view.load(camille, "CL-A", AT + timedelta(hours=2))
    finally:
        camille.dispose()
    assert view.reopening is not None
    assert (view.reopening.agent, view.reopening.text) == ("Sofia Martins", "Refund sent twice")
    # A note stays as written.
    _refused(team["camille"], "UPDATE claim_notes SET text = 'changed'", "permission denied")
