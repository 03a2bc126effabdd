"""`guarantee-tui seed`: fill a database with realistic generated data."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.errors import InvalidArgument
from guarantee_tui.i18n import Translator

if TYPE_CHECKING:
    from guarantee_tui.services.seed import SeedSummary

# Kept in step with guarantee_tui.services.seed (not imported here: `--help` stays light).
DEFAULT_PROFESSIONALS: Final = 60
DEFAULT_SEED: Final = 1
DEFAULT_ANCHOR: Final = "2026-11-15T12:00:00Z"
# From this many professionals on, progress is shown on standard error.
PROGRESS_FROM: Final = 2_000


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "seed",
        help=tr("fill a database with realistic generated data"),
        description=tr(
            "Generates French and Portuguese professionals with their purchases, reviews "
            "and claims in every state. The same seed, size and anchor always give the "
            "same data. Without --db, writes the configured database (sample.db by default), "
            "created if missing."
        ),
    )
    add_common(p, tr)
    p.add_argument(
        "--professionals",
        metavar="N",
        default=str(DEFAULT_PROFESSIONALS),
        help=tr(
            "how many professionals to generate (default: {n})",
            n=tr.number(DEFAULT_PROFESSIONALS),
        ),
    )
    p.add_argument(
        "--seed",
        metavar="S",
        default=str(DEFAULT_SEED),
        help=tr("seed of the random generator (default: {seed})", seed=DEFAULT_SEED),
    )
    p.add_argument(
        "--anchor",
        metavar="ISO8601",
        default=DEFAULT_ANCHOR,
        help=tr(
            "the 'now' of the generated data; every date is placed relative to it "
            "(default: {anchor})",
            anchor=DEFAULT_ANCHOR,
        ),
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help=tr("empty a database that already holds data, then seed it"),
    )
    p.set_defaults(run=run)


def _integer(option: str, value: str, tr: Translator, *, minimum: int | None = None) -> int:
    try:
        number = int(value.strip().replace("_", ""))
    except ValueError:
        raise InvalidArgument(option, value, tr("not a whole number")) from None
    if minimum is not None and number < minimum:
        raise InvalidArgument(
            option, value, tr("must be at least {minimum}", minimum=tr.number(minimum))
        )
    return number


def _anchor(value: str, tr: Translator) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidArgument(
            "--anchor", value, tr("not an ISO 8601 date-time (e.g. 2026-11-21T12:00:00Z)")
        ) from None
    if parsed.tzinfo is None:
        raise InvalidArgument(
            "--anchor",
            value,
            tr("the date-time needs an offset or Z (e.g. 2026-11-21T12:00:00+01:00)"),
        )
    from guarantee_tui.services.seed import EARLIEST_ANCHOR, LATEST_ANCHOR

    try:
        anchor = parsed.astimezone(UTC)
    except OverflowError:
        anchor = None
    # The data spreads around the anchor, and must stay within the tool's window.
    if anchor is None or not EARLIEST_ANCHOR <= anchor <= LATEST_ANCHOR:
        raise InvalidArgument(
            "--anchor",
            value,
            tr(
                "outside the accepted range, {earliest} to {latest} (UTC)",
                earliest=EARLIEST_ANCHOR.date().isoformat(),
                latest=LATEST_ANCHOR.date().isoformat(),
            ),
        )
    return anchor


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.seed import SeedOptions, seed_database

    tr = ctx.tr
    options = SeedOptions(
        professionals=_integer("--professionals", args.professionals, tr, minimum=1),
        seed=_integer("--seed", args.seed, tr),
        anchor=_anchor(args.anchor, tr),
        replace=args.replace,
    )
    progress = None
    if options.professionals >= PROGRESS_FROM:
        progress = _Progress(tr)
    summary = seed_database(ctx.settings.db, options, progress)
    _print_summary(summary, options.seed, args.anchor.strip(), tr)
    return 0


class _Progress:
    """A line on standard error at every tenth of the way."""

    def __init__(self, tr: Translator) -> None:
        self.tr = tr
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        tenth = done * 10 // total
        if tenth <= self.shown and done < total:
            return
        self.shown = tenth
        print(
            self.tr(
                "Seeding: {done} of {total} professionals ({percent})",
                done=self.tr.number(done),
                total=self.tr.number(total),
                percent=self.tr.percent(100 * done / total),
            ),
            file=sys.stderr,
            flush=True,
        )


def _print_summary(summary: SeedSummary, seed: int, anchor: str, tr: Translator) -> None:
    from guarantee_tui.text import visible

    rows, markets, claims = summary.rows, summary.markets, summary.claims
    n = tr.number
    lines = (
        tr(
            "Seeded {db} (seed {seed}, anchor {anchor}) in {seconds} s.",
            db=visible(summary.database),
            seed=seed,
            anchor=anchor,
            seconds=n(round(summary.seconds, 1)),
        ),
        tr(
            "Professionals: {n} (France {fr}, Portugal {pt})",
            n=n(rows["professionals"]),
            fr=n(markets.get("FR", 0)),
            pt=n(markets.get("PT", 0)),
        ),
        tr("Contact purchases: {n}", n=n(rows["contact_purchases"])),
        tr("Reviews: {n}", n=n(rows["reviews"])),
        tr(
            "Claims: {n} (open {open}, approved {approved}, rejected {rejected}, "
            "suspended {suspended})",
            n=n(rows["claims"]),
            open=n(claims.get("open", 0)),
            approved=n(claims.get("approved", 0)),
            rejected=n(claims.get("rejected", 0)),
            suspended=n(claims.get("suspended", 0)),
        ),
        tr("Explanations: {n}", n=n(rows["explanations"])),
    )
    print("\n".join(lines))
