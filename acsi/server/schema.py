"""The server's tables (SQLAlchemy 2 Core). Alembic migrations in ``migrations/`` create them.

Organisation: ``regions`` > ``branches`` > ``counters``; ``staff`` with ``staff_assignments``
(history: a staff member moves between branches, each assignment has ``valid_from`` and
``valid_to``). Events carry the branch, counter and staff codes they were recorded at, so a move
never rewrites history.

Aggregates (updated in the transaction that inserts the events; pages read only these):

- ``agg_fine``: (bank, branch, counter, staff, local day, local hour, scale, thresholds,
  outcome, level, label, flags, prompted) -> n. The indicator keys of
  :data:`acsi.ingest.device.indicators.COUNT_KEYS` plus the hour.
- ``agg_day``: (branch, local day, scale, thresholds, outcome, level) -> n, for the overview.
- ``agg_month``: the same per calendar month (revision 0003), for month/quarter/year rankings
  and trends.
- ``agg_reasons``: (bank, branch, counter, staff, local day, reason) -> n of rated events.

Nullable codes are stored as ``''`` (and a missing level as 0) in the aggregate keys, because
SQL unique keys treat NULLs as distinct; :mod:`acsi.server.queries` turns them back into None.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

metadata = MetaData()

meta = Table("meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))

regions = Table(
    "regions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=true()),  # revision 0004
)

branches = Table(
    "branches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("region_id", Integer, ForeignKey("regions.id"), nullable=True),
    Column("bank_id", String(64), nullable=True),
    Column("tz", String(64), nullable=False, default="Asia/Shanghai"),
    Column("active", Boolean, nullable=False, server_default=true()),  # revision 0004
)

counters = Table(
    "counters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("branch_id", Integer, ForeignKey("branches.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=true()),  # revision 0004
    UniqueConstraint("branch_id", "code", name="counters_branch_code"),
)

staff = Table(
    "staff",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=true()),  # revision 0004
)

staff_assignments = Table(
    "staff_assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("branch_id", Integer, ForeignKey("branches.id"), nullable=False),
    Column("counter_code", String(64), nullable=True),
    Column("valid_from", String(10), nullable=False),
    Column("valid_to", String(10), nullable=True),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("scope", String(64), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(32), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Float, nullable=False),
    Column("username", String(128), nullable=False),
    Column("address", String(64), nullable=False),
    Column("ok", Boolean, nullable=False),
    Index("login_attempts_user", "username", "at"),
    Index("login_attempts_address", "address", "at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(128), nullable=True),
    Column("action", String(64), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("address", String(64), nullable=True),
)

collector_tokens = Table(
    "collector_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("branch_code", String(64), nullable=False),
    Column("label", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32), nullable=True),
)

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(200), nullable=False, unique=True),
    Column("payload_sha256", String(64), nullable=False),
    Column("bank_id", String(64), nullable=True),
    Column("branch_id", String(64), nullable=False),
    Column("window_id", String(64), nullable=True),
    Column("staff_id", String(64), nullable=True),
    Column("captured_at_utc", String(32), nullable=False),
    Column("local_date", String(10), nullable=False),
    Column("local_hour", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("scale_levels", Integer, nullable=False),
    Column("level", Integer, nullable=True),
    Column("label", String(32), nullable=True),
    Column("bad", Boolean, nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", String(32), nullable=False),
    Column("token_id", Integer, nullable=True),
    Index("events_branch_bad_time", "branch_id", "bad", "captured_at_utc"),
)

event_conflicts = Table(
    "event_conflicts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", String(32), nullable=False),
    Column("token_id", Integer, nullable=True),
)

FINE_KEYS = (
    "bank_id",
    "branch_id",
    "window_id",
    "staff_id",
    "local_date",
    "local_hour",
    "scale_levels",
    "satisfied_min_level",
    "bad_max_level",
    "outcome",
    "level",
    "label",
    "flags",
    "prompted",
)

agg_fine = Table(
    "agg_fine",
    metadata,
    Column("bank_id", String(64), nullable=False),
    Column("branch_id", String(64), nullable=False),
    Column("window_id", String(64), nullable=False),
    Column("staff_id", String(64), nullable=False),
    Column("local_date", String(10), nullable=False),
    Column("local_hour", Integer, nullable=False),
    Column("scale_levels", Integer, nullable=False),
    Column("satisfied_min_level", Integer, nullable=False),
    Column("bad_max_level", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("level", Integer, nullable=False),
    Column("label", String(32), nullable=False),
    Column("flags", Text, nullable=False),
    Column("prompted", Boolean, nullable=False),
    Column("n", BigInteger, nullable=False),
    UniqueConstraint(*FINE_KEYS, name="agg_fine_key"),
    Index("agg_fine_branch_date", "branch_id", "local_date"),
    Index("agg_fine_staff_date", "staff_id", "local_date"),
)

DAY_KEYS = ("branch_id", "local_date", "scale_levels", "satisfied_min_level", "bad_max_level", "outcome", "level")

agg_day = Table(
    "agg_day",
    metadata,
    Column("branch_id", String(64), nullable=False),
    Column("local_date", String(10), nullable=False),
    Column("scale_levels", Integer, nullable=False),
    Column("satisfied_min_level", Integer, nullable=False),
    Column("bad_max_level", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("level", Integer, nullable=False),
    Column("n", BigInteger, nullable=False),
    UniqueConstraint(*DAY_KEYS, name="agg_day_key"),
    Index("agg_day_date", "local_date"),
)

REASON_KEYS = ("bank_id", "branch_id", "window_id", "staff_id", "local_date", "reason")

agg_reasons = Table(
    "agg_reasons",
    metadata,
    Column("bank_id", String(64), nullable=False),
    Column("branch_id", String(64), nullable=False),
    Column("window_id", String(64), nullable=False),
    Column("staff_id", String(64), nullable=False),
    Column("local_date", String(10), nullable=False),
    Column("reason", String(64), nullable=False),
    Column("n", BigInteger, nullable=False),
    UniqueConstraint(*REASON_KEYS, name="agg_reasons_key"),
)

branch_state = Table(
    "branch_state",
    metadata,
    Column("branch_id", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("last_event_at", String(32), nullable=True),
)

# Revision 0002: uploaded surveys and their analysis (strict JSON).
surveys = Table(
    "surveys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("uploaded_at", String(32), nullable=False),
    Column("uploaded_by", String(128), nullable=True),
    Column("result", Text, nullable=False),
)

# Revision 0003: monthly counts per branch, so that the overview's trend and its month, quarter
# and year rankings read 12 rows per branch and year instead of 365.
MONTH_KEYS = ("branch_id", "month", "scale_levels", "satisfied_min_level", "bad_max_level", "outcome", "level")

agg_month = Table(
    "agg_month",
    metadata,
    Column("branch_id", String(64), nullable=False),
    Column("month", String(7), nullable=False),
    Column("scale_levels", Integer, nullable=False),
    Column("satisfied_min_level", Integer, nullable=False),
    Column("bad_max_level", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("level", Integer, nullable=False),
    Column("n", BigInteger, nullable=False),
    UniqueConstraint(*MONTH_KEYS, name="agg_month_key"),
    Index("agg_month_month", "month"),
)

# Revision 0004 (browser administration): data corrections, the analysts' clerk-name grant and
# the device set-up (site file, profile) of each branch.
# A correction never touches ``events``: it is a new row naming the original event; the newest
# correction of an event decides its effective counter/staff (``reassign``) or voids it.
event_corrections = Table(
    "event_corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(200), nullable=False),
    Column("branch_id", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("window_id", String(64), nullable=True),
    Column("staff_id", String(64), nullable=True),
    Column("reason", Text, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", String(32), nullable=False),
    Index("event_corrections_event", "event_id", "id"),
    Index("event_corrections_branch", "branch_id", "id"),
)

clerk_name_grants = Table(
    "clerk_name_grants",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("granted_by", String(128), nullable=False),
    Column("granted_at", String(32), nullable=False),
)

branch_devices = Table(
    "branch_devices",
    metadata,
    Column("branch_code", String(64), primary_key=True),
    Column("site", Text, nullable=True),
    Column("profile", Text, nullable=True),
    Column("updated_at", String(32), nullable=False),
)
