"""The `build_db.py` command line: validate every record, then build the database."""

import argparse
import gc
import signal
import sqlite3
import sys

from .database import build_database
from .loading import InvalidRecords, RecordsReader, file_identity
from .processes import STOPPING, ProcessFailed


class Stopped(Exception):
    def __init__(self, signal_number):
        super().__init__(signal_number)
        self.signal = signal_number


def _stop(signal_number, frame):
    """The first of these signals stops the build as Ctrl-C does; any after it (Ctrl-C
    sends SIGINT to `serve --watch` too, which then sends SIGTERM) are let go, so that
    clearing what the build began is not cut short."""
    _let_stops_go()
    if signal_number == signal.SIGINT:
        raise KeyboardInterrupt
    raise Stopped(signal_number)


def _let_stops_go():
    # A handler that does nothing, not SIG_IGN: a signal that came while SQLite ran would
    # find SIG_IGN and make Python print "Signal 15 ignored due to race condition".
    for stopping in STOPPING:
        if signal.getsignal(stopping) is _stop:
            signal.signal(stopping, _let_go)


def _let_go(signal_number, frame):
    pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="build_db.py",
        description="Validate the quote records and build the SQLite database.",
    )
    parser.add_argument("records_dir", nargs="?", default="quotes", help="default: quotes/")
    parser.add_argument("--output", default="quotes.db", help="default: quotes.db")
    parser.add_argument(
        "--check", action="store_true", help="validate only; write nothing (for pre-commit and CI)"
    )
    args = parser.parse_args(argv)
    # A signal its caller ignores (SIGHUP under nohup, SIGINT in a background job) stays ignored.
    handlers = {stopping: signal.signal(stopping, _stop) for stopping in STOPPING
                if signal.getsignal(stopping) is not signal.SIG_IGN}
    # The build makes millions of short-lived objects and keeps few. Python's cycle
    # collector, run after every 700 new objects by default, went over the ones it keeps
    # (the registry's) again and again: 0.4 of the 6 s a build of 100k quotes took.
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        return _build(args)
    finally:
        gc.set_threshold(*thresholds)
        for stopping, handler in handlers.items():
            signal.signal(stopping, handler)


def _build(args) -> int:
    output = None if args.check else args.output
    before = file_identity(output) if output else None
    try:
        reader = RecordsReader(args.records_dir)
        warnings, counts = build_database(reader, output)
    except BaseException as error:
        _let_stops_go()  # it has ended: what is left is to say how
        if isinstance(error, (KeyboardInterrupt, Stopped)) and output and file_identity(output) != before:
            # stopped in the moment between putting the new file in place and returning
            print(f"{output}: written, then {_stopped_by(error)}", file=sys.stderr)
            return _stopped_status(error)
        return _failed(args, error)
    _let_stops_go()
    for warning in warnings:
        print(f"{warning} (warning)", file=sys.stderr)
    summary = (
        f"{_counted(counts['quotes'], 'quote')} ({_counted(counts['appearances'], 'report')}) "
        f"from {_counted(counts['articles'], 'article')}, {_counted(counts['speakers'], 'speaker')}"
    )
    if args.check:
        print(f"records are valid: {summary}")
        return 0
    print(f"built {args.output}: {summary}")
    return 0


def _failed(args, error) -> int:
    """Say why the build or check stopped; its exit status."""
    # A check writes nothing of its own: what stops it is said of the records it checks.
    if args.check:
        where, what, nothing, database = args.records_dir, "check", "", "the check's temporary database"
    else:
        where, what, nothing, database = args.output, "build", ", nothing written", "the database"
    if isinstance(error, InvalidRecords):
        for problem in error.problems:
            print(problem, file=sys.stderr)
        for warning in error.warnings:
            print(f"{warning} (warning)", file=sys.stderr)
        print(
            f"{_counted(len(error.problems), 'problem')} found; "
            + ("nothing written." if not args.check else "records are not valid."),
            file=sys.stderr,
        )
        return 1
    if isinstance(error, ProcessFailed):
        print(f"{where}: the {what} failed{nothing}: {error}", file=sys.stderr)
        return 1
    if isinstance(error, (KeyboardInterrupt, Stopped)):
        print(f"{where}: {_stopped_by(error)}{nothing}", file=sys.stderr)
        return _stopped_status(error)
    if isinstance(error, (OSError, sqlite3.Error)):
        reason = getattr(error, "strerror", None) or error
        print(f"{where}: cannot write {database}: {reason}", file=sys.stderr)
        return 1
    raise error


def _counted(number: int, noun: str) -> str:
    """"1 article", "2 articles"."""
    return f"{number} {noun}{'s' * (number != 1)}"


def _stopped_by(error) -> str:
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    return f"stopped by {signal.Signals(error.signal).name}"


def _stopped_status(error) -> int:
    """As a shell gives it for a command the signal ended: 130 for Ctrl-C."""
    return 128 + (signal.SIGINT if isinstance(error, KeyboardInterrupt) else error.signal)

