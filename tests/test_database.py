"""The build: schema, full-text search, foreign keys, determinism, atomic replace."""

import json
import os
import signal
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import given, settings, strategies as st

from quotedb import database
from quotedb.database import populate
from quotedb.loading import load_records

from conftest import ARTICLE, RECORDS, SPEAKERS, run_build, write_records


@pytest.fixture
def memory_db():
    db = sqlite_utils.Database(memory=True)
    records = load_records(RECORDS)
    assert populate(db, records.speakers, records.articles) == ([], [])
    return db


def search(conn, query):
    sql = "SELECT quotes.speaker_id FROM quotes_fts JOIN quotes ON quotes.id = quotes_fts.rowid WHERE quotes_fts MATCH ?"
    return {row[0] for row in conn.execute(sql, [query])}


def test_tables_views_and_indexes(memory_db):
    assert {"quotes", "appearances", "speakers", "articles", "outlets", "venues", "quotes_fts", "speakers_fts"} <= set(
        memory_db.table_names()
    )
    assert {"quote_details", "appearance_details", "quotes_by_relevance"} <= set(memory_db.view_names())
    quotes = memory_db["quotes"]
    assert {fk.column: fk.other_table for fk in quotes.foreign_keys} == {
        "speaker_id": "speakers", "venue_id": "venues", "first_article_id": "articles", "first_outlet_id": "outlets",
    }
    assert {fk.column: fk.other_table for fk in memory_db["appearances"].foreign_keys} == {
        "quote_id": "quotes", "article_id": "articles", "outlet_id": "outlets", "reported_via_id": "outlets",
    }
    indexed = {tuple(index.columns) for index in quotes.indexes}
    for column in ["kind", "venue_id", "first_outlet_id", "year", "month", "said", "language"]:
        assert (column,) in indexed
    assert ("speaker_id", "kind", "venue_id", "year", "month", "language", "outlets") in indexed
    assert [index.unique for index in quotes.indexes if index.columns == ["stable_id"]] == [1]  # /quote/<stable_id>
    assert ("quote_id",) in {tuple(index.columns) for index in memory_db["linked_stable_ids"].indexes}
    assert ("quote_id",) in {tuple(index.columns) for index in memory_db["appearances"].indexes}
    assert memory_db.execute("SELECT count(*) FROM quotes").fetchone() == memory_db.execute(
        "SELECT count(*) FROM appearances WHERE first").fetchone() == (24,)
    assert memory_db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_rows_carry_dates_precision_and_source(memory_db):
    row = memory_db.execute(
        "SELECT q.said, q.said_precision, q.year, q.month, d.said_wording, d.spelled_as, d.role, d.venue, d.article, d.outlet "
        "FROM quote_details AS d JOIN quotes AS q USING (id) WHERE q.text LIKE 'In order to%'"
    ).fetchone()
    assert row == ("2023-12-31", "day", 2023, "2023-12", "last Sunday", "Nabenzia", "Russian ambassador to the UN",
                   "UN Security Council meeting", "Ukraine continues strikes on Russian city of Belgorod", "World Socialist Web Site")
    assert memory_db.execute("SELECT year, month, said_precision FROM quotes WHERE text = 'stalemate.'").fetchone() == (2023, "2023-11", "month")
    via = memory_db.execute("SELECT DISTINCT reported_via FROM quote_details WHERE reported_via IS NOT NULL").fetchall()
    assert via == [("New Voice",)]


@pytest.mark.parametrize(
    "query, speakers",
    [
        ("Nabenzia", {"vassily-nebenzia"}),
        ("Nebenzia", {"vassily-nebenzia"}),
        ("Небензя", {"vassily-nebenzia"}),
        ("munition", {"vassily-nebenzia"}),
        ('"Russia\'s"', {"john-kirby"}),
        ('"Russia\u2019s"', {"john-kirby"}),
        ("zaluzny", set()),
        ("Zaluzhny", {"valerii-zaluzhnyi"}),
        ("Kiril", {"kyrylo-budanov", "russian-media"}),  # the name is in Russian media's text too
        ("ambassador", {"vassily-nebenzia"}),
        ("Espresso", {"viktor-yahun"}),
    ],
)
def test_full_text_search(memory_db, query, speakers):
    assert search(memory_db.conn, query) == speakers


