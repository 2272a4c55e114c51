"""Searches that never fail on what a person typed.

`fts_query(text)`, an SQL function for canned queries, turns any text into a safe
FTS5 query.

Every word becomes a quoted FTS5 string, so quote marks, brackets, AND/OR/NOT/NEAR
and column filters are matched as text, never parsed as syntax. A phrase in
balanced "double quotes" stays a phrase; a word ending in * is a prefix search.
Text with no words gives '""', which matches nothing instead of failing.

Table pages escape `?_search=` themselves, but a search of nothing but quote marks
(`"`), an empty search or a NUL byte still reaches SQLite as a broken query;
`search_never_fails` drops empty searches and makes wordless ones match nothing.
"""

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import escape_fts

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


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)


def _repair_query_string(query_string: str) -> str:
    """Drop empty searches; make searches with no words match nothing."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    repaired, raw = [], False
    for key, value in pairs:
        if key.startswith("_search") and key != "_searchmode":
            value = value.replace("\x00", " ")
            if not value.strip():
                continue
            if not escape_fts(value).strip():
                value, raw = '""', True
        repaired.append((key, value))
    if raw:
        repaired = [(k, v) for k, v in repaired if k != "_searchmode"] + [("_searchmode", "raw")]
    return urlencode(repaired) if repaired != pairs else query_string


@hookimpl
def asgi_wrapper():
    def search_never_fails(app):
        async def wrapped(scope, receive, send):
            if scope.get("type") == "http" and b"_search" in scope.get("query_string", b""):
                query_string = scope["query_string"].decode("utf-8", "replace")
                repaired = _repair_query_string(query_string)
                if repaired != query_string:
                    scope = {**scope, "query_string": repaired.encode("utf-8")}
            await app(scope, receive, send)

        return wrapped

    return search_never_fails
