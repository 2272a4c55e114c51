"""Search that is safe and fast: `?_search=` on the quotes and speakers tables, and
the `fts_query()` SQL function the canned `search` query uses.

`fts_query(text)` turns whatever a person typed into a safe FTS5 query. Every word
becomes a quoted FTS5 string, so quote marks, brackets, AND/OR/NOT/NEAR and
column filters are matched as text, never parsed as syntax. A phrase in balanced
"double quotes" stays a phrase; a word ending in * is a prefix search. Text with
no words gives '""', which matches nothing instead of failing.

The table search replaces Datasette's own (these tables name no `fts_table` in
metadata.yml, so Datasette adds no search of its own):

- a search on its own keeps the newest 2,000 matching quotes (ids follow the
  date said), so rows, count and facets stay fast at a million quotes; above that
  the page says so, with the total number of matches (counted up to 50,000).
  Once another filter narrows the rows (a facet clicked, say), every match is
  considered, so "newest" never hides an older match of the narrowed rows;
- `?_search_<column>=` searches one column of the index (text, speaker, aliases,
  role, venue for quotes);
- a table page runs its filter in several queries (rows, count, each facet), so
  the matching ids are found once by `matching_ids()`, an SQL function that keeps
  recent answers: the full-text index is read once per search, not once per query.
"""

import functools
import json
import re
import sqlite3
import threading

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

MAX_QUERY_CHARS = 500
_PART = re.compile(r'"([^"]*)"|(\S+)')


def _string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(text) -> str:
    if not isinstance(text, str):
        return '""'
    text = text[:MAX_QUERY_CHARS]
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


SEARCHABLE = {
    # table: (FTS table, the table's key that equals the FTS rowid)
    "quotes": ("quotes_fts", "id"),
    "speakers": ("speakers_fts", "rowid"),
}
NEWEST = 2_000
COUNT_UP_TO = 50_000


def _target(fts_table, column):
    """What MATCH applies to: the whole index, or one of its columns."""
    return f"[{column}]" if column else f"[{fts_table}]"


class MatchingIds:
    """`matching_ids(fts_table, column, words)`: the newest matching rowids as a JSON array;
    `count_matches(fts_table, column, words)`: how many match, counted up to COUNT_UP_TO + 1.
    Both keep their recent answers: paging through a search asks the same again."""

    def __init__(self, path):
        self.path = path
        self.local = threading.local()
        self.cached = functools.lru_cache(maxsize=128)(self._find)
        self.count = functools.lru_cache(maxsize=128)(self._count)

    def _connection(self):
        if not hasattr(self.local, "conn"):
            self.local.conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self.local.conn.create_function("fts_query", 1, fts_query, deterministic=True)
        return self.local.conn

    def _find(self, fts_table, column, words):
        rows = self._connection().execute(
            f"select rowid from [{fts_table}] where {_target(fts_table, column)} match fts_query(?) "
            f"order by rowid desc limit {NEWEST}",
            [words],
        )
        return json.dumps([row[0] for row in rows])

    def _count(self, fts_table, column, words):
        newest = self.cached(fts_table, column, words)
        if newest.count(",") + 1 < NEWEST:  # all the matches are there already
            return len(json.loads(newest))
        return self._connection().execute(
            f"select count(*) from (select rowid from [{fts_table}] where {_target(fts_table, column)} match fts_query(?) "
            f"limit {COUNT_UP_TO + 1})",
            [words],
        ).fetchone()[0]

    def __call__(self, fts_table, column, words):
        return self.cached(fts_table, column or "", words or "")


@hookimpl
def prepare_connection(conn, database, datasette):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    if database == "quotes":
        path = datasette.get_database(database).path
        if path not in _FINDERS:
            _FINDERS[path] = MatchingIds(path)
        finder = _FINDERS[path]
        conn.create_function("matching_ids", 3, finder, deterministic=True)
        conn.create_function("count_matches", 3, lambda t, c, w: finder.count(t, c or "", w or ""), deterministic=True)


_FINDERS = {}


@hookimpl(trylast=True)  # last, so our `supports_search` is the one that stays
def filters_from_request(request, database, table, datasette):
    if database != "quotes" or table not in SEARCHABLE:
        return None
    fts_table, key = SEARCHABLE[table]

    async def search_filter():
        db = datasette.get_database(database)
        columns = await db.table_columns(fts_table)
        # Other filters narrow the matches first, so then every match must be looked at.
        narrowed = any(not name.startswith("_") or name == "_where" or name.startswith("_filter")
                       for name in request.args)
        clauses, params, descriptions = [], {}, []
        context = {"supports_search": True}
        for name in request.args:
            value = request.args.get(name, "")
            if not name.startswith("_search") or name == "_searchmode" or not value.strip():
                continue
            column = name[len("_search_"):] if name.startswith("_search_") else None
            if column is not None and column not in columns:
                raise BadRequest(f"Cannot search by {column}: searchable columns are {', '.join(columns)}")
            param = f"search_{column}" if column else "search"
            description = f'search {"column " + column + " " if column else ""}matches "{value}"'
            if narrowed:
                clauses.append(
                    f"{key} in (select rowid from [{fts_table}] where {_target(fts_table, column)} "
                    f"match fts_query(:{param}))"
                )
            else:
                clauses.append(
                    f"{key} in (select value from json_each(matching_ids('{fts_table}', '{column or ''}', :{param})))"
                )
                total = (await db.execute(
                    "select count_matches(:table, :column, :words)",
                    {"table": fts_table, "column": column or "", "words": value},
                )).single_value()
                if total > NEWEST:
                    of = f"more than {COUNT_UP_TO:,}" if total > COUNT_UP_TO else f"{total:,}"
                    description += f" (showing the newest {NEWEST:,} of {of} matches)"
            params[param] = value
            descriptions.append(description)
            context["search"] = value
        return FilterArguments(clauses, params, descriptions, context)

    return search_filter
