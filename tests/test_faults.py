"""Killing the build at any moment never leaves a broken or partial quotes.db, nor a process."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, as_a_terminal_starts_it

# Processes and their CPU time are read from /proc.
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import write_corpus  # noqa: E402
from quotedb.database import PARALLEL_FTS_FROM  # noqa: E402
from quotedb.processes import cores  # noqa: E402

SEED_QUOTES = 24


@dataclass
class Corpus:
    path: Path
    quotes: int
    cpu_seconds: float  # the CPU time a whole build of it takes (the build process's own)


def build_command(records, output):
    return [sys.executable, str(ROOT / "build_db.py"), str(records), "--output", str(output)]


# Under PARALLEL_FTS_FROM one process builds everything; from it on, a second
# process builds the full-text index meanwhile.
@pytest.fixture(scope="module", params=[30_000, PARALLEL_FTS_FROM + 10_000], ids=["one-process", "two-process"])
def corpus(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp("corpus")
    write_corpus(directory / "records", request.param, format="jsonl")
    # It varies by some 10% from build to build: the kills go by the smaller of two.
    used = min(build_cpu_seconds(directory / "records", directory / "quotes.db") for _ in range(2))
    return Corpus(directory / "records", request.param, used)


def build_cpu_seconds(records, output) -> float:
    process = subprocess.Popen(build_command(records, output), stdout=subprocess.DEVNULL)
    used = 0.0
    while process.poll() is None:
        used = cpu_seconds(process.pid) or used
        time.sleep(0.005)
    assert process.returncode == 0
    return used


def proc_stat(pid: int):
    """The fields of /proc/PID/stat after the command's name (state, parent, ...), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int):
    """The CPU time a process has used so far. Moments of a build are measured in it, not
    in wall time, which varies with the machine's load far more than a build's work does."""
    fields = proc_stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else None


