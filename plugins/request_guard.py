"""Answer 400, not 500, to query parameters Datasette 0.65 does not check itself, and
refuse requests that would cost far more than any page should.

Found by tests/test_fuzz.py and by trying hard to break the public site:
`?_next=` on a view must be a whole number (an offset) below 2**63, and on the
quotes table as Datasette writes it (`VALUE,ID`, `ID,ID` sorted by id; Datasette
answers `_next=5` with an empty page and the whole count), `_col` and `_nocol` may
not leave out the column a table's page is sorted by (a 500 in Datasette) nor the id
the relevance page finds its quotes by, a sort must be one the table offers, `?_sort=`,
`?_sort_desc=` must name a column, `?_facet=` a column or a JSON object naming one,
filter values that are whole numbers must fit in 64 bits, no `_` parameter but a
search may hold a NUL character (it would reach the SQL), and a page may ask for
at most MAX_FACETS facets, a filter names a column and a filter Datasette has
(`speakr_id=x` gave no rows, `kind__bogus=x` every row), and `_size` is a whole number up to the site's
`max_returned_rows`, or max (as Datasette checks it, but before a search's facets
are begun, plugins/counted_facets.py). Works for a database served under any name, and for
names written as Datasette reads them (`/quotes/~71uotes` is the quotes table).
The site is read-only: any method but GET and HEAD answers 405.

A refusal reads as Datasette's own 400s: JSON on a .json page, the site's error page
on an HTML one, text otherwise.

`_sort=rank` on the quotes table is answered with a redirect to the same search on
`quotes_by_relevance`, where the index ranks the matches (plugins/search.py); with
no search, with a 400 saying that it needs one.

A CSV stream (`_stream=on`) with no `_size` reads 1,000 rows a page: Datasette 0.65
streams in pages of the table's default size (50), each a query of its own. And a
stream stops when its client goes away: Datasette would otherwise go on querying
to the end, page after page, for nobody (`_stopping_when_gone`).
"""

import asyncio

import json
import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import Filters
from datasette.utils import tilde_decode

