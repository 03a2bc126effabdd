"""The app's link to the marketplace: effects sent as they are committed, facts
pulled now and then, and the header's "connected · N waiting · N failed".

With a marketplace URL and a token, a thread worker runs the dispatcher
(platform/dispatcher.py) for as long as the app runs: it looks for new
effects every half second, and at once when the app itself has just
decided something (`wake`). It holds no transaction during a request and
leases what it sends, so quitting mid-request, or a second app sending
too, loses and repeats nothing. A 401 stops the sending until the app is
restarted with another token; the header says so, never the token.

Without a URL nothing is sent and nothing is pulled; the header still counts
the effects waiting.
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from guarantee_tui.errors import UserError

if TYPE_CHECKING:
    from guarantee_tui.platform.dispatcher import Dispatcher
    from guarantee_tui.platform.settings import MarketplaceSettings
    from guarantee_tui.services.effect_view import LinkCounts
    from guarantee_tui.ui.app import GuaranteeApp

log = logging.getLogger(__name__)

# How often the header's counts are read again.
COUNT_EVERY: Final = 1.0
# A request in flight at quit is awaited at most this long (its lease keeps it safe).
REQUEST_TIMEOUT: Final = 5.0
# Fewer senders than `sync`: the app shares its machine with a person.
SENDERS: Final = 4
# After an unexpected failure (the database gone), the sending starts again this late.
RESTART_AFTER: Final = 5.0
# A pull waits this long at most for a marketplace that keeps failing.
PULL_MAX_WAIT: Final = 30.0

# The workers' groups that run as long as the app does.
SEND_GROUP: Final = "marketplace-send"
# Other agents' acts as they happen (ui/app.py).
FOLLOW_GROUP: Final = "follow-changes"
LIFELONG: Final = frozenset({SEND_GROUP, FOLLOW_GROUP})

# The link's states, as the header tells them.
OFF: Final = "off"  # no URL: nothing is sent
NO_TOKEN: Final = "no-token"  # a URL but no token
ON: Final = "on"  # sending
REJECTED: Final = "rejected"  # the marketplace answered 401


@dataclass(frozen=True, slots=True)
class LinkStatus:
    state: str
    waiting: int | None = None  # None until first counted
    failed: int | None = None


class MarketplaceLink:
    def __init__(self, app: GuaranteeApp, settings: MarketplaceSettings | None) -> None:
        self.app = app
        self.settings = settings
        if settings is None or not settings.configured:
            state = OFF
        elif settings.token is None:
            state = NO_TOKEN
        else:
            state = ON
        self.status = LinkStatus(state)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._dispatcher: Dispatcher | None = None
        self._counting = False
        # Asked while a count was under way: that count may predate the change.
        self._recount = False
        self._pulling = False
        self._last_pull_error: str | None = None
        self._started = False

    @property
    def sending(self) -> bool:
        return self.status.state == ON

    # --- start, stop ------------------------------------------------------

    def start(self) -> None:
        """Once the database is open: counts, sends, pulls."""
        if self._started:
            return
        self._started = True
        self.count()
        self.app.set_interval(COUNT_EVERY, self.count)
        if not self.sending:
            return
        self.app.run_worker(self._send, thread=True, exit_on_error=False, group=SEND_GROUP)
        assert self.settings is not None
        if self.settings.pull_every is not None:
            self.pull()
            self.app.set_interval(self.settings.pull_every.total_seconds(), self.pull)

    def stop(self) -> None:
        """At quit: no new request; the one in flight is finished and recorded."""
        self._stopping.set()
        with self._lock:
            if self._dispatcher is not None:
                self._dispatcher.stop()

    def wake(self) -> None:
        """The app has just committed effects: count and send them now, not at the next poll."""
        self.count()
        with self._lock:
            if self._dispatcher is not None:
                self._dispatcher.wake()

    # --- sending ----------------------------------------------------------

    def _send(self) -> None:
        from guarantee_tui.platform.client import TokenRejected
        from guarantee_tui.services.effects import dispatcher

        assert self.settings is not None
        while not self._stopping.is_set():
            worker = dispatcher(
                self.app.database, self.settings, workers=SENDERS, timeout=REQUEST_TIMEOUT
            )
            with self._lock:
                if self._stopping.is_set():
                    worker.client.close()
                    return
                self._dispatcher = worker
            try:
                worker.run(watch=True, on_progress=lambda _tally: self._from_thread(self.count))
            except TokenRejected:
                self._from_thread(self._rejected)
                return
            except Exception:
                # The database went away, or a bug: the header keeps counting
                # (and the screens show the database's state); try again later.
                log.exception("sending effects to the marketplace")
                self._stopping.wait(RESTART_AFTER)
            finally:
                with self._lock:
                    self._dispatcher = None
                worker.client.close()

    def _from_thread(self, callback: Any, *args: Any) -> None:
        # RuntimeError: the app has closed meanwhile.
        with suppress(RuntimeError):
            self.app.call_from_thread(callback, *args)

    def _rejected(self) -> None:
        self.status = replace(self.status, state=REJECTED)
        self.app.refresh_header()
        self.app.notify(
            self.app.tr(
                "The marketplace rejected the token (401): nothing is sent until it is "
                "fixed and the app restarted."
            ),
            severity="error",
            markup=False,
            timeout=10,
        )

    # --- the header's counts ----------------------------------------------

    def count(self) -> None:
        """Reads the counts again in a worker (one at a time)."""
        if self._counting:
            self._recount = True
            return
        self._counting = True
        from guarantee_tui.services.effect_view import link_counts

        def failed(error: BaseException) -> bool:
            self._counting = self._recount = False
            return True  # the screens tell about the database; the header keeps its last counts

        self.app.run_db(
            link_counts, self._counted, group="marketplace-counts", node=self.app, on_error=failed
        )

    def _counted(self, counts: LinkCounts) -> None:
        self._counting = False
        status = replace(self.status, waiting=counts.waiting, failed=counts.failed)
        if status != self.status:
            self.status = status
            self.app.refresh_header()
        if self._recount:
            self._recount = False
            self.count()

    # --- pulling ----------------------------------------------------------

    def pull(self) -> None:
        if self._pulling or not self.sending:
            return
        self._pulling = True
        self.app.run_worker(self._pull, thread=True, exit_on_error=False, group="marketplace-pull")

    def _pull(self) -> None:
        from guarantee_tui.platform.client import TokenRejected
        from guarantee_tui.services.pull import pull

        assert self.settings is not None
        error: str | None = None
        try:
            pull(self.app.database, self.settings, max_wait=PULL_MAX_WAIT)
        except TokenRejected:
            self._from_thread(self._rejected)
        except UserError as exc:
            error = exc.describe(self.app.tr)
        except Exception as exc:
            log.exception("pulling the marketplace's changes")
            error = f"{type(exc).__name__}: {exc}"
        self._from_thread(self._pulled, error)

    def _pulled(self, error: str | None) -> None:
        self._pulling = False
        # Told once, not every period while it lasts.
        if error is not None and error != self._last_pull_error:
            self.app.notify(
                self.app.tr("Pulling the marketplace's changes failed: {error}", error=error),
                severity="warning",
                markup=False,
                timeout=8,
            )
        self._last_pull_error = error