def test_speakers_are_searchable_by_alias(memory_db):
    rows = memory_db.execute(
        "SELECT speakers.id FROM speakers_fts JOIN speakers ON speakers.rowid = speakers_fts.rowid WHERE speakers_fts MATCH 'Kiril'"
    ).fetchall()
    assert rows == [("kyrylo-budanov",)]


def test_cli_build_is_deterministic(tmp_path):
    dumps = []
    for name in ("one.db", "two.db"):
        result = run_build(RECORDS, "--output", tmp_path / name)
        assert result.returncode == 0, result.stderr
        assert "built" in result.stdout and "24 quotes (24 reports) from 1 article, 14 speakers" in result.stdout
        dumps.append(list(sqlite3.connect(tmp_path / name).iterdump()))
    assert dumps[0] == dumps[1]
    assert len(dumps[0]) > 50


def test_a_failed_build_leaves_the_previous_database(tmp_path):
    records = write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "a.yml": ARTICLE})
    database = tmp_path / "quotes.db"
    assert run_build(records, "--output", database).returncode == 0
    good = database.read_bytes()
    (records / "a.yml").write_text(ARTICLE.replace("kind: full", "kind: ful"), encoding="utf-8")
    result = run_build(records, "--output", database)
    assert result.returncode == 1
    assert f"{records}/a.yml:9: kind: input should be 'full', 'partial' or 'paraphrase' (got 'ful')" in result.stderr
    assert database.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("quotes.db")] == ["quotes.db"]


def test_an_unwritable_output_is_a_clear_error(tmp_path):
    result = run_build(RECORDS, "--output", tmp_path / "missing-dir" / "quotes.db")
    assert result.returncode == 1
    assert "cannot write the database" in result.stderr and "Traceback" not in result.stderr


def test_the_index_built_in_a_second_process_is_the_same(tmp_path, monkeypatch):
    import sys

    from quotedb import database

    sys.path.insert(0, str(RECORDS.parent / "benchmarks"))
    from generate import write_corpus

    write_corpus(tmp_path / "records", 3000)
    from quotedb.loading import RecordsReader

    database.build_database(RecordsReader(tmp_path / "records"), tmp_path / "serial.db")
    monkeypatch.setattr(database, "PARALLEL_FTS_FROM", 1)
    database.build_database(RecordsReader(tmp_path / "records"), tmp_path / "parallel.db")
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["parallel.db", "serial.db"]
    serial, parallel = (sqlite3.connect(tmp_path / name) for name in ("serial.db", "parallel.db"))
    parallel.execute("INSERT INTO quotes_fts (quotes_fts) VALUES ('integrity-check')")
    for table in database.FTS_SHADOW_TABLES:
        assert serial.execute(f"select * from {table}").fetchall() == parallel.execute(f"select * from {table}").fetchall()
    word = serial.execute("select text from quotes where id = 7").fetchone()[0].split()[2].strip(".,")
    query = "select rowid, highlight(quotes_fts, 0, '[', ']') from quotes_fts where quotes_fts match ?"
    assert serial.execute(query, [word]).fetchall() == parallel.execute(query, [word]).fetchall() != []


def test_the_streaming_build_gives_what_an_in_memory_build_gives(tmp_path, monkeypatch):
    """A 20k-quote corpus whose quotes average 1.3 reports: read in three shares by three
    processes, built through the on-disk stage, with the index made by another process,
    it has the same rows in every table, the same ids and the same search results as when
    built in memory, serially."""
    import sys

    from quotedb import database
    from quotedb.loading import RecordsReader

    sys.path.insert(0, str(RECORDS.parent / "benchmarks"))
    from generate import write_corpus

    write_corpus(tmp_path / "records", 20000, reports=1.3)
    monkeypatch.setattr(database, "PARALLEL_FTS_FROM", 1)
    monkeypatch.setattr(database, "COMMON_FROM", 5000)  # the common terms found by either process
    warnings, counts = database.build_database(RecordsReader(tmp_path / "records"), tmp_path / "streamed.db", shares=3)
    assert counts["quotes"] == 20000 and 24000 < counts["appearances"] < 28000
    streamed = sqlite3.connect(tmp_path / "streamed.db")
    in_memory = sqlite_utils.Database(memory=True)
    records = load_records(tmp_path / "records")
    assert populate(in_memory, records.speakers, records.articles) == ([], warnings)
    tables = ["quotes", "appearances", "articles", "outlets", "venues", "speakers", "facet_counts",
              "common_term_quotes", *database.FTS_SHADOW_TABLES]
    for table in tables:
        query = f"select * from {table} order by 1, 2"
        assert streamed.execute(query).fetchall() == in_memory.execute(query).fetchall(), table
    assert streamed.execute("select count(distinct term) from common_term_quotes").fetchone()[0] > 5
    assert streamed.execute("select count(*) from quotes where reports > 1").fetchone()[0] > 3000
    text = streamed.execute("select text from quotes where id = 7").fetchone()[0].replace(".", "").replace(",", "").split()
    for words in ["ba*", f'"{text[1]}" "{text[-1]}"', f'"{text[2]} {text[3]}"']:
        query = "select rowid, highlight(quotes_fts, 0, '[', ']') from quotes_fts where quotes_fts match ? order by rank"
        from_stream = streamed.execute(query, [words]).fetchall()
        assert from_stream == in_memory.execute(query, [words]).fetchall() and from_stream != [], words


