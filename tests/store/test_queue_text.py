"""The queue's text filter: a word found through the search tokens' index,
even when more professionals share it than a list of ids may hold."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guarantee_tui.filters import QueueFilter, QueueSort
from guarantee_tui.store import queue
from guarantee_tui.store.engine import make_engine
from guarantee_tui.store.migrate import upgrade

SAMPLE = Path(__file__).resolve().parents[2] / "sample.db"


@pytest.fixture
def sample(tmp_path: Path) -> str:
    path = tmp_path / "sample.db"
    shutil.copyfile(SAMPLE, path)
    engine = make_engine(str(path))
    upgrade(engine)
    engine.dispose()
    return str(path)


def found(db: str, text: str) -> tuple[bool, int, list[str]]:
    """Whether the text went through the index, and the claims it lists."""
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            selective = queue._resolve_text(conn, text).selective
            result = queue.search(conn, QueueFilter(text=text), QueueSort(), 0, 500)
    finally:
        engine.dispose()
    return selective, result.total, sorted(r.claim_ref for r in result.rows)


@pytest.mark.parametrize("text", ["rénovation", "Renov", "remodelações"])
def test_a_word_too_broad_for_a_list_of_ids_is_still_found_through_the_index(
    sample: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_ids = found(sample, text)
    assert as_ids[0] and as_ids[1] > 1, "the word lists several claims through the index"
    # As if every professional of the sample were thousands: a list of ids
    # would be too long, the index still answers, the same claims.
    monkeypatch.setattr(queue, "TOKEN_LIMIT", 1)
    assert found(sample, text) == as_ids


def test_a_letter_or_two_too_broad_is_left_to_the_scan(
    sample: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, "TOKEN_LIMIT", 1)
    selective, total, _ = found(sample, "re")
    assert not selective
    assert total > 0
