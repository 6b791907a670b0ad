"""The first schema: organisation, users, sessions, audit, tokens, events and aggregates.

Revision ID: 0001
Revises:
"""

from alembic import op

from acsi.server import schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The tables as acsi/server/schema.py defines them at revision 0001. A later change to schema.py
# comes with a new revision that alters the tables with op.* calls.
_TABLES = (
    "meta",
    "regions",
    "branches",
    "counters",
    "staff",
    "staff_assignments",
    "users",
    "sessions",
    "login_attempts",
    "audit_log",
    "collector_tokens",
    "events",
    "event_conflicts",
    "agg_fine",
    "agg_day",
    "agg_reasons",
    "branch_state",
)


def upgrade() -> None:
    bind = op.get_bind()
    for name in _TABLES:
        schema.metadata.tables[name].create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for name in reversed(_TABLES):
        schema.metadata.tables[name].drop(bind)
