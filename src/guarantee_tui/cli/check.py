"""`guarantee-tui check`: is a claim eligible, condition by condition."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from guarantee_tui.cli.common import Context, add_common, parse_at
from guarantee_tui.errors import InvalidArgument
from guarantee_tui.i18n import Translator

STATUSES = ("open", "approved", "rejected", "suspended")


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "check",
        help=tr("check a claim against the guarantee's conditions"),
        description=tr("Evaluates every condition of the guarantee for a claim, with evidence."),
    )
    add_common(p, tr)
    p.add_argument("claim", nargs="?", metavar="CLAIM_REF", help=tr("the claim's ref"))
    p.add_argument("--all", action="store_true", help=tr("every claim, one JSON object per line"))
    p.add_argument(
        "--status", choices=STATUSES, help=tr("with --all: only claims with this status")
    )
    p.add_argument(
        "--at",
        metavar="ISO8601",
        help=tr("evaluation time, e.g. 2026-11-21T12:00:00Z (default: now)"),
    )
    p.add_argument(
        "--json", action="store_true", help=tr("print the JSON object of the check contract")
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help=tr("with --all: processes checking in parallel (default: one per CPU)"),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.checks import (
        OutsideWindow,
        check_claim,
        checklist_json,
        json_lines,
    )
    from guarantee_tui.text import inert_json, visible

    tr = ctx.tr
    if args.all and args.claim:
        raise InvalidArgument("CLAIM_REF", args.claim, tr("give a claim ref or --all, not both"))
    if not args.all and not args.claim:
        raise InvalidArgument("CLAIM_REF", "", tr("give a claim ref, or --all for every claim"))
    if args.status and not args.all:
        raise InvalidArgument("--status", args.status, tr("--status goes with --all"))
    at = parse_at(args.at, tr)
    engine = ctx.engine()
    try:
        if args.all:
            if args.jobs < 1:
                raise InvalidArgument("--jobs", str(args.jobs), tr("must be at least 1"))
            skipped: list[OutsideWindow] = []
            for chunk in json_lines(
                engine, at, args.status, tr.language, jobs=args.jobs, skipped=skipped
            ):
                sys.stdout.write(inert_json(chunk))
            # Every other claim is checked; those that cannot be are named at the end.
            sys.stdout.flush()
            for problem in skipped:
                print(visible(problem.describe(tr), lines=True), file=sys.stderr)
            return 2 if skipped else 0
        checklist = check_claim(engine, args.claim, at)
        if args.json:
            print(
                inert_json(json.dumps(checklist_json(checklist, tr), ensure_ascii=False, indent=2))
            )
        else:
            from guarantee_tui.cli.tables import print_checklist

            print_checklist(checklist, tr)
        return 0
    finally:
        engine.dispose()
