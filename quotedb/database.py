"""Building the SQLite database from loaded records.

`create_schema` is the one place the schema is defined; `populate` fills a
database (in memory for tests) from articles read one at a time, merging the
reports of one statement (quotedb/reports.py); `build_database` writes a file atomically.
"""

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Optional

import sqlite_utils

from .loading import InvalidRecords, RecordsReader
from .processes import cores, gone, start_forked, stops_held
from .reports import MAX_SHARES, Stage

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
# Relevance: bm25 with the words of the quote above speaker names above role and venue
# (columns text, speaker, aliases, role, venue, other_words).
RELEVANCE = "bm25(10.0, 5.0, 5.0, 1.0, 1.0, 5.0)"

QUOTES_FTS = f"""CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, speaker, aliases, role, venue, other_words,
    content = 'quote_search', content_rowid = 'id',
    tokenize = '{FTS_TOKENIZE}'
)"""
FTS_SHADOW_TABLES = ["quotes_fts_data", "quotes_fts_idx", "quotes_fts_docsize", "quotes_fts_config"]
# The quotes holding each of the index's commonest terms, as bitmaps: the site counts a
# search made only of such words from them (plugins/search.py), where the index reads
# each word's whole list (330 ms of a core for a word in most of ten million quotes).
COMMON_TERM_QUOTES = """CREATE TABLE common_term_quotes (
    term TEXT NOT NULL,  -- as the index holds it: lower case, stemmed
    block INTEGER NOT NULL,  -- the quotes with ids block * 2**20 to block * 2**20 + 2**20 - 1
    quotes BLOB NOT NULL,  -- 128 KB: bit i (least significant first) set if quote block * 2**20 + i holds the term
    PRIMARY KEY (term, block)
)"""
COMMON_FROM = 500_000  # a term in this many quotes or more (20 ms of a core to count in the index)
BLOCK_BITS = 20
# From this many quotes on, a second process builds the full-text index meanwhile.
PARALLEL_FTS_FROM = 50_000
# From this many bytes of records on, one process a core reads, checks and stages a share of them.
PARALLEL_STAGE_FROM = 8 << 20
AUTOMATIC_SHARES_AT_MOST = 8

# What a quote is found by besides its words: the words as spoken, and the wordings
# of reports linked to it as variants (`same_as`), in the order they were read.
OTHER_WORDS = """nullif(trim(coalesce({original_text}, '') || ' ' || coalesce(({variants}), '')), '')"""

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
    language TEXT,
    record_file TEXT NOT NULL
);
-- One row per statement, however many articles reported it (see appearances).
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,  -- follows the date said: a quote said earlier, added later, moves the ids after it
    stable_id TEXT NOT NULL,  -- stays from build to build while the speaker and the words do (see STABLE_ID)
    text TEXT NOT NULL,
    speaker_id TEXT NOT NULL REFERENCES speakers(id),
    role TEXT,
    said TEXT,
    said_precision TEXT NOT NULL CHECK (said_precision IN ('day', 'month', 'year', 'unknown')),
    year INTEGER,
    month TEXT,
    venue_id INTEGER REFERENCES venues(id),
    kind TEXT NOT NULL CHECK (kind IN ('full', 'partial', 'paraphrase')),
    language TEXT,
    translated_from TEXT,
    original_text TEXT,
    notes TEXT,
    reports INTEGER NOT NULL,
    outlets TEXT NOT NULL,  -- JSON array of the names of the outlets that reported it
    first_published TEXT NOT NULL,
    first_article_id TEXT NOT NULL REFERENCES articles(id),
    first_outlet_id INTEGER NOT NULL REFERENCES outlets(id)
);
-- The stable ids of a quote's other wordings, joined to it by same_as (its own
-- stable_id is its first appearance's wording's): each leads to the quote.
CREATE TABLE linked_stable_ids (
    stable_id TEXT PRIMARY KEY,
    quote_id INTEGER NOT NULL REFERENCES quotes(id)
);
-- One row per report of a quote: each article that carried it, as that article gives it.
CREATE TABLE appearances (
    id INTEGER PRIMARY KEY,
    quote_id INTEGER NOT NULL REFERENCES quotes(id),
    first INTEGER NOT NULL,  -- 1 for the quote's first appearance
    article_id TEXT NOT NULL REFERENCES articles(id),
    outlet_id INTEGER NOT NULL REFERENCES outlets(id),
    published TEXT NOT NULL,
    spelled_as TEXT,
    role TEXT,
    said TEXT,
    said_wording TEXT,
    reported_via_id INTEGER REFERENCES outlets(id),
    wording TEXT,  -- the words as this report prints them, where they differ from the quote's
    variant INTEGER NOT NULL,  -- 1 when linked by same_as: other words for the same statement
    language TEXT,  -- the language of the words as this report prints them
    notes TEXT,
    record_file TEXT NOT NULL,
    record_line INTEGER NOT NULL
);
-- What quotes_fts indexes: each quote with its speaker's names, its venue, and other words.
CREATE VIEW quote_search AS
SELECT quotes.id, quotes.text, speakers.name AS speaker, speakers.aliases, quotes.role,
    venues.name AS venue,
    {OTHER_WORDS.format(original_text="quotes.original_text", variants=(
        "SELECT group_concat(wording, ' ') FROM (SELECT wording FROM appearances "
        "WHERE appearances.quote_id = quotes.id AND variant ORDER BY id)"))} AS other_words
