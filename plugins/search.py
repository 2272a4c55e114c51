"""Full-text search on the quotes and speakers tables, and the `fts_query()` SQL function.

A search, from URL to SQL. `/quotes/quotes?_search=cluster munitions` adds one
where clause to Datasette's own table query:

    id in (select rowid from quotes_fts where quotes_fts match :search)

with `:search` bound to `"cluster" "munitions"` (see `match_expression`). Rows,
count, facets, every JSON shape, CSV and `_stream=on` all use that clause, so
they all see every match; the next page follows Datasette's keyset on id.

Two things keep it fast at a million quotes without changing what it finds:

- A search on its own, newest first (the usual page), reads its page straight
  from the index: the clause is then

      id in (select rowid from quotes_fts where quotes_fts match :search
             and rowid < :search_below order by rowid desc limit :search_rows)

  which the index answers by reading its newest matches below the page's start
  (`?_next=`) and stopping after one page plus one, the rows Datasette asks for.
  It is used only where nothing else reads the clause: not with `_facet*`
  (Datasette's own facets count over the clause's rows), not for `_stream=on`
  (which pages without `?_next=`), and only for a `_next` as Datasette writes it
  (`ID,ID`; see `_page_bound`). Any other search uses the plain clause above.
- Datasette counts a page by reading every matching row (0.3 s for a word in
  every quote); for a search on its own, `count_from_index` answers that count
  from the index instead (35 ms), the same number, and remembers the last
  COUNTS_KEPT of them (the database never changes), so the next page of a search
  does not count again; under `python -m quotedb serve`, large counts are shared
  with the server's other processes (`SharedCounts`). The index counts in parts,
  one range of ids a core (up to `num_sql_threads`), at once (`_count_in_parts`):
  a phrase of two common words takes 148 ms in one part at a million quotes.
  A search made only of words in 500,000 quotes or more is counted from the
  bitmaps of their quotes that the build keeps (`CommonTermCounts`): a few ms,
  where the index takes 330 ms of a core for the commonest word at ten million.

`?_search_<column>=` searches one column of the index; `_search_speaker` searches
every spelling of the speaker's name (the speaker and aliases columns).

Best matches first: `quotes_by_relevance` is every quote joined to its row of the
index, with the index's `rank` (a weighted bm25, set at build time); a search there
adds `[search] match :search` on the index's own column, so SQLite ranks the
matches itself and the page is sorted by `rank`. `/quotes/quotes?_sort=rank` leads
there (plugins/request_guard.py).

`fts_query(text)` turns whatever a person typed into a safe FTS5 query. Every word
becomes a quoted FTS5 string, so quote marks, brackets, AND/OR/NOT/NEAR and column
filters are matched as text, never parsed as syntax. A phrase in balanced "double
quotes" stays a phrase; a word ending in * is a prefix search. Text with no words
gives '""', which matches nothing instead of failing.
"""

import asyncio
import os
import re
import sqlite3
import threading
import time
from collections import OrderedDict

from datasette import hookimpl
from datasette.database import Results
from datasette.filters import FilterArguments
from datasette.plugins import pm
from datasette.utils import escape_fts, escape_sqlite, sqlite_timelimit
from datasette.utils.asgi import BadRequest

MAX_QUERY_CHARS = 500
_PART = re.compile(r'"([^"]*)"|(\S+)')


def _string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(text) -> str:
    if not isinstance(text, str):
        return '""'
    text = text[:MAX_QUERY_CHARS].replace("\x00", " ")
    if text.count('"') % 2:
        text = text.replace('"', " ")
    terms = []
    for phrase, word in _PART.findall(text):
        if phrase.strip():
            terms.append(_string(" ".join(phrase.split())))
        elif word:
            prefix = word.endswith("*") and len(word.rstrip("*")) >= 2
            word = word.strip("*")
            if re.search(r"\w", word):
                terms.append(_string(word) + ("*" if prefix else ""))
    return " ".join(terms) or '""'


# table: (its full-text index, the table's key that is the index's rowid)
SEARCHABLE = {
    "quotes": ("quotes_fts", "id"),
    "speakers": ("speakers_fts", "rowid"),
}
# view: the full-text index whose `search` column it shows (see quotedb/database.py)
RANKED = {"quotes_by_relevance": "quotes_fts"}
# `_search_<name>` searches these columns of the index; any other index column by its own name.
COLUMN_GROUPS = {"speaker": ["speaker", "aliases"]}


