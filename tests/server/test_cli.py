"""The server's CLI commands: org import, users add (password on stdin), tokens add/revoke,
and `import acsi` / `acsi --help` without any server dependency loaded."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from sqlalchemy import select


def test_import_acsi_and_help_load_no_server_dependency():
    code = (
        "import sys, acsi\nfrom acsi.cli import build_parser\nbuild_parser().format_help()\n"
        "print(','.join(m for m in ('fastapi', 'sqlalchemy', 'uvicorn', 'starlette', 'alembic') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


ORG_YAML = """
bank: {id: BANK01}
regions:
  - id: R1
    name: North
    branches:
      - id: B01
        name: Main
        counters: [W1]
        staff: [{id: S1, name: Ann, counter: W1, since: 2024-01-01}]
"""


def _run(argv, stdin: str = "", monkeypatch=None):
    from acsi.cli import main

    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def test_cli_bootstraps_org_admin_and_a_token_shown_once(db_url, tmp_path, monkeypatch, capsys):
    from acsi.server.db import open_database
    from acsi.server.schema import collector_tokens, users
    from acsi.server.tokens import resolve

    org = tmp_path / "org.yaml"
    org.write_text(ORG_YAML)
    assert _run(["org", "import", str(org), "--db", db_url]) == 0
    assert (
        _run(
            ["users", "add", "root", "--role", "admin", "--password-stdin", "--db", db_url],
            stdin="s3cret-pass-word\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert (
        _run(
            ["users", "add", "boss", "--role", "branch_manager", "--scope", "B01", "--password-stdin", "--db", db_url],
            stdin="another-pass-1\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    capsys.readouterr()
    assert _run(["tokens", "add", "--branch", "B01", "--db", db_url]) == 0
    token = capsys.readouterr().out.strip()
    engine = open_database(db_url)
    with engine.connect() as conn:
        stored = conn.execute(select(collector_tokens.c.token_hash)).scalar_one()
        hashes = [r[0] for r in conn.execute(select(users.c.password_hash))]
        assert resolve(conn, token)["branch_code"] == "B01"
    assert token.startswith("acsi_") and token not in stored
    assert all(h.startswith("$argon2id$") and "s3cret" not in h for h in hashes)
    assert _run(["tokens", "revoke", "1", "--db", db_url]) == 0
    with engine.connect() as conn:
        assert resolve(conn, token) is None
    engine.dispose()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["users", "add", "x", "--role", "branch_manager", "--scope", "B99", "--password-stdin"], "not a known branch code"),
        (["users", "add", "x", "--role", "admin", "--password-stdin"], "too short: at least 8 characters, found 5"),
        (["users", "add", "x", "--role", "clerk", "--password-stdin"], "needs --scope"),
        (["tokens", "add", "--branch", "B99"], "not in the organisation"),
        (["tokens", "revoke", "42"], "No collector token with id 42"),
    ],
)
def test_cli_mistakes_are_one_line_errors(db_url, monkeypatch, capsys, argv, message):
    assert _run([*argv, "--db", db_url], stdin="short\n", monkeypatch=monkeypatch) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_org_csv_with_an_empty_required_cell_names_row_and_column(tmp_path, capsys):
    bad = tmp_path / "org.csv"
    bad.write_text("region_id,region_name,branch_id,branch_name,counter_id\nR1,North,B01,Main,W1\nR1,North,,Main,W2\n")
    assert _run(["org", "import", str(bad), "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "'branch_id'" in err


def test_bad_database_url_is_a_one_line_error(capsys):
    assert _run(["tokens", "list", "--db", "mysql://x@y/z"]) == 2
    assert "only SQLite and PostgreSQL" in capsys.readouterr().err


def test_serve_without_the_server_extra_says_what_to_install(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "fastapi" else real(name, *a))
    assert _run(["serve", "--port", "1"]) == 2
    assert "pip install 'acsi[server]'" in capsys.readouterr().err
