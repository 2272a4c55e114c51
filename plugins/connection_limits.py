"""The same size limits on every connection the site opens: no single value (a string
or blob, the result of randomblob(), zeroblob(), hex(), replace(), group_concat()...)
may be larger than MAX_VALUE_BYTES, no SQL text longer than MAX_SQL_BYTES, and no
one query may hand back more than MAX_RESULT_BYTES of text and blobs.

Datasette stops a query after `sql_time_limit_ms`, but it checks the clock only
every thousand steps of SQLite's machine; one step that builds a 500 MB blob takes
seconds and the memory with it, and a thousand rows of two hundred 900 KB columns
take gigabytes in Python. Capped, such a query fails at once ("string or blob too
big", "result too big") and the request answers 400. No quote is longer than
5,000 characters, the largest value in the database (a block of a common term's
bitmap, common_term_quotes) is 128 KB, and a page of a thousand quotes is a few MB.
"""

import sqlite3
import weakref

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response

MAX_VALUE_BYTES = 1_000_000
MAX_SQL_BYTES = 100_000
MAX_RESULT_BYTES = 50_000_000

_result_bytes = weakref.WeakKeyDictionary()  # cursor -> bytes of text and blobs handed back


def _counted_row(cursor, values):
    """sqlite3.Row, as Datasette uses, after adding the row's size to its query's total."""
    size = _result_bytes.get(cursor, 0) + sum(len(v) for v in values if isinstance(v, (str, bytes)))
    if size > MAX_RESULT_BYTES:
        raise sqlite3.DataError(f"result too big: more than {MAX_RESULT_BYTES:,} bytes")
    _result_bytes[cursor] = size
    return sqlite3.Row(cursor, values)


@hookimpl
def handle_exception(exception):
    """A value or result over the limit is the request's fault: 400, as for any other bad SQL;
    so is a query that outlasts the time limit where Datasette does not catch it (a CSV),
    and SQL whose parameters cannot be bound (`_where=?`: a `?` beside Datasette's named ones)."""
    if isinstance(exception, (sqlite3.DataError, sqlite3.ProgrammingError)):
        return Response.text(f"Bad request: {exception}.", status=400)
    if isinstance(exception, QueryInterrupted):
        return Response.text("Bad request: the query took too long.", status=400)
    return None


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.row_factory = _counted_row
