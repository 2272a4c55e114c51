"""The quotes table's default facets, exact where that is affordable and plainly
marked where it is not. Declared in metadata.yml as `{counted: column}`.

- The whole table: counts made at build time (`facet_counts`), exact.
- A page filtered without a search: every matching quote is counted, all facets
  in one query, if that fits in `facet_time_limit_ms`; else as below.
- A search: every match is counted up to FACET_ROWS of them. With more (a very
  common word at a million quotes) the newest FACET_ROWS matches are counted, and
  each facet says so in its JSON,
  `"exact": false, "counted_rows": 10000` (of `filtered_table_rows_count`), and
  on the page. A facet is never shown as exact when it is not.

Facets describe the whole listing, so they are counted on its first page only:
pages reached through `next` (`?_next=`) carry none.

A search on its own (`?_search=` and nothing else, newest first) has its facets
counted from its newest matches alone, which needs neither its page nor its
count. Datasette 0.65 counts facets after it has counted the matches (up to
140 ms at a million quotes), so they would wait for the count while a core stood
idle: they are begun with the page instead (`begin_search_facets`), on a query of
their own, and awaited where Datasette asks for them. The query begun is used only
if it is the very query the facets would run then (the same SQL, the same values).

If the counting query outlives `facet_time_limit_ms`, every facet of this kind is
listed in `facets_timed_out`, as Datasette does for its own, and, since Datasette's
JSON does not show that list, each stays in `facet_results` with `"timed_out": true`
and no results, never silently dropped.
"""

import asyncio
import weakref
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite, path_with_removed_args
from datasette.utils.asgi import BadRequest

FACET_ROWS = 10_000
# Columns holding a JSON list (quotes.outlets): a row counts once under each value in
# it, and choosing a value filters with `column__arraycontains=value`.
ARRAY_COLUMNS = {"outlets"}
_COLUMNS = {}  # (database, table) -> columns, for immutable databases
# Tables and views whose rows are the quotes of the quotes_fts index, one each
# (plugins/search.py): a search there reads its newest matches from the index.
INDEXED_QUOTES = {"quotes", "quotes_by_relevance"}
_BEGUN = weakref.WeakKeyDictionary()  # request -> ((sql, params), task): its search's facets, begun with its page


class CountedFacet(ColumnFacet):
    type = "counted"

    async def suggest(self):
        return []

    async def facet_results(self):
        configs = self.get_configs()
        if not configs or self.request.args.get("_next"):
            return [], []
        db = self.ds.get_database(self.database)
        columns = [config["config"].get("simple") for config in configs]
        if not await _columns_of(db, self.table, columns):
            raise BadRequest(f"_facet_counted must name columns of {self.table}")
        size = self.get_facet_size()
        self._links = _FacetLinks(self.ds, self.request, self.get_querystring_pairs())
        try:
            rows, window = await self._count(db, columns, size)
        except QueryInterrupted:
            timed_out = [await self._facet(column, [], size, config["source"]) for config, column in zip(configs, columns)]
            return [{**facet, "timed_out": True} for facet in timed_out], columns
        counted = {i: [] for i in range(-1, len(columns))}
        for row in rows:
            counted[row["facet"]].append(row)
        counted_rows = counted[-1][0]["count"] if counted[-1] else None
        exact = window is None or counted_rows < window or self.row_count == counted_rows
        results = []
        for i, (config, column) in enumerate(zip(configs, columns)):
            facet = await self._facet(column, counted[i], size, config["source"])
            facet["exact"] = exact
            if not exact:
                facet["counted_rows"] = counted_rows
            results.append(facet)
        return results, []

    async def _count(self, db, columns, size):
        """The facet counts as rows of (facet, value, count), and the window they were
        counted over: None for every matching row, else the newest FACET_ROWS."""
        if self.table == "quotes" and " where " not in self.sql.lower() and await _precounted(db, columns):
            return await db.execute(_precounted_sql(columns, size)), None
        limit = self.ds.setting("facet_time_limit_ms")
        search = _lone_search(self.request) if self.table in INDEXED_QUOTES else None
        if search:  # read a search's newest matches straight from the index
            query = _search_facets_query(columns, size, search, self.params[search])
            begun = _BEGUN.pop(self.request, None)
            if begun is not None and begun[0] == query:
                return await begun[1], FACET_ROWS
            return await db.execute(*query, truncate=False, custom_time_limit=limit), FACET_ROWS
        wanted = ", ".join(escape_sqlite(c) for c in columns)
        sql = _counting_sql(f"select {wanted} from ({self.sql}) order by id desc limit :facet_rows", columns, size)
        params = {**(self.params or {}), "facet_rows": FACET_ROWS}
        if not _has_search(params):
            # A filter without a search: every row, if they can be counted in time.
            try:
                return await db.execute(sql, {**params, "facet_rows": -1}, truncate=False,
                                        custom_time_limit=limit), None
            except QueryInterrupted:
                pass
        return await db.execute(sql, params, truncate=False, custom_time_limit=limit), FACET_ROWS

    async def _facet(self, column, rows, size, source):
        values = [row["value"] for row in rows[:size]]
        labels = await self.ds.expand_foreign_keys(self.database, self.table, column, values)
        argument = f"{column}__arraycontains" if column in ARRAY_COLUMNS else column
        results = []
        for row in rows[:size]:
            selected = (argument, str(row["value"])) in self._links.pairs
            toggle = self._links.removing(argument, str(row["value"])) if selected else self._links.adding(argument, row["value"])
            results.append({
                "value": row["value"],
                "label": labels.get((column, row["value"]), row["value"]),
                "count": row["count"],
                "toggle_url": toggle,
                "selected": selected,
            })
        return {
            "name": column,
            "type": "column",
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
            "results": results,
            "truncated": len(rows) > size,
        }


