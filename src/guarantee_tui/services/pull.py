"""Pull: the marketplace's changed facts, page by page, through the import.

`GET /v1/changes` from the stored cursor; each page is a case file, checked
and written by the import itself (services/case_files), in one transaction
together with the page's `next_cursor`. A crash between pages therefore
loses nothing and repeats nothing; a page applied twice changes nothing
anyway. An expired cursor (410) starts again from the beginning. Transient
errors are retried with backoff for at most `max_wait` seconds.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine

from guarantee_tui.errors import UserError
from guarantee_tui.i18n import Translator
from guarantee_tui.platform.backoff import Backoff
from guarantee_tui.platform.client import CursorExpired, MarketplaceClient, TransientError
from guarantee_tui.platform.settings import MarketplaceSettings
from guarantee_tui.services.case_files import (
    FORMAT,
    Counts,
    ImportReport,
    import_case_file,
)
from guarantee_tui.store import outbox

SOURCE: Final = "/v1/changes"


class PullUnfinished(UserError):
    """The marketplace kept failing; the pages read so far are kept."""

    exit_status = 1

    def __init__(self, pages: int, error: str) -> None:
        super().__init__(error)
        self.pages, self.error = pages, error

    def describe(self, tr: Translator) -> str:
        return tr.plural(
            "The marketplace kept failing ({error}); {n} page was applied and kept. "
            "Run pull again to go on.",
            "The marketplace kept failing ({error}); {n} pages were applied and kept. "
            "Run pull again to go on.",
            self.pages,
            error=self.error,
            n=tr.number(self.pages),
        )


class NotAPage(UserError):
    def __init__(self, url: str, problem: str) -> None:
        super().__init__(problem)
        self.url, self.problem = url, problem

    def describe(self, tr: Translator) -> str:
        return tr(
            "{url}: the marketplace's answer is not a page of changes ({problem}).",
            url=self.url,
            problem=self.problem,
        )


def _add(a: Counts, b: Counts) -> Counts:
    return Counts(a.new + b.new, a.updated + b.updated, a.unchanged + b.unchanged)


@dataclass(slots=True)
class PullReport:
    pages: int = 0
    restarted: bool = False
    totals: ImportReport = field(
        default_factory=lambda: ImportReport(
            Path(SOURCE), Counts(), Counts(), Counts(), Counts(), Counts()
        )
    )

    def add(self, report: ImportReport) -> None:
        t = self.totals
        self.totals = ImportReport(
            source=t.source,
            professionals=_add(t.professionals, report.professionals),
            contact_purchases=_add(t.contact_purchases, report.contact_purchases),
            reviews=_add(t.reviews, report.reviews),
            claims=_add(t.claims, report.claims),
            explanations=_add(t.explanations, report.explanations),
            kept=t.kept + report.kept,
        )


def _page(reply_data: dict[str, Any], url: str) -> tuple[list[Any], str, bool]:
    professionals = reply_data.get("professionals")
    cursor = reply_data.get("next_cursor")
    more = reply_data.get("has_more")
    if reply_data.get("format") != FORMAT:
        raise NotAPage(url, "format")
    if not isinstance(professionals, list):
        raise NotAPage(url, "professionals")
    if not isinstance(cursor, str) or not cursor:
        raise NotAPage(url, "next_cursor")
    if not isinstance(more, bool):
        raise NotAPage(url, "has_more")
    return professionals, cursor, more


def pull(
    engine: Engine,
    settings: MarketplaceSettings,
    *,
    max_wait: float = 30.0,
    limit: int | None = None,
    backoff: Backoff | None = None,
    sleep: Callable[[float], None] = time.sleep,
    client: MarketplaceClient | None = None,
) -> PullReport:
    """Applies every page of changes since the stored cursor; see the module docstring."""
    own_client = client is None
    if client is None:
        url, token = settings.require()
        client = MarketplaceClient(url, token)
    backoff = backoff or Backoff()
    report = PullReport()
    deadline = time.monotonic() + max_wait
    with engine.connect() as conn:
        cursor = outbox.read_cursor(conn)
    tries = 0
    try:
        with tempfile.TemporaryDirectory(prefix="guarantee-tui-pull-") as scratch:
            while True:
                try:
                    reply = client.changes(cursor, limit)
                except CursorExpired as exc:
                    if cursor is None:  # even the beginning is refused: not ours to fix
                        raise NotAPage(client.url + SOURCE, str(exc)) from exc
                    cursor, report.restarted = None, True
                    continue
                except TransientError as exc:
                    tries += 1
                    pause = backoff.delay(tries, exc.retry_after)
                    if time.monotonic() + pause > deadline:
                        raise PullUnfinished(report.pages, str(exc)) from exc
                    sleep(pause)
                    continue
                tries = 0
                professionals, next_cursor, more = _page(reply.data, client.url + SOURCE)
                path = Path(scratch) / f"changes-page-{report.pages + 1}.json"
                path.write_text(
                    json.dumps({"format": FORMAT, "professionals": professionals}),
                    encoding="utf-8",
                )
                at = datetime.now(UTC)

                def keep_cursor(
                    conn: Connection, cursor: str = next_cursor, at: datetime = at
                ) -> None:
                    outbox.write_cursor(conn, cursor, at)

                report.add(
                    import_case_file(engine, path, create_schema=False, at=at, within=keep_cursor)
                )
                path.unlink()
                report.pages += 1
                cursor = next_cursor
                if not more:
                    return report
    finally:
        if own_client:
            client.close()
