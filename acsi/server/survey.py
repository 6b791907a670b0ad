"""Survey view: a survey file (CSV, one respondent per row, a branch column) -> per-branch
0-100 indices with bootstrap intervals and the IPMA "what to improve first", through acsi's
comparison machinery (:func:`acsi.compare.estimate_groups`, :func:`acsi.compare.ipma_groups`)
on the shipped bank-branch model (``models/bank_branch.yaml``), or on a model spec uploaded
with the survey (YAML or lavaan text, as ``acsi fit``) with a mapping file
(:mod:`acsi.ingest.mapping`: source columns, missing codes, reversals, recodes) and a target
construct.

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


def analyse(
    data: bytes | str | Path,
    *,
    group: str = "branch",
    n_boot: int = 200,
    seed: int = 1,
    source: str = "upload",
    spec_text: str | None = None,
    mapping_text: str | None = None,
    target: str | None = None,
) -> dict:
    """Per-branch indices and IPMA of a survey CSV; raises :class:`acsi.errors.AcsiError` subclasses
    (naming file, column, row) on bad input. ``spec_text`` (default: the shipped bank-branch
    model), ``mapping_text`` (applied before the analysis) and ``target`` (default
    ``customer_satisfaction``) come from the upload form."""
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
    if mapping_text:
        frame = _mapped(frame, mapping_text, source)
    spec = _uploaded_spec(spec_text) if spec_text else load_spec(bundled(MODEL))
    target = target or TARGET
    if target not in spec.construct_names:
        raise IngestError(
            f"Target construct {target!r} is not in the model; constructs: {', '.join(spec.construct_names)}.", key="target"
        )
    estimates = estimate_groups(spec, frame, group, n_boot=n_boot, seed=seed)
    table = estimates.table(target)
    rows = [
        {key: finite_or_none(value.item() if hasattr(value, "item") else value) for key, value in row.items()}
        for row in table.to_dict(orient="records")
    ]
    maps = {}
    for label, result in ipma_groups(estimates, target).items():
        constructs = result.constructs.reset_index().rename(columns={"index": "construct"})
        maps[str(label)] = {
            "act_first": result.act_first,
            "constructs": [
                {k: finite_or_none(v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                for r in constructs.to_dict(orient="records")
            ],
        }
    return {
        "target": target,
        "model": "uploaded" if spec_text else MODEL,
        "mapping": bool(mapping_text),
        "n_boot": n_boot,
        "level": estimates.level,
        "rows": rows,
        "ipma": maps,
        "n_respondents": int(len(frame)),
    }


def _uploaded_spec(text: str):  # noqa: ANN202
    """The uploaded model spec, always read as content (through a file: a one-line upload must
    never be taken for the name of a file on the server)."""
    import tempfile

    from acsi import load_spec

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.spec"
        path.write_text(text, encoding="utf-8")
        return load_spec(path)


def _mapped(frame, mapping_text: str, source: str):  # noqa: ANN001, ANN202
    """The survey frame after the uploaded mapping (:func:`acsi.ingest.mapping.apply_mapping`)."""
    import yaml

    from acsi.errors import IngestError
    from acsi.ingest.mapping import apply_mapping, mapping_from_dict
    from acsi.ingest.survey import Survey

    try:
        data = yaml.safe_load(mapping_text)
    except (yaml.YAMLError, ValueError) as err:
        raise IngestError(f"Mapping of '{source}' is not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise IngestError(f"Mapping of '{source}' must be a YAML mapping with an 'indicators' section.")
    mapping = mapping_from_dict(data, source="mapping")
    return apply_mapping(Survey.from_frame(frame, source=source), mapping).frame


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
