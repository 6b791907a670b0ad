"""The demo bank of ``acsi serve --demo``: two regions, the eight branches of the bundled survey
data (``datasets/bank_branches_demo.csv``: B01..B08), three counters and three clerks per branch,
six demo users, two years of generated pad events up to today, and the survey analysed (per-branch
indices with bootstrap intervals, IPMA).

Known effects (:mod:`acsi.server.synth`): B02 rates better (+0.6 on the latent scale) and B05
worse (-0.6), as in the survey data; winter months are better than summer ones (seasonal
amplitude 0.25). Clerk S0102 moved from B01 to B02 a year ago: their older events stay with B01.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from acsi.server.db import open_database
from acsi.server.ingest import store_events
from acsi.server.org import import_org
from acsi.server.schema import users
from acsi.server.synth import generate
from acsi.server.users import add_user

BRANCHES = ("B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08")
REGIONS = {"R1": ("North", BRANCHES[:4]), "R2": ("South", BRANCHES[4:])}
EFFECTS = {"B01": 0.1, "B02": 0.6, "B03": 0.0, "B04": -0.1, "B05": -0.6, "B06": 0.2, "B07": -0.2, "B08": 0.05}
LOGINS = (
    ("admin", "demo-admin-1", "admin", None),
    ("headoffice", "demo-head-1", "head_office", None),
    ("north", "demo-north-1", "region_manager", "R1"),
    ("manager-b01", "demo-b01-1", "branch_manager", "B01"),
    ("manager-b05", "demo-b05-1", "branch_manager", "B05"),
    ("clerk-s0101", "demo-clerk-1", "clerk", "S0101"),
    ("analyst", "demo-analyst-1", "analyst", None),
)


def _staff(branch: str, i: int) -> str:
    return f"S{branch[1:]}{i:02d}"


def demo_org(today: dt.date) -> dict:
    moved = (today - dt.timedelta(days=365)).isoformat()
    regions = []
    for code, (name, codes) in REGIONS.items():
        branches = []
        for b in codes:
            staff = [{"id": _staff(b, i), "name": f"Clerk {b}-{i}", "counter": f"W{i}", "since": "2020-01-01"} for i in (1, 2, 3)]
            if b == "B02":
                staff.append({"id": "S0102", "name": "Clerk B01-2", "counter": "W4", "since": moved})
            branches.append(
                {
                    "id": b,
                    "name": f"Branch {b}",
                    "tz": "Asia/Shanghai",
                    "counters": ["W1", "W2", "W3"] + (["W4"] if b == "B02" else []),
                    "staff": staff,
                }
            )
        regions.append({"id": code, "name": name, "branches": branches})
    return {"bank": {"id": "BANK01", "name": "Demo Bank"}, "regions": regions}


def build_demo(db: str, *, years: int = 2, per_day: int = 24, today: dt.date | None = None, seed: int = 7) -> list[tuple]:
    """Create the demo bank in ``db`` (once: an existing demo is kept) and return the logins."""
    today = today or dt.date.today()
    engine = open_database(db)
    with engine.connect() as conn:
        done = conn.execute(select(users.c.id).where(users.c.name == "admin")).first() is not None
    if done:
        return list(LOGINS)
    with engine.begin() as conn:
        import_org(conn, demo_org(today), today=today, actor="demo")
        for name, password, role, scope in LOGINS:
            add_user(conn, name, role, password, scope, actor="demo")
    start = today.replace(year=today.year - years) + dt.timedelta(days=1)
    moved = today - dt.timedelta(days=365)
    pairs = {b: [(f"W{i}", _staff(b, i)) for i in (1, 2, 3)] for b in BRANCHES}
    before = {**pairs, "B01": [("W1", "S0101"), ("W2", "S0102"), ("W3", "S0103")]}
    after = {**pairs, "B01": [("W1", "S0101"), ("W3", "S0103")], "B02": [*pairs["B02"], ("W4", "S0102")]}
    batch: list[dict] = []
    for part, (first, last) in ((before, (start, moved - dt.timedelta(days=1))), (after, (moved, today))):
        for event in generate(
            part, first, last, per_day=per_day, branch_effect=EFFECTS, season=0.25, seed=seed + first.toordinal()
        ):
            batch.append(event)
            if len(batch) == 5000:
                store_events(engine, batch, branch=None, actor="demo")
                batch = []
    if batch:
        store_events(engine, batch, branch=None, actor="demo")
    from acsi.resources import bundled
    from acsi.server import survey

    result = survey.analyse(bundled("datasets/bank_branches_demo.csv"), source="bank_branches_demo.csv", seed=seed)
    with engine.begin() as conn:
        survey.store(conn, "bank_branches_demo.csv", result, actor="demo")
    engine.dispose()
    return list(LOGINS)