FROM quotes
JOIN speakers ON speakers.id = quotes.speaker_id
LEFT JOIN venues ON venues.id = quotes.venue_id;
-- External content: the index stores no second copy of the text.
{{quotes_fts}};
{COMMON_TERM_QUOTES};
CREATE VIRTUAL TABLE speakers_fts USING fts5(
    name, aliases, description,
    content = 'speakers',
    tokenize = '{FTS_TOKENIZE}'
);
-- Counts of every value of the quotes table's default facets, for the unfiltered page
-- (value NULL: the quotes without one).
-- No primary key of (column, value): value holds nulls, and Datasette cannot page a
-- table by a key of two columns with nulls in it (rows were skipped); it pages this one by rowid.
CREATE TABLE facet_counts (
    [column] TEXT NOT NULL,
    value,
    count INTEGER NOT NULL
);
CREATE UNIQUE INDEX facet_counts_column_value ON facet_counts ([column], value);
-- Every quote with its relevance to a search: a search through the `search` column
-- (search plugin) fills `rank`, the weighted bm25 set as the index's rank below.
CREATE VIEW quotes_by_relevance AS
SELECT quotes_fts.rank AS rank, quotes_fts AS search, quotes.*
FROM quotes_fts JOIN quotes ON quotes.id = quotes_fts.rowid;
-- Every quote with names for ids and its first appearance: for reading, exporting,
-- and the site's plugins.
CREATE VIEW quote_details AS
SELECT
    quotes.id,
    quotes.stable_id,
    quotes.said,
    quotes.said_precision,
    first.said_wording,
    speakers.name AS speaker,
    quotes.speaker_id,
    speakers.kind AS speaker_kind,
    speakers.wikidata,
    first.spelled_as,
    quotes.role,
    venues.name AS venue,
    quotes.kind,
    quotes.text,
    quotes.language,
    quotes.translated_from,
    quotes.original_text,
    via.name AS reported_via,
    articles.title AS article,
    quotes.first_article_id AS article_id,
    articles.author,
    outlets.name AS outlet,
    articles.published,
    articles.url,
    quotes.reports,
    quotes.outlets,
    json_array_length(quotes.outlets) AS outlet_count
