"""Building the SQLite database from loaded records.

`create_schema` is the one place the schema is defined; `populate` fills a
database (in memory for tests); `build_database` writes a file atomically.
"""

import ctypes
import json
import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Optional

import sqlite_utils

from .loading import Records

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
# Relevance: bm25 with the words of the quote above speaker names above role and venue
# (columns text, speaker, aliases, role, venue).
RELEVANCE = "bm25(10.0, 5.0, 5.0, 1.0, 1.0)"

QUOTES_FTS = f"""CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, speaker, aliases, role, venue,
    content = 'quote_search', content_rowid = 'id',
    tokenize = '{FTS_TOKENIZE}'
)"""
FTS_SHADOW_TABLES = ["quotes_fts_data", "quotes_fts_idx", "quotes_fts_docsize", "quotes_fts_config"]
# From this many quotes on, a second process builds the full-text index meanwhile.
PARALLEL_FTS_FROM = 50_000

SCHEMA = f"""
CREATE TABLE speakers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'organisation', 'group')),
    aliases TEXT NOT NULL,  -- JSON array
    description TEXT,
    wikidata TEXT
);
CREATE TABLE outlets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE venues (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    outlet_id INTEGER NOT NULL REFERENCES outlets(id),
    author TEXT,
    published TEXT NOT NULL,
    url TEXT,
    record_file TEXT NOT NULL
);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    speaker_id TEXT NOT NULL REFERENCES speakers(id),
    spelled_as TEXT,
    role TEXT,
    said TEXT,
    said_precision TEXT NOT NULL CHECK (said_precision IN ('day', 'month', 'year', 'unknown')),
    said_wording TEXT,
    year INTEGER,
    month TEXT,
    venue_id INTEGER REFERENCES venues(id),
    reported_via_id INTEGER REFERENCES outlets(id),
    kind TEXT NOT NULL CHECK (kind IN ('full', 'partial', 'paraphrase')),
    notes TEXT,
    article_id TEXT NOT NULL REFERENCES articles(id),
    outlet_id INTEGER NOT NULL REFERENCES outlets(id),
    record_line INTEGER NOT NULL
);
-- What quotes_fts indexes: each quote with its speaker's names and its venue.
CREATE VIEW quote_search AS
SELECT quotes.id, quotes.text, speakers.name AS speaker, speakers.aliases, quotes.role,
    venues.name AS venue
FROM quotes
JOIN speakers ON speakers.id = quotes.speaker_id
LEFT JOIN venues ON venues.id = quotes.venue_id;
-- External content: the index stores no second copy of the text.
{{quotes_fts}};
CREATE VIRTUAL TABLE speakers_fts USING fts5(
    name, aliases, description,
    content = 'speakers',
    tokenize = '{FTS_TOKENIZE}'
);
-- Counts of every value of the quotes table's default facets, for the unfiltered page.
CREATE TABLE facet_counts (
    [column] TEXT NOT NULL,
    value,
    count INTEGER NOT NULL,
    PRIMARY KEY ([column], value)
);
-- Every quote with its relevance to a search: a search through the `search` column
-- (search plugin) fills `rank`, the weighted bm25 set as the index's rank below.
CREATE VIEW quotes_by_relevance AS
SELECT quotes_fts.rank AS rank, quotes_fts AS search, quotes.*
FROM quotes_fts JOIN quotes ON quotes.id = quotes_fts.rowid;
-- Every quote with names for ids: for reading, exporting, and the site's plugins.
CREATE VIEW quote_details AS
SELECT
    quotes.id,
    quotes.said,
    quotes.said_precision,
    quotes.said_wording,
    speakers.name AS speaker,
    quotes.speaker_id,
    speakers.kind AS speaker_kind,
    speakers.wikidata,
    quotes.spelled_as,
    quotes.role,
    venues.name AS venue,
    quotes.kind,
    quotes.text,
    via.name AS reported_via,
    articles.title AS article,
    quotes.article_id,
    articles.author,
    outlets.name AS outlet,
    articles.published,
    articles.url
FROM quotes
JOIN speakers ON speakers.id = quotes.speaker_id
JOIN articles ON articles.id = quotes.article_id
JOIN outlets ON outlets.id = quotes.outlet_id
LEFT JOIN venues ON venues.id = quotes.venue_id
LEFT JOIN outlets AS via ON via.id = quotes.reported_via_id;
"""

