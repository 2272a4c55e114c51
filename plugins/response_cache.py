"""Keep recent responses in memory: the database is immutable, so a page never changes.

Popular pages (the home page, the quotes table, a search many people run, the
next page of a search) are answered from memory instead of running their SQL
again. Only anonymous GET requests answered 200 without setting a cookie are
kept; at most MAX_BYTES in all (keys, headers and bodies counted), least recently
used dropped first; a URL longer than MAX_URL_BYTES is never kept. A page during
which any query was interrupted by a time limit (a facet, a count) is never kept:
the next visitor gets a new try, not the degraded page. Each database's `execute`
notes an interruption in the request's context (`_interrupted`). A response from
memory carries `x-quotedb-cache: hit`.
"""

import contextvars
from collections import OrderedDict

from datasette import hookimpl
from datasette.database import QueryInterrupted

MAX_BYTES = 64 * 2**20
MAX_RESPONSE_BYTES = 2 * 2**20
MAX_URL_BYTES = 2_000
ENTRY_OVERHEAD = 500  # the entry's Python objects, roughly

# Set per request: a list that a query interrupted by its time limit appends to.
_interrupted = contextvars.ContextVar("quotedb_interrupted", default=None)


class ResponseCache:
    def __init__(self, max_bytes=MAX_BYTES):
        self.entries = OrderedDict()  # key -> (start message, body)
        self.size = 0
        self.max_bytes = max_bytes

    def get(self, key):
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key, start, body):
        if key in self.entries or len(body) > MAX_RESPONSE_BYTES:
            return
        self.entries[key] = (start, body)
        self.size += _entry_size(key, start, body)
        while self.size > self.max_bytes:
            dropped_key, (dropped_start, dropped_body) = self.entries.popitem(last=False)
            self.size -= _entry_size(dropped_key, dropped_start, dropped_body)


def _entry_size(key, start, body) -> int:
    headers = sum(len(name) + len(value) for name, value in start.get("headers", []))
    return sum(len(part or b"") for part in key[1:]) + headers + len(body) + ENTRY_OVERHEAD


def _cacheable_request(scope) -> bool:
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return False
    if len(scope.get("path", "")) + len(scope.get("query_string", b"")) > MAX_URL_BYTES:
        return False
    headers = dict(scope.get("headers") or [])
    return b"cookie" not in headers and b"authorization" not in headers


def _noting_interruptions(execute):
    async def execute_noting_interruptions(sql, params=None, **kwargs):
        try:
            return await execute(sql, params, **kwargs)
        except QueryInterrupted:
            noted = _interrupted.get()
            if noted is not None:
                noted.append(sql)
            raise

    return execute_noting_interruptions


@hookimpl
def startup(datasette):
    for db in datasette.databases.values():
        db.execute = _noting_interruptions(db.execute)


@hookimpl
def asgi_wrapper(datasette):
    if any(db.is_mutable for db in datasette.databases.values() if db.name != "_internal"):
        return None  # only an immutable site can answer from memory
    cache = ResponseCache()

    def wrap(app):
        async def cached_app(scope, receive, send):
            if not _cacheable_request(scope):
                return await app(scope, receive, send)
            headers = dict(scope.get("headers") or [])
            key = (scope.get("scheme"), headers.get(b"host"), scope["path"], scope.get("query_string", b""))
            entry = cache.get(key)
            if entry is not None:
                start, body = entry
                await send({**start, "headers": start["headers"] + [(b"x-quotedb-cache", b"hit")]})
                await send({"type": "http.response.body", "body": body})
                return
            captured = {"start": None, "body": [], "size": 0, "complete": False}

            async def capture(message):
                if message["type"] == "http.response.start":
                    captured["start"] = message
                elif message["type"] == "http.response.body" and captured["body"] is not None:
                    chunk = message.get("body", b"")
                    captured["size"] += len(chunk)
                    if captured["size"] > MAX_RESPONSE_BYTES:  # a download or a stream: not kept
                        captured["body"] = None
                    else:
                        captured["body"].append(chunk)
                        captured["complete"] = not message.get("more_body", False)
                await send(message)

            interrupted = []
            token = _interrupted.set(interrupted)
            try:
                await app(scope, receive, capture)
            finally:
                _interrupted.reset(token)
            start = captured["start"]
            if start and captured["body"] is not None and captured["complete"] and start["status"] == 200 and not any(
                name.lower() == b"set-cookie" for name, _ in start.get("headers", [])
            ):
                if not interrupted:
                    cache.put(key, start, b"".join(captured["body"]))

        return cached_app

    return wrap
