"""Answer 400, not 500, to query parameters Datasette 0.65 does not check itself.

Found by tests/test_fuzz.py: `?_next=` on a view must be a whole number (an
offset), `?_sort=`, `?_sort_desc=` and `?_facet=` must name a column, and no
`_` parameter but a search may hold a NUL character (it would reach the SQL).
"""

import json
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
        if "\x00" in key or ("\x00" in value and key.startswith("_") and not key.startswith("_search")):
            return "NUL characters cannot be part of SQL"
        if key.startswith("_facet") and value.startswith("{") and not _is_json(value):
            return f"{key} holds malformed JSON"
        if key in ("_facet", "_facet_date", "_facet_array") and value not in columns and not value.startswith("{"):
            return f"{key} must name a column of {table}"
        if key == "_next" and is_view and not value.isdigit():
            return "_next must be a whole number on this page"
        if key in ("_sort", "_sort_desc") and value not in columns:
            return f"{key} must name a column of {table}"
    return None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


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
