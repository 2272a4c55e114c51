"""Killing the build at any moment never leaves a broken or partial quotes.db."""

import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import write_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    directory = tmp_path_factory.mktemp("corpus")
    write_corpus(directory / "records", 30000, format="jsonl")
    return directory / "records"


def database_state(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        return conn.execute("select count(*) from quotes").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0, 3.0, 4.5])
def test_sigkill_at_any_moment_leaves_the_old_or_the_new_database(tmp_path, corpus, delay):
    output = tmp_path / "quotes.db"
    subprocess.run([sys.executable, str(ROOT / "build_db.py"), str(ROOT / "quotes"), "--output", str(output)], check=True, capture_output=True)
    old = output.read_bytes()
    process = subprocess.Popen([sys.executable, str(ROOT / "build_db.py"), str(corpus), "--output", str(output)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    count = database_state(output)
    assert (output.read_bytes() == old and count == 24) or count == 30000
    # The next build cleans up what the killed one left and succeeds.
    result = subprocess.run([sys.executable, str(ROOT / "build_db.py"), str(corpus), "--output", str(output)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert database_state(output) == 30000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quotes.db"]
