"""``acsi device ...``: list, listen, import, export, indicators, check, learn (evaluator devices).

Stores: ``listen`` and ``import`` write (they create a missing store, and set a damaged one
aside, saying where it went); ``export``, ``indicators`` and ``check`` only read: they open the
store read-only (SQLite ``mode=ro``), refuse a missing one and fail on damage, changing nothing
(``export --since`` writes only its watermark, into an existing, sound store).

Every command that talks to USB accepts ``--fake-script FILE``: a YAML scenario
(:mod:`acsi.ingest.device.scenario`) replayed by the fake pyusb backend instead of libusb, for
demos and tests without hardware.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from acsi.cli.device_listen import _listen_and_push, _scenario
from acsi.errors import IngestError, StoreError

_EPILOG = """examples:
  acsi device list
  acsi device listen --profile hid-keyboard-4key --site site.yaml --db events.sqlite --staff W1=S001
  acsi device import vendor_log.csv --profile framed-5level --site site.yaml --db events.sqlite
  acsi device import export.parquet --db central.sqlite        # replay an acsi export
  acsi device export --db events.sqlite --out day.parquet --since daily
  acsi device indicators --db events.sqlite --by branch,month --out indicators.csv
  acsi device check --db events.sqlite                         # integrity and counts; exit 1 when damaged
  acsi device learn --vendor-id 0x1209 --product-id 0x0001 --seconds 30 --keys very_satisfied,satisfied,basic,dissatisfied
