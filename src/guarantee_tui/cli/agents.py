"""`guarantee-tui agents`: who works here, who supervises, under which login.

Roles live in the database (the agents table). On PostgreSQL this command is
run by a database administrator: it creates login roles and grants them the
tool's group roles; an agent's own login may not. Every change is logged.
"""

from __future__ import annotations

import argparse
from typing import Any

from guarantee_tui.cli.common import Context, add_common, parse_at
from guarantee_tui.errors import InvalidArgument
from guarantee_tui.i18n import Translator
from guarantee_tui.text import visible


def register(parser: argparse.ArgumentParser, subparsers: Any, tr: Translator) -> None:
    p = subparsers.add_parser("agents", help=tr("list agents, set their roles and logins"))
    sub = p.add_subparsers(metavar="ACTION", title=tr("actions"), required=True)
    listing = sub.add_parser("list", help=tr("every agent, their role, login and markets"))
    add_common(listing, tr)
    listing.set_defaults(run=run_list)

    adding = sub.add_parser(
        "add",
        help=tr("record an agent; on PostgreSQL map a database login to them"),
        description=tr(
            "Records the agent with a role. On PostgreSQL, creates the login role if "
            "it does not exist (without a password unless --password-prompt), grants it "
            "the tool's group role and maps it to the agent. Run by a database administrator."
        ),
    )
    add_common(adding, tr)
    adding.add_argument("name", metavar="NAME")
    adding.add_argument("--login", metavar="LOGIN", help=tr("the PostgreSQL login"))
    adding.add_argument("--role", required=True, choices=("agent", "supervisor"))
    adding.add_argument(
        "--markets", metavar="FR,PT", help=tr("the markets they take claims from (default: both)")
    )
    adding.add_argument(
        "--password-prompt",
        action="store_true",
        help=tr("ask for the login's password (never on the command line)"),
    )
    _who(adding, tr)
    adding.set_defaults(run=run_add)

    setting = sub.add_parser("set", help=tr("change an agent's role or markets"))
    add_common(setting, tr)
    setting.add_argument("name", metavar="NAME")
    setting.add_argument("--role", required=True, choices=("agent", "supervisor"))
    setting.add_argument("--markets", metavar="FR,PT", help=tr("the markets they take claims from"))
    _who(setting, tr)
    setting.set_defaults(run=run_set)

    removing = sub.add_parser(
        "remove", help=tr("take an agent off the team (the log keeps their acts)")
    )
    add_common(removing, tr)
    removing.add_argument("name", metavar="NAME")
    _who(removing, tr)
    removing.set_defaults(run=run_remove)


def _who(parser: argparse.ArgumentParser, tr: Translator) -> None:
    parser.add_argument(
        "--agent",
        metavar="NAME",
        help=tr("who makes the change, for the log (default: $GUARANTEE_TUI_AGENT)"),
    )


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.agents import rows

    engine = ctx.engine()
    try:
        for row in rows(engine):
            # Names and logins are data: shown, never acted on (a tab in one
            # would shift the columns, so it is shown too).
            fields = (row.name, ctx.tr(row.role), row.login or "-", row.markets or "FR,PT")
            print("\t".join(visible(field) for field in fields))
    finally:
        engine.dispose()
    return 0


def _password(tr: Translator) -> str:
    import getpass

    first = getpass.getpass(tr("Password for the login: "))
    if not first:
        raise InvalidArgument("--password-prompt", "", tr("the password is empty"))
    if getpass.getpass(tr("The same password again: ")) != first:
        raise InvalidArgument("--password-prompt", "", tr("the two passwords differ"))
    return first


def run_add(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.agents import add

    password = _password(ctx.tr) if args.password_prompt else None
    engine = ctx.engine()
    try:
        row = add(
            engine,
            args.name,
            role=args.role,
            at=parse_at(None, ctx.tr),
            login=args.login,
            markets=args.markets,
            password=password,
            by=ctx.settings.agent,
        )
    finally:
        engine.dispose()
    if row.login is None:
        print(ctx.tr("{agent} is now {role}.", agent=visible(row.name), role=ctx.tr(row.role)))
    else:
        print(
            ctx.tr(
                "{agent} is now {role}, connecting as {login}.",
                agent=visible(row.name),
                role=ctx.tr(row.role),
                login=visible(row.login),
            )
        )
    return 0


def run_set(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.agents import change_role

    engine = ctx.engine()
    try:
        name = change_role(
            engine,
            args.name,
            args.role,
            parse_at(None, ctx.tr),
            markets=args.markets,
            by=ctx.settings.agent,
        )
    finally:
        engine.dispose()
    print(ctx.tr("{agent} is now {role}.", agent=visible(name), role=ctx.tr(args.role)))
    return 0


def run_remove(args: argparse.Namespace, ctx: Context) -> int:
    from guarantee_tui.services.agents import remove

    engine = ctx.engine()
    try:
        name = remove(engine, args.name, parse_at(None, ctx.tr), by=ctx.settings.agent)
    finally:
        engine.dispose()
    print(ctx.tr("{agent} is no longer on the team.", agent=visible(name)))
    return 0
