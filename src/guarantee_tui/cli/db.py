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
    copy = sub.add_parser(
        "copy",
        help=tr("copy a whole database into an empty one (SQLite to PostgreSQL and back)"),
        description=tr(
            "Copies everything (facts, claims, agents, decisions, letters, ledger, effects, "
            "call notes, the whole log) in one transaction on the target, which must be "
            "empty (it is created and migrated if it does not exist yet). The log is "
            "verified on the target afterwards."
        ),
    )
    add_common(copy, tr)
    copy.add_argument(
        "--from", dest="source", required=True, metavar="SRC", help=tr("the database to copy")
    )
    copy.add_argument(
        "--to", dest="target", required=True, metavar="DST", help=tr("the empty database to fill")
    )
    copy.set_defaults(run=run_copy)


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


def run_copy(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.copy import copy_database, refuse_non_empty
    from guarantee_tui.store.engine import (
        current_revision,
        describe,
        make_engine,
        open_database,
    )
    from guarantee_tui.store.migrate import upgrade

    tr = ctx.tr
    source = open_database(args.source)
    target = make_engine(args.target, create=True)
    try:
        where = describe(target.url)
        if current_revision(target) is None:
            from sqlalchemy import inspect

            with target.connect() as conn:
                if inspect(conn).get_table_names():
                    from guarantee_tui.services.copy import TargetNotEmpty

                    raise TargetNotEmpty(where, inspect(conn).get_table_names())
            upgrade(target)
        target.dispose()
        target = open_database(args.target)
        refuse_non_empty(target, where)
        copied = copy_database(source, target, where)
    finally:
        source.dispose()
        target.dispose()
    print(
        tr(
            "Copied {rows} rows into {db}.",
            rows=tr.number(sum(copied.rows.values())),
            db=where,
        )
    )
    if not copied.log.ok:
        print(tr("The log does not verify on the target: run guarantee-tui log verify there."))
        return 1
    print(f"OK {copied.log.count} entries, head {copied.log.head}")
    return 0
