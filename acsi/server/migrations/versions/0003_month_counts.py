"""Monthly counts per branch (agg_month), filled from agg_day.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEYS = ("branch_id", "month", "scale_levels", "satisfied_min_level", "bad_max_level", "outcome", "level")


def upgrade() -> None:
    op.create_table(
        "agg_month",
        sa.Column("branch_id", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("scale_levels", sa.Integer, nullable=False),
        sa.Column("satisfied_min_level", sa.Integer, nullable=False),
        sa.Column("bad_max_level", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.UniqueConstraint(*KEYS, name="agg_month_key"),
    )
    op.create_index("agg_month_month", "agg_month", ["month"])
    op.execute(
        "INSERT INTO agg_month (branch_id, month, scale_levels, satisfied_min_level, bad_max_level, outcome, "
        "level, n) SELECT branch_id, substr(local_date, 1, 7), scale_levels, satisfied_min_level, bad_max_level, "
        "outcome, level, SUM(n) FROM agg_day GROUP BY branch_id, substr(local_date, 1, 7), scale_levels, "
        "satisfied_min_level, bad_max_level, outcome, level"
    )


def downgrade() -> None:
    op.drop_index("agg_month_month", "agg_month")
    op.drop_table("agg_month")
