"""`guarantee-tui db`: create or upgrade the schema, show its revision."""

from __future__ import annotations

import argparse
from typing import Any

from guarantee_tui.cli.common import Context, add_common
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser(
        "db",
        help=tr("create or upgrade the database schema"),
        description=tr("Manages the database schema (Alembic migrations)."),
    )
    sub = p.add_subparsers(metavar="ACTION", title=tr("actions"), required=True)
    up = sub.add_parser(
        "upgrade",
        help=tr("create the tables, or bring an older database to the current schema"),
    )
    add_common(up, tr)
    up.set_defaults(run=run_upgrade)
    current = sub.add_parser("current", help=tr("print the database's schema revision"))
    add_common(current, tr)
    current.set_defaults(run=run_current)


def run_upgrade(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.store.engine import current_revision, describe, make_engine
    from guarantee_tui.store.location import SCHEMA_REVISION
    from guarantee_tui.store.migrate import upgrade

    engine = make_engine(ctx.settings.db, create=True)
    try:
        before = current_revision(engine)
        if before == SCHEMA_REVISION:
            print(
                ctx.tr(
                    "{db} is already at schema revision {revision}.",
                    db=describe(engine.url),
                    revision=SCHEMA_REVISION,
                )
            )
            return 0
        upgrade(engine)
        print(
            ctx.tr(
                "{db} upgraded from {before} to schema revision {revision}.",
                db=describe(engine.url),
                before=before or ctx.tr("an empty database"),
                revision=SCHEMA_REVISION,
            )
        )
        return 0
    finally:
        engine.dispose()


def run_current(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.store.engine import current_revision, describe, make_engine

    engine = make_engine(ctx.settings.db)
    try:
        revision = current_revision(engine)
        print(
            ctx.tr(
                "{db}: schema revision {revision}",
                db=describe(engine.url),
                revision=revision or ctx.tr("none"),
            )
        )
        return 0
    finally:
        engine.dispose()