_TABLE_PATH = re.compile(r"^/(?P<database>[^/.]+)/(?P<table>[^/.]+)(?:\.(?P<format>\w+))?$")
_WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]+$")
_HOST = re.compile(rb"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
MAX_FACETS = 10
_NUMERIC_FILTERS = ("__gt", "__gte", "__lt", "__lte")  # Datasette turns their digits into a number
LARGEST = 2**63 - 1


class Redirect(str):
    """Where to send the request instead."""


async def _problem(datasette, path: str, query_string: str):
    match = _TABLE_PATH.match(path)
    if not match:
        return None
    try:  # names as Datasette reads them: `~71uotes` is `quotes`
        db = datasette.get_database(route=tilde_decode(match.group("database")))
    except KeyError:
        return None
    table = tilde_decode(match.group("table"))
    shape = await _table_shape(db, table)
    if shape is None:
        return None
    is_view, columns, primary_key = shape
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if sum(key.startswith("_facet") and key != "_facet_size" for key, _ in pairs) > MAX_FACETS:
        return f"at most {MAX_FACETS} facets can be asked for at once"
    names = {key for key, _ in pairs}
    if "_sort" in names and "_sort_desc" in names:
        return "_sort and _sort_desc cannot be used together"
    metadata = datasette.table_metadata(db.name, table)
    asked = next((value for key, value in pairs if key in ("_sort", "_sort_desc")), None)
    sorted_by = asked or metadata.get("sort") or metadata.get("sort_desc")
    shown = [value for key, value in pairs if key == "_col"]
    hidden = [value for key, value in pairs if key == "_nocol"]
    always_there = set(primary_key) or {"rowid"}  # what Datasette selects whatever _col says
    if sorted_by and not is_view and (sorted_by in hidden or shown and sorted_by not in shown + list(always_there)):
        # Datasette reads a table's next page start from the sorted column of the page's rows (a 500)
        return f"the page is sorted by {sorted_by}: _col and _nocol cannot leave that column out"
    if table == "quotes_by_relevance" and match.group("format") is None and ("id" in hidden or shown and "id" not in shown):
        return "quotes_by_relevance shows each quote by its id: _col and _nocol cannot leave id out"
    sortable = metadata.get("sortable_columns")
    if asked and sortable is not None and asked not in sortable:  # Datasette's own refusal is a 500
        return f"{table} can be sorted by {', '.join(sortable)} only"
    for key, value in pairs:
        if "\x00" in key or ("\x00" in value and key.startswith("_") and not key.startswith("_search")):
            return "NUL characters cannot be part of SQL"
        if key == "_facet_size" and not (value == "max" or value.isascii() and value.isdigit()):
            return "_facet_size must be a whole number or max"
        if key.startswith("_facet") and key != "_facet_size":
            problem = _facet_problem(key, value, columns, table)
            if problem:
                return problem
        if key == "_next" and is_view and not _is_offset(value):
            return "_next must be a whole number on this page"
        if key == "_next" and table == "quotes" and not is_view and not _is_quotes_next(value, sorted_by == "id"):
            # Datasette reads any other value as a bound of its own: an empty page, a full count
            return "_next must be as the page's next_url gives it (the sort value, then the quote's id)"
        if key == "_sort" and value == "rank" and table == "quotes":
            if not any((k == "_search" or k.startswith("_search_") and len(k) > 8) and v.strip() for k, v in pairs):
                return "_sort=rank orders the matches of a search: add _search=words"
            rest = urlencode([(k, v) for k, v in pairs if k not in ("_sort", "_sort_desc", "_next")])
            return Redirect(f"{datasette.urls.table(db.name, 'quotes_by_relevance', format=match.group('format'))}"
                            + (f"?{rest}" if rest else ""))
        if key == "_timelimit" and not (value.isascii() and value.isdigit() and len(value) < 10):
            return "_timelimit must be a whole number of milliseconds"
        if key == "_size" and value and not (value == "max" or value.isascii() and value.isdigit()
                                             and int(value) <= datasette.setting("max_returned_rows")):
            # Datasette refuses these too, but only once a search's facets have begun.
            return f"_size must be a whole number up to {datasette.setting('max_returned_rows')}, or max"
        if key == "_through":
            return "_through is not offered here (no table of this site links two others)"
        if key in ("_sort", "_sort_desc") and value not in columns and not (value == "rowid" and not is_view and not primary_key):
            return f"{key} must name a column of {table}"
        if key.endswith(("__in", "__notin")) and value.startswith("[") and not _is_json_list(value):
            return f"{key} must be a JSON list or values separated by commas"
        if key.endswith(_NUMERIC_FILTERS) and value.isdigit() and not value.isascii():
            return f"{key}: write numbers with the digits 0-9"  # Datasette's int() refuses '¹'
        if not key.startswith("_") and _WHOLE_NUMBER.match(value.strip()) and abs(int(value)) > LARGEST:
            return f"{key}: {value} is too large a number"
        if not (key.startswith("_") and "__" not in key):  # a filter, as Datasette reads it
            problem = _filter_problem(key, columns if is_view else columns | {"rowid"}, table)
            if problem:
                return problem
    return None


_FILTERS = [f.key for f in Filters._filters]


def _filter_problem(key, columns, table):
    """Datasette 0.65 answers a filter on no column with no rows (SQLite reads the unknown
    name as a string) and drops one with an unknown operation: a typo gives a wrong answer."""
    column, operation = key.rsplit("__", 1) if "__" in key else (key, "exact")
    if operation not in _FILTERS:
        return f"{key}: {operation!r} is not a filter; the filters are {', '.join(_FILTERS)}"
    if column not in columns:
        return f"{key}: {table} has no column {column!r}"
    return None


_SHAPES = {}


async def _table_shape(db, table):
    """(is it a view, its columns, its primary key's columns), or None when there is no such table; kept for an
    immutable database, whose schema cannot change."""
    key = (db.name, table)
    if key in _SHAPES and not db.is_mutable:
        return _SHAPES[key]
    is_view = table in await db.view_names()
    if not is_view and table not in await db.table_names():
        return None  # not kept: any name can be asked for
    _SHAPES[key] = (is_view, set(await db.table_columns(table)), set([] if is_view else await db.primary_keys(table)))
    return _SHAPES[key]


def _facet_problem(key, value, columns, table):
    if value.startswith("{"):
        try:
            config = json.loads(value)
        except ValueError:
            return f"{key} holds malformed JSON"
        if not isinstance(config, dict) or not isinstance(config.get("simple", config.get("column")), str):
            return f'{key} must be a column name or {{"simple": "column"}}'
        value = config.get("simple", config.get("column"))
    if value not in columns:
        return f"{key} must name a column of {table}"
    return None


class _ClientGone(BaseException):  # not an Exception: Datasette's stream catches those and writes on
    pass


async def _stopping_when_gone(app, scope, receive, send):
    """Run a streaming GET, ending it at the next chunk once the client has disconnected."""
    gone = asyncio.Event()

    async def watch():
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    async def request_body():  # a GET has none; the watcher reads what the client sends
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send_while_there(message):
        if gone.is_set():
            raise _ClientGone()
        await send(message)

    watcher = asyncio.ensure_future(watch())
    try:
        await app(scope, request_body, send_while_there)
    except _ClientGone:
        pass
    finally:
        watcher.cancel()


def _is_stream(scope) -> bool:
    pairs = parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
    return any(key == "_stream" and value for key, value in pairs)


def _stream_in_large_pages(scope):
    if not scope["path"].endswith(".csv") or not _is_stream(scope):
        return scope
    pairs = parse_qsl(scope["query_string"].decode("utf-8", "replace"), keep_blank_values=True)
    if any(key == "_size" for key, _ in pairs):
        return scope
    return {**scope, "query_string": scope["query_string"] + b"&_size=max"}


def _is_json_list(value: str) -> bool:
    try:
        return isinstance(json.loads(value), list)
    except ValueError:
        return False


async def _refusal(datasette, scope, message):
    """The content type and body of a refused page, as Datasette answers its own 400s:
    JSON for a .json page, its error page for an HTML one (escaped, with the site's
    header), else text."""
    match = _TABLE_PATH.match(scope["path"])
    page = match.group("format") if match else None
    error = {"ok": False, "error": message, "status": 400, "title": None}
    if page == "json":
        return b"application/json; charset=utf-8", json.dumps(error).encode()
    if match and page is None:
        await datasette.invoke_startup()  # done once, by the first page that gets past here
        html = await datasette.render_template(["400.html", "error.html"], error)
        return b"text/html; charset=utf-8", html.encode()
    return b"text/plain; charset=utf-8", message.encode()


async def _send(send, status, headers, body=b""):
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


_PLAIN_TEXT = (b"content-type", b"text/plain; charset=utf-8")


def _is_offset(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) <= LARGEST


_QUOTE_ID = "(0|[1-9][0-9]{0,18})"
_QUOTES_NEXT, _QUOTES_NEXT_BY_ID = re.compile(rf"[^,]*,{_QUOTE_ID}"), re.compile(rf"{_QUOTE_ID},{_QUOTE_ID}")


def _is_quotes_next(value: str, by_id: bool) -> bool:
    """`_next` on the quotes table as Datasette writes it: the sort column's value
    (tilde-encoded, so with no comma; `$null`), a comma, the quote's id; sorted by id
    (newest first, the default), an id twice."""
    match = (_QUOTES_NEXT_BY_ID if by_id else _QUOTES_NEXT).fullmatch(value)
    return bool(match) and all(int(number) <= LARGEST for number in match.groups())


@hookimpl
def asgi_wrapper(datasette):
    def guard(app):
        async def wrapped(scope, receive, send):
            problem = None
            host = dict(scope.get("headers") or []).get(b"host")
            if scope.get("type") == "http" and scope.get("method") not in ("GET", "HEAD"):
                return await _send(send, 405, [_PLAIN_TEXT, (b"allow", b"GET, HEAD")],
                                   b"This site is read-only: GET and HEAD only.")
            if scope.get("type") == "http" and host is not None and not _HOST.match(host):
                return await _send(send, 400, [_PLAIN_TEXT], b"Bad request: the Host header is not a host name.")
            if scope.get("type") == "http" and scope.get("query_string"):
                problem = await _problem(datasette, scope["path"], scope["query_string"].decode("utf-8", "replace"))
                scope = _stream_in_large_pages(scope)
            if isinstance(problem, Redirect):
                return await _send(send, 302, [(b"location", problem.encode())])
            if problem:
                content_type, body = await _refusal(datasette, scope, f"Bad request: {problem}.")
                return await _send(send, 400, [(b"content-type", content_type)], body)
            if scope.get("type") == "http" and _is_stream(scope):
                return await _stopping_when_gone(app, scope, receive, send)
            await app(scope, receive, send)

        return wrapped

    return guard