def match_expression(words: str, columns=None) -> str:
    """The FTS5 query for `words`, limited to `columns` of the index when given."""
    query = fts_query(words)
    if columns:
        return "{" + " ".join(columns) + "} : (" + query + ")"
    return query


def _in_clause(key, fts_table, param):
    return f"{key} in (select rowid from [{fts_table}] where [{fts_table}] match :{param})"


def _newest_clause(key, fts_table, param):
    return (f"{key} in (select rowid from [{fts_table}] where [{fts_table}] match :{param} "
            f"and rowid < :{param}_below order by rowid desc limit :{param}_rows)")


# Datasette's count query for a search on its own -> the same count read from the index.
_INDEX_COUNTS = {}


def _datasette_count(table, clause):
    """The count query Datasette 0.65 writes for a table page whose only filter is `clause`."""
    return f"select count(*) from {escape_sqlite(table)} where {clause} "


def _is_search(name) -> bool:
    """`_search` and `_search_<column>`; any other name (`_searchmode`, `_searchx`, `_search_`)
    is not one."""
    return name == "_search" or (name.startswith("_search_") and len(name) > len("_search_"))


def _search_alone(request, table_metadata) -> bool:
    """No filter but one search, newest first: the page is the index's newest matches."""
    searches = [name for name in request.args if _is_search(name)]
    others = [name for name in request.args if not name.startswith("_") or "__" in name
              or name in ("_where", "_sort") or name.startswith("_filter")]
    sort_desc = request.args.get("_sort_desc", table_metadata.get("sort_desc"))
    facets = [name for name in request.args if name.startswith("_facet")]
    return (len(searches) == 1 and not others and not facets and sort_desc == "id"
            and not request.args.get("_stream"))


_NEXT = re.compile(r"(0|[1-9][0-9]{0,17})(?:,\1)?")


def _page_bound(request):
    """The id the next page starts below: past the newest without `?_next=`, else from
    `ID,ID` as Datasette writes it (or `ID`); None for any other `_next`, which
    Datasette reads its own way (the page then uses the plain clause)."""
    value = request.args.get("_next", "")
    if not value:
        return 2**63 - 1
    match = _NEXT.fullmatch(value)
    return int(match.group(1)) if match else None


def whole_search(query):
    """A page's `query` ({"sql", "params"}) as it reads when it selects every match, for
    "View and edit SQL": a search on its own reads only its page of the index."""
    params = query.get("params") or {}
    names = {name for name in _PAGE_OF_INDEX.findall(query["sql"])  # bound by the page, not typed in _where
             if isinstance(params.get(f"{name}_below"), int) and isinstance(params.get(f"{name}_rows"), int)}
    if not names:
        return query
    page_params = {f"{name}_{part}" for name in names for part in ("below", "rows")}
    return {"sql": _PAGE_OF_INDEX.sub(")", query["sql"], count=1),
            "params": {k: v for k, v in params.items() if k not in page_params}}


_PAGE_OF_INDEX = re.compile(r" and rowid < :(search\w*)_below order by rowid desc limit :\1_rows\)")


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["whole_search"] = whole_search


@hookimpl(trylast=True)  # last, so our `supports_search` is the one that stays
def filters_from_request(request, database, table, datasette):
    if table not in SEARCHABLE and table not in RANKED:
        return None
    fts_table, key = SEARCHABLE.get(table) or (RANKED[table], None)

    async def search_filter():
        db = datasette.get_database(database)
        columns = await _index_columns(db, fts_table)
        if not columns:
            return None
        groups = {group: names for group, names in COLUMN_GROUPS.items() if set(names) <= set(columns)}
        table_metadata = datasette.table_metadata(database, table)
        bound = _page_bound(request)
        alone = table == "quotes" and bound is not None and _search_alone(request, table_metadata)
        clauses, params, descriptions = [], {}, []
        context = {"supports_search": True}
        for name in request.args:
            value = request.args.get(name, "")
            if not _is_search(name) or not value.strip():
                continue
            if len(value) > MAX_QUERY_CHARS:
                raise BadRequest(f"A search is at most {MAX_QUERY_CHARS} characters")
            column = name[len("_search_"):] if name.startswith("_search_") else None
            if column is not None and column not in columns and column not in groups:
                raise BadRequest(f"Cannot search by {column!r}: the searchable columns are "
                                 f"{', '.join(dict.fromkeys([*columns, *groups]))}")
            param = f"search_{column}" if column else "search"
            params[param] = match_expression(value, groups.get(column, [column] if column else None))
            clause = _in_clause(key, fts_table, param) if key else f"[search] match :{param}"
            if alone:
                clause = _newest_clause(key, fts_table, param)
                params[f"{param}_below"] = bound
                params[f"{param}_rows"] = _page_size(request, table_metadata, datasette) + 1
            # Every row of the index is a row of the table: the same count, read from the index.
            _INDEX_COUNTS[_datasette_count(table, clause)] = (
                f"select count(*) from [{fts_table}] where [{fts_table}] match :{param}", param,
                await _top_rowid(db, fts_table), fts_table)
            clauses.append(clause)
            descriptions.append(f'search {"column " + column + " " if column else ""}matches "{value}"')
            context["search"] = value
        if table in RANKED and not clauses:
            raise BadRequest(f"{table} ranks the quotes matching a search: add ?_search=words")
        return FilterArguments(clauses, params, descriptions, context)

    return search_filter


