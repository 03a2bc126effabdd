"""The change feed: another agent's acts, as they happen, on both backends."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from guarantee_tui.services import events, leases
from guarantee_tui.services.events import Change
from tests.team.conftest import add_claim, reject


def _collect(feed: events.Feed, *actions: str) -> list[Change]:
    """What the feed brings until each of `actions` came (or it stays silent)."""
    seen: list[Change] = []
    while not set(actions) <= {c.action for c in seen}:
        came = feed.wait(5.0)
        if not came:
            break
        seen += came
    return seen


def test_acts_and_leases_come_through_the_feed(engine: Engine) -> None:
    ref = add_claim(engine, "A")
    add_claim(engine, "B")
    with events.follow(engine) as feed:
        assert leases.take(engine, ref, "Ana").holder == "Ana"
        reject(engine, ref, "Ana")
        seen = _collect(feed, "take", "reject")
        assert ("CL-A", "take", "Ana") in {(c.claim_ref, c.action, c.agent) for c in seen}
        decided = [c for c in seen if c.action == "reject"]
        assert [(c.claim_ref, c.agent, c.seq) for c in decided] == [("CL-A", "Ana", 1)]
        leases.take(engine, "CL-B", "Bruno")
        later = [(c.claim_ref, c.action) for c in _collect(feed, "take")]
        # On PostgreSQL the decision's end of the lease may come first.
        assert later[-1] == ("CL-B", "take")
        assert set(later[:-1]) <= {("CL-A", "release")}


def test_a_wait_ends_as_soon_as_its_stop_is_set(engine: Engine) -> None:
    """A quitting app sets the stop: its follower thread must not wait out the
    rest of a poll (half a second at each quit, before this) nor, on
    PostgreSQL, the rest of a LISTEN's timeout."""
    stop = threading.Event()
    with events.follow(engine, poll_every=600.0, stop=stop) as feed:
        came: list[list[Change]] = []
        waiting = threading.Thread(target=lambda: came.append(feed.wait(600.0)))
        waiting.start()
        stop.set()
        # Far under the wait's 600 s: the bound only keeps a broken stop from
        # hanging the suite.
        waiting.join(timeout=30.0)
        assert not waiting.is_alive(), "the wait went on after its stop was set"
        assert came == [[]]


def test_a_feed_closed_on_its_own_leaves_its_callers_stop_alone(engine: Engine) -> None:
    """The app's follower starts a new feed after an error closed the old one:
    closing a feed must not stop the following for good."""
    stop = threading.Event()
    with events.follow(engine, stop=stop):
        pass
    assert not stop.is_set()
