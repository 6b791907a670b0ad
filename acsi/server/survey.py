"""Survey view: a survey file (CSV, one respondent per row, a branch column) -> per-branch
0-100 indices with bootstrap intervals and the IPMA "what to improve first", through acsi's
comparison machinery (:func:`acsi.compare.estimate_groups`, :func:`acsi.compare.ipma_groups`)
on the shipped bank-branch model (``models/bank_branch.yaml``).

The analysis runs once, at upload; its result is stored as strict JSON in ``surveys`` and the
pages read it, filtered to the viewer's branches. IPMA advice rule (``acsi.compare.ipma``):
among the drivers of the target, act first on the one with the largest importance x
(100 - performance).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy import Connection, insert, select

from acsi.server import audit
from acsi.server.clock import now_iso
from acsi.server.schema import surveys

MODEL = "models/bank_branch.yaml"
TARGET = "customer_satisfaction"


def analyse(data: bytes | str | Path, *, group: str = "branch", n_boot: int = 200, seed: int = 1, source: str = "upload") -> dict:
    """Per-branch indices and IPMA of a survey CSV; raises :class:`acsi.errors.AcsiError` subclasses
    (naming file, column, row) on bad input."""
    import pandas as pd

    from acsi import load_spec
    from acsi.compare import estimate_groups, ipma_groups
    from acsi.errors import IngestError
    from acsi.resources import bundled
    from acsi.strict_json import finite_or_none

    try:
        frame = pd.read_csv(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (ValueError, UnicodeDecodeError) as err:
        raise IngestError(f"Survey '{source}' is not a readable CSV file: {err}", source=source) from err
    if group not in frame.columns:
        raise IngestError(
            f"Survey '{source}' has no column '{group}' (found: {', '.join(map(str, frame.columns[:20]))}).",
            source=source,
            key=group,
        )
    frame[group] = frame[group].astype(str)
    spec = load_spec(bundled(MODEL))
    estimates = estimate_groups(spec, frame, group, n_boot=n_boot, seed=seed)
    table = estimates.table(TARGET)
    rows = [
        {key: finite_or_none(value.item() if hasattr(value, "item") else value) for key, value in row.items()}
        for row in table.to_dict(orient="records")
    ]
    maps = {}
    for label, result in ipma_groups(estimates, TARGET).items():
        constructs = result.constructs.reset_index().rename(columns={"index": "construct"})
        maps[str(label)] = {
            "act_first": result.act_first,
            "constructs": [
                {k: finite_or_none(v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                for r in constructs.to_dict(orient="records")
            ],
        }
    return {
        "target": TARGET,
        "n_boot": n_boot,
        "level": estimates.level,
        "rows": rows,
        "ipma": maps,
        "n_respondents": int(len(frame)),
    }


def store(conn: Connection, name: str, result: dict, *, actor: str | None) -> int:
    new_id = conn.execute(
        insert(surveys).values(name=name, uploaded_at=now_iso(), uploaded_by=actor, result=json.dumps(result, allow_nan=False))
    ).inserted_primary_key[0]
    audit.record(
        conn, "survey_uploaded", actor=actor, detail=f"survey id={new_id} name={name} respondents={result['n_respondents']}"
    )
    return int(new_id)


def latest(conn: Connection) -> dict | None:
    """The newest survey: {id, name, uploaded_at, result}."""
    row = conn.execute(select(surveys).order_by(surveys.c.id.desc()).limit(1)).mappings().first()
    if row is None:
        return None
    return {"id": row["id"], "name": row["name"], "uploaded_at": row["uploaded_at"], "result": json.loads(row["result"])}
