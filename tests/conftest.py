import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "quotes"
SEED_ARTICLE = RECORDS / "2024" / "2024-01-07-wsws-belgorod-strikes.txt"  # archived copy of the seed
SEED_RECORD = RECORDS / "2024" / "2024-01-07-wsws-belgorod-strikes.yml"

SPEAKERS = """\
speakers:
  - id: vassily-nebenzia
    name: Vassily Nebenzia
    kind: person
    aliases: [Vasily Nabenzia, Nabenzia]
  - id: russian-authorities
    name: Russian authorities
    kind: group
"""

ARTICLE = """\
article:
  title: A test article
  outlet: Test Outlet
  published: 2024-01-07
quotes:
  - speaker: vassily-nebenzia
    spelled_as: Nabenzia
    said: 2023-12-31
    kind: full
    text: "In order to increase the number of casualties they used cluster munitions,"
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_a_terminal_starts_it():
    """`preexec_fn` for a command a test sends SIGINT (Ctrl-C): SIGINT as a terminal's
    foreground job has it, whatever this test run inherited (a job started in the
    background by a shell ignores SIGINT, and so do the commands it runs)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_server(db_path, log_path, *options):
    """`python -m quotedb serve` (what `./run serve` ends in) on a free port, its output in
    `log_path`: (the process, its address) once it answers."""
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "quotedb", "serve", str(db_path), "--port", str(port),
                                    *options], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            return process, url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(Path(log_path).read_text())


def write_records(directory: Path, files: dict) -> Path:
    """Write {relative path: text or bytes} under `directory`; returns it."""
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return directory


def run_build(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(ROOT / "build_db.py"), *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture
def records_dir(tmp_path):
    """A small valid records directory to break in tests."""
    return write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "2024/a.yml": ARTICLE})


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory):
    """quotes.db built by build_db.py from the real quotes/ directory."""
    path = tmp_path_factory.mktemp("site") / "quotes.db"
    result = run_build(RECORDS, "--output", path)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def seed_conn(seed_db):
    conn = sqlite3.connect(f"file:{seed_db}?mode=ro", uri=True)
    yield conn
    conn.close()


def loaded_plugin(file_name):
    """A plugin of plugins/ as Datasette loaded it: its module, to read or set what it keeps."""
    from datasette.plugins import pm

    return next(plugin for plugin in pm.get_plugins() if getattr(plugin, "__name__", "") == file_name)


class SiteClient:
    """Datasette's own client on the real site configuration, usable from sync tests."""

    def __init__(self, db_path):
        import asyncio

        from quotedb import site

        self.datasette = site.datasette(db_path)
        self.loop = asyncio.new_event_loop()

    def get(self, path, **kwargs):
        return self.loop.run_until_complete(self.datasette.client.get(path, **kwargs))

    def json(self, path):
        response = self.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()

    def close(self):
        self.loop.close()


@pytest.fixture(scope="session")
def client(seed_db):
    site_client = SiteClient(seed_db)
    yield site_client
    site_client.close()


def follow_next(site, path):
    """Every row of a JSON listing, following `next_url` to the end."""
    rows, url = [], path
    while url:
        data = site.json(url)
        rows += data["rows"]
        url = data["next_url"] and data["next_url"].replace("http://localhost", "")
    return rows
