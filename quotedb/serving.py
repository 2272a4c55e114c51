"""How the site is served: Datasette under uvicorn, in one process per core sharing one
listening socket (`python -m quotedb serve`, what `./run serve` ends in)."""

import json
import logging
import os
import secrets
import shutil
import socket
import sqlite3
import sys
import tempfile
from pathlib import Path

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from . import site
from .processes import cores, end_with, gone

SERVE_OPTIONS = "QUOTEDB_SERVE"  # how `serve` tells each server process what to serve
SHARED_COUNTS = "QUOTEDB_SHARED_COUNTS"  # the file where they share the counts they make
CORES = "QUOTEDB_CORES"  # the cores it may use, which plugins/search.py counts in parts for
SHARED_COUNTS_PREFIX = "quotedb-counts-"  # its folder's name begins so, then the server's process id


def check_database(db_path):
    """Raise ValueError saying why, if `db_path` is not a quotedb database Datasette can
    serve (SQLite would create a missing file, and serve an empty one as an empty site)."""
    path = Path(db_path)
    if not path.exists():
        raise ValueError("no such file")
    if not path.is_file():
        raise ValueError("not a file")
    if any(character in str(path) for character in "%#?"):
        # Datasette 0.65 opens file:PATH?immutable=1 without escaping the path.
        raise ValueError("Datasette cannot open a path holding %, # or ?: rename it")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            tables = {name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")}
            quote_columns = {row[1] for row in conn.execute("pragma table_info(quotes)")}
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise ValueError(str(error)) from None
    if "quotes" not in tables:
        raise ValueError("not a quotedb database (it has no quotes table); build one with build_db.py")
    if "stable_id" not in quote_columns or "linked_stable_ids" not in tables:
        raise ValueError("built by an earlier quotedb, before stable ids: build it again with build_db.py")


def file_identity(db_path) -> list:
    """What tells one build of the file from another: its inode, size and modification time."""
    status = os.stat(db_path)
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns]


def serve(db_path, host="127.0.0.1", port=8001, inspect_file=None, workers=None) -> int:
    """Serve the site as `datasette serve -i` would (the same `Datasette`, settings and
    uvicorn), in `workers` processes sharing one listening socket: Datasette runs its
    Python on one core per process, so one process leaves the second core of a
    two-core machine mostly idle. Each process builds the site from SERVE_OPTIONS.
    Returns 0 when stopped, 3 when the site could not start (with one process, uvicorn
    ends it by the signal that stopped it, and by SystemExit(3) when the site cannot start)."""
    available = cores()
    workers = workers or available  # one server process a core
    os.environ[CORES] = str(available)  # for the search plugin's count parts: it cannot read a CPU quota
    os.environ.pop(SHARED_COUNTS, None)
    if workers > 1:  # each process counts what the others have not (plugins/search.py)
        _remove_stale_shared_counts()
        shared_counts = tempfile.mkdtemp(prefix=f"{SHARED_COUNTS_PREFIX}{os.getpid()}-")
        os.environ[SHARED_COUNTS] = os.path.join(shared_counts, "counts.db")
        try:
            return _serve(db_path, host, port, inspect_file, workers)
        finally:
            shutil.rmtree(shared_counts, ignore_errors=True)
    return _serve(db_path, host, port, inspect_file, workers)


def _remove_stale_shared_counts():
    """Delete the count folders of servers that are gone (killed, or stopped before they
    could delete it): each is named after its server's process id."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SHARED_COUNTS_PREFIX}*"):
        pid = folder.name[len(SHARED_COUNTS_PREFIX):].split("-")[0]
        if gone(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _serve(db_path, host, port, inspect_file, workers) -> int:
    os.environ[SERVE_OPTIONS] = json.dumps({
        "database": str(db_path),
        "inspect_file": str(inspect_file) if inspect_file else None,
        # One secret for every process, so that what one signs (a cookie) the others accept.
        "secret": os.environ.get("DATASETTE_SECRET") or secrets.token_hex(32),
        "parent": os.getpid() if workers > 1 else None,
        "file": file_identity(db_path),
    })
    config = uvicorn.Config("quotedb.serving:server_app", factory=True, host=host, port=port,
                            workers=workers, log_level="info", lifespan="on")
    listening = listening_socket(config)
    if workers > 1:
        supervisor = Workers(config, sockets=[listening])
        supervisor.run()
        return STARTUP_FAILURE if supervisor.failed_to_start() else 0
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[listening])
    except KeyboardInterrupt:
        pass
    return 0 if server.started else STARTUP_FAILURE


class Workers(Multiprocess):
    """uvicorn's supervisor of the worker processes, stopping on SIGHUP and SIGQUIT as
    `datasette serve` does (uvicorn restarts the workers on SIGHUP and ignores SIGQUIT):
    closing the terminal stops the server. SIGTTIN and SIGTTOU, which a terminal sends a
    job in the background that reads or writes it, leave the number of processes as it
    is (uvicorn adds or removes one)."""

    def handle_hup(self):
        logging.getLogger("uvicorn.error").info("Received SIGHUP, exiting.")
        self.should_exit.set()

    def handle_quit(self):
        logging.getLogger("uvicorn.error").info("Received SIGQUIT, exiting.")
        self.should_exit.set()

    def handle_ttin(self):
        logging.getLogger("uvicorn.error").info("Received SIGTTIN, ignored.")

    def handle_ttou(self):
        logging.getLogger("uvicorn.error").info("Received SIGTTOU, ignored.")

    def failed_to_start(self) -> bool:
        return any(worker.process.exitcode == STARTUP_FAILURE for worker in self.processes)


def listening_socket(config) -> socket.socket:
    """The socket bound for uvicorn's `config`, with TCP_NODELAY set. uvicorn binds the
    socket it hands its processes with proto 0, and asyncio then leaves Nagle's algorithm
    on for every connection accepted on it: each keep-alive request after the first waits
    about 40 ms for the client's delayed ACK (uvicorn issue #3149). Accepted connections
    inherit TCP_NODELAY from the listening socket."""
    listening = config.bind_socket()
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listening


def server_app():
    """The ASGI app of one server process, built from what `serve` put in SERVE_OPTIONS.
    A worker process ends with the process that supervises it, even when that is killed;
    a site that cannot start, or whose file was rebuilt since `serve` began, ends the
    process with uvicorn's start-up failure status, which stops the server."""
    options = json.loads(os.environ[SERVE_OPTIONS])
    if options["parent"]:
        end_with(options["parent"])
    try:
        if file_identity(options["database"]) != options["file"]:
            # A process started again (after a crash) would serve the new build beside the old.
            raise RuntimeError(f"{options['database']} was rebuilt since the server started: start it again")
        inspect = options["inspect_file"] and json.loads(Path(options["inspect_file"]).read_text(encoding="utf-8"))
        return site.datasette(options["database"], inspect_data=inspect or None, secret=options["secret"]).app()
    except Exception as error:  # uvicorn's supervisor would start this process again and again
        logging.getLogger("uvicorn.error").error("The site cannot start: %s: %s", type(error).__name__, error)
        sys.exit(STARTUP_FAILURE)
