"""Synthetic pad events in the event store's export schema, with known effects: the demo bank,
tests and benchmarks.

Model: on a 4-level bank scale (不满意 1 .. 非常满意 4; satisfied = levels 3-4, bad = level 1),
each rated event's level is drawn from ordered-logit probabilities with a latent shift

    eta = base + branch_effect[branch] + season * cos(2 pi (month - 1) / 12) + clerk_effect

where ``season`` > 0 makes winter months better than summer ones. Cut points are fixed
(-3.0, -1.7, 0.5): ``base = 0`` gives 84.6 % satisfied and 4.7 % bad. A share ``timeout_share`` of
events ends without a rating (outcome ``timeout``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator, Mapping, Sequence

LABELS = ("dissatisfied", "basic", "satisfied", "very_satisfied")
CUTS = (-3.0, -1.7, 0.5)
#: The bank of every synthetic event.
BANK_ID = "BANK01"


def level_probabilities(eta: float) -> list[float]:
    """P(level = 1..4) under the ordered logit with cut points :data:`CUTS`."""
    cum = [1 / (1 + math.exp(-(c - eta))) for c in CUTS]
    return [cum[0], cum[1] - cum[0], cum[2] - cum[1], 1 - cum[2]]


def generate(
    branches: Mapping[str, Sequence[tuple[str, str]]],
    start: dt.date,
    end: dt.date,
    *,
    per_day: int = 20,
    branch_effect: Mapping[str, float] | None = None,
    season: float = 0.0,
    timeout_share: float = 0.05,
    seed: int = 1,
    tz: str = "Asia/Shanghai",
    business_days_only: bool = True,
) -> Iterator[dict]:
    """Events for every day from ``start`` to ``end`` (inclusive) and every branch.

    ``branches`` maps a branch code to its (counter, staff) pairs; each day each pair gets about
    ``per_day / len(pairs)`` events (Poisson), between 09:00 and 17:00 local time, busier at
    10-11 and 14-15, in the time zone ``tz`` (the UTC time follows from it); the bank is
    :data:`BANK_ID`.
    """
    from zoneinfo import ZoneInfo

    import numpy as np

    rng = np.random.default_rng(seed)
    zone = ZoneInfo(tz)
    effects = dict(branch_effect or {})
    hours = np.array([9, 10, 11, 12, 13, 14, 15, 16])
    weights = np.array([0.8, 1.6, 1.4, 0.6, 0.8, 1.5, 1.3, 0.9])
    weights = weights / weights.sum()
    day = start
    while day <= end:
        if business_days_only and day.weekday() == 6:
            day += dt.timedelta(days=1)
            continue
        season_shift = season * math.cos(2 * math.pi * (day.month - 1) / 12)
        for branch, pairs in branches.items():
            if not pairs:
                continue
            for p_index, (counter, staff) in enumerate(pairs):
                n = int(rng.poisson(per_day / len(pairs)))
                clerk_shift = 0.3 * math.sin(p_index * 1.7)
                probs = level_probabilities(effects.get(branch, 0.0) + season_shift + clerk_shift)
                levels = rng.choice(4, size=n, p=probs) + 1
                timeouts = rng.random(n) < timeout_share
                when = rng.choice(hours, size=n, p=weights)
                minutes = rng.integers(0, 60, size=n)
                seconds = rng.integers(0, 60, size=n)
                for i in range(n):
                    local = dt.datetime(day.year, day.month, day.day, int(when[i]), int(minutes[i]), int(seconds[i]))
                    utc = local.replace(tzinfo=zone).astimezone(dt.UTC)
                    level = None if timeouts[i] else int(levels[i])
                    yield _event(branch, counter, staff, day, i, local, utc, level, tz)
        day += dt.timedelta(days=1)


def _event(
    branch: str, counter: str, staff: str, day: dt.date, i: int, local: dt.datetime, utc: dt.datetime, level: int | None, tz: str
) -> dict:
    """One event of :func:`generate` in the store's export schema (``level`` None: a timeout)."""
    rated = level is not None
    return {
        "event_id": f"demo-{branch}-{counter}-{day.isoformat()}-{i}",
        "captured_at_utc": utc.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "captured_mono_ns": None,
        "tz": tz,
        "local_date": day.isoformat(),
        "local_time": local.strftime("%H:%M:%S"),
        "host_id": f"pc-{branch}",
        "device_uid": f"1209:0001:{branch}{counter}",
        "profile_id": "demo-4key",
        "profile_version": 1,
        "profile_sha256": "0" * 64,
        "bank_id": BANK_ID,
        "branch_id": branch,
        "window_id": counter,
        "staff_id": staff,
        "service_ref": None,
        "prompt_id": f"p-{branch}-{counter}-{day}-{i}",
        "prompted_at_utc": utc.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "outcome": "rated" if rated else "timeout",
        "scale_levels": 4,
        "level": level,
        "label": LABELS[level - 1] if level else None,
        "score_0_100": (level - 1) / 3 * 100 if level else None,
        "satisfied_min_level": 3,
        "bad_max_level": 1,
        "reason_codes": "[]",
        "flags": json.dumps([]),
        "raw_code": None,
        "raw_report_id": None,
        "source": "capture",
        "app_version": "demo",
        "schema_version": 1,
    }
