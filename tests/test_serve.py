"""`python -m quotedb serve` (what `./run serve` ends in): the site in several processes
sharing one socket, each connection answered without Nagle's delay, and every process
stopped with the server."""

import json
import os
import signal
import socket
import sqlite3
import time
import urllib.request

import uvicorn

from conftest import start_server
from quotedb import site


def test_connections_accepted_by_the_server_send_at_once():
    """Without TCP_NODELAY on the listening socket, each keep-alive response after the first
    waited about 40 ms for the client's delayed ACK (uvicorn issue #3149)."""
    listening = site.listening_socket(uvicorn.Config("quotedb.site:server_app", host="127.0.0.1", port=0))
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


def test_serve_answers_from_two_processes_and_stops_them_all(seed_db, tmp_path):
    log = tmp_path / "serve.log"
    process, url = start_server(seed_db, log, "--workers", "2")
    try:
        workers = [pid for pid, cmdline in _children(process.pid).items() if "spawn_main" in cmdline]
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
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    for _ in range(100):
        if not any(_alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), log.read_text()
    assert "Started server process" in log.read_text()
