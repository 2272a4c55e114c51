"""`python -m quotedb serve` (what `./run serve` ends in): the site in several processes
sharing one socket, each connection answered without Nagle's delay, and every process
stopped with the server."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import uvicorn

from conftest import ROOT, free_port, start_server
from quotedb import serving


def test_connections_accepted_by_the_server_send_at_once():
    """Without TCP_NODELAY on the listening socket, each keep-alive response after the first
    waited about 40 ms for the client's delayed ACK (uvicorn issue #3149)."""
    listening = serving.listening_socket(uvicorn.Config("quotedb.serving:server_app", host="127.0.0.1", port=0))
    try:
        listening.listen()  # as the server's event loop does
        with socket.create_connection(listening.getsockname()[:2]):
            accepted, _ = listening.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        listening.close()


def _children(pid) -> dict:
    """The child processes of `pid`, with their command lines."""
    children = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            for child in handle.read().split():
                with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                    children[int(child)] = cmdline.read().replace(b"\0", b" ").decode()
    return children


def _alive(pid) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _gone(pids) -> bool:
    """Whether every process of `pids` has ended (waiting up to 10 s)."""
    for _ in range(100):
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def _workers(process) -> list:
    """The server processes `serve` started (not multiprocessing's resource tracker)."""
    return [pid for pid, cmdline in _children(process.pid).items() if "spawn_main" in cmdline]


def test_serve_answers_from_two_processes_and_stops_them_all(seed_db, tmp_path):
    log = tmp_path / "serve.log"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = Path(tempfile.gettempdir()) / f"quotedb-counts-{int(gone.stdout)}-left"  # a killed server's
    (stale / "counts.db").parent.mkdir(exist_ok=True)
    (stale / "counts.db").write_bytes(b"")
    process, url = start_server(seed_db, log, "--workers", "2")
    assert not stale.exists()
    try:
        workers = _workers(process)
        assert len(workers) == 2, _children(process.pid)
        conn = sqlite3.connect(f"file:{seed_db}?mode=ro", uri=True)
        expected = [row[0] for row in conn.execute(
            "select id from quotes where id in (select rowid from quotes_fts where quotes_fts match 'civilians') "
            "order by id desc")]
        conn.close()
        assert expected
        for _ in range(6):  # more requests than processes, each on a new connection
            with urllib.request.urlopen(url + "/quotes/quotes.json?_search=civilians&_shape=array&_col=id") as answer:
                assert [row["id"] for row in json.load(answer)] == expected
        # The processes share the counts they make in one file (plugins/search.py), in a folder
        # of the server's own.
        from quotedb.processes import cores  # what the search plugin counts in parts for, a quota included

        assert {_environment(worker)["QUOTEDB_CORES"] for worker in workers} == {str(cores())}
        shared = {_environment(worker)["QUOTEDB_SHARED_COUNTS"] for worker in workers}
        assert len(shared) == 1
        counts = Path(shared.pop())
        assert sqlite3.connect(counts).execute("select count(*) from counts").fetchone() == (0,)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert _gone(workers), log.read_text()
    assert "Started server process" in log.read_text()
    assert not counts.parent.exists()  # deleted with the server


def _environment(pid) -> dict:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(pair.decode().split("=", 1) for pair in pairs if b"=" in pair)


@pytest.mark.parametrize("stop", [signal.SIGHUP, signal.SIGKILL])
def test_the_workers_end_with_the_server_when_its_terminal_closes_or_it_is_killed(seed_db, tmp_path, stop):
    """uvicorn's supervisor restarts its workers on SIGHUP: here it stops, as `datasette
    serve` does. Killed outright, it cannot stop them: they end with it by themselves."""
    process, url = start_server(seed_db, tmp_path / "serve.log", "--workers", "2")
    workers = _workers(process)
    assert len(workers) == 2
    process.send_signal(stop)
    process.wait(timeout=20)
    assert _gone(workers), (tmp_path / "serve.log").read_text()
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/-/versions.json", timeout=2)


def test_terminal_job_control_signals_leave_the_workers_as_they_are(seed_db, tmp_path):
    """A terminal sends SIGTTIN or SIGTTOU to a job in the background that reads or writes
    it; uvicorn's supervisor adds or removes a worker on them."""
    log = tmp_path / "serve.log"
    process, url = start_server(seed_db, log, "--workers", "2")
    try:
        workers = _workers(process)
        assert len(workers) == 2
        for count, sent in enumerate((signal.SIGTTIN, signal.SIGTTOU, signal.SIGTTOU), start=1):
            process.send_signal(sent)
            for _ in range(50):  # the supervisor reads its signals every half second
                if log.read_text().count("ignored") == count:
                    break
                time.sleep(0.1)
            assert log.read_text().count("ignored") == count, log.read_text()
        assert sorted(_workers(process)) == sorted(workers)
        with urllib.request.urlopen(url + "/-/versions.json", timeout=5) as answer:
            assert answer.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert _gone(workers), log.read_text()


