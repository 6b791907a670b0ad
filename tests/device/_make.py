"""Small builders of events, profiles and sites for the device tests."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pandas as pd

from acsi.ingest.device.events import EVENT_COLUMNS, EvaluationEvent
from acsi.ingest.device.profile_load import load_profile
from acsi.ingest.device.site import site_from_dict

_ids = itertools.count()
SCALES = {
    4: (3, 1, ("dissatisfied", "basic", "satisfied", "very_satisfied")),
    5: (4, 2, ("very_dissatisfied", "dissatisfied", "basic", "satisfied", "very_satisfied")),
    3: (3, 1, ("dissatisfied", "basic", "satisfied")),
}


def event(
    level: int | None = None,
    *,
    k: int = 4,
    day: str = "2024-03-05",
    outcome: str | None = None,
    branch: str = "BR1",
    window: str = "W1",
    staff: str | None = "S1",
    prompt: str | None = None,
    reasons: tuple[str, ...] = (),
    complaint: bool = False,
    flags: tuple[str, ...] = (),
) -> EvaluationEvent:
    sat, bad, labels = SCALES[k]
    outcome = outcome or ("rated" if level is not None else "timeout")
    label = None if level is None else ("complaint" if complaint else labels[level - 1])
    return EvaluationEvent(
        event_id=f"e{next(_ids)}",
        captured_at_utc=f"{day}T02:00:00.000Z",
        captured_mono_ns=None,
        tz="Asia/Shanghai",
        local_date=day,
        local_time="10:00:00",
        host_id="pc",
        device_uid=f"dev-{k}",
        profile_id=f"p{k}",
        profile_version=1,
        profile_sha256="",
        bank_id="B",
        branch_id=branch,
        window_id=window,
        staff_id=staff,
        service_ref=None,
        prompt_id=prompt,
        prompted_at_utc=None,
        outcome=outcome,
        scale_levels=k,
        level=level,
        label=label,
        score_0_100=None if level is None else (level - 1) / (k - 1) * 100,
        satisfied_min_level=sat,
        bad_max_level=bad,
        reason_codes=json.dumps(list(reasons)),
        flags=json.dumps(list(flags)),
    )


def frame(events: list[EvaluationEvent]) -> pd.DataFrame:
    return pd.DataFrame([e.row() for e in events], columns=list(EVENT_COLUMNS))


def site(**extra):
    data = {
        "bank_id": "B",
        "branch_id": "BR1",
        "tz": "Asia/Shanghai",
        "windows": [
            {"window_id": "W1", "device_uid": "1209:0001:SN0001"},
            {"window_id": "W2", "device_uid": "1209:0002:SN0002"},
            {"window_id": "W3", "device_uid": "1209:0003:SN0003"},
        ],
    }
    data.update(extra)
    return site_from_dict(data)


def profile(name: str):
    return load_profile(name)


T0 = dt.datetime(2024, 3, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
