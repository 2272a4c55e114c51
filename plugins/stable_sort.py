"""Every row once when a table is sorted by a column and paged through.

Datasette 0.65 pages a sorted table by keyset: `?_sort_desc=said&_next=2024-01-05,20`
reads `said < '2024-01-05' or (said = '2024-01-05' and id > 20)`, ordered
`said desc, id`. But its first page is ordered `said desc` alone, and SQLite then
gives rows with the same value in whatever order its plan reads them: reading the
index on `said` backwards, the highest id first. So the second page began again
inside the first page's last group of equal values, and rows of that group with
lower ids than the last one shown were never listed (`_size=3&_sort_desc=said` on
the seed: 24, 23, 22, then 23, 24 again; 20 and 21 never).

This plugin orders that first page as Datasette orders the next ones, by the
sorted column and then the table's primary key. It changes only the SQL Datasette
writes for the first page of the table it is showing (the request's own sort, no
`_next`); SQL typed on the SQL page is never touched. Adding the key changes no
answer, only which of the equally sorted rows comes first.
"""

import contextvars

from datasette import hookimpl
from datasette.utils import escape_sqlite

# For the request being answered: (Datasette's ORDER BY of its first page up to its
# LIMIT, the same ordered by the primary key too).
_FIRST_PAGE_ORDER = contextvars.ContextVar("first_page_order", default=None)


@hookimpl
def filters_from_request(request, database, table, datasette):
    async def note_the_first_page_order():
        _FIRST_PAGE_ORDER.set(None)
        db = datasette.get_database(database)
        if request.args.get("_next") or table in await db.view_names():  # a view pages by offset
            return None
        metadata = datasette.table_metadata(database, table)
        sort = request.args.get("_sort") or (None if request.args.get("_sort_desc") else metadata.get("sort"))
        sort_desc = request.args.get("_sort_desc") or (None if request.args.get("_sort") else metadata.get("sort_desc"))
        column = sort or sort_desc
        keys = await db.primary_keys(table) or ["rowid"]
        if column and column not in keys:
            ordered = f"order by {escape_sqlite(column)}{' desc' if sort_desc and not sort else ''}"
            by_key = ", ".join(escape_sqlite(key) for key in keys)
            _FIRST_PAGE_ORDER.set((f" {ordered} limit ", f" {ordered}, {by_key} limit "))
        return None

    return note_the_first_page_order


def _ordered_by_key_too(execute):
    async def execute_in_stable_order(sql, params=None, **kwargs):
        order = _FIRST_PAGE_ORDER.get()
        if order and isinstance(sql, str):
            head, found, size = sql.rpartition(order[0])
            if found and size.isdigit():  # the page's own query: `... order by X limit N`
                sql = head + order[1] + size
        return await execute(sql, params, **kwargs)

    return execute_in_stable_order


@hookimpl
def startup(datasette):
    for db in datasette.databases.values():
        db.execute = _ordered_by_key_too(db.execute)