FROM quotes
JOIN speakers ON speakers.id = quotes.speaker_id
JOIN appearances AS first ON first.quote_id = quotes.id AND first.first
JOIN articles ON articles.id = quotes.first_article_id
JOIN outlets ON outlets.id = quotes.first_outlet_id
LEFT JOIN venues ON venues.id = quotes.venue_id
LEFT JOIN outlets AS via ON via.id = first.reported_via_id;
-- Every report with names for ids: a quote's appearances as its page lists them.
CREATE VIEW appearance_details AS
SELECT
    appearances.id,
    appearances.quote_id,
    appearances.first,
    appearances.variant,
    coalesce(appearances.wording, quotes.text) AS text,
    appearances.language,
    appearances.spelled_as,
    appearances.role,
    appearances.said,
    appearances.said_wording,
    via.name AS reported_via,
    articles.title AS article,
    appearances.article_id,
    articles.author,
    outlets.name AS outlet,
    appearances.published,
    articles.url,
    appearances.record_file,
    appearances.record_line
FROM appearances
JOIN quotes ON quotes.id = appearances.quote_id
JOIN articles ON articles.id = appearances.article_id
JOIN outlets ON outlets.id = appearances.outlet_id
LEFT JOIN outlets AS via ON via.id = appearances.reported_via_id;
"""

FACET_COLUMNS = ["speaker_id", "kind", "venue_id", "year", "month", "language"]

INDEXES = {
    "quotes": [
        ("speaker_id",),  # also gives a speaker's quotes newest first (rowid order)
        # A speaker's quotes with the default facet columns: a page filtered by
        # speaker counts those facets from this index alone, not from the rows.
        ("speaker_id", "kind", "venue_id", "year", "month", "language", "outlets"),
        ("kind",), ("venue_id",), ("first_outlet_id",), ("year",), ("month",), ("said",),
        ("first_article_id",), ("language",),
    ],
    "appearances": [("quote_id",), ("article_id",), ("outlet_id", "quote_id"), ("reported_via_id",)],
    "articles": [("outlet_id",), ("published",)],
    "linked_stable_ids": [("quote_id",)],  # a quote page counts the rows naming it
}

# A quote's stable id: the key in the stage of its first appearance's words, in hex, a
# 16-byte hash of its speaker and its words as reports are matched (quotedb/reports.py):
# a quote keeps it when others are added before it, and when other reports of the same
# words are. The keys of its other wordings, linked with same_as, go in linked_stable_ids.
STABLE_ID = "lower(hex(coalesce(own.key, g.group_key)))"

QUOTES_FROM_STAGE = f"""
INSERT INTO quotes
SELECT g.id, {STABLE_ID}, r.text, r.speaker, r.role, g.said,
    CASE length(g.said) WHEN 10 THEN 'day' WHEN 7 THEN 'month' WHEN 4 THEN 'year' ELSE 'unknown' END,
    CAST(substr(g.said, 1, 4) AS INTEGER), CASE WHEN length(g.said) >= 7 THEN substr(g.said, 1, 7) END,
    venues.id, g.kind, g.language, g.translated_from, g.original_text, r.notes, g.reports,
    CASE WHEN g.reports = 1 THEN json_array(r.outlet) ELSE (
        SELECT json_group_array(outlet) FROM (
            SELECT DISTINCT outlet FROM stage.reports AS o WHERE o.group_key = g.group_key ORDER BY outlet
        )
    ) END,
    r.published, r.article_id, outlets.id
