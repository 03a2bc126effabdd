"""`guarantee-tui agents`: who works here, and who supervises.

Roles live in the database (the agents table); this command is how an
administrator with access to the database sets them.
"""

from __future__ import annotations

import argparse
from typing import Any

from guarantee_tui.cli.common import Context, add_common, parse_at
from guarantee_tui.i18n import Translator


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser("agents", help=tr("list agents, set their roles"))
    sub = p.add_subparsers(metavar="ACTION", title=tr("actions"), required=True)
    listing = sub.add_parser("list", help=tr("every agent and their role"))
    add_common(listing, tr)
    listing.set_defaults(run=run_list)
    setting = sub.add_parser("set", help=tr("record an agent with a role"))
    add_common(setting, tr)
    setting.add_argument("name", metavar="NAME")
    setting.add_argument("--role", required=True, choices=("agent", "supervisor"))
    setting.set_defaults(run=run_set)


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.agents import list_all

    engine = ctx.engine()
    try:
        for name, role in list_all(engine):
            print(f"{name}\t{ctx.tr(role)}")
    finally:
        engine.dispose()
    return 0


def run_set(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.agents import set_role

    engine = ctx.engine()
    try:
        name = set_role(engine, args.name, args.role, parse_at(None, ctx.tr))
    finally:
        engine.dispose()
    print(ctx.tr("{agent} is now {role}.", agent=name, role=ctx.tr(args.role)))
    return 0
