"""The public site under attack (issue 12): limits on every connection, the response
cache's bounds, refused parameters, no Host header in the output, any database name."""

import importlib.util
import json
import re
import shutil
from urllib.parse import quote as urlquote

import pytest

from conftest import ROOT, SiteClient, follow_next, loaded_plugin


@pytest.mark.parametrize("path", [
    "/quotes.json?sql=" + urlquote("select count(*) from quotes where randomblob(200000000) is not null"),
    "/quotes/quotes.json?_where=" + urlquote("randomblob(900000000) is not null"),
    "/quotes.json?sql=" + urlquote("select length(hex(zeroblob(499000000)))"),
    "/quotes.json?sql=" + urlquote("select length(replace(hex(randomblob(400000)), '0', hex(randomblob(400000))))"),
])
def test_huge_values_are_refused(client, path):
    """Refused by the size limit (benchmarks/attack.py measures how fast, and the memory)."""
    response = client.get(path)
    assert response.status_code == 400
    assert "too big" in response.text


@pytest.mark.parametrize("path", [
    "/quotes/quotes?_sort=rowid", "/quotes/quotes?_sort_desc=rowid", "/quotes/articles?_sort_desc=rowid",
    "/quotes/quote_details?_next=99999999999999999999999", "/quotes/quote_search?_next=99999999999999999999999",
    "/quotes/quote_details?_next=%C2%B2", "/quotes/quotes?year__gt=99999999999999999999999",
    "/quotes/quotes?id__gt=-99999999999999999999999", "/quotes/quotes?_facet=%7B%7D",
    "/quotes/quotes?_facet=" + urlquote('{"array":"text"}'), "/quotes/quotes?_facet=" + urlquote('{"simple":1}'),
    "/quotes/quotes?_facet_counted=" + urlquote("kind'); --"),
    "/quotes/quotes?" + "&".join(["_facet=speaker_id"] * 11),
    "/quotes/quotes?" + "&".join(["_facet=speaker_id"] * 700),
    "/quotes/quotes.json?_sort=id&_sort_desc=id", "/quotes/quotes_by_relevance.json?_search=a&_sort=id&_sort_desc=id",
    "/quotes/quotes.json?_through=max", "/quotes/quotes.json?_through=%7B%7D", "/quotes/quotes?_timelimit=1.5",
    "/quotes/quotes.json?_size=bad", "/quotes/quotes.json?_search=a&_size=-1", "/quotes/quotes.json?_size=1001",
    # a filter on no column gave no rows, an unknown operation every row: wrong answers to a typo
    "/quotes/quotes.json?speakr_id=john-kirby", "/quotes/quotes.json?speaker_id__bogus=x",
    "/quotes/quote_details.json?speakr=x", "/quotes/~71uotes.csv?kindd=full", "/quotes/quotes.json?_x__exact=1",
    "/quotes/quotes?_size=%C2%B2", "/quotes/quotes_by_relevance.json?_search=a&_size=1.5",
    "/quotes/quotes?_through=" + urlquote('{"table":"x","column":"y","value":"z"}'),
    "/quotes/quotes.json?speaker_id__in=%5B", "/quotes/quotes.json?year__notin=%5B1%2C",
    "/quotes/quotes.json?said__gte=%C2%B9", "/quotes/quotes.json?year__lt=%D9%A3",
    "/quotes/quotes.json?_where=%3F", "/quotes/quotes.csljson?_where=%3F", "/quotes/quotes.csv?_where=%3F",
    # names as Datasette reads them (~71 is q, ~5F is _): the same checks
    "/quotes/quote~5Fdetails?_next=abc", "/~71uotes/quotes_by_relevance?_search=a&_next=abc",
    # on the quotes table, a _next Datasette did not write: it read them as an empty page
    "/quotes/quotes.json?_next=5", "/quotes/quotes.json?_next=abc", "/quotes/quotes.json?_next=5%2Cabc",
    "/quotes/quotes.json?_next=5%2C-5", "/quotes/quotes.json?_next=5%2C5%2C5",
    "/quotes/quotes.json?_next=1%2C99999999999999999999", "/quotes/~71uotes.json?_search=a&_next=5",
    "/quotes/quotes.json?_next=abc%2C5", "/quotes/quotes.json?_next=%2C5", "/quotes/quotes.json?_sort=id&_next=24~2C5%2C5",
    # the column a page is sorted by, hidden: Datasette could not read where the next page starts (a 500)
    "/quotes/quotes?_nocol=said&_sort_desc=said&_size=3", "/quotes/appearances?_nocol=said&_sort=said&_size=3",
    "/quotes/quotes.json?_col=text&_sort=said", "/quotes/quotes.json?_sort=rank&_searchmode=raw",
    "/quotes/articles?_nocol=published", "/quotes/articles.json?_col=outlet_id",  # sorted by published (metadata)
    "/quotes/facet_counts.json?_sort=value", "/quotes/facet_counts?_sort_desc=value",  # not sortable: Datasette's 500
    "/quotes/quote_details?_sort=rowid", "/quotes/quote_details.json?_sort_desc=rowid",  # a view has no rowid to sort by
    "/quotes/quotes_by_relevance?_search=russia&_col=text", "/quotes/quotes_by_relevance?_search=russia&_nocol=id",
    "/quotes/~71uotes?_search=a&_sort=nope", "/quotes/~71uotes?id__gt=99999999999999999999",
    "/quotes/~71uotes?" + "&".join(["_facet=text"] * 11),
])
def test_bad_parameters_answer_400(client, path):
    response = client.get(path)
    assert response.status_code == 400, response.text[:300]