_INDEX_COLUMNS = {}


async def _index_columns(db, fts_table):
    """The columns of a full-text index ([] if there is none), kept for an immutable database."""
    key = (db.name, fts_table)
    if key not in _INDEX_COLUMNS or db.is_mutable:
        exists = await db.table_exists(fts_table)
        details = await db.table_column_details(fts_table) if exists else []
        _INDEX_COLUMNS[key] = [column.name for column in details if not column.hidden]  # not rank, not the table's own
    return _INDEX_COLUMNS[key]


_TOP_ROWIDS = {}


async def _top_rowid(db, fts_table) -> int:
    """The largest rowid of a full-text index, kept for an immutable database."""
    if (db.name, fts_table) not in _TOP_ROWIDS or db.is_mutable:
        top = (await db.execute(f"select rowid from [{fts_table}] order by rowid desc limit 1")).first()
        _TOP_ROWIDS[(db.name, fts_table)] = top[0] if top else 0
    return _TOP_ROWIDS[(db.name, fts_table)]


def _page_size(request, table_metadata, datasette) -> int:
    size = request.args.get("_size") or table_metadata.get("size") or datasette.page_size
    if size == "max":
        return datasette.max_returned_rows
    try:
        return max(1, min(int(size), datasette.max_returned_rows))
    except ValueError:
        return datasette.page_size


def escape_fts_or_null(query):
    """Datasette's `escape_fts()`, NULL for a value that is not text: Datasette's own
    fails inside SQLite on one (`select escape_fts(null)` through ?sql=)."""
    return escape_fts(query) if isinstance(query, str) else None


@hookimpl(trylast=True)  # after Datasette's own sql_functions plugin, so this escape_fts stays
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("escape_fts", 1, escape_fts_or_null, deterministic=True)


@hookimpl
def startup(datasette):
    async def count_from_index():
        parts = max(1, min(_cores(), datasette.setting("num_sql_threads")))
        shared = SharedCounts.named_by_serve()
        for db in datasette.databases.values():
            if await db.table_exists("quotes_fts"):
                common = await CommonTermCounts.of(datasette, db)
                db.execute = _counting_from_index(db.execute, parts, shared and shared.of(db), common)

    return count_from_index


CORES = "QUOTEDB_CORES"  # the cores `python -m quotedb serve` counted, a CPU quota included


def _cores() -> int:
    """The cores this process may use: as the server counted them, else the cores it
    may run on (a CPU quota unseen)."""
    named = os.environ.get(CORES, "")
    if named.isdigit() and int(named) > 0:
        return int(named)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


COUNTS_KEPT = 4096
_COUNT = (("count(*)", None, None, None, None, None, None),)  # the description of a count's one column