def _shared_out_corpus(directory):
    """Records that give problems and warnings all along the files: YAML articles and a
    JSON lines file, with a bad first line, bad lines further on, a quote that names a
    refused article with same_as, and texts typed inside quotation marks (a warning)."""
    marked = ARTICLE.replace('text: "In order', "text: '“In order").replace('munitions,"', "munitions,”'")
    line = {"article": {"title": "A line", "outlet": "Test Outlet", "published": "2024-01-07"},
            "quotes": [{"speaker": "vassily-nebenzia", "kind": "full", "said": "2023-12-31"}]}
    lines = []
    for number in range(1, 301):
        record = json.loads(json.dumps(line))
        record["id"] = f"line-{number:03d}" if number != 280 else "line-005"  # an id used twice, far apart
        record["quotes"][0]["text"] = f"Words number {number} of many."
        if number == 150:
            record["quotes"][0]["same_as"] = {"article": "line-299", "starts": "Words number 299"}
        if number in (1, 77, 151, 299):
            record["quotes"][0]["kind"] = "fulll"
        lines.append("{not json" if number == 210 else json.dumps(record))
    files = {"speakers.yml": SPEAKERS, "articles.jsonl": "\n".join(lines) + "\n"}
    for name in ("a", "c", "z"):
        files[f"{name}-marked.yml"] = marked
    files["b-bad.yml"] = ARTICLE.replace("kind: full", "kind: ful")
    files["d/e.yaml"] = ARTICLE.replace("2023-12-31", "2024-02-01")  # said after it was published
    return write_records(directory, files)


@pytest.mark.parametrize("shares", [2, 3, 5, 9])
def test_problems_and_warnings_read_in_shares_are_those_read_at_once(tmp_path, shares):
    """However the records are shared out, every problem is found once, at its line."""
    from quotedb import database
    from quotedb.loading import InvalidRecords, RecordsReader

    records = _shared_out_corpus(tmp_path / "records")
    found = []
    for count in (1, shares):
        with pytest.raises(InvalidRecords) as invalid:
            database.build_database(RecordsReader(records), tmp_path / f"quotes-{count}.db", shares=count)
        found.append([str(problem) for problem in invalid.value.problems])
    assert found[0] == found[1]
    jsonl = f"{records}/articles.jsonl"
    for expected in (f"{jsonl}:1: quotes[0].kind", f"{jsonl}:77: quotes[0].kind", f"{jsonl}:210: JSON syntax",
                     f"{jsonl}:151: quotes[0].kind", f"{jsonl}:299: quotes[0].kind", f"{records}/b-bad.yml:9: kind",
                     f"{records}/d/e.yaml:8: said", f"{jsonl}:280: article id 'line-005' is already used by {jsonl}"):
        assert sum(problem.startswith(expected) for problem in found[1]) == 1, expected
    assert len(found[1]) == 8  # line 150's same_as names line 299, refused for its own problem: not blamed
    assert not list(tmp_path.glob("quotes-*"))

    for name in ("articles.jsonl", "b-bad.yml", "d/e.yaml"):
        (records / name).unlink()
    built = []
    for count in (1, shares):
        warnings, _ = database.build_database(RecordsReader(records), tmp_path / f"quotes-{count}.db", shares=count)
        conn = sqlite3.connect(tmp_path / f"quotes-{count}.db")
        built.append(([str(w) for w in warnings], conn.execute("select * from appearances order by id").fetchall()))
    assert built[0] == built[1]
    assert [w.split(":")[0] for w in built[1][0]] == [f"{records}/{name}-marked.yml" for name in ("a", "c", "z")]