def database_state(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        return conn.execute("select count(*) from quotes").fetchone()[0]
    finally:
        conn.close()


# Moments spread over the whole build, as fractions of the CPU time a build takes.
@pytest.mark.parametrize("fraction", [0.05, 0.25, 0.45, 0.65, 0.8])
def test_sigkill_at_any_moment_leaves_the_old_or_the_new_database(tmp_path, corpus, fraction):
    output = tmp_path / "quotes.db"
    # A build's CPU time varies (cold caches on a fresh machine): when one finishes
    # before the moment, the next try kills earlier, at most three tries.
    for attempt in range(3):
        subprocess.run(build_command(ROOT / "quotes", output), check=True, capture_output=True)
        old = output.read_bytes()
        process = subprocess.Popen(build_command(corpus.path, output), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        moment = fraction * corpus.cpu_seconds * 0.8**attempt
        while (cpu_seconds(process.pid) or 0) < moment and process.poll() is None:
            time.sleep(0.002)
        if process.poll() is None:
            break
    else:
        pytest.fail("the build finished before it could be killed, three times")
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    count = database_state(output)
    assert (output.read_bytes() == old and count == SEED_QUOTES) or count == corpus.quotes
    # The next build cleans up what the killed one left and succeeds.
    result = subprocess.run(build_command(corpus.path, output), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert database_state(output) == corpus.quotes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quotes.db"]


def children_of(pid: int) -> list[int]:
    return [
        int(entry) for entry in os.listdir("/proc")
        if entry.isdigit() and (fields := proc_stat(int(entry))) and int(fields[1]) == pid
    ]


def running(pid: int) -> bool:
    fields = proc_stat(pid)
    return bool(fields) and fields[0] != "Z"  # a zombie only waits for its new parent to reap it


def started(process, output, suffix) -> list:
    """The build's children, once the file its process named by `suffix` writes exists
    (`-fts.tmp`: the index process; `-stage1.tmp`: the process reading the second share)."""
    deadline = time.monotonic() + 60
    while not (output.parent / f"{output.name}.{process.pid}{suffix}").exists():
        assert process.poll() is None and time.monotonic() < deadline, f"no {suffix} was written"
        time.sleep(0.002)
    return children_of(process.pid)


def needs_shares():
    if cores() < 2:
        pytest.skip("one core: the records are read by one process")


@pytest.mark.parametrize("corpus", [PARALLEL_FTS_FROM + 10_000], indirect=True, ids=["two-process"])
@pytest.mark.parametrize("suffix, which", [("-fts.tmp", "the index process"), ("-stage1.tmp", "a share process")])
def test_the_build_s_processes_die_with_a_killed_build(tmp_path, corpus, suffix, which):
    if "stage" in suffix:
        needs_shares()
    output = tmp_path / "quotes.db"
    process = subprocess.Popen(build_command(corpus.path, output), stdout=subprocess.DEVNULL)
    children = started(process, output, suffix)
    assert children
    process.send_signal(signal.SIGKILL)  # the process has most of its work ahead (over 0.5 s)
    process.wait()
    deadline = time.monotonic() + 0.3  # it dies within milliseconds
    while any(map(running, children)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(map(running, children)), f"{which} outlived its build"


@pytest.mark.parametrize("corpus", [PARALLEL_FTS_FROM + 10_000], indirect=True, ids=["two-process"])
def test_ctrl_c_while_shares_are_read_stops_the_build_without_a_traceback(tmp_path, corpus):
    """The terminal sends SIGINT to the whole group: the build and each process it started.
    Here the processes it started get it a moment before the build does."""
    needs_shares()
    output = tmp_path / "quotes.db"
    process = subprocess.Popen(build_command(corpus.path, output), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=as_a_terminal_starts_it)
    children = started(process, output, "-stage1.tmp")
    for child in children:
        os.kill(child, signal.SIGINT)
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 130
    assert errors == f"{output}: interrupted, nothing written\n"
    assert not any(map(running, children))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("corpus", [PARALLEL_FTS_FROM + 10_000], indirect=True, ids=["two-process"])
@pytest.mark.parametrize("suffix", ["-stage1.tmp", "-fts.tmp"])
def test_sigterm_stops_the_build_and_clears_what_it_began(tmp_path, corpus, suffix):
    """What `timeout`, systemd and `docker stop` send."""
    if "stage" in suffix:
        needs_shares()
    output = tmp_path / "quotes.db"
    process = subprocess.Popen(build_command(corpus.path, output), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    children = started(process, output, suffix)
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert errors == f"{output}: stopped by SIGTERM, nothing written\n"
    assert not any(map(running, children))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("corpus", [PARALLEL_FTS_FROM + 10_000], indirect=True, ids=["two-process"])
def test_two_signals_at_once_stop_the_build_with_one_line(tmp_path, corpus):
    """Both come while SQLite builds the index, before Python can act on the first; the
    second is let go (set to be ignored then, Python printed "Signal 15 ignored due to
    race condition" with a traceback)."""
    output = tmp_path / "quotes.db"
    process = subprocess.Popen(build_command(corpus.path, output), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, preexec_fn=as_a_terminal_starts_it)
    started(process, output, "-fts.tmp")
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=60)
    assert (process.returncode, errors) == (130, f"{output}: interrupted, nothing written\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("moment", [0.0, 0.05, 0.1, 0.15, 0.2, 0.3])
def test_ctrl_c_as_the_build_starts_says_no_traceback(tmp_path, moment):
    """Before the build has begun anything (Python starting, importing): it just ends."""
    output = tmp_path / "quotes.db"
    process = subprocess.Popen(build_command(ROOT / "quotes", output), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, preexec_fn=as_a_terminal_starts_it)
    time.sleep(moment)
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=60)
    assert "Traceback" not in errors
    assert process.returncode in (-signal.SIGINT, 130, 0)  # 0: it was done first
    assert [p.name for p in tmp_path.iterdir()] in ([], ["quotes.db"])


def test_ctrl_c_while_the_build_clears_its_files_comes_after_it(tmp_path):
    """A Ctrl-C in the moment the build removes its temporary files (after putting the
    database in place) stops it once they are all gone, not half way. The build runs as
    build_db.py does, in a process of its own; the Ctrl-C is sent as its first file goes."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from quotedb import build\n"
        "unlink = Path.unlink\n"
        "def unlink_then_ctrl_c(path, missing_ok=False):\n"
        "    unlink(path, missing_ok=missing_ok)\n"
        "    if path.name == f'quotes.db.{os.getpid()}.tmp':\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "Path.unlink = unlink_then_ctrl_c\n"
        "sys.exit(build.main(sys.argv[1:]))\n"
    )
    output = tmp_path / "quotes.db"
    result = subprocess.run([sys.executable, "-c", script, str(ROOT / "quotes"), "--output", str(output)],
                            capture_output=True, text=True, timeout=60, preexec_fn=as_a_terminal_starts_it)
    assert (result.returncode, result.stderr) == (130, f"{output}: written, then interrupted\n")
    assert [p.name for p in tmp_path.iterdir()] == ["quotes.db"]


@pytest.mark.parametrize("corpus", [PARALLEL_FTS_FROM + 10_000], indirect=True, ids=["two-process"])
def test_a_build_whose_caller_ignores_sigint_goes_on(tmp_path, corpus):
    """A job started in the background by a script ignores SIGINT; so does its build."""
    output = tmp_path / "quotes.db"
    process = subprocess.Popen(build_command(corpus.path, output), stdout=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    started(process, output, "-fts.tmp")
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0 and out.startswith("built ")


@pytest.mark.parametrize("corpus", [PARALLEL_FTS_FROM + 10_000], indirect=True, ids=["two-process"])
@pytest.mark.parametrize("stop, said", [(signal.SIGTERM, "stopped by SIGTERM, nothing written"),
                                        (signal.SIGINT, "interrupted, nothing written"),
                                        (signal.SIGKILL, "stopped by SIGTERM, nothing written")])
def test_serve_watch_stopped_mid_build_lets_the_build_clear_what_it_began(tmp_path, corpus, stop, said):
    """`serve --watch` stopped while it rebuilds (SIGTERM to it alone; Ctrl-C, SIGINT to the
    whole group) stops the build as `timeout` would, and waits while it clears its files;
    killed, the kernel sends its build SIGTERM."""
    import shutil
    import urllib.request

    from conftest import free_port

    records = tmp_path / "records"
    shutil.copytree(corpus.path, records)
    output = tmp_path / "quotes.db"
    subprocess.run(build_command(ROOT / "quotes", output), check=True, capture_output=True)
    old = output.read_bytes()
    log, port = tmp_path / "watch.log", free_port()
    with open(log, "w") as written:
        process = subprocess.Popen(
            [sys.executable, "-m", "quotedb", "serve", str(output), "--watch", "--records", str(records),
             "--port", str(port)], cwd=ROOT, stdout=written, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=as_a_terminal_starts_it)
    try:
        deadline = time.monotonic() + 60
        while True:  # served: the watcher is watching
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        (records / "articles.jsonl").touch()
        while not list(tmp_path.glob("quotes.db.[0-9]*.tmp")):  # the build's, not the inspect file's
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.002)
        if stop == signal.SIGINT:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(stop)
        process.wait(timeout=60)
        while f"{output}: {said}" not in log.read_text():  # a killed watcher does not wait for it
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    time.sleep(0.2)
    assert "Traceback" not in log.read_text()
    assert list(tmp_path.glob("quotes.db.*.tmp")) == []
    assert output.read_bytes() == old
