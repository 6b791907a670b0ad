"""``acsi serve``: the bank's evaluation server (dashboard, collector push API) on Uvicorn.

FastAPI, SQLAlchemy and Uvicorn are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys

_EPILOG = """examples:
  acsi serve --demo                                   # demo bank in demo-bank.sqlite, prints logins
  acsi org import org.yaml --db sqlite:///bank.sqlite
  acsi users add admin --role admin --password-stdin --db sqlite:///bank.sqlite < password.txt
  acsi serve --db sqlite:///bank.sqlite --host 0.0.0.0 --port 8000
  acsi serve --db postgresql://acsi@dbhost/acsi
"""


def require_server_extra() -> None:
    """A readable error when the server's dependencies are not installed."""
    import importlib.util

    from acsi.errors import AcsiError

    missing = [
        m for m in ("fastapi", "uvicorn", "sqlalchemy", "alembic", "argon2", "jinja2") if importlib.util.find_spec(m) is None
    ]
    if missing:
        raise AcsiError(f"the server needs {', '.join(missing)}: pip install 'acsi[server]' (or '.[server]' in a checkout).")


def run_serve(args: argparse.Namespace) -> int:
    require_server_extra()
    import uvicorn

    from acsi.server.app import create_app

    db = args.db
    if args.demo:
        from acsi.server.demo import build_demo

        db = db or "sqlite:///demo-bank.sqlite"
        logins = build_demo(db, years=args.demo_years, per_day=args.demo_per_day)
        print(f"demo bank in {db}", file=sys.stderr)
        print("demo logins (user / password / role):")
        for name, password, role, scope in logins:
            print(f"  {name:<14} {password:<14} {role}{' ' + scope if scope else ''}")
    elif db is None:
        db = "sqlite:///bank.sqlite"
    options = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "proxy_headers": True,
        "forwarded_allow_ips": args.forwarded_allow_ips,
    }
    if args.workers > 1:  # worker processes import the app through a factory; migrate once, here
        import os

        from acsi.server.db import open_database

        open_database(db).dispose()
        os.environ["ACSI_SERVER_DB"] = db
        print(f"acsi server on http://{args.host}:{args.port}/  (database {db}, {args.workers} workers)", flush=True)
        uvicorn.run("acsi.server.app:app_from_environment", factory=True, workers=args.workers, **options)
        return 0
    app = create_app(db)
    print(f"acsi server on http://{args.host}:{args.port}/  (database {db})", flush=True)
    uvicorn.run(app, **options)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``acsi serve``."""
    p = commands.add_parser(
        "serve",
        help="run the bank's evaluation server (dashboard and collector API)",
        description="The bank's evaluation server: dashboard per region, branch, counter and clerk; "
        "push API for the branch collectors (acsi device listen --push).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--db", help="database URL: sqlite:///FILE (default sqlite:///bank.sqlite) or postgresql://...")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--demo", action="store_true", help="create a demo bank (8 branches, generated pad events) and print logins")
    p.add_argument("--demo-years", type=int, default=2, help=argparse.SUPPRESS)
    p.add_argument("--demo-per-day", type=int, default=24, help=argparse.SUPPRESS)
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1; more use more cores)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="proxies trusted for X-Forwarded-Proto (TLS termination; cookies become Secure)",
    )
    p.set_defaults(run=run_serve)