class _FacetLinks:
    """Each facet value's link, as Datasette's `absolute_url(request, urls.path(
    path_with_added_args(request, {name: value})))` (or `path_with_removed_args`) gives
    it, with the query string parsed and the site's address joined once a page instead
    of once a value (about 3 ms a page of facets)."""

    def __init__(self, datasette, request, pairs):
        self.pairs = pairs
        self.request = request
        self.site = str(datasette.absolute_url(request, datasette.urls.path("/")))
        kept = urlencode(parse_qsl(request.query_string))  # as path_with_added_args keeps them
        self.page = self.site + request.path[1:] + "?" + (kept + "&" if kept else "")

    def adding(self, name, value):
        return self.page + urlencode([(name, value)])

    def removing(self, name, value):
        return self.site + path_with_removed_args(self.request, {name: value})[1:]


@hookimpl
def filters_from_request(request, database, table, datasette):
    """Begin counting the facets of a search on its own as its page begins (see above).
    A request refused after this (a bad `_size`, say) leaves the query to end alone,
    within the facet time limit, as the page it asked for would have."""
    if (table not in INDEXED_QUOTES or _lone_search(request) != "search" or request.args.get("_next")
            or request.args.get("_nofacet") or request.args.get("_shape") in ("array", "object")):
        return None  # no facets, or not counted from the index alone

    async def begin_search_facets():
        facet = CountedFacet(datasette, request, database, table=table,
                             metadata=datasette.table_metadata(database, table))
        columns = [config["config"].get("simple") for config in facet.get_configs()]
        db = datasette.get_database(database)
        if not columns or not await _columns_of(db, table, columns):
            return None
        # The search as plugins/search.py binds it for `_search`.
        search = (await db.execute("select fts_query(:words)", {"words": request.args["_search"]})).single_value()
        query = _search_facets_query(columns, facet.get_facet_size(), "search", search)
        task = asyncio.ensure_future(db.execute(*query, truncate=False,
                                                custom_time_limit=datasette.setting("facet_time_limit_ms")))
        task.add_done_callback(_ending_unheard)
        _BEGUN[request] = (query, task)
        return None

    return begin_search_facets


def _ending_unheard(task):
    """Take the outcome of a query no page awaited (its request refused), so that asyncio
    does not log it; a page that awaits it gets the same outcome."""
    if not task.cancelled():
        task.exception()


async def _columns_of(db, table, columns) -> bool:
    """Are these all columns of `table`?"""
    key = (db.name, table)
    if key not in _COLUMNS or db.is_mutable:
        _COLUMNS[key] = set(await db.table_columns(table))
    return set(columns) <= _COLUMNS[key]


def _search_facets_query(columns, size, param, search):
    """All facets counted over the newest FACET_ROWS matches of `search` (bound as
    `param`), read straight from the index: SQL and its values."""
    wanted = ", ".join("quotes." + escape_sqlite(c) for c in columns)
    matched = (f"select {wanted} from quotes_fts join quotes on quotes.id = quotes_fts.rowid "
               f"where quotes_fts match :{param} order by quotes_fts.rowid desc limit :facet_rows")
    return _counting_sql(matched, columns, size), {param: search, "facet_rows": FACET_ROWS}


_PRECOUNTED = {}  # database -> the columns counted at build time


async def _precounted(db, columns) -> bool:
    """Were all these columns counted for the whole table at build time?"""
    if db.name not in _PRECOUNTED or db.is_mutable:
        rows = await db.execute("select distinct [column] from facet_counts")
        _PRECOUNTED[db.name] = {row[0] for row in rows}
    return set(columns) <= _PRECOUNTED[db.name]


def _has_search(params):
    return any(name == "search" or name.startswith("search_") for name in params)


def _lone_search(request):
    """The SQL parameter of the search when a search is the page's only filter, newest
    first (plugins/search.py names it `search` or `search_<column>`)."""
    searches = [name for name in request.args
                if (name == "_search" or (name.startswith("_search_") and len(name) > len("_search_")))
                and request.args.get(name, "").strip()]
    filters = [name for name in request.args if not name.startswith("_") or "__" in name
               or name in ("_where", "_sort") or name.startswith("_filter")]
    if len(searches) != 1 or filters or request.args.get("_sort_desc", "id") != "id":
        return None
    return searches[0][1:]


def _precounted_sql(columns, size):
    """Counts for the whole table, made at build time; `facet` is the facet's position."""
    return " union all ".join(
        f"select * from (select {i} as facet, value, count from facet_counts "
        f"where [column] = '{column}' and value is not null order by count desc, value limit {size + 1})"
        for i, column in enumerate(columns)
    )


def _counting_sql(matched, columns, size):
    """All facets counted over `matched` in one query; facet -1 is the number of rows counted."""
    parts = ["select -1 as facet, null as value, count(*) as count from matched"] + [
        f"select * from (select {i} as facet, {_values(column)} as value, count(*) as count "
        f"from matched{_each(column)} where {_values(column)} is not null group by value "
        f"order by count desc, value limit {size + 1})"
        for i, column in enumerate(columns)
    ]
    return f"with matched as materialized ({matched}) " + " union all ".join(parts)


def _values(column):
    return "listed.value" if column in ARRAY_COLUMNS else escape_sqlite(column)


def _each(column):
    """For a list column, one row per value in its list."""
    return f" join json_each(matched.{escape_sqlite(column)}) as listed" if column in ARRAY_COLUMNS else ""


@hookimpl
def register_facet_classes():
    return [CountedFacet]
