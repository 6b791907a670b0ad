"""``acsi device listen``: capture from every matching pad (or replay a fake script) into the store, optionally pushing to a server."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import time

from acsi.errors import IngestError


def _scenario(path: str | None):  # noqa: ANN202
    """The scenario of ``--fake-script`` (None without one)."""
    if path is None:
        return None
    from acsi.ingest.device.scenario import load_scenario

    return load_scenario(path)


def _print_event(event) -> None:
    level = "" if event.level is None else f" level {event.level}/{event.scale_levels} ({event.label})"
    flags = "" if event.flags == "[]" else f" flags {event.flags}"
    reasons = "" if event.reason_codes == "[]" else f" reasons {event.reason_codes}"
    print(
        f"{event.captured_at_utc} {event.branch_id or '-'}/{event.window_id or '-'} staff {event.staff_id or '-'} "
        f"{event.outcome}{level}{reasons}{flags} raw {event.raw_code} id {event.event_id}",
        flush=True,
    )


def _print_status(uid: str, state: str, detail: str) -> None:
    """One console line per state row: ``device UID: STATE - detail`` (the uid not repeated)."""
    detail = detail[len(uid) :].strip() if detail.startswith(uid) else detail
    print(f"device {uid}: {state}" + (f" - {detail}" if detail else ""), file=sys.stderr, flush=True)


def run_listen(args: argparse.Namespace) -> int:
    """Read every matching pad (one worker each) until --duration, Ctrl-C or, for a fake
    script, the end of the script; state changes go to stderr, events to stdout."""
    from acsi.ingest.device.capture import CaptureService
    from acsi.ingest.device.profile_load import load_profile
    from acsi.ingest.device.site import load_site
    from acsi.ingest.device.store import EventStore

    if args.duration is not None and not args.duration > 0:
        raise IngestError(f"--duration must be a positive number of seconds, got {args.duration}.", key="--duration")
    staff = []
    for spec in args.staff:
        window, sep, who = spec.partition("=")
        if not sep or not window or not who:
            raise IngestError(f"--staff {spec!r}: expected WINDOW=STAFF, e.g. W1=S001.", key="--staff", raw_value=spec)
        staff.append((window, who))
    profiles = [load_profile(p) for p in args.profile]
    site = load_site(args.site)
    scenario = _scenario(args.fake_script)
    backend = None if scenario is None else scenario.backend
    count = [0]
    lock = threading.Lock()

    def on_event(event) -> None:
        with lock:
            count[0] += 1
            _print_event(event)

    def on_status(uid: str, state: str, detail: str) -> None:
        with lock:
            _print_status(uid, state, detail)

    with EventStore(args.db) as store:
        extra = {"clock": backend.clock, "worker_options": {"rescan_s": (0.5, 4.0)}} if backend is not None else {}
        service = CaptureService(
            profiles, site, store, backend=backend, host_id=args.host_id, on_event=on_event, on_status=on_status, **extra
        )
        with _ctrl_c_sets(stop := threading.Event()):
            try:
                if backend is not None:
                    _replay(args, service, scenario, staff, stop)
                else:
                    _listen(args, service, staff, stop)
            finally:
                for worker in service.iter_workers():
                    worker.stop()
        if stop.is_set():
            print("stopped (Ctrl-C)", file=sys.stderr, flush=True)
        print(f"{count[0]} events stored in {args.db}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _ctrl_c_sets(stop: threading.Event):
    """While capturing, Ctrl-C (SIGINT) sets ``stop`` instead of raising KeyboardInterrupt in
    the middle of a store transaction; the loops end at their next check."""
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _replay(args, service, scenario, staff, stop: threading.Event) -> None:
    """Replay the fake script (:func:`acsi.ingest.device.scenario.replay_scenario`) and say how it ended."""
    from acsi.ingest.device.scenario import replay_scenario

    for head in scenario.unmatched(service.profiles):
        print(f"warning: no profile matches fake device {head}", file=sys.stderr)
    outcome = replay_scenario(
        service,
        scenario,
        staff=tuple(staff),
        duration_s=args.duration,
        max_steps=args.max_steps,
        realtime=args.fake_realtime,
        stop=stop,
    )
    if outcome.reason not in ("done", "stopped"):
        print(
            f"replay ended after {outcome.duration_s:g} s of device time"
            if outcome.reason == "duration"
            else "replay ended: step limit",
            file=sys.stderr,
        )
        if outcome.not_reading:
            print(f"not reading at the end: {', '.join(outcome.not_reading)}", file=sys.stderr)
    for uid in outcome.stopped:
        print(f"stopped: {uid}: see device_status in {args.db}", file=sys.stderr)


def _listen(args, service, staff, stop: threading.Event) -> None:
    """Live capture: one thread per pad; rescans every 2 s for pads plugged later."""
    for worker in service.scan():
        worker.start()
    for window, who in staff:
        service.login(window, who)
    print(f"listening on {len(service.workers)} device(s); Ctrl-C to stop", file=sys.stderr, flush=True)
    if args.stdin_commands:
        threading.Thread(target=_stdin_commands, args=(service,), daemon=True).start()
    deadline = None if args.duration is None else time.monotonic() + args.duration
    next_scan = time.monotonic() + 2.0
    while (deadline is None or time.monotonic() < deadline) and not stop.is_set():
        left = 0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic()))
        stop.wait(left)
        if time.monotonic() >= next_scan:
            for worker in service.scan():
                worker.start()
            next_scan = time.monotonic() + 2.0


def _listen_and_push(args: argparse.Namespace) -> int:
    """``listen``, with ``--push URL``: the local store stays the record; a background client
    (:mod:`acsi.server.push_client`) forwards its new events to the server."""
    if args.push is None:
        return run_listen(args)
    import os

    from acsi.server.push_client import push_alongside

    token = args.token or os.environ.get("ACSI_PUSH_TOKEN")
    if not token:
        raise IngestError("--push needs a collector token: --token TOKEN or $ACSI_PUSH_TOKEN (acsi tokens add).")
    code, report = push_alongside(args.db, args.push, token, lambda: run_listen(args))
    if report is None:
        print(f"push to {args.push} failed; the events stay in {args.db} and go with the next push", file=sys.stderr)
    else:
        print(
            f"pushed {report.sent} events to {args.push} (accepted {report.accepted}, duplicates {report.duplicates})",
            file=sys.stderr,
        )
    return code


def _stdin_commands(service) -> None:
    """``login W STAFF`` / ``logout W`` / ``prompt W [REF]`` lines from the teller software."""
    for line in sys.stdin:
        parts = line.split()
        try:
            if parts[:1] == ["login"] and len(parts) == 3:
                service.login(parts[1], parts[2])
            elif parts[:1] == ["logout"] and len(parts) == 2:
                service.logout(parts[1])
            elif parts[:1] == ["prompt"] and len(parts) in (2, 3):
                service.request_evaluation(parts[1], parts[2] if len(parts) == 3 else None)
            elif parts:
                print(f"unknown command {line.strip()!r}; use: login W STAFF | logout W | prompt W [REF]", file=sys.stderr)
        except Exception as err:  # noqa: BLE001 - report and keep reading commands
            print(f"error: {err}", file=sys.stderr)
