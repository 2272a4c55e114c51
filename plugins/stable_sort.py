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
several columns is left as Datasette pages it.
"""

import contextvars
import re

from datasette import hookimpl
from datasette.utils import escape_sqlite

# For the request being answered: what to change in its page query (see _page_order).
_PAGE_ORDER = contextvars.ContextVar("page_order", default=None)


@hookimpl
def filters_from_request(request, database, table, datasette):
    async def note_the_page_order():
        _PAGE_ORDER.set(None)
        db = datasette.get_database(database)
        if table in await db.view_names():  # a view pages by offset
            return None
        metadata = datasette.table_metadata(database, table)
        sort = request.args.get("_sort") or (None if request.args.get("_sort_desc") else metadata.get("sort"))
        sort_desc = request.args.get("_sort_desc") or (None if request.args.get("_sort") else metadata.get("sort_desc"))
        keys = await db.primary_keys(table) or ["rowid"]
        column = sort or sort_desc
        if not column or column in keys or len(keys) > 1:
            return None
        _PAGE_ORDER.set(_page_order(escape_sqlite(column), escape_sqlite(keys[0]), descending=not sort,
                                    first_page=not request.args.get("_next")))
        return None

    return note_the_page_order


def _page_order(column, key, descending, first_page):
    """What to change in this page's query: (Datasette's ORDER BY up to LIMIT, ours, and
    for a next page sorted descending, a pattern of its condition on the key among equal
    values and ours), or None when Datasette's own query is in order already."""
    if not descending:
        return (f" order by {column} limit ", f" order by {column}, {key} limit ", None) if first_page else None
    ours = f" order by {column} desc, {key} desc limit "
    if first_page:
        return f" order by {column} desc limit ", ours, None
    # Datasette's `(said = :p1 and ((id > :p0)))`, for nulls `(said is null and ((id > :p0)))`;
    # a rowid table's `rowid > :p0` has no brackets of its own.
    opening, closing = ("", "") if key == "rowid" else ("((", "))")
    tie = re.compile(rf"(\({re.escape(column)} (?:= :p[0-9]+|is null) and ){re.escape(opening + key)} > (:p[0-9]+){re.escape(closing)}")
    return f" order by {column} desc, {key} limit ", ours, (tie, lambda found: f"{found[1]}{opening}{key} < {found[2]}{closing}")


def _in_page_order(execute):
    async def execute_in_page_order(sql, params=None, **kwargs):
        order = _PAGE_ORDER.get()
        if order and isinstance(sql, str):
            theirs, ours, tie = order
            head, found, size = sql.rpartition(theirs)
            if found and size.isdigit():  # the page's own query: `... order by X limit N`
                if tie is not None:
                    head, ties = tie[0].subn(tie[1], head)
                    if ties != 1:  # not the query Datasette writes: leave it as it is
                        return await execute(sql, params, **kwargs)
                sql = head + ours + size
        return await execute(sql, params, **kwargs)

    return execute_in_page_order


@hookimpl
def startup(datasette):
    for db in datasette.databases.values():
        db.execute = _in_page_order(db.execute)