FROM stage.grouped AS g
JOIN stage.reports AS r ON r.n = g.first_n
LEFT JOIN stage.merged_reports AS own ON own.n = g.first_n  -- its words' key, where linked to others
JOIN outlets ON outlets.name = r.outlet
LEFT JOIN venues ON venues.name = g.venue
ORDER BY g.id
"""

# Every wording's key of each linked quote but its own stable id; run once quotes.stable_id
# is indexed: a few look-ups a linked wording. (A key is a wording of one quote only.)
LINKED_STABLE_IDS_FROM_STAGE = """
WITH merged (key, root) AS (
    SELECT own.key, r.group_key FROM stage.merged_reports AS own JOIN stage.reports AS r ON r.n = own.n
), wordings (stable_id, root) AS (
    SELECT lower(hex(key)), root FROM merged UNION SELECT lower(hex(root)), root FROM merged
), quote_of (root, quote_id, own) AS (
    SELECT wordings.root, quotes.id, quotes.stable_id FROM wordings JOIN quotes ON quotes.stable_id = wordings.stable_id
)
INSERT INTO linked_stable_ids
SELECT wordings.stable_id, quote_of.quote_id FROM wordings JOIN quote_of USING (root)
WHERE wordings.stable_id != quote_of.own
ORDER BY 1
"""

APPEARANCES_FROM_STAGE = """
INSERT INTO appearances
SELECT NULL, g.id, r.n = g.first_n, r.article_id, outlets.id, r.published, r.spelled_as, r.role,
    r.said, r.said_wording, via.id, CASE WHEN r.text != f.text THEN r.text END,
    r.text_key != f.text_key, r.language, r.notes, r.record_file, r.line
FROM stage.grouped AS g  -- in id order, each quote's reports from the index in order: no sort
CROSS JOIN stage.reports AS r ON r.group_key = g.group_key
JOIN stage.reports AS f ON f.n = g.first_n
JOIN outlets ON outlets.name = r.outlet
LEFT JOIN outlets AS via ON via.name = r.reported_via
ORDER BY g.id, r.first_key
"""

# The rows quote_search gives, read from the stage (for the index built in a second process).
SEARCH_ROWS_FROM_STAGE = f"""
SELECT g.id, r.text, r.speaker, r.role, g.venue,
    {OTHER_WORDS.format(original_text="g.original_text", variants=(
        "SELECT group_concat(text, ' ') FROM (SELECT v.text FROM stage.reports AS v "
        "WHERE g.reports > 1 AND v.group_key = g.group_key AND v.text_key != r.text_key ORDER BY v.n)"))}
