"""`python -m quotedb serve --watch` (what `./run serve --watch` runs): a changed record is
rebuilt and served; a broken one is reported while the last good database stays served."""

import http.client
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
import urllib.request

import pytest

from conftest import ARTICLE, ROOT, SPEAKERS, free_port, run_build, write_records

OLD = "In order to increase the number of casualties they used cluster munitions,"
NEW = "In order to increase the number of casualties they used cluster bombs,"


def served_texts(url):
    """The quote texts the server answers with, or None while it is not answering."""
    try:
        with urllib.request.urlopen(url + "/quotes/quotes.json?_shape=array&_col=text", timeout=5) as response:
            return [row["text"] for row in json.load(response)]
    except (OSError, http.client.HTTPException):  # HTTPException: its answer cut short as it stopped
        return None


def wait_until(condition, log, what):
    """Poll `condition` until it holds; fail with the server's output if it never does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"never saw {what}; output:\n{log.read_text()}")


def watching(tmp_path, *options):
    """`serve --watch` over a small records directory, built first: (process, url, log, records)."""
    records = write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "2024/a.yml": ARTICLE})
    database = tmp_path / "quotes.db"
    assert run_build(records, "--output", database).returncode == 0
    port, log = free_port(), tmp_path / "serve.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "quotedb", "serve", str(database), "--watch", "--records", str(records),
             "--port", str(port), *options], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}", log, records


def test_serve_watch_rebuilds_on_change_and_keeps_serving_on_a_failed_build(tmp_path):
    process, url, log, records = watching(tmp_path)
    article = records / "2024" / "a.yml"
    try:
        wait_until(lambda: served_texts(url) == [OLD], log, "the first database served")

        article.write_text(article.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
        wait_until(lambda: served_texts(url) == [NEW], log, "the changed quote served")

        article.write_text(article.read_text(encoding="utf-8").replace("vassily-nebenzia", "nobody-known"),
                           encoding="utf-8")
        wait_until(lambda: "still serving the previous" in log.read_text(), log, "the failed build reported")
        assert f"{article}:" in log.read_text() and "nobody-known" in log.read_text()  # the build's own message
        assert served_texts(url) == [NEW]
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert served_texts(url) is None  # the server stopped with the watcher


@pytest.mark.parametrize("stop", [signal.SIGHUP, signal.SIGKILL])
def test_the_server_ends_with_the_watcher_when_its_terminal_closes_or_it_is_killed(tmp_path, stop):
    """Killed, the watcher takes its server with it, which then stops as when stopped by
    hand: the folder where its two processes share their counts is deleted too."""
    before = set(Path(tempfile.gettempdir()).glob("quotedb-counts-*"))
    process, url, log, _ = watching(tmp_path, "--workers", "2")
    try:
        wait_until(lambda: served_texts(url) == [OLD], log, "the database served")
        assert set(Path(tempfile.gettempdir()).glob("quotedb-counts-*")) - before  # made by the server
    finally:
        process.send_signal(stop)
        process.wait(timeout=20)
    wait_until(lambda: served_texts(url) is None, log, "the server stopped with the watcher")
    wait_until(lambda: set(Path(tempfile.gettempdir()).glob("quotedb-counts-*")) <= before, log,
               "the server's count folder deleted")


# The watcher stopped (SIGTERM: `sys.exit`) the moment its build or server exists, before
# `Popen` has returned it; run in a process of its own, of one thread, as the watcher is.
STOPPED_WHILE_STARTING = """
import os, signal, subprocess, sys
from quotedb import site
starting, runs_a_minute, folder = sys.argv[1:]
real_popen, started = subprocess.Popen, []

def popen_then_stopped(*args, **kwargs):
    process = real_popen(*args, **kwargs)
    started.append(process)
    os.kill(os.getpid(), signal.SIGTERM)
    return process

subprocess.Popen, sys.executable = popen_then_stopped, runs_a_minute
try:
    if starting == "build":
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # as `watch` has it
        site._run_build([runs_a_minute], os.getpid())
    else:
        site.watch(os.path.join(folder, "quotes.db"), folder)
except SystemExit:
    pass
(process,) = started
print("left running" if process.poll() is None else process.returncode)
if process.poll() is None:
    process.kill()
"""


@pytest.mark.parametrize("starting", ["build", "server"])
def test_a_stop_that_comes_while_a_process_starts_still_stops_it(tmp_path, starting):
    """It must still stop that process and wait for it, not leave it running, unseen,
    until the watcher ends (the build then wrote its database)."""
    runs_a_minute = tmp_path / "runs-a-minute"  # stands in for Python, whatever it is asked
    runs_a_minute.write_text("#!/bin/sh\nexec sleep 60\n")
    runs_a_minute.chmod(0o755)
    result = subprocess.run([sys.executable, "-c", STOPPED_WHILE_STARTING, starting, str(runs_a_minute), str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == str(-signal.SIGTERM), result.stdout + result.stderr