def _signal_the_build(signal_number):
    """Send the build, running here, a signal, to its thread: build_db.py runs it in a
    process of one thread, and this test run may have others (a site's), to which the
    kernel would hand a signal the build's thread holds."""
    signal.pthread_kill(threading.main_thread().ident, signal_number)


def _dies(stage):
    os._exit(9)


def _is_killed(stage):
    os.kill(os.getpid(), signal.SIGKILL)


def _finds_the_disk_full(stage):
    raise sqlite3.OperationalError("database or disk is full")


@pytest.mark.parametrize("failing, message, checking", [
    (_dies, "the build failed, nothing written: reading a share of the records failed: "
            "its process ended with exit code 9", None),
    (_is_killed, "the build failed, nothing written: reading a share of the records failed: "
                 "its process ended with signal SIGKILL", None),
    (_finds_the_disk_full, "cannot write the database: database or disk is full", None),  # as one process says it
    # A check writes nothing of its own: it names the records and its temporary database.
    (_dies, None, "the check failed: reading a share of the records failed: its process ended with exit code 9"),
    (_finds_the_disk_full, None, "cannot write the check's temporary database: database or disk is full"),
])
def test_a_share_that_fails_fails_the_build(tmp_path, monkeypatch, capfd, failing, message, checking):
    """A process reading a share that stops (killed, out of memory, a full disk) stops the
    build: a clear error and no traceback, nothing written, no file left beside it."""
    from quotedb import build, database, reports

    records = _shared_out_corpus(tmp_path / "records")
    (records / "b-bad.yml").unlink()
    (records / "d/e.yaml").unlink()
    (records / "articles.jsonl").unlink()
    added = reports.Stage.add

    def fails_in_a_later_share(stage, source):
        if stage.reports >= reports.SHARE_NUMBERS:
            failing(stage)
        added(stage, source)

    monkeypatch.setattr(reports.Stage, "add", fails_in_a_later_share)
    monkeypatch.setattr(database, "_share_count", lambda reader: 2)  # the command line on a large corpus
    if checking:
        assert build.main([str(records), "--check"]) == 1
        assert capfd.readouterr().err == f"{records}: {checking}\n"
        assert list(tmp_path.iterdir()) == [records]
        return
    assert build.main([str(records), "--output", str(tmp_path / "quotes.db")]) == 1
    assert capfd.readouterr().err == f"{tmp_path / 'quotes.db'}: {message}\n"
    assert list(tmp_path.iterdir()) == [records]
    monkeypatch.setattr(reports.Stage, "add", added)
    assert build.main([str(records), "--output", str(tmp_path / "quotes.db")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quotes.db", "records"]


def test_a_second_signal_does_not_cut_short_what_a_stopped_build_clears(tmp_path, monkeypatch, capfd):
    """Ctrl-C sends SIGINT to `serve --watch` and its build at once, and the watcher then
    sends the build SIGTERM: the first signal stops the build, the second finds it
    clearing what it began and is ignored (it left its files and said it twice before)."""
    from quotedb import build, processes, reports

    records = _shared_out_corpus(tmp_path / "records")
    added, stopped = reports.Stage.add, processes.Forked.stop

    def interrupted_in_the_first_share(stage, source):
        if stage.reports < reports.SHARE_NUMBERS:
            _signal_the_build(signal.SIGINT)
        added(stage, source)

    def stopped_again(forked):
        _signal_the_build(signal.SIGTERM)
        stopped(forked)

    monkeypatch.setattr(reports.Stage, "add", interrupted_in_the_first_share)
    monkeypatch.setattr(processes.Forked, "stop", stopped_again)
    monkeypatch.setattr(database, "_share_count", lambda reader: 2)
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # a test run started in the background
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    try:
        handlers = [signal.getsignal(stopping) for stopping in build.STOPPING]
        assert build.main([str(records), "--output", str(tmp_path / "quotes.db")]) == 130
        assert capfd.readouterr().err == f"{tmp_path / 'quotes.db'}: interrupted, nothing written\n"
        assert list(tmp_path.iterdir()) == [records]
        assert [signal.getsignal(stopping) for stopping in build.STOPPING] == handlers  # as they were
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_a_stop_just_after_the_new_file_is_in_place_says_it_was_written(tmp_path, monkeypatch, capfd):
    """The moment between the rename and the build's return: never 'nothing written' then."""
    from quotedb import build

    records = write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "a.yml": ARTICLE})
    output = tmp_path / "quotes.db"
    assert build.main([str(records), "--output", str(output)]) == 0
    capfd.readouterr()
    replace = os.replace

    def replaced_then_stopped(source, target):
        replace(source, target)
        raise build.Stopped(signal.SIGTERM)

    monkeypatch.setattr(os, "replace", replaced_then_stopped)
    assert build.main([str(records), "--output", str(output)]) == 128 + signal.SIGTERM
    assert capfd.readouterr().err == f"{output}: written, then stopped by SIGTERM\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quotes.db", "records"]