FROM stage.grouped AS g JOIN stage.reports AS r ON r.n = g.first_n
ORDER BY g.id
"""


def create_schema(db: sqlite_utils.Database):
    db.executescript(SCHEMA.format(quotes_fts=QUOTES_FTS))


def populate(
    db: sqlite_utils.Database, speakers, articles, stage_file=":memory:", fts_file: Optional[Path] = None,
    check_only=False, refused_articles=frozenset(), staged_elsewhere=(),
):
    """Create the schema and insert the articles' quotes, merged; ids depend only on
    the records. Returns (problems, warnings) found merging; with problems, the
    database is left unfinished, to be thrown away.

    The reports are staged in `stage_file`; `staged_elsewhere`, stage files of later
    shares of the corpus that other processes staged, are taken in after `articles`.
    With `fts_file`, and enough quotes, the full-text index is built there by a second
    process while this one writes the rows and indexes, then copied in. With
    `check_only`, it stops once the reports are merged: every problem is known by then.
    `refused_articles` (filled while the articles are read): ids of articles left out
    for problems of their own.
    """
    create_schema(db)
    stage = Stage(db.conn, stage_file)
    with db.conn:
        for source in articles:
            stage.add(source)
    for location in staged_elsewhere:
        stage.take(location)
    with db.conn:
        problems, warnings = stage.merge(refused_articles)
    if problems or check_only:
        return problems, warnings
    fts_builds = []  # the process building the full-text index, if one does
    try:
        quotes = db.execute("SELECT count(*) FROM stage.grouped").fetchone()[0]
        if fts_file is not None and stage_file != ":memory:" and quotes >= PARALLEL_FTS_FROM:
            _start_fts_build(fts_file, stage_file, speakers, quotes, fts_builds.append)
        _write_tables(db, speakers, quotes, not fts_builds)
        for fts_build in fts_builds:
            _finish_fts_build(db, fts_build, fts_file)
    finally:
        for fts_build in fts_builds:  # stopped, if the build is, before its files are deleted
            fts_build.stop()
    db.execute("DETACH DATABASE stage")
    with db.conn:
        db.execute(f"INSERT INTO quotes_fts (quotes_fts, rank) VALUES ('rank', '{RELEVANCE}')")
    db.analyze()
    return [], warnings


def _write_tables(db, speakers, quotes: int, index_here: bool):
    """The site's tables from the merged stage, their indexes and the facet counts; with
    `index_here`, the full-text index and its common terms too (else another process
    builds them meanwhile)."""
    with db.conn:
        db.conn.executemany(
            "INSERT INTO speakers VALUES (?, ?, ?, ?, ?, ?)",
            (
                (s.id, s.name, s.kind, _aliases(s), s.description, s.wikidata)
                for s in sorted(speakers, key=lambda s: s.id)
            ),
        )
        db.execute(
            "INSERT INTO outlets (name) SELECT outlet FROM stage.articles UNION "
            "SELECT reported_via FROM stage.reports WHERE reported_via IS NOT NULL ORDER BY 1"
        )
        db.execute("INSERT INTO venues (name) SELECT DISTINCT venue FROM stage.grouped WHERE venue IS NOT NULL ORDER BY 1")
        db.execute(
            "INSERT INTO articles SELECT a.id, a.title, outlets.id, a.author, a.published, a.url, a.language, "
            "a.record_file FROM stage.articles AS a JOIN outlets ON outlets.name = a.outlet ORDER BY a.n"
        )
        db.execute(QUOTES_FROM_STAGE)
        db.execute(APPEARANCES_FROM_STAGE)
        db.execute("INSERT INTO speakers_fts (speakers_fts) VALUES ('rebuild')")
    for table, indexes in INDEXES.items():
        for columns in indexes:
            db[table].create_index(list(columns), if_not_exists=True)
    db["quotes"].create_index(["stable_id"], unique=True, if_not_exists=True)  # /quote/<stable_id>
    with db.conn:
        db.execute(LINKED_STABLE_IDS_FROM_STAGE)
    with db.conn:
        if index_here:  # after the indexes: quote_search reads each quote's appearances
            db.execute("INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild')")
            _write_common_terms(db.conn, quotes)
        # Quotes without a value are counted too (value NULL), so that every column is
        # there even when no quote has a value for it (a corpus with no languages).
        for column in FACET_COLUMNS:
            db.execute(
                f"INSERT INTO facet_counts SELECT '{column}', [{column}], count(*) FROM quotes GROUP BY [{column}]"
            )
        # A quote counts once in each outlet that reported it.
        db.execute(
            "INSERT INTO facet_counts SELECT 'outlets', outlets.name, count(DISTINCT quote_id) "
            "FROM appearances JOIN outlets ON outlets.id = appearances.outlet_id GROUP BY outlets.name"
        )


def _write_common_terms(conn, quote_count: int):
    """Fill common_term_quotes from the full-text index: a bitmap of the quotes holding
    each term found in COMMON_FROM quotes or more."""
    if quote_count < COMMON_FROM:  # no term can be that common: the index is not read
        return
    conn.execute("CREATE VIRTUAL TABLE temp.quotes_fts_terms USING fts5vocab(main, quotes_fts, row)")
    conn.execute("CREATE VIRTUAL TABLE temp.quotes_fts_instances USING fts5vocab(main, quotes_fts, instance)")
    common = [term for (term,) in conn.execute("SELECT term FROM temp.quotes_fts_terms WHERE doc >= ?", [COMMON_FROM])]
    for term, tokens in zip(common, _tokens(conn, common)):
        blocks = {}
        if tokens == [term]:  # a search for the term finds its quotes, once each
            quoted = '"' + term.replace('"', '""') + '"'
            holding = conn.execute("SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?", [quoted])
        else:  # a stem the tokenizer stems again ("becaus" -> "becau"): each place it is, slower
            holding = conn.execute("SELECT doc FROM temp.quotes_fts_instances WHERE term = ?", [term])
        for (quote_id,) in holding:
            bits = blocks.get(quote_id >> BLOCK_BITS)
            if bits is None:
                bits = blocks[quote_id >> BLOCK_BITS] = bytearray(1 << (BLOCK_BITS - 3))
            bit = quote_id & ((1 << BLOCK_BITS) - 1)
            bits[bit >> 3] |= 1 << (bit & 7)
        conn.executemany("INSERT INTO common_term_quotes VALUES (?, ?, ?)",
                         [(term, block, bytes(bits)) for block, bits in sorted(blocks.items())])
    conn.execute("DROP TABLE temp.quotes_fts_instances")
    conn.execute("DROP TABLE temp.quotes_fts_terms")


def _tokens(conn, texts) -> list:
    """The terms quotes_fts's tokenizer makes of each of `texts`, in order."""
    conn.execute(f"CREATE VIRTUAL TABLE temp.tokenized USING fts5(text, tokenize = '{FTS_TOKENIZE}')")
    conn.execute("CREATE VIRTUAL TABLE temp.tokenized_terms USING fts5vocab(temp, tokenized, instance)")
    conn.executemany("INSERT INTO temp.tokenized (rowid, text) VALUES (?, ?)", enumerate(texts))
    tokens = [[] for _ in texts]
    for row, term in conn.execute("SELECT doc, term FROM temp.tokenized_terms ORDER BY doc, offset"):
        tokens[row].append(term)
    conn.execute("DROP TABLE temp.tokenized_terms")
    conn.execute("DROP TABLE temp.tokenized")
    return tokens


