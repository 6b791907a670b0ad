"""Evaluator devices: profiles, pyusb reader, durable event store, vendor-log import, indicators.

Layers (``shared/design/evaluator-devices.md``)::

    profiles/*.yaml --load_profile--> Profile (frozen, validated)
    CaptureService (capture.py) -> DeviceWorker (one per device; worker.py)
        -> PyUsbTransport (pyusb; usb_reader.py) -> raw reports
    Decoder (decode.py, pure) -> KeyInput -> WindowSession (events.py, pure) -> EvaluationEvent
    EventStore (store.py, SQLite WAL, synchronous=FULL, append-only, idempotent)
    counts -> indicators_from_counts (indicators.py): unit x period indicators

Only ``usb_reader.py`` and ``fake_backend.py`` import ``usb``; import them explicitly.
"""

from acsi.errors import StoreRecoveredWarning
from acsi.ingest.device.decode import KeyInput, build_frame, make_decoder
from acsi.ingest.device.event_export import read_event_export
from acsi.ingest.device.events import EVENT_COLUMNS, EvaluationEvent, WindowSession
from acsi.ingest.device.indicators import (
    counts_from_events,
    events_to_indicators,
    indicators_from_counts,
    wilson_interval,
)
from acsi.ingest.device.parquet_counts import counts_from_parquet
from acsi.ingest.device.profile import Profile
from acsi.ingest.device.profile_load import load_profile, profile_from_dict, shipped_profiles
from acsi.ingest.device.site import Site, load_site, site_from_dict
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.vendor_log import import_vendor_log, read_vendor_log

__all__ = [
    "EVENT_COLUMNS",
    "EvaluationEvent",
    "EventStore",
    "KeyInput",
    "Profile",
    "Site",
    "StoreRecoveredWarning",
    "WindowSession",
    "build_frame",
    "counts_from_events",
    "counts_from_parquet",
    "events_to_indicators",
    "import_vendor_log",
    "indicators_from_counts",
    "load_profile",
    "load_site",
    "make_decoder",
    "profile_from_dict",
    "read_event_export",
    "read_vendor_log",
    "shipped_profiles",
    "site_from_dict",
    "wilson_interval",
]
