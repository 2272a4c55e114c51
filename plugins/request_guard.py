"""Answer 400, not 500, to query parameters Datasette 0.65 does not check itself.

Found by tests/test_fuzz.py: `?_next=` on a view must be a whole number (an
offset), `?_sort=` / `?_sort_desc=` must name a column, and SQL given in
`?_where=` (or a column name) cannot hold a NUL character.
"""

import re
from urllib.parse import parse_qsl

from datasette import hookimpl

_TABLE_PATH = re.compile(r"^/quotes/(?P<table>[a-z_]+)(?:\.\w+)?$")


async def _problem(datasette, path: str, query_string: str):
    match = _TABLE_PATH.match(path)
    if not match:
        return None
    db = datasette.get_database("quotes")
    table = match.group("table")
    is_view = table in await db.view_names()
    if not is_view and table not in await db.table_names():
        return None
    columns = set(await db.table_columns(table)) | {"rowid"}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        if "\x00" in key or (key == "_where" and "\x00" in value):
            return "NUL characters cannot be part of SQL"
        if key == "_next" and is_view and not value.isdigit():
            return "_next must be a whole number on this page"
        if key in ("_sort", "_sort_desc") and value not in columns:
            return f"{key} must name a column of {table}"
    return None


@hookimpl
def asgi_wrapper(datasette):
    def guard(app):
        async def wrapped(scope, receive, send):
            if scope.get("type") == "http" and scope.get("query_string"):
                problem = await _problem(datasette, scope["path"], scope["query_string"].decode("utf-8", "replace"))
                if problem:
                    body = f"Bad request: {problem}.".encode()
                    await send({"type": "http.response.start", "status": 400,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                    await send({"type": "http.response.body", "body": body})
                    return
            await app(scope, receive, send)

        return wrapped

    return guard