def _aliases(speaker) -> str:
    return json.dumps(speaker.aliases, ensure_ascii=False)


def _start_fts_build(path: Path, stage_file, speakers, quotes: int, keep):
    """Index the quotes, exactly as quote_search shows them, and find their common terms,
    in a file of its own, in a forked process that reads the stage (which this process no
    longer writes) and works on the second core; `keep` is given the process."""
    names = {s.id: (s.name, _aliases(s)) for s in speakers}

    def build():
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("ATTACH DATABASE ? AS stage", [str(stage_file)])
        conn.execute(QUOTES_FTS)
        with conn:
            conn.executemany(
                "INSERT INTO quotes_fts (rowid, text, speaker, aliases, role, venue, other_words) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (quote_id, text, *names[speaker], role, venue, other_words)
                    for quote_id, text, speaker, role, venue, other_words in conn.execute(SEARCH_ROWS_FROM_STAGE)
                ),
            )
            conn.execute(COMMON_TERM_QUOTES)
            _write_common_terms(conn, quotes)
        conn.close()

    start_forked(build, keep)


def _finish_fts_build(db, fts_build, path: Path):
    """Wait for the index and copy its tables into the database being built."""
    fts_build.result("building the full-text index")
    db.execute("ATTACH DATABASE ? AS fts_build", [str(path)])
    with db.conn:
        for table in FTS_SHADOW_TABLES:
            db.execute(f"DELETE FROM main.{table}")
            db.execute(f"INSERT INTO main.{table} SELECT * FROM fts_build.{table}")
        db.execute("INSERT INTO main.common_term_quotes SELECT * FROM fts_build.common_term_quotes")
    db.execute("DETACH DATABASE fts_build")
    path.unlink()


