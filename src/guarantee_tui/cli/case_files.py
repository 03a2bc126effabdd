"""`guarantee-tui import` and `guarantee-tui export`: case files in and out."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any, TextIO

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    imp = subparsers.add_parser(
        "import",
        help=tr("load a case file into the database"),
        description=tr(
            "Loads a case file (JSON). Refs are the keys: importing the same file twice "
            "changes nothing, a changed record is updated. The whole file is checked "
            "first and applied in one transaction: a bad file changes nothing. A SQLite "
            "database that does not exist yet is created. What agents decided and marked "
            "stays: the file's status, explanations and marks of a claim they acted on "
            "are left out, one line each."
        ),
    )
    add_common(imp, tr)
    imp.add_argument("file", metavar="FILE", type=Path, help=tr("the case file to load"))
    imp.set_defaults(run=run_import)

    exp = subparsers.add_parser(
        "export",
        help=tr("write a case file to standard output"),
        description=tr(
            "Writes professionals, with their purchases, reviews and claims, as a case "
            "file (JSON) to standard output. Clients' names and phones are left out "
            "unless a supervisor asks for them with --client-data."
        ),
    )
    add_common(exp, tr)
    exp.add_argument(
        "--professional",
        metavar="REF",
        action="append",
        dest="professionals",
        help=tr("only this professional (repeat for several; default: all)"),
    )
    exp.add_argument(
        "--client-data",
        action="store_true",
        help=tr(
            "include the clients' names and phones (supervisors only; written to the "
            "decision log); without it they are left out"
        ),
    )
    exp.add_argument(
        "--agent", metavar="NAME", help=tr("who exports (default: $GUARANTEE_TUI_AGENT)")
    )
    exp.set_defaults(run=run_export)


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.case_files import describe_kept, describe_report, import_case_file
    from guarantee_tui.store.engine import describe, make_engine
    from guarantee_tui.text import visible

    engine = make_engine(ctx.settings.db, create=True)
    try:
        report = import_case_file(engine, args.file)
        if report.created_database:
            print(visible(ctx.tr("Created the database {db}.", db=describe(engine.url))))
        print(visible(describe_report(report, ctx.tr), lines=True))
        # These quote the file's refs and the agents' names.
        for kept in report.kept:
            print(visible(describe_kept(kept, ctx.tr), lines=True))
        return 0
    finally:
        engine.dispose()


def run_export(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import UTC, datetime

    from guarantee_tui.services.case_files import export_case_file
    from guarantee_tui.services.privacy import export_with_client_data

    def export(out: TextIO) -> None:
        if args.client_data:
            export_with_client_data(
                engine, out, args.professionals, agent=ctx.settings.agent, at=datetime.now(UTC)
            )
        else:
            export_case_file(engine, out, args.professionals)

    engine = ctx.engine()
    try:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            export(sys.stdout)
            return 0
        # JSON is UTF-8 whatever the terminal's locale says.
        sys.stdout.flush()
        out = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n")
        try:
            export(out)
            out.flush()
        finally:
            out.detach()
        return 0
    finally:
        engine.dispose()