def test_a_stop_as_a_share_process_starts_stops_that_process_too(tmp_path, monkeypatch, capfd):
    """SIGTERM in the moment after the fork, before the build holds the new process: it
    waits until the build does, so the process is stopped with it (it went on, orphaned,
    and left its stage file)."""
    import multiprocessing.context

    from quotedb import build

    records = _shared_out_corpus(tmp_path / "records")
    start = multiprocessing.context.ForkProcess.start

    def started_then_stopped(process):
        start(process)
        _signal_the_build(signal.SIGTERM)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", started_then_stopped)
    monkeypatch.setattr(database, "_share_count", lambda reader: 2)
    assert build.main([str(records), "--output", str(tmp_path / "quotes.db")]) == 128 + signal.SIGTERM
    assert capfd.readouterr().err == f"{tmp_path / 'quotes.db'}: stopped by SIGTERM, nothing written\n"
    time.sleep(1)  # what an orphaned share process would write by then
    assert list(tmp_path.iterdir()) == [records]


def test_a_file_replaced_while_shares_read_it_is_a_problem(tmp_path, monkeypatch):
    """Shares open a JSON lines file each on its own: if it is replaced once the build has
    shared it out (an editor saving it), they would read parts of two versions as one."""
    from quotedb.loading import InvalidRecords, RecordsReader

    records, jsonl = _good_lines_corpus(tmp_path / "records")
    lines = jsonl.read_text().splitlines()
    database.build_database(RecordsReader(records), tmp_path / "quotes.db", shares=3)
    shared_out = RecordsReader.shares

    def replaced_once_shared_out(reader, count):
        shares = shared_out(reader, count)
        (records / "new.jsonl").write_text("\n".join(lines[1:]) + "\n")
        os.replace(records / "new.jsonl", jsonl)
        return shares

    monkeypatch.setattr(RecordsReader, "shares", replaced_once_shared_out)
    with pytest.raises(InvalidRecords) as invalid:
        database.build_database(RecordsReader(records), tmp_path / "quotes.db", shares=3)
    assert [str(p) for p in invalid.value.problems] == [f"{jsonl}: changed while the build read it; build again"]


@pytest.mark.parametrize("shares", [0, -1, 101])
def test_shares_are_counted_from_one_to_a_hundred(tmp_path, shares):
    from quotedb.loading import RecordsReader

    records = _shared_out_corpus(tmp_path / "records")
    with pytest.raises(ValueError, match="1 to 100 shares"):
        database.build_database(RecordsReader(records), tmp_path / "quotes.db", shares=shares)


@settings(max_examples=60, deadline=None)
@given(
    files=st.lists(st.one_of(
        st.just("yml"),
        st.tuples(  # a JSON lines file: its lines, and whether the last one ends with a line break
            st.lists(st.text(alphabet="ab\r{}", max_size=12), max_size=12), st.booleans()),
    ), min_size=1, max_size=6),
    count=st.integers(1, 7),
)
def test_shares_hold_every_file_and_line_once_in_order(files, count):
    from quotedb.loading import RecordsReader, _numbered_lines

    with tempfile.TemporaryDirectory() as directory:
        directory = Path(directory)
        expected = []
        for i, file in enumerate(files):
            if file == "yml":
                (directory / f"{i}.yml").write_text("article: {}\n" * (i + 1))
                expected.append((f"{i}.yml", None, None))
                continue
            lines, last_break = file
            text = "\n".join(lines) + ("\n" if last_break and lines else "")
            (directory / f"{i}.jsonl").write_bytes(text.encode())
            expected.extend((f"{i}.jsonl", number, raw) for number, raw in enumerate(_lines_of(text.encode()), 1))
        shares = RecordsReader(directory).shares(count)
        assert len(shares) == count
        read = []
        for share in shares:
            for part in share:
                if part.path.suffix == ".yml":
                    read.append((part.path.name, None, None))
                    continue
                with open(part.path, "rb") as handle:
                    read.extend((part.path.name, number, raw) for number, raw in _numbered_lines(handle, part))
        assert read == expected