def build_database(reader: RecordsReader, path: Optional[Path], shares: Optional[int] = None) -> tuple[list, dict]:
    """Read, check and build every record of `reader`, into a temporary file beside
    `path`, then rename it into place; with `path` None (a check), into a temporary
    file that is then deleted. Returns the warnings and what was built (counts);
    raises InvalidRecords with every problem found, and then writes nothing.

    The records are read in `shares` at once, one process each (by default one a core
    for a large corpus, see `_share_count`). A reader (or a build killed half way)
    never sees a half-written database.
    """
    keep = path is not None
    path = Path(path) if keep else Path(tempfile.gettempdir()) / "quotedb-check.db"
    _remove_stale_temporaries(path)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    stage_file = path.with_name(f"{path.name}.{os.getpid()}-stage.tmp")
    index_file = path.with_name(f"{path.name}.{os.getpid()}-fts.tmp")
    sharing = []  # (its process, its stage file) for each share after the first
    try:
        if reader.speakers is None:  # nothing can be checked against the registry: read for problems only
            for _ in reader.articles():
                pass
            raise InvalidRecords(reader.problems, reader.warnings)
        db = sqlite_utils.Database(temporary, recreate=True)
        db.execute("PRAGMA journal_mode = OFF")  # the file is thrown away on failure
        db.execute("PRAGMA synchronous = OFF")
        count = _share_count(reader) if shares is None else shares
        if not 1 <= count <= MAX_SHARES:
            raise ValueError(f"the records are read in 1 to {MAX_SHARES} shares, not {count}")
        parts = reader.shares(count)
        for place, share in enumerate(parts[1:], start=1):
            share_file = path.with_name(f"{path.name}.{os.getpid()}-stage{place}.tmp")
            _start_share(reader, share, share_file, place, sharing)
        problems, warnings = populate(
            db, reader.speakers, reader.articles(parts[0]), stage_file, index_file, not keep,
            reader.refused_articles, _shares_staged(sharing, reader),
        )
        if reader.problems or problems:
            raise InvalidRecords(reader.problems + problems, reader.warnings + warnings)
        # A check stops at the stage, which then still holds what the tables would.
        tables = ("quotes", "appearances", "articles") if keep else ("stage.grouped", "stage.reports", "stage.articles")
        counts = {
            name: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for name, table in zip(("quotes", "appearances", "articles"), tables)
        }
        counts["speakers"] = len(reader.speakers)
        db.execute("PRAGMA journal_mode = DELETE")
        db.conn.close()
        if keep:
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        return sorted(reader.warnings + warnings), counts
    finally:
        with stops_held():
            for forked, _ in sharing:
                forked.stop()
            for _, share_file in sharing:
                share_file.unlink(missing_ok=True)
            for leftover in (temporary, stage_file, index_file):
                leftover.unlink(missing_ok=True)


def _share_count(reader: RecordsReader) -> int:
    """One share a core for a corpus of PARALLEL_STAGE_FROM bytes or more, else one."""
    if reader.size() < PARALLEL_STAGE_FROM:
        return 1
    return min(cores(), AUTOMATIC_SHARES_AT_MOST)


def _start_share(reader: RecordsReader, share, location: Path, place: int, sharing: list):
    """Read, check and stage one share of the records in `location`, in a forked process
    (a JSON lines file cut between shares is read by each from its cut), added to
    `sharing` with its location. What it found wrong in the records comes back once it
    is done."""

    def stage_share():
        problems, warnings, refused = len(reader.problems), len(reader.warnings), set(reader.refused_articles)
        conn = sqlite3.connect(":memory:")
        stage = Stage(conn, location, place)
        with conn:
            for source in reader.articles(share):
                stage.add(source)
        conn.close()
        return reader.problems[problems:], reader.warnings[warnings:], reader.refused_articles - refused

    start_forked(stage_share, lambda forked: sharing.append((forked, location)))


def _shares_staged(sharing, reader: RecordsReader):
    """Each share's stage file, in order, once its process is done, deleted once taken in;
    what it found wrong is added to the reader's."""
    for forked, location in sharing:
        problems, warnings, refused = forked.result("reading a share of the records")
        reader.problems.extend(problems)
        reader.warnings.extend(warnings)
        reader.refused_articles.update(refused)
        yield location
        location.unlink()  # taken in: its disk is free for what follows


def _remove_stale_temporaries(path: Path):
    """Delete what builds that were killed left beside `path` (their process is gone)."""
    for stale in path.parent.glob(f"{path.name}.*.tmp"):
        pid = stale.name[len(path.name) + 1 :].split(".")[0].split("-")[0]
        if gone(pid):
            stale.unlink(missing_ok=True)

