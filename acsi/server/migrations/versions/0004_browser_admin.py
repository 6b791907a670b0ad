"""Browser administration: active flags on the organisation, data corrections, the analysts'
clerk-name grant, and each branch's device set-up (site file and profile).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ORG_TABLES = ("regions", "branches", "counters", "staff")


def upgrade() -> None:
    # Revision 0001 creates its tables from schema.py as it is now, so a fresh database has the
    # columns already; only a database made before this revision gets them here.
    inspector = sa.inspect(op.get_bind())
    for table in ORG_TABLES:
        if "active" in {c["name"] for c in inspector.get_columns(table)}:
            continue
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))
    op.create_table(
        "event_corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("branch_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("window_id", sa.String(64), nullable=True),
        sa.Column("staff_id", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("event_corrections_event", "event_corrections", ["event_id", "id"])
    op.create_index("event_corrections_branch", "event_corrections", ["branch_id", "id"])
    op.create_table(
        "clerk_name_grants",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("granted_by", sa.String(128), nullable=False),
        sa.Column("granted_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "branch_devices",
        sa.Column("branch_code", sa.String(64), primary_key=True),
        sa.Column("site", sa.Text, nullable=True),
        sa.Column("profile", sa.Text, nullable=True),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("branch_devices")
    op.drop_table("clerk_name_grants")
    op.drop_index("event_corrections_branch", "event_corrections")
    op.drop_index("event_corrections_event", "event_corrections")
    op.drop_table("event_corrections")
    for table in ORG_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("active")