def test_one_process_stops_on_ctrl_c_without_a_traceback(seed_db, tmp_path):
    process, url = start_server(seed_db, tmp_path / "serve.log", "--workers", "1")
    assert not _children(process.pid)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def _serve(*arguments):
    return subprocess.run([sys.executable, "-m", "quotedb", "serve", *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name, content, problem", [
    ("missing.db", None, "no such file"),
    ("folder.db", "folder", "not a file"),
    ("broken.db", b"not a database\n", "file is not a database"),
    ("empty.db", b"", "not a quotedb database"),
    ("odd%41.db", "seed", "Datasette cannot open a path holding %, # or ?"),
    ("older.db", "older", "built by an earlier quotedb, before stable ids: build it again"),
])
def test_a_database_that_cannot_be_served_is_refused_and_left_as_it_was(seed_db, tmp_path, name, content, problem):
    path = tmp_path / name
    if content == "folder":
        path.mkdir()
    elif content == "seed":
        path.write_bytes(seed_db.read_bytes())
    elif content == "older":  # as a build before stable ids left it, without their table
        path.write_bytes(seed_db.read_bytes())
        with sqlite3.connect(path) as conn:
            conn.execute("drop table linked_stable_ids")
        conn.close()
        content = path.read_bytes()
    elif content is not None:
        path.write_bytes(content)
    before = sorted(tmp_path.iterdir())
    result = _serve(str(path), "--port", str(free_port()), "--workers", "2")
    assert result.returncode == 2 and f"cannot serve {path}: {problem}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(tmp_path.iterdir()) == before  # nothing created beside it (no empty file, no inspect file)
    if isinstance(content, bytes):
        assert path.read_bytes() == content


def test_a_rebuilt_file_is_never_served_beside_the_old_one(seed_db, tmp_path):
    """A worker started again (here after being killed) would open the file now at the path:
    a build that replaced it since the server began stops the server instead."""
    database = tmp_path / "quotes.db"
    database.write_bytes(seed_db.read_bytes())
    log = tmp_path / "serve.log"
    process, url = start_server(database, log, "--workers", "2")
    try:
        rebuilt = tmp_path / "rebuilt.db"
        rebuilt.write_bytes(seed_db.read_bytes())
        os.replace(rebuilt, database)  # as build_db.py puts a new build in place
        worker = _workers(process)[0]
        os.kill(worker, signal.SIGKILL)
        assert process.wait(timeout=60) == 3
    finally:
        if process.poll() is None:
            process.kill()
    assert "was rebuilt since the server started" in log.read_text()


@pytest.mark.parametrize("option, value", [("--port", "99999"), ("--port", "http"), ("--workers", "0")])
def test_a_bad_port_or_number_of_workers_is_a_usage_error(seed_db, option, value):
    result = _serve(str(seed_db), option, value)
    assert result.returncode == 2 and f"argument {option}" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_a_site_that_cannot_start_ends_the_server_with_status_3(seed_db, tmp_path, workers):
    """Each process builds the site as it starts; if that fails (here its inspect file is
    gone), the server stops with uvicorn's start-up failure status instead of 0."""
    code = ("import sys; from quotedb import serving; "
            f"sys.exit(serving.serve({str(seed_db)!r}, port={free_port()}, "
            f"inspect_file={str(tmp_path / 'gone.json')!r}, workers={workers}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "gone.json" in result.stderr


@pytest.mark.parametrize("limits, expected", [
    ({"": "max 100000"}, None),
    ({"": "200000 100000"}, 2),
    ({"": "150000 100000"}, 2),  # one and a half cores: two processes
    ({"": "50000 100000"}, 1),
    ({"": "max 100000", "app": "300000 100000", "app/web": "max 100000"}, 3),  # a quota above applies
    ({"app": "400000 100000", "app/web": "100000 100000"}, 1),  # the smallest applies
    ({"app/web": "not numbers"}, None),
    ({"app": "100000 0", "app/web": "-1 100000"}, None),  # never written by the kernel: no quota
])
def test_the_cpu_quota_is_read_from_the_control_group_and_those_above(tmp_path, limits, expected):
    from quotedb.processes import cpu_quota

    root = tmp_path / "cgroup"
    (root / "app" / "web").mkdir(parents=True)
    for group, limit in limits.items():
        (root / group / "cpu.max").write_text(limit + "\n")
    membership = tmp_path / "membership"
    membership.write_text("0::/app/web\n")
    assert cpu_quota(root, membership) == expected
    membership.write_text("1:cpu:/\n")  # cgroup v1 only: no quota read
    assert cpu_quota(root, membership) is None