FACET_COLUMNS = ["speaker_id", "kind", "venue_id", "outlet_id", "year", "month"]

INDEXES = {
    "quotes": [
        ("speaker_id",),  # also gives a speaker's quotes newest first (rowid order)
        # A speaker's quotes with every default facet column: a page filtered by
        # speaker counts its facets from this index alone, not from the rows.
        ("speaker_id", "kind", "venue_id", "outlet_id", "year", "month"),
        ("kind",), ("venue_id",), ("outlet_id",), ("reported_via_id",), ("year",), ("month",),
        ("said",), ("article_id",),
    ],
    "articles": [("outlet_id",), ("published",)],
}


def create_schema(db: sqlite_utils.Database):
    db.executescript(SCHEMA.format(quotes_fts=QUOTES_FTS))


def populate(db: sqlite_utils.Database, records: Records, fts_file: Optional[Path] = None):
    """Create the schema and insert `records`; ids depend only on the records.

    With `fts_file`, and enough quotes, the full-text index is built there by a
    second process while this one inserts the rows and indexes, then copied in.
    """
    create_schema(db)
    outlets, outlet_names = _numbered(
        {source.article.outlet for source in records.articles}
        | {q.reported_via for source in records.articles for q in source.quotes if q.reported_via}
    )
    venues, venue_names = _numbered(
        {q.venue for source in records.articles for q in source.quotes if q.venue}
    )
    with db.conn:
        db.conn.executemany(
            "INSERT INTO speakers VALUES (?, ?, ?, ?, ?, ?)",
            (
                (s.id, s.name, s.kind, _aliases(s), s.description, s.wikidata)
                for s in sorted(records.speakers, key=lambda s: s.id)
            ),
        )
        db.conn.executemany("INSERT INTO outlets VALUES (?, ?)", outlet_names.items())
        db.conn.executemany("INSERT INTO venues VALUES (?, ?)", venue_names.items())
        db.conn.executemany(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    source.id, source.article.title, outlets[source.article.outlet],
                    source.article.author, source.article.published.isoformat(),
                    source.article.url, source.record_file,
                )
                for source in records.articles
            ),
        )
        rows = [
            (quote, source, line)
            for source in records.articles
            for quote, line in zip(source.quotes, source.quote_lines)
        ]
        # Ids follow the date said, so "newest first" is the reverse of id order.
        rows.sort(key=lambda row: (row[0].said.value or "", row[1].id, row[2]))
        fts_build = None
        if fts_file is not None and len(rows) >= PARALLEL_FTS_FROM:
            venue_of = {spelling: venue_names[number] for spelling, number in venues.items()}
            fts_build = _start_fts_build(fts_file, rows, records.speakers, venue_of)
        db.conn.executemany(
            "INSERT INTO quotes VALUES (" + ", ".join("?" * 17) + ")",
            (
                (
                    quote_id, quote.text, quote.speaker, quote.spelled_as, quote.role,
                    quote.said.value, quote.said.precision, quote.said_wording,
                    quote.said.year, quote.said.month, venues.get(quote.venue),
                    outlets.get(quote.reported_via), quote.kind, quote.notes,
                    source.id, outlets[source.article.outlet], line,
                )
                for quote_id, (quote, source, line) in enumerate(rows, start=1)
            ),
        )
        if fts_build is None:
            db.execute("INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild')")
        db.execute("INSERT INTO speakers_fts (speakers_fts) VALUES ('rebuild')")
    for table, indexes in INDEXES.items():
        for columns in indexes:
            db[table].create_index(list(columns), if_not_exists=True)
    with db.conn:
        for column in FACET_COLUMNS:
            db.execute(
                f"INSERT INTO facet_counts SELECT '{column}', [{column}], count(*) FROM quotes "
                f"WHERE [{column}] IS NOT NULL GROUP BY [{column}]"
            )
    if fts_build is not None:
        _finish_fts_build(db, fts_build, fts_file)
    with db.conn:
        db.execute(f"INSERT INTO quotes_fts (quotes_fts, rank) VALUES ('rank', '{RELEVANCE}')")
    db.analyze()