"""


def _int(text: str) -> int:
    return int(text, 0)


def run_list(args: argparse.Namespace) -> int:
    from acsi.ingest.device.profile_load import load_profile, shipped_profiles
    from acsi.ingest.device.usb_reader import device_uid, find_devices

    profiles = [load_profile(p) for p in args.profile] if args.profile else list(shipped_profiles().values())
    print("Profiles:")
    for p in profiles:
        print(
            f"  {p.id} v{p.version}  {p.usb.vendor_id:04x}:{p.usb.product_id:04x}  {p.transport.kind}, {p.decoder.kind}, "
            f"{p.scale.levels} levels  ({p.source})"
        )
    scenario = _scenario(args.fake_script)
    devices = find_devices(None if scenario is None else scenario.backend)
    print(f"USB devices ({len(devices)}):")
    for dev in devices:
        uid = device_uid(dev, args.host_id)
        match = [p.id for p in profiles if p.matches(dev.idVendor, dev.idProduct)]
        print(f"  {uid}  bus {dev.bus} address {dev.address}  profile: {', '.join(match) or '-'}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from acsi.ingest.device.profile_load import load_profile
    from acsi.ingest.device.site import load_site
    from acsi.ingest.device.store import EventStore
    from acsi.ingest.device.vendor_log import import_vendor_log

    path = Path(args.log)
    if not path.is_file():
        raise FileNotFoundError(f"Log '{args.log}' not found.")
    with EventStore(args.db) as store:
        if args.profile is None:
            added = store.import_export(path)
            print(f"{added} new events from the acsi export {path} (already stored ones ignored)")
            return 0
        if args.site is None:
            raise IngestError("A vendor log needs --site SITE.yaml to place its windows in a branch and time zone.")
        added, total = import_vendor_log(store, path, load_profile(args.profile), load_site(args.site))
        print(f"{added} new events of {total} in {path} (already stored ones ignored)")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from acsi.ingest.device.store import EventStore
    from acsi.ingest.device.store_check import open_checked

    if args.partition_by is not None:  # a lake for `acsi device indicators --events DIR --engine dask`
        from acsi.distributed.device import write_lake

        if args.since is not None:
            raise IngestError("--partition-by writes a whole lake; it cannot be combined with --since.")
        with open_checked(args.db, check=not args.no_check) as store:
            n = write_lake(store.events_frame(), args.out)
    elif args.since is None:
        with open_checked(args.db, check=not args.no_check) as store:
            n = store.export(args.out)
    else:  # the watermark is written: a sound, existing store opened for writing, never created
        with open_checked(args.db, check=False) as store:
            problems = store.integrity_check()
        if problems:
            raise StoreError(f"Event store '{args.db}' is damaged ({problems[0]}); nothing exported or changed.", source=args.db)
        with EventStore(args.db, check=False) as store:
            n = store.export(args.out, since_watermark=args.since)
    print(f"{n} events written to {args.out}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from acsi.ingest.device.store_check import check_store

    report = check_store(args.db, quick=args.quick)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(
            f"{report['path']}: {'ok' if report['ok'] else 'DAMAGED'}"
            + ("" if report["schema_version"] is None else f" (schema {report['schema_version']})")
        )
        for table, n in report["counts"].items():
            print(f"  {table}: {n}")
        for problem in report["problems"][:20]:
            print(f"  problem: {problem}")
        if not report["ok"]:
            print(
                f"  a writer ('acsi device import' or 'listen' with --db {report['path']}) sets the damaged file aside "
                "as <name>.corrupt-<time> and starts a fresh store; copy it first if you want to salvage it."
            )
    return 0 if report["ok"] else 1


def run_indicators(args: argparse.Namespace) -> int:
    from acsi.ingest.device.indicators import _parse_by, indicators_from_counts
    from acsi.ingest.device.parquet_counts import counts_from_parquet
    from acsi.ingest.device.store_check import open_checked

    try:
        _parse_by(args.by)
    except ValueError as err:
        raise IngestError(str(err)) from err
    if (args.db is None) == (args.events is None) or (args.events is not None) != (args.engine == "dask"):
        raise IngestError("acsi device indicators reads --db STORE, or --events LAKE_DIR with --engine dask (one of them).")
    if args.events is not None:
        from acsi.distributed.cluster import dask_client
        from acsi.distributed.device import counts_from_lake

        with dask_client(args.scheduler, args.workers):
            counts, reasons = counts_from_lake(args.events, by=args.by)
    elif args.db.endswith(".parquet"):
        counts, reasons = counts_from_parquet(args.db, by=args.by)
    else:
        with open_checked(args.db, check=not args.no_check) as store:
            counts, reasons = store.count_table(by=args.by)
    try:
        table = indicators_from_counts(
            counts, reasons, by=args.by, min_n=args.min_n, small_n=args.small_n, compare=not args.no_compare
        )
    except ValueError as err:
        raise IngestError(str(err)) from err
    out = args.out
    if out is None or out == "-":
        with __import__("pandas").option_context("display.width", 200, "display.max_columns", 12):
            print(table)
    elif out.endswith(".parquet"):
        table.to_parquet(out, index=False)
    else:
        table.to_csv(out, index=False)
    if out not in (None, "-"):
        print(f"{len(table)} rows x {table.shape[1]} columns written to {out}")
    return 0


def run_learn(args: argparse.Namespace) -> int:
    from acsi.ingest.device.learn import learn

    scenario = _scenario(args.fake_script)
    if scenario is not None:
        scenario.bind()
    result = learn(
        backend=None if scenario is None else scenario.backend,
        vendor_id=args.vendor_id,
        product_id=args.product_id,
        interface=args.interface,
        seconds=args.seconds,
        keys=args.keys.split(",") if args.keys else None,
        draft=args.draft,
        clock=None if scenario is None else scenario.clock,
        host_id=args.host_id,
        on_line=lambda line: print(line, flush=True),
    )
    if result.draft_path:
        print(f"draft profile written to {result.draft_path}")
    elif result.draft_text is not None:
        print(result.draft_text)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``acsi device`` and its sub-commands."""
    device = commands.add_parser(
        "device",
        help="evaluator devices: read, store, import, indicators",
        description="Evaluator devices at service windows: read them with pyusb, store every press "
        "durably, import vendor logs, and compute branch x period indicators.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = device.add_subparsers(dest="device_command", metavar="SUBCOMMAND")
    sub.required = True
    _add_capture_commands(sub)
    _add_store_commands(sub)
    _add_learn(sub)


def _usb_options(p: argparse.ArgumentParser) -> None:
    """``--host-id`` and ``--fake-script``, for the commands that talk to USB."""
    import socket

    p.add_argument("--host-id", default=socket.gethostname(), help="host name stored in device ids (default: this host)")
    p.add_argument("--fake-script", metavar="FILE", help="replay a YAML scenario on the fake pyusb backend (no hardware)")


def _add_capture_commands(sub: argparse._SubParsersAction) -> None:
    """``list`` and ``listen``."""
    p = sub.add_parser("list", help="list profiles and USB devices")
    p.add_argument("--profile", action="append", default=[], help="profile file or shipped name (default: all shipped)")
    _usb_options(p)
    p.set_defaults(run=run_list)

    p = sub.add_parser("listen", help="read devices until stopped, storing and printing each event")
    p.add_argument("--profile", action="append", required=True, help="profile file or shipped name (repeatable)")
    p.add_argument("--site", required=True, help="site file (YAML): bank, branch, time zone, device -> window")
    p.add_argument("--db", required=True, help="event store (SQLite file, created if missing)")
    p.add_argument("--staff", action="append", default=[], metavar="WINDOW=STAFF", help="log a staff member in at start")
    p.add_argument("--stdin-commands", action="store_true", help="read 'login W S', 'logout W', 'prompt W REF' lines from stdin")
    p.add_argument("--duration", type=float, help="stop after this many seconds (default: until Ctrl-C)")
    p.add_argument("--max-steps", type=int, default=10_000_000, help=argparse.SUPPRESS)
    p.add_argument("--fake-realtime", action="store_true", help=argparse.SUPPRESS)  # pace a replay to the wall clock
    p.add_argument("--push", metavar="URL", help="also forward new events to an acsi server (acsi serve) at URL")
    p.add_argument("--token", help="collector token for --push (default: $ACSI_PUSH_TOKEN)")
    _usb_options(p)
    p.set_defaults(run=_listen_and_push)


def _add_store_commands(sub: argparse._SubParsersAction) -> None:
    """``import``, ``export``, ``check`` and ``indicators``."""
    p = sub.add_parser("import", help="import a vendor CSV log (with --profile and --site) or an acsi export")
    p.add_argument("log", help="vendor CSV log, or an acsi export (.parquet/.csv) when --profile is omitted")
    p.add_argument("--db", required=True, help="event store (SQLite file, created if missing)")
    p.add_argument("--profile", help="profile whose 'export' section describes the vendor's columns")
    p.add_argument("--site", help="site file (YAML)")
    p.set_defaults(run=run_import)

    p = sub.add_parser("export", help="export events (corrections applied) to Parquet or CSV")
    p.add_argument("--db", required=True, help="existing event store (SQLite file); opened read-only unless --since")
    p.add_argument("--out", required=True, help="target file, .parquet or .csv")
    p.add_argument("--since", metavar="NAME", help="incremental: only events added since the last export under NAME")
    p.add_argument("--no-check", action="store_true", help="skip the quick integrity check before reading (large stores)")
    p.add_argument(
        "--partition-by",
        choices=["month"],
        help="write a lake: --out is a new directory with one Parquet file per month (for indicators --events)",
    )
    p.set_defaults(run=run_export)

    p = sub.add_parser("check", help="check a store read-only: integrity and counts (exit 1 when damaged)")
    p.add_argument("--db", required=True, help="event store (SQLite file); never created or changed")
    p.add_argument("--quick", action="store_true", help="PRAGMA quick_check instead of the full integrity_check")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=run_check)

    p = sub.add_parser("indicators", help="indicators per unit x period")
    p.add_argument("--db", help="event store (SQLite) or a Parquet export")
    p.add_argument("--events", metavar="DIR", help="a Parquet event lake (export --partition-by month), with --engine dask")
    p.add_argument("--engine", choices=["memory", "dask"], default="memory", help="dask: count the --events lake on Dask")
    p.add_argument("--scheduler", metavar="ADDRESS", help="--engine dask: address of a running Dask scheduler")
    p.add_argument("--workers", type=_int, help="--engine dask without --scheduler: workers of the local cluster (default 2)")
    p.add_argument(
        "--by",
        default="branch,month",
        help="units (bank, branch, window, staff) and one period (day, week, month, quarter, year); default branch,month",
    )
    p.add_argument("--out", help="CSV or Parquet file (default: print)")
    p.add_argument("--min-n", type=int, default=30, help="minimum rated events for a reportable cell (default 30)")
    p.add_argument(
        "--small-n", choices=["mask", "flag"], default="mask", help="mask small cells' rates (default) or keep and flag"
    )
    p.add_argument("--no-compare", action="store_true", help="omit previous-period and last-year comparisons")
    p.add_argument("--no-check", action="store_true", help="skip the quick integrity check of a SQLite store (large stores)")
    p.set_defaults(run=run_indicators)


def _add_learn(sub: argparse._SubParsersAction) -> None:
    """``learn``."""
    p = sub.add_parser("learn", help="dump raw reports in hex while keys are pressed; draft a profile")
    p.add_argument("--vendor-id", type=_int, help="device to read (default: list devices only)")
    p.add_argument("--product-id", type=_int)
    p.add_argument("--interface", type=int, default=0)
    p.add_argument("--seconds", type=float, default=30.0, help="how long to read (default 30)")
    p.add_argument("--keys", help="labels in the order they will be pressed, e.g. very_satisfied,satisfied,basic,dissatisfied")
    p.add_argument("--draft", metavar="FILE", help="write a draft profile (YAML) to FILE")
    _usb_options(p)
    p.set_defaults(run=run_learn)
