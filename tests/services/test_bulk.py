"""Batch jobs tune the garbage collector only while they run."""

from __future__ import annotations

import gc

import pytest

from guarantee_tui.services.bulk import BULK_THRESHOLD, few_collections


def test_the_collector_is_tuned_during_the_job_and_restored_after() -> None:
    before = gc.get_threshold()
    with few_collections():
        assert gc.get_threshold()[0] == BULK_THRESHOLD
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_failing_job_restores_the_collector_too() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), few_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_during_the_job_are_still_collected() -> None:
    class Node:
        other: object = None

    with few_collections():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2
