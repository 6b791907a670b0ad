"""The organisation (bank > regions > branches > counters; staff with assignment history),
imported from YAML or CSV.

YAML::

    bank: {id: BANK01, name: Demo Bank}
    regions:
      - id: R1
        name: North
        branches:
          - id: B01
            name: Main Street
            tz: Asia/Shanghai          # optional, default Asia/Shanghai
            counters: [W1, W2]         # or [{id: W1, name: Window 1}, ...]
            staff:
              - {id: S001, name: Li Wei, counter: W1, since: 2024-01-01}

CSV: one row per staff member (or per counter without staff), columns ``region_id``,
``region_name``, ``branch_id``, ``branch_name``, ``counter_id``; optional ``bank_id``, ``tz``,
``counter_name``, ``staff_id``, ``staff_name``, ``since``.

Importing again updates names and adds what is new. A staff member listed at another branch
(or counter) than their open assignment gets a new assignment from ``since`` (default: today)
and the old one is closed the day before: events keep the branch, counter and staff they were
recorded at, so history is never rewritten.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update

from acsi.errors import IngestError
from acsi.server import audit
from acsi.server.schema import branches, counters, regions, staff, staff_assignments

CSV_REQUIRED = ("region_id", "region_name", "branch_id", "branch_name", "counter_id")


def read_org_file(path: str | Path) -> dict:
    """The organisation as a YAML-shaped dict, from a ``.yaml``/``.yml`` or ``.csv`` file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Organisation file '{path}' not found.")
    if path.suffix.lower() == ".csv":
        return _from_csv(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as err:
            raise IngestError(f"Organisation file '{path}' is not valid YAML: {err}", source=str(path)) from err
        if not isinstance(data, dict) or not isinstance(data.get("regions"), list):
            raise IngestError(
                f"Organisation file '{path}': expected a mapping with a 'regions' list.", source=str(path), key="regions"
            )
        return data
    raise IngestError(f"Organisation file '{path}': use .yaml, .yml or .csv (found '{path.suffix}').", source=str(path))


def _from_csv(path: Path) -> dict:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in CSV_REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise IngestError(
                f"Organisation file '{path}': missing column(s) {', '.join(missing)}; found "
                f"{', '.join(reader.fieldnames or [])}.",
                source=str(path),
                key=missing[0],
            )
        regions_: dict[str, dict] = {}
        bank: dict[str, Any] = {}
        for line, row in enumerate(reader, start=2):
            for column in CSV_REQUIRED:
                if not (row.get(column) or "").strip():
                    raise IngestError(
                        f"Organisation file '{path}', row {line}: column '{column}' is empty.",
                        source=str(path),
                        key=column,
                        record=line,
                    )
            if row.get("bank_id"):
                bank["id"] = row["bank_id"].strip()
            region = regions_.setdefault(
                row["region_id"].strip(), {"id": row["region_id"].strip(), "name": row["region_name"].strip(), "branches": []}
            )
            branch = next((b for b in region["branches"] if b["id"] == row["branch_id"].strip()), None)
            if branch is None:
                branch = {"id": row["branch_id"].strip(), "name": row["branch_name"].strip(), "counters": [], "staff": []}
                if (row.get("tz") or "").strip():
                    branch["tz"] = row["tz"].strip()
                region["branches"].append(branch)
            counter = row["counter_id"].strip()
            if counter not in [c["id"] for c in branch["counters"]]:
                branch["counters"].append({"id": counter, "name": (row.get("counter_name") or counter).strip()})
            if (row.get("staff_id") or "").strip():
                branch["staff"].append(
                    {
                        "id": row["staff_id"].strip(),
                        "name": (row.get("staff_name") or "").strip(),
                        "counter": counter,
                        "since": (row.get("since") or "").strip() or None,
                    }
                )
    return {"bank": bank, "regions": list(regions_.values())}


def _text(value: Any, where: str, key: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise IngestError(f"Organisation {where}: '{key}' is missing or empty.", key=key)
    return str(value).strip()


def upsert(conn: Connection, table, match: dict, values: dict) -> int:
    row = conn.execute(select(table.c.id).where(*[table.c[k] == v for k, v in match.items()])).first()
    if row is None:
        return int(conn.execute(insert(table).values(**match, **values)).inserted_primary_key[0])
    conn.execute(update(table).where(table.c.id == row[0]).values(**values))
    return int(row[0])


def import_org(conn: Connection, data: dict, *, today: dt.date | None = None, actor: str | None = None) -> dict[str, int]:
    """Write the organisation ``data`` (see the module docstring); returns counts per kind."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    today = today or dt.date.today()
    bank_id = str((data.get("bank") or {}).get("id") or "") or None
    counts = {"regions": 0, "branches": 0, "counters": 0, "staff": 0, "moves": 0}
    for r_index, region in enumerate(data.get("regions") or []):
        where = f"regions[{r_index}]"
        if not isinstance(region, dict):
            raise IngestError(f"Organisation {where}: expected a mapping, found {type(region).__name__}.", key="regions")
        code = _text(region.get("id"), where, "id")
        region_id = upsert(conn, regions, {"code": code}, {"name": str(region.get("name") or code)})
        counts["regions"] += 1
        for b_index, branch in enumerate(region.get("branches") or []):
            bwhere = f"{where}.branches[{b_index}]"
            bcode = _text(branch.get("id"), bwhere, "id")
            tz = str(branch.get("tz") or "Asia/Shanghai")
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError) as err:
                raise IngestError(f"Organisation {bwhere}: time zone {tz!r} is unknown.", key="tz", raw_value=tz) from err
            branch_id = upsert(
                conn,
                branches,
                {"code": bcode},
                {"name": str(branch.get("name") or bcode), "region_id": region_id, "bank_id": bank_id, "tz": tz},
            )
            counts["branches"] += 1
            for c_index, counter in enumerate(branch.get("counters") or []):
                counter = counter if isinstance(counter, dict) else {"id": counter}
                ccode = _text(counter.get("id"), f"{bwhere}.counters[{c_index}]", "id")
                upsert(conn, counters, {"branch_id": branch_id, "code": ccode}, {"name": str(counter.get("name") or ccode)})
                counts["counters"] += 1
            for s_index, person in enumerate(branch.get("staff") or []):
                swhere = f"{bwhere}.staff[{s_index}]"
                scode = _text(person.get("id"), swhere, "id")
                staff_id = upsert(conn, staff, {"code": scode}, {"name": str(person.get("name") or scode)})
                counts["staff"] += 1
                since = person.get("since")
                since = dt.date.fromisoformat(str(since)) if since else today
                counts["moves"] += assign(conn, staff_id, branch_id, person.get("counter"), since)
    audit.record(conn, "org_imported", actor=actor, detail=", ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def assign(conn: Connection, staff_id: int, branch_id: int, counter: str | None, since: dt.date) -> int:
    """Open an assignment unless the open one already says the same; returns 1 for a move."""
    sa = staff_assignments
    current = conn.execute(select(sa).where(sa.c.staff_id == staff_id, sa.c.valid_to.is_(None))).mappings().first()
    counter = str(counter) if counter is not None else None
    if current is not None and current["branch_id"] == branch_id and current["counter_code"] == counter:
        return 0
    if current is not None:
        end = max(dt.date.fromisoformat(current["valid_from"]), since - dt.timedelta(days=1))
        conn.execute(update(sa).where(sa.c.id == current["id"]).values(valid_to=end.isoformat()))
    conn.execute(
        insert(sa).values(
            staff_id=staff_id, branch_id=branch_id, counter_code=counter, valid_from=since.isoformat(), valid_to=None
        )
    )
    return 1 if current is not None else 0


def branch_names(conn: Connection) -> dict[str, dict]:
    """Branch code -> {name, region code, region name, tz}."""
    rows = conn.execute(
        select(
            branches.c.code, branches.c.name, branches.c.tz, regions.c.code.label("region"), regions.c.name.label("region_name")
        ).select_from(branches.outerjoin(regions, regions.c.id == branches.c.region_id))
    ).mappings()
    return {r["code"]: dict(r) for r in rows}


def staff_names(conn: Connection) -> dict[str, str]:
    return {code: name for code, name in conn.execute(select(staff.c.code, staff.c.name))}
