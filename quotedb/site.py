"""How the site is served: one definition used by `./run serve`, the tests and publishing."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
SETTINGS = ROOT / "settings.json"
PLUGINS_DIR = ROOT / "plugins"
TEMPLATES_DIR = ROOT / "templates"


def settings() -> dict:
    return json.loads(SETTINGS.read_text(encoding="utf-8"))


def metadata() -> dict:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def datasette(db_path):
    """The site as a `Datasette` instance, the database opened immutable."""
    from datasette.app import Datasette

    return Datasette(
        immutables=[str(db_path)],
        metadata=metadata(),
        settings=settings(),
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
    )


def setting_options() -> list[str]:
    """`--setting NAME VALUE` for each setting, for `datasette serve` and `publish`."""
    options = []
    for name, value in settings().items():
        options += ["--setting", name, json.dumps(value) if isinstance(value, bool) else str(value)]
    return options


def serve_arguments(db_path, host="127.0.0.1", port=8001) -> list[str]:
    return [
        "datasette", "serve", "-i", str(db_path),
        "--metadata", str(METADATA),
        "--plugins-dir", str(PLUGINS_DIR),
        "--template-dir", str(TEMPLATES_DIR),
        "--host", host, "--port", str(port),
        *setting_options(),
    ]


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


def _stop(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def watch(db_path, records_dir, host="127.0.0.1", port=8001, interval=1.0) -> int:
    """Serve `db_path`; when a file under `records_dir` changes, rebuild it and restart the
    server on the new database. A failed build prints its problems and the server goes on
    with the database it has. Returns when interrupted, or when the server stops by itself.
    The server runs from the repository root (to find quotedb); the build where we are."""
    serve = [sys.executable, "-m", "quotedb", "serve", str(Path(db_path).resolve()), "--host", host, "--port", str(port)]
    build = [sys.executable, str(ROOT / "build_db.py"), str(records_dir), "--output", str(db_path)]
    # Stop cleanly on SIGTERM too, so that the server below stops with us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Watching {records_dir} for changes (checked every {interval:g} s)", file=sys.stderr)
    seen = _snapshot(records_dir)
    server = subprocess.Popen(serve, cwd=ROOT)
    try:
        while server.poll() is None:
            time.sleep(interval)
            now = _snapshot(records_dir)
            if now == seen:
                continue
            seen = now
            print(f"{records_dir} changed: rebuilding {db_path}", file=sys.stderr, flush=True)
            if subprocess.run(build).returncode != 0:
                print(f"Build failed; still serving the previous {db_path}", file=sys.stderr, flush=True)
                continue
            _stop(server)
            server = subprocess.Popen(serve, cwd=ROOT)
        return server.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        if server.poll() is None:
            _stop(server)
