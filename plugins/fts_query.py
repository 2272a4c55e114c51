"""`fts_query(text)`: an SQL function that turns whatever a person typed into a
safe FTS5 query, for the table search (plugins/search_filter.py) and the canned
`search` query.

Every word becomes a quoted FTS5 string, so quote marks, brackets, AND/OR/NOT/NEAR
and column filters are matched as text, never parsed as syntax. A phrase in
balanced "double quotes" stays a phrase; a word ending in * is a prefix search.
Text with no words gives '""', which matches nothing instead of failing.
"""

import re

from datasette import hookimpl

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