@pytest.mark.parametrize("path", [
    "/quotes/quotes?_search=+&_next=29951%2C29951&_sort_desc=id", "/quotes/quotes.json?_search_text=%20&_next=5%2C5",
    "/quotes/quotes.json?_search_speaker=&_next=5%2C5", "/quotes/quotes.json?_search=+",
])
def test_blank_searches_list_everything(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("size", [3, 5])
@pytest.mark.parametrize("sort", ["", "&_sort=said", "&_sort_desc=said", "&_sort=role", "&_sort=id", "&_search=the",
                                  "&_sort=venue_id&kind=full", "&_sort_desc=reports", "&_sort_desc=kind&_search=Kirby"])
def test_following_next_url_gives_every_quote_once(client, sort, size):
    """Sort values with nulls ($null), dates, text with commas (tilde-encoded) pass the
    guard, and pages of a sort by a column where many quotes share a value neither
    repeat nor skip one (plugins/stable_sort.py)."""
    seen = [row[0] for row in follow_next(client, f"/quotes/quotes.json?_size={size}{sort}")]
    assert len(seen) == len(set(seen)) == client.json(f"/quotes/quotes.json?_size=0{sort}")["filtered_table_rows_count"]


@pytest.mark.parametrize("path", [
    "/quotes/quotes.json?_sort_desc=said&_next=abc%2C5", "/quotes/quotes.json?_col=text&_sort=id&_size=3",
    "/quotes/quotes.json?_col=said&_sort=said&_size=3", "/quotes/quotes?_nocol=text&_sort_desc=said&_size=3",
    "/quotes/facet_counts?_sort_desc=rowid", "/quotes/facet_counts.json?_sort=count&_size=3",  # Datasette's own links
    "/quotes/facet_counts?_col=count&_size=3&_sort_desc=rowid", "/quotes/quotes_by_relevance.json?_search=russia&_col=text",
    "/quotes/quote_details.json?_sort_desc=said&_nocol=said",  # a view pages by offset: nothing to read from the rows
])
def test_what_the_guard_lets_through_is_answered(client, path):
    assert client.get(path).status_code == 200


def test_a_refused_page_answers_as_datasette_answers_its_own_400s(client):
    """JSON for a .json page, the site's error page for an HTML one, with what was typed
    escaped; text for a CSV."""
    answer = client.get("/quotes/quotes.json?_size=1001")
    assert answer.status_code == 400 and answer.headers["content-type"].startswith("application/json")
    assert answer.json() == {"ok": False, "status": 400, "title": None,
                             "error": "Bad request: _size must be a whole number up to 1000, or max."}
    page = client.get("/quotes/quotes?" + urlquote("<script>alert(1)</script>") + "=x")
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "quotes has no column &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;" in page.text
    assert "<script>alert" not in page.text
    assert '<a href="/quotes/quotes">Quotes</a>' in page.text and "<h1>Error 400</h1>" in page.text
    csv = client.get("/quotes/quotes.csv?_size=1001")
    assert (csv.status_code, csv.headers["content-type"]) == (400, "text/plain; charset=utf-8")


@pytest.mark.parametrize("path", ["/quotes/quotes/99999", "/nowhere", "/quotes/quotes?_size=5000"])
def test_an_error_page_keeps_the_site_header_and_footer(client, path):
    """Datasette's own error pages (404) as well as ours: a way home, to the quotes and the
    speakers, and the footer's Datasette version."""
    page = client.get(path)
    assert page.status_code in (400, 404)
    header = page.text.split("<header>")[1].split("</header>")[0]
    assert '<a href="/">home</a>' in header and '<a href="/quotes/quotes">Quotes</a>' in header
    assert '<a href="/speakers">Speakers</a>' in header and 'title="Datasette v0.65.5"' in page.text


@pytest.mark.parametrize("path", ["/quotes/quotes", "/quotes/quotes.json", "/quotes/search", "/quotes/quotes_by_relevance?_search=a"])
def test_the_site_is_read_only(client, path):
    response = client.datasette.client  # Datasette's own client: a POST as a browser would send it
    answer = client.loop.run_until_complete(response.post(path, data={"q": "x"}))
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD"


def test_a_csv_whose_query_outlasts_its_time_limit_is_a_400(client):
    slow = urlquote("(with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c) > 0")
    assert client.get(f"/quotes/quotes.csv?_where={slow}&_timelimit=50").status_code == 400
    assert client.get(f"/quotes/quotes.csv?_where={slow}&_timelimit=50&_stream=on").status_code == 400


def test_ten_facets_are_still_allowed(client):
    assert client.get("/quotes/quotes.json?" + "&".join(["_facet=role"] * 4)).status_code == 200


def test_citations_never_copy_the_host_header(client):
    for path in ["/quotes/quotes/19.citation", "/quotes/quotes.csljson?_search=Kirby", "/quotes/quotes/19"]:
        response = client.get(path, headers={"host": "evil.example"})
        assert response.status_code == 200
        ours = response.text.split('<script type="application/ld+json">')[-1].split("</script>")[0]
        assert re.search(r"/quote/[0-9a-f]{32}\b", ours) and "evil.example" not in ours
        hostile = client.get(path, headers={"host": "evil.example>[x](javascript:alert(1))"})
        assert hostile.status_code == 400 and "javascript:" not in hostile.text


def test_citations_of_a_list_that_is_not_quotes_are_404(client):
    assert client.get("/quotes/most_quoted.csljson").status_code == 404
    assert client.get("/quotes/most_quoted.citation").status_code == 404


def test_a_database_served_under_another_name_works(seed_db, tmp_path):
    other = tmp_path / "other.db"
    shutil.copy(seed_db, other)
    site = SiteClient(other)
    try:
        assert site.get("/other/quotes?_sort=nope").status_code == 400
        rows = site.json("/other/quotes.json?_search=Nabenzia&_shape=array")
        assert rows and all(row["speaker_id"] == "vassily-nebenzia" for row in rows)
        assert site.get("/speaker/vassily-nebenzia").status_code == 200
        assert site.get("/other/quotes/19.citation").status_code == 200
        assert site.get("/other/quotes/19").status_code == 200
    finally:
        site.close()


def load_cache_plugin():
    spec = importlib.util.spec_from_file_location("response_cache_plugin", ROOT / "plugins" / "response_cache.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cache_counts_keys_and_headers_not_only_bodies():
    cache_module = load_cache_plugin()
    cache = cache_module.ResponseCache(max_bytes=1_000_000)
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
    for n in range(5000):
        cache.put(("http", b"localhost", "/x", b"q=" + b"a" * 1500 + str(n).encode()), start, b"{}")
    assert cache.size <= 1_000_000
    assert len(cache.entries) < 1000  # each entry costs its 1.5 KB key, not its 2-byte body


def run_cached_app(cache_module, body, status=200, query=b"a=1", path="/quotes/quotes.json", interrupt=False):
    """Two identical requests through the cache wrapping an app that answers `body`,
    after running a query through a database's execute (interrupted, if asked)."""
    import asyncio

    from datasette.database import QueryInterrupted

    class Site:
        databases = {}

    async def execute(sql, params=None, **kwargs):
        if interrupt:
            raise QueryInterrupted(None, sql, params)
        return []

    execute = cache_module._noting_interruptions(execute)

    async def app(scope, receive, send):
        try:
            await execute("select count(*) from quotes")
        except QueryInterrupted:
            pass  # as Datasette does for a count or a facet: the page goes on without it
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    wrapped = cache_module.asgi_wrapper(Site())(app)
    hits = []

    async def one():
        sent = []

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": path, "query_string": query, "headers": [], "scheme": "http"}
        await wrapped(scope, None, send)
        hits.append((b"x-quotedb-cache", b"hit") in sent[0]["headers"])

    loop = asyncio.new_event_loop()
    loop.run_until_complete(one())
    loop.run_until_complete(one())
    loop.close()
    return hits


def test_cache_keeps_good_pages_only():
    cache_module = load_cache_plugin()
    page = json.dumps({"rows": [], "facet_results": {}, "filtered_table_rows_count": 3}).encode()
    assert run_cached_app(cache_module, page) == [False, True]
    assert run_cached_app(cache_module, page, interrupt=True) == [False, False]
    assert run_cached_app(cache_module, page, status=404) == [False, False]
    assert run_cached_app(cache_module, page, query=b"q=" + b"x" * 3000) == [False, False]


def test_robots_keep_crawlers_to_quote_and_speaker_pages(client, seed_conn):
    robots = client.get("/robots.txt").text
    assert "Disallow: /*?" in robots and "Sitemap: /sitemap.xml" in robots
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and "application/xml" in index.headers["content-type"]
    assert "sitemap-speakers.xml" in index.text and "sitemap-quotes-1.xml" in index.text
    quotes = client.get("/sitemap-quotes-1.xml").text
    ids = [row[0] for row in seed_conn.execute("select id from quotes order by id")]
    assert quotes.count("<url>") == len(ids) and f"<loc>/quotes/quotes/{ids[-1]}</loc>" in quotes
    speakers = client.get("/sitemap-speakers.xml").text
    assert "<loc>/speaker/vassily-nebenzia</loc>" in speakers and "<loc>/speakers</loc>" in speakers
    assert client.get("/sitemap-quotes-2.xml").status_code == 404
    assert client.get("/sitemap-quotes-%C2%B2.xml").status_code in (302, 404)  # never a 500


@pytest.mark.parametrize("path", ["/-/threads", "/-/threads.json", "/-/allow-debug"])
def test_tools_for_the_operator_are_not_public(client, path):
    assert client.get(path).status_code == 404


def test_a_result_too_big_for_memory_is_refused(client):
    columns = ", ".join(f"zeroblob(900000) as c{n}" for n in range(60))
    rows = " union all ".join(["select 0"] * 6)
    response = client.get("/quotes.json?sql=" + urlquote(f"select {columns} from ({rows})"))
    assert response.status_code == 400 and "result too big" in response.text
    response = client.get("/quotes/quotes.json?_where=" + urlquote("length(zeroblob(900000)) > 0") + "&_size=max"
                          "&_col=text&_nofacet=1")
    assert response.status_code == 200  # values within the limit, a result within the limit


def test_unknown_tables_are_not_remembered(client):
    """Names that are not tables are answered (404), not kept: any name can be asked for."""
    import re

    for n in range(3):
        assert client.get(f"/quotes/{'x' * 5000}{n}?a=1").status_code == 404
    guard = loaded_plugin("request_guard.py")
    assert not any(re.fullmatch("x+[0-9]", table) for _, table in guard._SHAPES)


def test_a_stream_stops_when_its_client_goes_away():
    """Datasette goes on streaming a CSV for nobody; the guard ends it at the next chunk."""
    import asyncio

    spec = importlib.util.spec_from_file_location("request_guard_plugin", ROOT / "plugins" / "request_guard.py")
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    produced = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for n in range(1000):
            produced.append(n)
            await send({"type": "http.response.body", "body": b"row\n", "more_body": True})
            await asyncio.sleep(0.001)
        await send({"type": "http.response.body", "body": b""})

    async def run():
        disconnected = asyncio.Event()
        received = []

        async def receive():
            await disconnected.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            received.append(message)
            if len(received) == 5:
                disconnected.set()  # the client goes away after a few rows

        scope = {"type": "http", "method": "GET", "path": "/quotes/quotes.csv", "headers": [],
                 "query_string": b"_search=a&%5Fstream=on"}
        assert guard._is_stream(scope)  # as Datasette reads the parameter, encoded or not
        await guard._stopping_when_gone(app, scope, receive, send)

    asyncio.run(run())
    assert 4 <= len(produced) < 20


def test_other_digits_are_searchable_text(client):
    """Only the numeric filters (__gt, __gte, __lt, __lte) turn digits into numbers."""
    assert client.get("/quotes/quotes.json?text__contains=%C2%B9").status_code == 200