def _aliases(speaker) -> str:
    return json.dumps(speaker.aliases, ensure_ascii=False)


def _start_fts_build(path: Path, rows, speakers, venue_of):
    """Index the quotes, exactly as quote_search shows them, in a file of its own, in a
    forked process: it shares the loaded records and works on the second core."""
    names = {s.id: (s.name, _aliases(s)) for s in speakers}
    parent = os.getpid()

    def build():
        _die_with(parent)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(QUOTES_FTS)
        with conn:
            conn.executemany(
                "INSERT INTO quotes_fts (rowid, text, speaker, aliases, role, venue) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (quote_id, quote.text, *names[quote.speaker], quote.role, venue_of.get(quote.venue))
                    for quote_id, (quote, _, _) in enumerate(rows, start=1)
                ),
            )
        conn.close()

    process = multiprocessing.get_context("fork").Process(target=build, daemon=True)
    process.start()
    return process


PR_SET_PDEATHSIG = 1


def _die_with(parent: int):
    """End this forked process when the build that started it ends, even when it is
    killed: the kernel signals it (Linux), or a thread watches for the parent to go."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    else:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before the kernel was asked
        os._exit(1)


def _exit_when_orphaned(parent: int):
    while os.getppid() == parent:
        time.sleep(0.1)
    os._exit(1)


def _finish_fts_build(db, process, path: Path):
    """Wait for the index and copy its tables into the database being built."""
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"building the full-text index failed (exit code {process.exitcode})")
    db.execute("ATTACH DATABASE ? AS fts_build", [str(path)])
    with db.conn:
        for table in FTS_SHADOW_TABLES:
            db.execute(f"DELETE FROM main.{table}")
            db.execute(f"INSERT INTO main.{table} SELECT * FROM fts_build.{table}")
    db.execute("DETACH DATABASE fts_build")
    path.unlink()


def _numbered(spellings) -> tuple[dict, dict]:
    """Number names in order, white space normalised, so that spellings differing only
    in spacing are one name: returns {spelling: number} and {number: name}."""
    name_of = {spelling: " ".join(spelling.split()) for spelling in spellings}
    names = dict(enumerate(sorted(set(name_of.values())), start=1))
    number_of = {name: number for number, name in names.items()}
    return {spelling: number_of[name] for spelling, name in name_of.items()}, names


def build_database(records: Records, path) -> None:
    """Build into a temporary file beside `path`, then rename it into place.

    A reader (or a build killed half way) never sees a half-written database.
    """
    path = Path(path)
    _remove_stale_temporaries(path)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    index_file = path.with_name(f"{path.name}.{os.getpid()}-fts.tmp")
    try:
        db = sqlite_utils.Database(temporary, recreate=True)
        db.execute("PRAGMA journal_mode = OFF")  # the file is thrown away on failure
        db.execute("PRAGMA synchronous = OFF")
        populate(db, records, fts_file=index_file)
        db.execute("PRAGMA journal_mode = DELETE")
        db.conn.close()
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
        index_file.unlink(missing_ok=True)


def _remove_stale_temporaries(path: Path):
    """Delete what builds that were killed left beside `path` (their process is gone)."""
    for stale in path.parent.glob(f"{path.name}.*.tmp"):
        pid = stale.name[len(path.name) + 1 :].split(".")[0].split("-")[0]
        if pid.isdigit() and not _process_exists(int(pid)):
            stale.unlink(missing_ok=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
