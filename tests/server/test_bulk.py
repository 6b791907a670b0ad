"""Batch writes (acsi.server.bulk) on SQLite and PostgreSQL: new rows by key, counts added."""

from __future__ import annotations

from sqlalchemy import select

ODD_TEXT = 'quote " backslash \\ brace {} comma , NULL 中文 \t tab'


def _event(event_id: str, payload: str = "{}", window: str | None = None) -> dict:
    return {
        "event_id": event_id,
        "payload_sha256": "0" * 64,
        "bank_id": None,
        "branch_id": "B01",
        "window_id": window,
        "staff_id": None,
        "captured_at_utc": "2025-01-01T01:00:00.000Z",
        "local_date": "2025-01-01",
        "local_hour": 9,
        "outcome": "timeout",
        "scale_levels": 4,
        "level": None,
        "label": None,
        "bad": False,
        "payload": payload,
        "received_at": "2025-01-01T01:00:01Z",
        "token_id": None,
    }


def test_insert_new_stores_unseen_keys_only_and_keeps_text_and_nulls_exactly(engine):
    from acsi.server.bulk import insert_new
    from acsi.server.schema import events

    with engine.begin() as conn:
        assert insert_new(conn, events, [_event("a", ODD_TEXT, "W1"), _event("b")], "event_id") == {"a", "b"}
    with engine.begin() as conn:
        assert insert_new(conn, events, [_event("a", "other"), _event("c")], "event_id") == {"c"}
        assert insert_new(conn, events, [], "event_id") == set()
    with engine.connect() as conn:
        rows = dict(conn.execute(select(events.c.event_id, events.c.payload)).all())
        kept = conn.execute(select(events.c.window_id, events.c.level).where(events.c.event_id == "b")).one()
    assert rows == {"a": ODD_TEXT, "b": "{}", "c": "{}"}
    assert tuple(kept) == (None, None)


def test_add_counts_adds_to_existing_keys_and_creates_new_ones(engine):
    from acsi.server.bulk import add_counts
    from acsi.server.schema import DAY_KEYS, agg_day

    def row(level: int, n: int) -> dict:
        return {"branch_id": "B01", "local_date": "2025-01-01", "scale_levels": 4, "satisfied_min_level": 3,
                "bad_max_level": 1, "outcome": "rated", "level": level, "n": n}  # fmt: skip

    with engine.begin() as conn:
        add_counts(conn, agg_day, DAY_KEYS, [row(1, 2), row(4, 5)])
    with engine.begin() as conn:
        add_counts(conn, agg_day, DAY_KEYS, [row(2, 1), row(4, 3)])
        add_counts(conn, agg_day, DAY_KEYS, [])
    with engine.connect() as conn:
        counts = dict(conn.execute(select(agg_day.c.level, agg_day.c.n)).all())
    assert counts == {1: 2, 2: 1, 4: 8}