def _counting_from_index(execute, parts, shared=None, common=None):
    """`execute`, with Datasette's count of a search on its own read from the index (or
    from `common`, a CommonTermCounts, for a search of common words only), and
    remembered: the last COUNTS_KEPT here, and with `shared`, large ones for every
    process of the server."""
    counts = OrderedDict()

    async def execute_with_index_counts(sql, params=None, **kwargs):
        index_count, param, top, fts_table = _INDEX_COUNTS.get(sql, (None, None, None, None))
        # The page-reading clause's count is the index count only on the table page, which
        # binds whole numbers for the page's bounds; the same SQL typed on the SQL page binds
        # text and runs as written. (The plain clause's count is the index count anywhere.)
        if index_count is None or not all(isinstance(v, int) for k, v in params.items() if k != param):
            return await execute(sql, params, **kwargs)
        key = (index_count, params[param])
        if key not in counts:
            counted = shared.get(*key) if shared else None
            if counted is None and common and fts_table == common.INDEX:
                counted = await common.count(params[param])
            if counted is None:
                counted = await _count_in_parts(execute, index_count, param, params[param], top, parts, **kwargs)
                if shared:
                    shared.put(*key, counted)
            counts[key] = counted
            if len(counts) > COUNTS_KEPT:
                counts.popitem(last=False)
        counts.move_to_end(key)
        return Results([(counts[key],)], False, _COUNT)

    return execute_with_index_counts