def _lines_of(data: bytes) -> list:
    """The lines of a file as reading it in binary gives them: split after each line feed only."""
    *ended, last = data.split(b"\n")
    return [line + b"\n" for line in ended] + ([last] if last else [])


def _good_lines_corpus(directory):
    records = _shared_out_corpus(directory)
    for name in ("b-bad.yml", "d/e.yaml"):
        (records / name).unlink()
    jsonl = records / "articles.jsonl"
    lines = [line for line in jsonl.read_text().splitlines()  # the good lines only
             if not any(bad in line for bad in ("fulll", "{not json", "same_as", "Words number 280 "))]
    jsonl.write_text("\n".join(lines) + "\n")
    return records, jsonl


def test_a_file_one_share_reads_may_be_touched_meanwhile(tmp_path, monkeypatch):
    """Only a file several shares read must stay the one listed."""
    from quotedb.loading import RecordsReader

    records, jsonl = _good_lines_corpus(tmp_path / "records")
    shared_out = RecordsReader.shares

    def touched_once_shared_out(reader, count):
        shares = shared_out(reader, count)
        os.utime(jsonl, ns=(jsonl.stat().st_atime_ns, jsonl.stat().st_mtime_ns + 10**9))
        return shares

    monkeypatch.setattr(RecordsReader, "shares", touched_once_shared_out)
    _, counts = database.build_database(RecordsReader(records), tmp_path / "quotes.db", shares=1)
    assert counts["articles"] == len(jsonl.read_text().splitlines()) + 3  # and the three YAML articles


def test_a_file_changed_while_a_share_reads_it_is_a_problem(tmp_path, monkeypatch):
    """Another program appending to a file the shares are reading."""
    from quotedb import loading
    from quotedb.loading import InvalidRecords, RecordsReader

    records, jsonl = _good_lines_corpus(tmp_path / "records")
    numbered = loading._numbered_lines

    def appended_to_while_read(handle, part):
        for i, line in enumerate(numbered(handle, part)):
            if i == 1 and part.start == 0:
                with open(jsonl, "a") as appending:
                    appending.write("\n")
            yield line

    monkeypatch.setattr(loading, "_numbered_lines", appended_to_while_read)
    with pytest.raises(InvalidRecords) as invalid:
        database.build_database(RecordsReader(records), tmp_path / "quotes.db", shares=3)
    assert f"{jsonl}: changed while the build read it; build again" in map(str, invalid.value.problems)


def test_the_same_problem_on_two_quotes_of_a_line_is_said_twice(tmp_path):
    from quotedb.loading import InvalidRecords, RecordsReader

    quote = {"speaker": "vassily-nebenzia", "kind": "full", "said": "2023-12-31",
             "same_as": {"article": "missing", "starts": "Words"}}
    line = {"id": "one", "article": {"title": "A line", "outlet": "Test Outlet", "published": "2024-01-07"},
            "quotes": [{**quote, "text": "First words."}, {**quote, "text": "Other words."}]}
    records = write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "a.jsonl": json.dumps(line) + "\n"})
    with pytest.raises(InvalidRecords) as invalid:
        database.build_database(RecordsReader(records), tmp_path / "quotes.db")
    assert [str(p) for p in invalid.value.problems] == [
        f"{records}/a.jsonl:1: same_as.article: no article with id 'missing' holds quotes"] * 2


def test_stable_ids_stay_what_they_were(seed_conn):
    """Lasting links hold stable ids: a change to how reports are matched (normalize_text)
    or hashed would change every one of them, and breaks every link made before. It must
    be seen here first."""
    assert seed_conn.execute("select id, stable_id from quotes where text like 'In order to increase%'").fetchall() == [
        (19, "7c66124e194d9e98a5abadc1470aaded")]
    assert seed_conn.execute("select stable_id from quotes where id = 1").fetchone() == ("b359f5c882e923619861d2646a4a956f",)
