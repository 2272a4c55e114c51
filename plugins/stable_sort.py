"""Every row once, and fast, when a table is sorted by a column and paged through.

Datasette 0.65 pages a sorted table by keyset. `?_sort_desc=said&_next=2024-01-05,20`
reads `said < '2024-01-05' or said is null or (said = '2024-01-05' and id > 20)`,
ordered `said desc, id`. But its first page is ordered `said desc` alone, and SQLite
gives rows with the same value in the order its plan reads them: reading the index on
`said` backwards, the highest id first. So the second page began again inside the
first page's last group of equal values, and the rows of that group with lower ids
than the last one shown were never listed (`_size=3&_sort_desc=said` on the seed: 24,
23, 22, then 23, 24 again; 20 and 21 never). And `said desc, id` cannot be read from
the index in order: at ten million quotes, SQLite sorts a whole group of equal values
(a million quotes of one kind) for each page.

So this plugin orders every page of a sort by a column as SQLite reads the column's
index: ascending, by the column and then the key (as Datasette's next pages already
are); descending, by the column and then the key descending, with the next pages'
`id > :p` for equal values turned into `id < :p` to match. It changes only the SQL
Datasette writes for the page of the table it is showing, which it finds by that
SQL's ORDER BY; SQL typed on the SQL page is never touched. Ordering equal values by
their key changes no answer, only which of them comes first. A table with a key of
several columns is left as Datasette pages it. The page's "View and edit SQL" link
gives the SQL as it was read (the `as_read` template filter); the JSON's `query` is
Datasette's.
"""

import contextvars
import re

from datasette import hookimpl
from datasette.utils import escape_sqlite

# For the request being answered: (its sorted column, the table's key, descending?),
# each as Datasette writes it in SQL.
_PAGE_ORDER = contextvars.ContextVar("page_order", default=None)


@hookimpl
def filters_from_request(request, database, table, datasette):
    async def note_the_page_order():
        _PAGE_ORDER.set(None)
        keys = await _keys(datasette.get_database(database), table)
        if keys is None:  # a view pages by offset
            return None
        metadata = datasette.table_metadata(database, table)
        sort = request.args.get("_sort") or (None if request.args.get("_sort_desc") else metadata.get("sort"))
        sort_desc = request.args.get("_sort_desc") or (None if request.args.get("_sort") else metadata.get("sort_desc"))
        column = sort or sort_desc
        if column and column not in keys and len(keys) == 1:
            _PAGE_ORDER.set((escape_sqlite(column), escape_sqlite(keys[0]), not sort))
        return None

    return note_the_page_order


_KEYS = {}  # (database, table) -> its key's columns (["rowid"] without one), None for a view


async def _keys(db, table):
    """A table's key, kept for an immutable database: asked on every table page."""
    if (db.name, table) not in _KEYS or db.is_mutable:
        is_view = table in await db.view_names()
        _KEYS[(db.name, table)] = None if is_view else (await db.primary_keys(table) or ["rowid"])
    return _KEYS[(db.name, table)]


def in_page_order(sql: str, column: str, key: str, descending: bool) -> str:
    """A page query of Datasette's, read in the column's index order; any other SQL as it is.

    Which page it is shows in its ORDER BY (a CSV stream asks for its next pages without
    `_next` in the URL): the first page's is the column alone, a next page's the column
    and the key. A next page of a descending sort also has Datasette's condition on the
    key among equal values turned round, `(said = :p1 and ((id > :p0)))` or, for nulls,
    `(said is null and ((id > :p0)))`, which Datasette puts last in the WHERE clause (a
    rowid table's `rowid > :p0` has no brackets of its own)."""
    direction = " desc" if descending else ""
    ours = f" order by {column}{direction}, {key}{direction} limit "
    head, found, size = sql.rpartition(f" order by {column}{direction} limit ")
    if found and size.isdigit():  # the first page
        return head + ours + size
    head, found, size = sql.rpartition(f" order by {column}{direction}, {key} limit ")
    if not (found and size.isdigit() and descending):  # an ascending next page is in order already
        return sql
    opening, closing = ("", "") if key == "rowid" else ("((", "))")
    tie = re.compile(rf"(\({re.escape(column)} (?:= :p[0-9]+|is null) and ){re.escape(opening + key)} > "
                     rf"(:p[0-9]+)({re.escape(closing)}\)+ *)$")
    head, ties = tie.subn(lambda part: f"{part[1]}{opening}{key} < {part[2]}{part[3]}", head)
    return head + ours + size if ties == 1 else sql


def _in_page_order(execute):
    async def execute_in_page_order(sql, params=None, **kwargs):
        order = _PAGE_ORDER.get()
        if order and isinstance(sql, str):
            sql = in_page_order(sql, *order)
        return await execute(sql, params, **kwargs)

    return execute_in_page_order


def as_read(query):
    """A page's `query` ({"sql", "params"}) as it was read, for "View and edit SQL"."""
    order = _PAGE_ORDER.get()
    return {**query, "sql": in_page_order(query["sql"], *order)} if order and query.get("sql") else query


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["as_read"] = as_read


@hookimpl
def startup(datasette):
    for db in datasette.databases.values():
        db.execute = _in_page_order(db.execute)
