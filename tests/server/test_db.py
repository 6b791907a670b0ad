"""Database set-up: SQLite pragmas, migrations (run at start, idempotent, upgrading an older schema)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text


def test_sqlite_connections_use_wal_and_synchronous_full(tmp_path):
    from acsi.server.db import open_database

    engine = open_database(f"sqlite:///{tmp_path / 'bank.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_migrations_are_idempotent_and_upgrade_an_older_schema(db_url):
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from acsi.server.db import MIGRATIONS, make_engine, open_database

    engine = make_engine(db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    assert "surveys" not in inspect(engine).get_table_names()
    with engine.begin() as conn:  # counts stored before revision 0003 get their monthly sums
        conn.execute(
            text(
                "INSERT INTO agg_day VALUES ('B01', '2025-01-02', 4, 3, 1, 'rated', 4, 5), "
                "('B01', '2025-01-30', 4, 3, 1, 'rated', 4, 2), ('B01', '2025-02-01', 4, 3, 1, 'rated', 4, 1)"
            )
        )
    engine.dispose()
    engine = open_database(db_url)  # the server start upgrades to the newest revision
    open_database(db_url).dispose()  # and a second start changes nothing
    with engine.connect() as conn:
        head = ScriptDirectory.from_config(config).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
        months = dict(conn.execute(text("SELECT month, n FROM agg_month ORDER BY month")).all())
    assert months == {"2025-01": 7, "2025-02": 1}
    assert {"surveys", "events", "agg_fine", "agg_month", "users"} <= set(inspect(engine).get_table_names())
    engine.dispose()


@pytest.mark.parametrize(
    "url, message", [("mysql://u@h/d", "only SQLite and PostgreSQL"), ("postgresql://nobody@127.0.0.1:1/x", "cannot be opened")]
)
def test_unusable_database_urls_give_our_error(url, message):
    from acsi.server.db import ServerError, open_database

    with pytest.raises(ServerError, match=message):
        open_database(url)


def test_postgresql_urls_use_psycopg_3():
    from acsi.server.db import normalise_url

    assert normalise_url("postgresql://acsi@db/bank").startswith("postgresql+psycopg://")
    assert normalise_url("bank.sqlite") == "sqlite:///bank.sqlite"
