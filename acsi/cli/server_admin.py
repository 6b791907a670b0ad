"""``acsi org import``, ``acsi users add|list|set-role``, ``acsi tokens add|list|revoke``:
administration of the bank's evaluation server from the command line (the first admin is made
here). The server modules are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _begin(args: argparse.Namespace, *, write: bool = True):
    """A connection in a transaction on ``--db`` (migrated first); the engine is disposed after."""
    from acsi.cli.serve import require_server_extra

    require_server_extra()
    from acsi.server.db import open_database

    engine = open_database(args.db)
    try:
        with engine.begin() if write else engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def run_org_import(args: argparse.Namespace) -> int:
    from acsi.errors import ParameterError
    from acsi.server.devices import import_sites, read_text
    from acsi.server.org import import_org, read_org_file

    if not args.file and not args.site:
        raise ParameterError("acsi org import: give an organisation file, or site files with --site (or both).")
    if args.profile and not args.site:
        raise ParameterError("--profile applies to the branches of the --site files; give --site as well.")
    data = read_org_file(args.file) if args.file else None
    sites = [(str(path), read_text(path)) for path in args.site or []]
    if args.site:
        for path in args.site:
            if not Path(path).is_file():
                raise FileNotFoundError(f"Site file '{path}' not found.")
    profile = read_text(args.profile) if args.profile else None
    with _begin(args) as conn:
        if data is not None:
            counts = import_org(conn, data, actor="cli")
            print(", ".join(f"{v} {k}" for k, v in counts.items()) + f" imported from {args.file}")
        if sites:
            counts = import_sites(conn, sites, region=args.region, profile=profile, actor="cli")
            print(", ".join(f"{v} {k}" for k, v in counts.items()) + " imported from the site files")
    return 0


def run_users_add(args: argparse.Namespace) -> int:
    from acsi.server.db import ServerError
    from acsi.server.users import add_user

    if not args.password_stdin:
        raise ServerError("Give the password on standard input with --password-stdin (never on the command line).")
    password = sys.stdin.readline().rstrip("\r\n")
    with _begin(args) as conn:
        add_user(conn, args.name, args.role, password, args.scope, actor="cli")
    print(f"user {args.name} added ({args.role}{' ' + args.scope if args.scope else ''})")
    return 0


def run_users_list(args: argparse.Namespace) -> int:
    from acsi.server.users import list_users

    with _begin(args, write=False) as conn:
        for u in list_users(conn):
            print(f"{u['id']:>4}  {u['name']:<20} {u['role']:<15} {u['scope'] or '-'}")
    return 0


def run_users_role(args: argparse.Namespace) -> int:
    from acsi.server.db import ServerError
    from acsi.server.users import find_user, set_role

    with _begin(args) as conn:
        user = find_user(conn, args.name)
        if user is None:
            raise ServerError(f"No user {args.name!r}; see acsi users list.")
        set_role(conn, user["id"], args.role, args.scope, actor="cli")
    print(f"user {args.name} is now {args.role}{' ' + args.scope if args.scope else ''}")
    return 0


def run_tokens_add(args: argparse.Namespace) -> int:
    from acsi.server.tokens import add_token

    with _begin(args) as conn:
        token_id, token = add_token(conn, args.branch, args.label, actor="cli")
    print(token)
    print(
        f"token {token_id} for branch {args.branch}: shown once, stored hashed; "
        "use it as acsi device listen ... --push URL --token TOKEN",
        file=sys.stderr,
    )
    return 0


def run_tokens_list(args: argparse.Namespace) -> int:
    from acsi.server.tokens import list_tokens

    with _begin(args, write=False) as conn:
        for t in list_tokens(conn):
            state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "live"
            print(f"{t['id']:>4}  {t['prefix']}...  {t['branch_code']:<10} {state:<34} {t['label']}")
    return 0


def run_tokens_revoke(args: argparse.Namespace) -> int:
    from acsi.server.tokens import revoke_token

    with _begin(args) as conn:
        revoke_token(conn, args.id, actor="cli")
    print(f"token {args.id} revoked")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``acsi org``, ``acsi users`` and ``acsi tokens``."""
    roles = ("admin", "head_office", "region_manager", "branch_manager", "clerk", "analyst")

    def db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", required=True, help="server database URL (sqlite:///FILE or postgresql://...)")

    org = commands.add_parser("org", help="server: import the organisation (regions, branches, counters, staff)")
    sub = org.add_subparsers(dest="org_command", metavar="SUBCOMMAND")
    sub.required = True
    p = sub.add_parser("import", help="import regions, branches, counters and staff from YAML or CSV")
    p.add_argument("file", nargs="?", help="organisation file (.yaml/.yml or .csv)")
    p.add_argument(
        "--site",
        action="append",
        metavar="SITE.yaml",
        help="a site file of acsi device listen (repeatable): its branch, counters (windows) and time zone, "
        "kept as the branch's device set-up for vendor-log uploads",
    )
    p.add_argument("--profile", metavar="NAME|FILE", help="device profile of the --site branches (a shipped name or a file)")
    p.add_argument("--region", metavar="CODE", help="region of branches that a site file adds (new branches only)")
    db(p)
    p.set_defaults(run=run_org_import)

    users = commands.add_parser("users", help="server: users and roles")
    sub = users.add_subparsers(dest="users_command", metavar="SUBCOMMAND")
    sub.required = True
    p = sub.add_parser("add", help="add a user (password read from stdin)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=roles)
    p.add_argument("--scope", help="region code (region_manager), branch code (branch_manager) or staff code (clerk)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    db(p)
    p.set_defaults(run=run_users_add)
    p = sub.add_parser("list", help="list users")
    db(p)
    p.set_defaults(run=run_users_list)
    p = sub.add_parser("set-role", help="change a user's role and scope (ends their sessions)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=roles)
    p.add_argument("--scope")
    db(p)
    p.set_defaults(run=run_users_role)

    tokens = commands.add_parser("tokens", help="server: collector tokens (one per branch PC)")
    sub = tokens.add_subparsers(dest="tokens_command", metavar="SUBCOMMAND")
    sub.required = True
    p = sub.add_parser("add", help="make a token bound to one branch; printed once")
    p.add_argument("--branch", required=True)
    p.add_argument("--label", default="", help="free text, e.g. the PC's name")
    db(p)
    p.set_defaults(run=run_tokens_add)
    p = sub.add_parser("list", help="list tokens (prefix, branch, state)")
    db(p)
    p.set_defaults(run=run_tokens_list)
    p = sub.add_parser("revoke", help="revoke a token at once")
    p.add_argument("id", type=int)
    db(p)
    p.set_defaults(run=run_tokens_revoke)
