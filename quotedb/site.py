"""What the site is: one definition of its Datasette (settings, metadata, plugins, templates,
the inspect file), used by `serve`, the tests and publishing; and `--watch`."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from .processes import STOPPING, end_with, stops_held

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
SETTINGS = ROOT / "settings.json"
PLUGINS_DIR = ROOT / "plugins"
TEMPLATES_DIR = ROOT / "templates"


def settings() -> dict:
    return json.loads(SETTINGS.read_text(encoding="utf-8"))


def metadata() -> dict:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def datasette(db_path, inspect_data=None, secret=None):
    """The site as a `Datasette` instance, the database opened immutable (with `inspect_data`,
    its table counts taken from there, as `serve` does with the inspect file)."""
    from datasette.app import Datasette

    return Datasette(
        immutables=[str(db_path)],
        metadata=metadata(),
        settings=settings(),
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
        inspect_data=inspect_data,
        secret=secret,
    )


def inspect_path(db_path) -> Path:
    """Where the start-up figures of `db_path` are kept: beside it, `quotes.db.inspect.json`."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".inspect.json")


def inspect_data(db_path) -> dict:
    """What Datasette works out when it starts on an immutable database, worked out now, in the
    format `datasette inspect` writes: the row count of every table, the file's SHA-256 and size.
    Counted here with no time limit: `datasette inspect` counts under the default 1 s limit and
    writes null for a table that takes longer (the full-text index at a million quotes).
    Each entry also holds the file's modification time (`mtime_ns`, which Datasette ignores),
    so that figures for another build of the file are never used."""
    import sqlite3

    from datasette.inspect import inspect_hash

    db_path = Path(db_path)
    before = os.stat(db_path)
    conn = sqlite3.connect(db_path.resolve().as_uri() + "?immutable=1", uri=True)
    try:
        tables = [name for (name,) in conn.execute("select name from sqlite_master where type='table'")]
        counts = {table: conn.execute(f"select count(*) from [{table}]").fetchone()[0] for table in tables}
    finally:
        conn.close()
    entry = {"hash": inspect_hash(db_path), "size": before.st_size, "file": str(db_path),
             "tables": {table: {"count": count} for table, count in counts.items()}}
    after = os.stat(db_path)
    if (before.st_mtime_ns, before.st_size, before.st_ino) != (after.st_mtime_ns, after.st_size, after.st_ino):
        raise RuntimeError(f"{db_path} changed while it was inspected")
    entry["mtime_ns"] = after.st_mtime_ns
    return {db_path.stem: entry}


def inspect_is_current(db_path, path) -> bool:
    """Whether the inspect file at `path` describes the file at `db_path` as it is now."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        status = os.stat(db_path)
        entry = data[Path(db_path).stem]
        return (entry["size"] == status.st_size and entry.get("mtime_ns") == status.st_mtime_ns
                and isinstance(entry["tables"], dict))
    except (OSError, ValueError, KeyError, TypeError):
        return False


def write_inspect_file(db_path, path=None) -> Path:
    """Write `inspect_data` for `db_path` (beside it unless `path` is given), atomically."""
    path = Path(path) if path else inspect_path(db_path)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(inspect_data(db_path), indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path


def current_inspect_file(db_path, path=None):
    """The inspect file for `db_path`, written first when missing or made for another build of
    the file; None when it cannot be written (the server then counts at start-up as before)."""
    path = Path(path) if path else inspect_path(db_path)
    if inspect_is_current(db_path, path):
        return path
    print(f"Counting the rows of {db_path} once, for a fast start-up: {path}", file=sys.stderr, flush=True)
    try:
        return write_inspect_file(db_path, path)
    except (OSError, RuntimeError) as error:
        print(f"Could not write {path} ({error}); serving without it", file=sys.stderr, flush=True)
        return None


def setting_options() -> list[str]:
    """`--setting NAME VALUE` for each setting, for `datasette serve` and `publish`."""
    options = []
    for name, value in settings().items():
        options += ["--setting", name, json.dumps(value) if isinstance(value, bool) else str(value)]
    return options


def _snapshot(records_dir) -> dict:
    """Every file under `records_dir` with its modification time and size."""
    files = {}
    for directory, _, names in os.walk(records_dir):
        for name in names:
            path = os.path.join(directory, name)
            try:
                status = os.stat(path)
            except OSError:  # removed while we looked
                continue
            files[path] = (status.st_mtime_ns, status.st_size)
    return files


def _child_of(watcher: int):
    """Run in each process the watcher starts, before its command: it ends with the
    watcher (the kernel sends it SIGTERM), and takes the stops the watcher held while
    starting it."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)
    end_with(watcher, signal.SIGTERM)


def _run_build(command, watcher: int) -> int:
    """The build's exit code. Stopped meanwhile, we stop it with SIGTERM, as `timeout`
    would, and wait while it clears what it began (`subprocess.run` would SIGKILL it,
    leaving its temporary files until the next build): at ten million quotes one of its
    SQL statements may run for a minute before it can stop. Stopped again meanwhile, we
    kill it. Killed ourselves, the kernel sends it SIGTERM (`end_with`). A stop while it
    starts waits until it is ours to stop: let through, it would leave the build running,
    unseen, to its end."""
    build = None
    try:
        with stops_held():
            build = subprocess.Popen(command, preexec_fn=lambda: _child_of(watcher))
        return build.wait()
    finally:
        if build is not None and build.poll() is None:
            build.terminate()
            try:
                build.wait()
            finally:
                if build.poll() is None:
                    build.kill()
                    build.wait()


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def watch(db_path, records_dir, host="127.0.0.1", port=8001, interval=1.0, workers=None) -> int:
    """Serve `db_path`; when a file under `records_dir` changes, rebuild it and restart the
    server on the new database. A failed build prints its problems and the server goes on
    with the database it has. Returns when interrupted, or when the server stops by itself.
    The server runs from the repository root (to find quotedb); the build where we are."""
    serve = [sys.executable, "-m", "quotedb", "serve", str(Path(db_path).resolve()), "--host", host, "--port", str(port),
             *(["--workers", str(workers)] if workers else [])]
    build = [sys.executable, str(ROOT / "build_db.py"), str(records_dir), "--output", str(db_path)]
    # Stop cleanly on SIGTERM and SIGHUP (a closed terminal) too, so that the server below
    # stops with us; killed outright, we take it with us (`end_with`).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(0))
    watcher = os.getpid()
    print(f"Watching {records_dir} for changes (checked every {interval:g} s)", file=sys.stderr)
    seen = _snapshot(records_dir)
    server = None

    def start_server():
        # SIGTERM: the server stops as when stopped by hand, its count folder deleted. A
        # stop while it starts waits until it is ours to stop (see `_run_build`).
        nonlocal server
        with stops_held():
            server = subprocess.Popen(serve, cwd=ROOT, preexec_fn=lambda: _child_of(watcher))

    try:
        start_server()
        while server.poll() is None:
            time.sleep(interval)
            now = _snapshot(records_dir)
            if now == seen:
                continue
            seen = now
            print(f"{records_dir} changed: rebuilding {db_path}", file=sys.stderr, flush=True)
            if _run_build(build, watcher) != 0:
                print(f"Build failed; still serving the previous {db_path}", file=sys.stderr, flush=True)
                continue
            _stop(server)
            start_server()
        return server.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        if server is not None and server.poll() is None:
            _stop(server)
