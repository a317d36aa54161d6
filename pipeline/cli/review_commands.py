"""`callqa users`: the review workbench's users and its access log (who saw which call when).

A password is never a command-line argument (it would stay in the shell history and in the
process list): it is read from the terminal without echo, or as one line from stdin when stdin
is not a terminal (`printf '%s\\n' "$PW" | callqa users add …`).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime

from rich.markup import escape
from rich.table import Table

from pipeline.cli.output import out
from pipeline.config import load_config, parse_day
from pipeline.errors import CallqaError, UnknownUser
from pipeline.review.records import ROLES
from pipeline.review.store import ReviewStore, open_review_store


def read_password(name: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != first:
            raise CallqaError(f"the two passwords typed for {name!r} differ; nothing was changed")
        return first
    line = sys.stdin.readline()
    if not line:
        raise CallqaError(
            f"no password for {name!r}: type it at a terminal, or give it as one line on stdin"
        )
    return line.rstrip("\r\n")


def _store(args: argparse.Namespace) -> ReviewStore:
    return open_review_store(load_config(args.config))


def cmd_users_add(args: argparse.Namespace) -> int:
    if args.role == "agent" and not args.agent_id:
        raise CallqaError(
            f"user {args.name!r} is an agent: give the agent id of their calls with --agent-id"
        )
    with _store(args) as store:
        password = read_password(args.name)
        user = store.add_user(args.name, args.role, password, args.agent_id, args.team)
    out.print(escape(f"added {user.role} {user.name}"), highlight=False)
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        users = store.list_users()
    table = Table(show_edge=False)
    for column in ("name", "role", "agent id", "team", "disabled"):
        table.add_column(column)
    for user in users:
        table.add_row(
            escape(user.name),
            user.role,
            escape(user.agent_id or ""),
            escape(user.team or ""),
            "yes" if user.disabled else "",
        )
    out.print(table)
    return 0


def cmd_users_disable(args: argparse.Namespace) -> int:
    with _store(args) as store:
        store.disable_user(args.name)
    out.print(escape(f"disabled {args.name}: they can no longer log in"), highlight=False)
    return 0


def cmd_users_passwd(args: argparse.Namespace) -> int:
    with _store(args) as store:
        if store.get_user(args.name) is None:
            raise UnknownUser(args.name)
        store.set_password(args.name, read_password(args.name))
    out.print(escape(f"password of {args.name} changed"), highlight=False)
    return 0


def since(text: str) -> date | datetime:
    """--since: a day (YYYY-MM-DD, from its start in UTC) or an ISO time with its offset."""
    if len(text) == 10:
        return parse_day(text, "--since")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CallqaError(f"--since {text!r} is not a date (YYYY-MM-DD) or an ISO time") from None


def cmd_access_log(args: argparse.Namespace) -> int:
    with _store(args) as store:
        entries = store.access_log(args.user, args.call, since(args.since) if args.since else None)
    # Tab-separated and unstyled (rich would expand the tabs): for grep, cut and spreadsheets.
    for e in entries:
        fields = [e.at.isoformat(timespec="seconds"), e.user_name, e.action, e.call_id or "-"]
        fields.append(" ".join(e.detail.split()))
        print("\t".join(fields))
    return 0


def add_users(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser(
        "users",
        help="the review workbench's users, and its access log",
        description="Users of the review workbench (`callqa review`) and what each may do: "
        "agent (their own calls only, appeals), reviewer (verdicts on findings), senior "
        "(decides appeals, orders re-checks), lead (signs off review batches), admin "
        "(everything). They live in the review store ([review] store in callqa.toml). "
        "Passwords are read from the terminal, or as one line from stdin when it is not a "
        "terminal; never from the command line. They are stored as scrypt hashes only.",
    )
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = users_sub.add_parser(
        "add",
        help="add a user (the password is asked for)",
        description="Add a user; the password (8 characters or more) is read from the terminal "
        "or from stdin.",
    )
    add.add_argument("name", help="login name (no spaces)")
    add.add_argument("--role", required=True, choices=ROLES, help="what the user may do")
    add.add_argument(
        "--agent-id", metavar="ID", help="the agent id of their calls (required for agents)"
    )
    add.add_argument("--team", metavar="T", help="the team they belong to or review")
    add.set_defaults(func=cmd_users_add)
    listing = users_sub.add_parser("list", help="list the users and their roles")
    listing.set_defaults(func=cmd_users_list)
    disable = users_sub.add_parser(
        "disable",
        help="stop a user from logging in (their records stay)",
        description="Disable a user: they can no longer log in or record anything; what they "
        "recorded stays, since the records are append-only.",
    )
    disable.add_argument("name")
    disable.set_defaults(func=cmd_users_disable)
    passwd = users_sub.add_parser(
        "passwd",
        help="set a user's password (asked for)",
        description="Set a user's password, read from the terminal or as one line from stdin.",
    )
    passwd.add_argument("name")
    passwd.set_defaults(func=cmd_users_passwd)
    log = users_sub.add_parser(
        "access-log",
        help="who viewed or played which call, and who logged in, when",
        description="Print the access log (PIPL accountability), oldest first, one entry a "
        "line: time (UTC), user, action (view, play, login, login_failed …), call id, detail.",
    )
    log.add_argument("--user", metavar="U", help="only this user's entries")
    log.add_argument("--call", metavar="C", help="only entries about this call id")
    log.add_argument(
        "--since", metavar="D", help="only entries from this day (YYYY-MM-DD) or ISO time on"
    )
    log.set_defaults(func=cmd_access_log)