async def _count_in_parts(execute, index_count, param, value, top, parts, **kwargs):
    """`index_count` (select count(*) ... match :param) as the sum of its counts over `parts`
    ranges of rowids up to `top`, each its own query, run at once: FTS5 seeks to the start
    of a range in each word's list of quotes, and each query runs on a thread of its own,
    so a count of many matches takes about its time over `parts` on an idle machine."""
    step = max(1, -(-top // parts))
    queries = []
    for part in range(parts):  # the first part from the smallest rowid, the last to the largest
        sql, bound = index_count, {param: value}
        if part > 0:
            sql, bound[f"{param}_after"] = f"{sql} and rowid > :{param}_after", part * step
        if part < parts - 1:
            sql, bound[f"{param}_upto"] = f"{sql} and rowid <= :{param}_upto", (part + 1) * step
        queries.append(execute(sql, bound, **kwargs))
    counted = await asyncio.gather(*queries, return_exceptions=True)
    for result in counted:
        if isinstance(result, BaseException):
            raise result
    return sum(result.first()[0] for result in counted)


class CommonTermCounts:
    """The count of a search made only of common words, from the bitmaps of the quotes
    holding each that the build keeps in TABLE (quotedb/database.py): the bits set in
    their AND, counted in a few milliseconds. The index would read each word's whole
    list: 330 ms of a core for a word in most of ten million quotes.

    The words are tokenized as the index tokenizes them, by an in-memory copy of the
    index's own definition. A phrase, a prefix, a column filter or a word without a
    bitmap gives None: the index counts that search."""

    INDEX = "quotes_fts"
    TABLE = "common_term_quotes"
    # "quoted" "strings", as fts_query writes words; no NUL, where FTS5 stops reading a query
    _WORDS = re.compile(r'"(?:[^"\x00]|"")*"(?: "(?:[^"\x00]|"")*")*')
    _WORD = re.compile(r'"((?:[^"]|"")*)"')

    def __init__(self, datasette, db):
        self.datasette, self.db = datasette, db
        self.tokenizers = threading.local()  # one a thread: a connection stays in the thread that opened it

    @classmethod
    async def of(cls, datasette, db):
        """Counts for `db`, None if it holds no bitmap (under 500,000 quotes, or built before them)."""
        if not await db.table_exists(cls.TABLE):
            return None
        held = (await db.execute(f"select exists (select 1 from [{cls.TABLE}])")).first()[0]
        return cls(datasette, db) if held else None

    async def count(self, expression):
        if not isinstance(expression, str) or not self._WORDS.fullmatch(expression):
            return None
        words = [word.replace('""', '"') for word in self._WORD.findall(expression)]
        return await self.db.execute_fn(lambda conn: self._count(conn, words))

    def _count(self, conn, words):
        try:
            return self._count_of_terms(conn, words)
        except sqlite3.Error:  # a limit reached: the index counts it, as it would any other search
            return None

    def _count_of_terms(self, conn, words):
        time_limit = self.datasette.sql_time_limit_ms
        tokenizer = self._tokenizer(conn)
        with sqlite_timelimit(tokenizer, time_limit):
            try:
                tokenizer.executemany(f"insert into [{self.INDEX}] (rowid, text) values (?, ?)", enumerate(words))
                tokens = [[] for _ in words]
                for row, term in tokenizer.execute(f"select doc, term from [{self.INDEX}_tokens] order by doc, offset"):
                    tokens[row].append(term)
            finally:
                tokenizer.rollback()
        if any(len(made) != 1 for made in tokens):  # a phrase, or no word at all
            return None
        terms = {made[0] for made in tokens}
        matching = None  # block of ids -> its quotes holding every term so far, as bits
        with sqlite_timelimit(conn, time_limit):
            # Every term common, asked before any bitmap is read (1.25 MB a term at 10M).
            held = conn.execute(f"select count(distinct term) from [{self.TABLE}] where term in "
                                f"({', '.join('?' * len(terms))})", list(terms)).fetchone()[0]
            if held < len(terms):
                return None
            for term in terms:
                rows = conn.execute(f"select block, quotes from [{self.TABLE}] where term = ?", [term]).fetchall()
                holding = {block: int.from_bytes(bits, "little") for block, bits in rows}
                matching = holding if matching is None else {
                    block: bits & holding[block] for block, bits in matching.items() if block in holding}
        return sum(bits.bit_count() for bits in matching.values())

    def _tokenizer(self, conn):
        """This thread's in-memory copy of the index's definition, with the limits of
        every connection of the site."""
        tokenizer = getattr(self.tokenizers, "conn", None)
        if tokenizer is None:
            create = conn.execute("select sql from sqlite_master where name = ?", [self.INDEX]).fetchone()[0]
            tokenizer = sqlite3.connect(":memory:")
            pm.hook.prepare_connection(conn=tokenizer, database=self.db.name, datasette=self.datasette)
            tokenizer.execute(create)
            tokenizer.execute(f"create virtual table [{self.INDEX}_tokens] using fts5vocab([{self.INDEX}], instance)")
            self.tokenizers.conn = tokenizer
        return tokenizer


class SharedCounts:
    """Counts made by any process of one server, kept in a small SQLite file: the next
    page of a search, served by another process, is not counted again (330 ms of a core
    for the commonest word at ten million quotes). `python -m quotedb serve` names the
    file, in a folder of its own that it deletes when it stops, in SHARED_COUNTS (this
    plugin cannot import quotedb). Kept: counts of SHARED_FROM matches or more, of a
    search of at most SHARED_LONGEST characters (the count query typed on the SQL page
    is counted here too, with any text), the newest SHARED_KEPT of them, so the file
    stays under 25 MB. If the file fails, the count is made again, never guessed."""

    ENVIRONMENT = "QUOTEDB_SHARED_COUNTS"
    SHARED_FROM = 50_000  # fewer take a few milliseconds to count again
    SHARED_LONGEST = 2_000  # what `_search` makes of its 500 characters at most
    SHARED_KEPT = 10_000

    def __init__(self, path):
        self.conn = sqlite3.connect(path, timeout=2, isolation_level=None)
        for attempt in range(20):  # the processes start at once, and the first to set WAL wins
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError:
                time.sleep(0.05)
        self.conn.execute("PRAGMA synchronous = OFF")  # the file goes with the server
        self.conn.execute("CREATE TABLE IF NOT EXISTS counts (n INTEGER PRIMARY KEY, file TEXT NOT NULL, "
                          "query TEXT NOT NULL, search TEXT NOT NULL, count INTEGER NOT NULL, UNIQUE (file, query, search))")
        self.conn.execute("PRAGMA busy_timeout = 10")  # a page never waits long on another process's write

    @classmethod
    def named_by_serve(cls):
        path = os.environ.get(cls.ENVIRONMENT)
        if not path:
            return None
        try:
            return cls(path)
        except sqlite3.Error:
            return None

    def of(self, db):
        """The counts of `db`'s file, as it is now: a file rebuilt since has other counts."""
        try:
            status = os.stat(db.path)
        except (OSError, TypeError):  # no file (a database in memory)
            return None
        if db.is_mutable:
            return None
        return _FileCounts(self.conn, f"{db.path} {status.st_ino} {status.st_size} {status.st_mtime_ns}")


class _FileCounts:
    def __init__(self, conn, file):
        self.conn, self.file = conn, file

    def get(self, query, search):
        try:
            row = self.conn.execute("SELECT count FROM counts WHERE file = ? AND query = ? AND search = ?",
                                    [self.file, query, search]).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put(self, query, search, count):
        if count < SharedCounts.SHARED_FROM or len(search) > SharedCounts.SHARED_LONGEST:
            return
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                self.conn.execute("INSERT OR IGNORE INTO counts (file, query, search, count) VALUES (?, ?, ?, ?)",
                                  [self.file, query, search, count])
                self.conn.execute("DELETE FROM counts WHERE n <= (SELECT max(n) FROM counts) - ?",
                                  [SharedCounts.SHARED_KEPT])
        except sqlite3.Error:
            pass
