"""The same size limits on every connection the site opens: no single value (a string
or blob, the result of randomblob(), zeroblob(), hex(), replace(), group_concat()...)
may be larger than MAX_VALUE_BYTES, and no SQL text longer than MAX_SQL_BYTES.

Datasette stops a query after `sql_time_limit_ms`, but it checks the clock only
every thousand steps of SQLite's machine; one step that builds a 500 MB blob takes
seconds and the memory with it. Capped, such a step fails at once ("string or blob
too big") and the request answers 400. No quote is longer than 5,000 characters,
and the largest value in the database (a page of the full-text index) is a few KB.
"""

import sqlite3

from datasette import hookimpl
from datasette.utils.asgi import Response

MAX_VALUE_BYTES = 1_000_000
MAX_SQL_BYTES = 100_000


@hookimpl
def handle_exception(exception):
    """A value over the limit is the request's fault: 400, as for any other bad SQL."""
    if isinstance(exception, sqlite3.DataError):
        return Response.text(f"Bad request: {exception}.", status=400)
    return None


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
