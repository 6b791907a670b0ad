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

from acsi.ingest.device.indicators import COUNT_KEYS

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

# The key columns of the aggregates, each with its one type: an aggregate is a table of counts
# ``n`` with one row per distinct key (see :func:`_count_table`).
_KEY_TYPES = {
    "bank_id": lambda: String(64),
    "branch_id": lambda: String(64),
    "window_id": lambda: String(64),
    "staff_id": lambda: String(64),
    "local_date": lambda: String(10),
    "month": lambda: String(7),
    "local_hour": Integer,
    "scale_levels": Integer,
    "satisfied_min_level": Integer,
    "bad_max_level": Integer,
    "outcome": lambda: String(16),
    "level": Integer,
    "label": lambda: String(32),
    "flags": Text,
    "prompted": Boolean,
    "reason": lambda: String(64),
}


def _count_table(name: str, keys: tuple[str, ...], *indexes: Index) -> Table:
    """Aggregate ``name``: the ``keys`` (NOT NULL, unique together as ``<name>_key``) and ``n``."""
    return Table(
        name,
        metadata,
        *(Column(key, _KEY_TYPES[key](), nullable=False) for key in keys),
        Column("n", BigInteger, nullable=False),
        UniqueConstraint(*keys, name=f"{name}_key"),
        *indexes,
    )


# The count keys of the device indicators with the local hour after the day.
FINE_KEYS = (*COUNT_KEYS[:5], "local_hour", *COUNT_KEYS[5:])
agg_fine = _count_table(
    "agg_fine",
    FINE_KEYS,
    Index("agg_fine_branch_date", "branch_id", "local_date"),
    Index("agg_fine_staff_date", "staff_id", "local_date"),
)

_RATING_KEYS = ("scale_levels", "satisfied_min_level", "bad_max_level", "outcome", "level")
DAY_KEYS = ("branch_id", "local_date", *_RATING_KEYS)
agg_day = _count_table("agg_day", DAY_KEYS, Index("agg_day_date", "local_date"))

REASON_KEYS = ("bank_id", "branch_id", "window_id", "staff_id", "local_date", "reason")
agg_reasons = _count_table("agg_reasons", REASON_KEYS)

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
MONTH_KEYS = ("branch_id", "month", *_RATING_KEYS)
agg_month = _count_table("agg_month", MONTH_KEYS, Index("agg_month_month", "month"))

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
