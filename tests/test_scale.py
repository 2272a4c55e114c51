"""Behaviour that only shows on a larger corpus: complete searches, exact counts, facet windows, the benchmark."""

import asyncio
import html
import json
import re
import sqlite3
import subprocess
import sys
from urllib.parse import parse_qs, quote as urlquote, urlsplit

import pytest

from conftest import ROOT, SiteClient, follow_next, loaded_plugin, run_build

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench import vocabulary_connection  # noqa: E402
from generate import write_corpus  # noqa: E402

FACET_ROWS = 10_000  # plugins/counted_facets.py


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    directory = tmp_path_factory.mktemp("large")
    write_corpus(directory / "records", 12000)
    result = run_build(directory / "records", "--output", directory / "quotes.db")
    assert result.returncode == 0, result.stderr
    site = SiteClient(directory / "quotes.db")
    site.path = directory / "quotes.db"
    yield site
    site.close()


def most_common_term(path):
    conn = vocabulary_connection(path)
    return conn.execute("select term, doc from temp.vocab order by doc desc limit 1").fetchone()


def term_with_matches(path, low, high):
    conn = vocabulary_connection(path)
    return conn.execute("select term, doc from temp.vocab where doc between ? and ? order by doc desc limit 1",
                        [low, high]).fetchone()


def index_matches(path, query):
    """Every matching id, newest first, straight from the full-text index."""
    rows = sqlite3.connect(path).execute(
        "select rowid from quotes_fts where quotes_fts match ? order by rowid desc", [query])
    return [row[0] for row in rows]


@pytest.mark.parametrize("band", [(2001, 4000), (4001, 100000)])
def test_paging_through_a_search_yields_every_match_once_in_order(large, band):
    """More than 2,000 matches (the old cap): every one comes back, newest first, none twice,
    both for a word in a minority of quotes and for one in most of them."""
    term, matches = term_with_matches(large.path, *band)
    expected = index_matches(large.path, f'"{term}"')
    assert len(expected) == matches > 2000
    ids = [row[0] for row in follow_next(large, f"/quotes/quotes.json?_search={term}&_size=1000")]
    assert ids == expected
    array = large.json(f"/quotes/quotes.json?_search={term}&_shape=array&_size=max")
    assert [row["id"] for row in array] == expected[:1000]


def test_counts_are_exact_for_every_search(large):
    for term, matches in [most_common_term(large.path), term_with_matches(large.path, 2001, 4000),
                          term_with_matches(large.path, 1, 30)]:
        data = large.json(f"/quotes/quotes.json?_search={term}")
        assert data["filtered_table_rows_count"] == matches
        assert "newest" not in data["human_description_en"]
        html = large.get(f"/quotes/quotes?_search={term}").text
        assert f"{matches:,} quote" in html


def test_csv_stream_of_a_search_holds_every_match(large):
    term, matches = term_with_matches(large.path, 2001, 100000)
    response = large.get(f"/quotes/quotes.csv?_search={term}&_stream=on")  # pages of 1,000 by default
    assert response.status_code == 200
    ids = [int(line.split(",")[0]) for line in response.text.splitlines()[1:] if line[:1].isdigit()]
    assert ids == index_matches(large.path, f'"{term}"')


def test_only_csv_streams_read_large_pages(large):
    """`_stream=on` means something only to a CSV; a JSON page keeps the table's 50 rows."""
    data = large.json("/quotes/quotes.json?_stream=on")
    assert len(data["rows"]) == 50 and "_size" not in data["next_url"]


def test_facets_over_many_matches_are_counted_over_a_stated_window(large):
    term, matches = most_common_term(large.path)
    assert matches > FACET_ROWS
    data = large.json(f"/quotes/quotes.json?_search={term}&_facet_size=3")
    newest = index_matches(large.path, f'"{term}"')[:FACET_ROWS]
    conn = sqlite3.connect(large.path)
    kinds = dict(conn.execute(
        f"select kind, count(*) from quotes where id in ({','.join(map(str, newest))}) group by kind"))
    facet = data["facet_results"]["kind"]
    assert facet["exact"] is False and facet["counted_rows"] == FACET_ROWS
    assert {item["value"]: item["count"] for item in facet["results"]} == kinds
    html = large.get(f"/quotes/quotes?_search={term}").text
    assert f"newest {FACET_ROWS:,} of {matches:,}" in html


def test_facets_of_a_smaller_search_are_exact(large):
    term, matches = term_with_matches(large.path, 100, 2000)
    data = large.json(f"/quotes/quotes.json?_search={term}")
    conn = sqlite3.connect(large.path)
    years = conn.execute(
        "select year, count(*) c from quotes where id in (select rowid from quotes_fts where quotes_fts match ?) "
        "and year is not null group by year order by c desc, year limit 30", [f'"{term}"']).fetchall()
    facet = data["facet_results"]["year"]
    assert facet["exact"] is True and "counted_rows" not in facet
    assert [(item["value"], item["count"]) for item in facet["results"]] == years



def test_datasettes_own_facets_on_a_search_count_every_match(large):
    """A search on its own reads only its page from the index; a facet of Datasette's own
    (`_facet=`), which counts over the search's rows, must still see every match."""
    term, matches = term_with_matches(large.path, 1001, 4000)
    data = large.json(f"/quotes/quotes.json?_search={term}&_facet=said_precision")
    assert data["filtered_table_rows_count"] == matches and len(data["rows"]) == 50
    counted = {item["value"]: item["count"] for item in data["facet_results"]["said_precision"]["results"]}
    conn = sqlite3.connect(large.path)
    expected = dict(conn.execute(
        "select said_precision, count(*) from quotes where id in "
        "(select rowid from quotes_fts where quotes_fts match ?) group by said_precision", [f'"{term}"']))
    assert counted == expected and sum(counted.values()) == matches

def test_relevance_ranks_every_match_like_the_index(large):
    term, matches = term_with_matches(large.path, 1001, 4000)
    conn = sqlite3.connect(large.path)
    expected = [row[0] for row in conn.execute(
        "select rowid from quotes_fts where quotes_fts match ? order by bm25(quotes_fts, 10.0, 5.0, 5.0, 1.0, 1.0)",
        [f'"{term}"'])]
    redirect = large.get(f"/quotes/quotes.json?_search={term}&_sort=rank&_size=1000")
    assert redirect.status_code == 302
    location = redirect.headers["location"]
    assert location.startswith("/quotes/quotes_by_relevance.json?") and "_sort" not in location
    first = large.json(location)
    assert first["filtered_table_rows_count"] == matches
    ranks = [row[0] for row in first["rows"]]
    assert ranks == sorted(ranks)
    ids = [row[2] for row in follow_next(large, location)]
    assert sorted(ids) == sorted(expected) and len(set(ids)) == matches
    scores = dict(conn.execute(
        "select rowid, bm25(quotes_fts, 10.0, 5.0, 5.0, 1.0, 1.0) from quotes_fts where quotes_fts match ?", [f'"{term}"']))
    assert [scores[i] for i in ids] == sorted(scores[i] for i in ids)


def test_column_search_and_unknown_columns(large):
    term, _ = most_common_term(large.path)
    assert large.json(f"/quotes/quotes.json?_search_text={term}&_shape=array")
    assert large.get("/quotes/quotes.json?_search_nope=x").status_code == 400


def test_precounted_facets_equal_live_counts(large):
    data = large.json("/quotes/quotes.json?_facet_size=5")
    conn = sqlite3.connect(large.path)
    for column, facet in data["facet_results"].items():
        assert facet["exact"] is True
        if column == "outlets":  # a JSON list: a quote counts once under each outlet in it
            live = conn.execute(
                "select value, count(*) c from quotes, json_each(quotes.outlets) group by value "
                "order by c desc, value limit 5").fetchall()
        else:
            live = conn.execute(
                f"select [{column}], count(*) c from quotes where [{column}] is not null group by [{column}] "
                "order by c desc, [{column}] limit 5".replace("{column}", column)).fetchall()
        assert [(item["value"], item["count"]) for item in facet["results"]] == live
    filtered = large.json("/quotes/quotes.json?kind=full&_facet_size=3")
    live_kind = conn.execute("select count(*) from quotes where kind = 'full'").fetchone()[0]
    assert filtered["filtered_table_rows_count"] == live_kind
    assert filtered["facet_results"]["kind"]["results"][0]["count"] == live_kind
    assert filtered["facet_results"]["kind"]["exact"] is True


def test_benchmark_smoke():
    """bench.py end to end on a small corpus; the figures themselves are not judged here."""
    result = subprocess.run(
        [sys.executable, "benchmarks/bench.py", "--quotes", "20000", "--requests", "200", "--seconds", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.splitlines()[-1])
    for key in ["quotes", "build_s", "raw_build_s", "build_vs_raw", "search_p50_ms", "search_p95_ms",
                "search_rps", "search_rps_new", "deep_page_p95_ms", "facet_page_p95_ms", "db_mb", "peak_rss_mb"]:
        assert key in figures
    assert figures["quotes"] == 20000 and figures["search_errors"] == 0 and figures["search_rps_errors"] == 0
    assert figures["search_wrong_counts"] == 0 and figures["facets_timed_out"] == []
    assert figures["search_rps_new_cache_hits"] == 0 and figures["deep_page_errors"] == 0
    # each_search.py on the file it built: every search of the class, timed, slowest first
    database = ROOT / "benchmarks" / "data" / "bench-20000-reports-1.3" / "quotes.db"
    each = subprocess.run([sys.executable, "benchmarks/each_search.py", str(database), "phrase", "--per-class", "5"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert each.returncode == 0, each.stderr[-2000:]
    heading, *lines = each.stdout.splitlines()
    assert re.fullmatch(r"phrase: p95 \d+ ms, p50 \d+ ms", heading) and len(lines) == 5
    times = [int(line.split()[0]) for line in lines]
    assert times == sorted(times, reverse=True) and all(line.split(None, 1)[1].startswith('"') for line in lines)


def test_a_narrowed_search_considers_every_match(large):
    term, matches = most_common_term(large.path)
    conn = sqlite3.connect(large.path)
    oldest = conn.execute("select min(rowid) from quotes_fts where quotes_fts match ?", [term]).fetchone()[0]
    speaker = conn.execute("select speaker_id from quotes where id = ?", [oldest]).fetchone()[0]
    expected = [row[0] for row in conn.execute(
        "select id from quotes where speaker_id = ? and id in (select rowid from quotes_fts where quotes_fts match ?) "
        "order by id desc", [speaker, term])]
    data = large.json(f"/quotes/quotes.json?_search={term}&speaker_id={speaker}")
    assert data["filtered_table_rows_count"] == len(expected)
    ids = [row[0] for row in follow_next(large, f"/quotes/quotes.json?_search={term}&speaker_id={speaker}&_size=max")]
    assert ids == expected and oldest in ids


def recorded_sql(large, monkeypatch) -> list:
    """Every (sql, params) the site sends to the quotes database from now on."""
    large.get("/-/versions.json")  # the site started (plugins wrap each database's execute then)
    db = large.datasette.get_database("quotes")
    seen = []
    execute = db.execute

    async def recording(sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return await execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute", recording)
    return seen


def test_home_page_reads_no_more_rows_than_it_shows(large, monkeypatch):
    """No query behind `/` reads through the quotes: counts come from facet_counts, the date
    range from the index on `said`, the newest quotes by primary key (the one scan of quotes
    allowed is `order by id desc limit N`, which stops after N rows). Datasette's own table
    counts, `select count(*) from [table]`, run once for an immutable database, each stopped
    after 10 ms, and are left out."""
    seen = recorded_sql(large, monkeypatch)
    html = large.get("/?home-test").text
    assert "12,000</strong> quotes" in html and html.count('<li class="quote-card">') == 6
    assert any("facet_counts" in sql for sql, _ in seen), seen
    conn = sqlite3.connect(f"file:{large.path}?mode=ro", uri=True)
    for sql, params in seen:
        if re.fullmatch(r"select count\(\*\) from \[\w+\]", sql):
            continue
        plan = [row[3] for row in conn.execute("explain query plan " + sql, params or {})]
        scans = [step for step in plan if re.match(r"SCAN (quotes|quote_details)\b", step)]
        if scans:
            assert scans == ["SCAN quotes"] and re.search(r"order by id desc limit \d+$", sql), (sql, plan)


def test_speaker_pages_and_the_speakers_list_read_no_quotes_but_their_own(large, monkeypatch):
    """/speakers counts from facet_counts; a speaker's page reads that speaker's quotes by
    the index on speaker_id (and the page's quotes by id): no query scans all the quotes."""
    seen = recorded_sql(large, monkeypatch)
    conn = sqlite3.connect(f"file:{large.path}?mode=ro", uri=True)
    (speaker,) = conn.execute("select speaker_id from quotes group by speaker_id order by count(*) desc limit 1").fetchone()
    assert large.get("/speakers?scale-test").status_code == 200
    assert large.get(f"/speaker/{speaker}?scale-test").status_code == 200
    assert large.get(f"/speaker/{speaker}.atom?scale-test").status_code == 200
    assert seen
    for sql, params in seen:
        if re.fullmatch(r"select count\(\*\) from \[\w+\]", sql):
            continue
        plan = [row[3] for row in conn.execute("explain query plan " + sql, params or {})]
        assert not [step for step in plan if re.match(r"SCAN (quotes|quote_details)\b", step)], (sql, plan)


def test_the_unfiltered_table_page_reads_its_facets_from_the_precounts(large, monkeypatch):
    """The whole table's facets come from facet_counts, also for a column no quote has a
    value in (this corpus records no languages): no query counts through the quotes."""
    recorded = recorded_sql(large, monkeypatch)
    data = large.json("/quotes/quotes.json?_facet_size=3&_precount_test=1")
    assert data["facet_results"]["language"]["results"] == []
    assert all(facet["exact"] for facet in data["facet_results"].values())
    seen = [sql for sql, _ in recorded]
    assert any("from facet_counts" in sql for sql in seen)
    assert not [sql for sql in seen if "with matched" in sql], "facets were counted through the quotes"


def _facet_windows(recorded):
    return [sql for sql, _ in recorded if sql.startswith("with matched as materialized (select quotes.")]


def test_a_search_s_facets_are_counted_with_its_page_not_after_its_count(large, monkeypatch):
    """Datasette 0.65 asks for facets after the count; a search on its own has its facets
    begun with the page, so both run at once. The query begun is the one awaited: the
    facets are counted once, and match the index (the facet tests above check the values)."""
    recorded = recorded_sql(large, monkeypatch)
    term, matches = most_common_term(large.path)
    data = large.json(f"/quotes/quotes.json?_search={term}&_facet_size=4&_begin_test=1")
    assert data["facet_results"]["kind"]["counted_rows"] == FACET_ROWS < matches
    seen = [sql for sql, _ in recorded]
    count = next(i for i, sql in enumerate(seen) if sql.startswith("select count(*) from quotes where id in"))
    page = next(i for i, sql in enumerate(seen) if sql.startswith("select id, stable_id, text"))
    windows = [i for i, sql in enumerate(seen) if sql.startswith("with matched as materialized (select quotes.")]
    assert len(windows) == 1 and windows[0] < page < count, seen


def test_the_relevance_page_counts_its_facets_from_the_index_as_the_quotes_page_does(large, monkeypatch):
    """quotes_by_relevance holds the same quotes: its facets are the quotes page's, read from
    the index's newest matches (through the view they read every match: at a million
    quotes every facet of a common word timed out)."""
    recorded = recorded_sql(large, monkeypatch)
    term, matches = most_common_term(large.path)
    ranked = large.json(f"/quotes/quotes_by_relevance.json?_search={term}&_relevance_test=1")
    windows = _facet_windows(recorded)
    newest = large.json(f"/quotes/quotes.json?_search={term}&_relevance_test=1")
    assert len(windows) == 1 and not [sql for sql, _ in recorded if sql.startswith("with matched as materialized (select speaker_id")]
    def counts(data):
        return {name: (facet["exact"], [(item["value"], item["count"]) for item in facet["results"]])
                for name, facet in data["facet_results"].items()}

    assert counts(ranked) == counts(newest) and len(counts(ranked)) == 7
    assert ranked["facet_results"]["kind"]["counted_rows"] == FACET_ROWS < matches


@pytest.mark.parametrize("query, counted", [
    ("_search_speaker=Bai", 1),  # counted when Datasette asks, not begun
    ("_search={term}&_next=9000,9000", 0), ("_search={term}&_shape=array", 0),
    ("_search={term}&_shape=object", 0), ("_search={term}&_nofacet=1", 0),
])
def test_facets_are_begun_only_for_a_page_that_shows_them(large, monkeypatch, query, counted):
    recorded = recorded_sql(large, monkeypatch)
    term, _ = most_common_term(large.path)
    response = large.get("/quotes/quotes.json?" + query.format(term=term) + "&_begin_test=2")
    assert response.status_code == 200
    assert len(_facet_windows(recorded)) == counted
    csv = large.get(f"/quotes/quotes.csv?_search={term}&_begin_test=3")
    assert csv.status_code == 200 and len(_facet_windows(recorded)) == counted


def test_facets_begun_for_a_page_that_never_asks_for_them_end_quietly(large, monkeypatch, caplog):
    """A page that ends before its facets (refused after they were begun, or its client
    gone) leaves the begun query to end on its own; its failure (here its time limit) is
    not logged as an exception nobody retrieved."""
    import gc
    import weakref

    from datasette.utils.asgi import Request

    large.get("/-/versions.json")  # the site started
    plugin = loaded_plugin("counted_facets.py")
    monkeypatch.setitem(large.datasette._settings, "facet_time_limit_ms", 1)
    term, _ = most_common_term(large.path)
    request = Request.fake(f"/quotes/quotes.json?_search={term}")
    large.loop.run_until_complete(plugin.filters_from_request(request, "quotes", "quotes", large.datasette)())
    task = weakref.ref(plugin._BEGUN[request][1])
    del request  # nothing will ask for the facets
    for _ in range(100):
        if task() is None or task().done():  # done() does not take the outcome
            break
        large.loop.run_until_complete(asyncio.sleep(0.02))
    large.loop.run_until_complete(asyncio.sleep(0))
    gc.collect()
    assert task() is None and "never retrieved" not in caplog.text


def test_a_bad_page_size_is_refused_before_a_search_s_facets_begin(large, monkeypatch):
    recorded = recorded_sql(large, monkeypatch)
    term, _ = most_common_term(large.path)
    for size in ("bad", "-1", "1001", "1.5"):
        response = large.get(f"/quotes/quotes.json?_search={term}&_size={size}")
        assert response.status_code == 400 and "_size must be" in response.text
    assert not [sql for sql, _ in recorded if "quotes_fts" in sql]  # not a facet, nor anything else of the search


def test_counted_facets_on_a_searched_table_other_than_quotes(large):
    """`_facet_counted` on the speakers table with a search counts the speakers found (it
    read the quotes' index, and failed)."""
    conn = sqlite3.connect(large.path)
    name = conn.execute("select name from speakers limit 1").fetchone()[0].split()[-1]
    data = large.json(f"/quotes/speakers.json?_search={urlquote(name)}&_facet_counted=kind")
    expected = dict(conn.execute(
        "select kind, count(*) from speakers where rowid in (select rowid from speakers_fts where speakers_fts match ?) "
        "group by kind", [f'"{name}"']))
    assert data["filtered_table_rows_count"] == sum(expected.values()) > 0
    assert {item["value"]: item["count"] for item in data["facet_results"]["kind"]["results"]} == expected


@pytest.mark.parametrize("next_value", ["9798,10298", "9798,9830", "10298,9798", "9798,9798"])
def test_any_next_value_pages_as_datasette_reads_it(large, next_value):
    """A search reads its page from the index only for `_next` as Datasette writes it; any
    other value of that form (VALUE,ID) gives what Datasette's own reading of it gives with
    the plain clause (`_facet_size=` keeps a page on the plain clause)."""
    term, matches = term_with_matches(large.path, 2001, 4000)
    path = f"/quotes/quotes.json?_search={term}&_sort_desc=id&_next={urlquote(next_value)}&_shape=objects"
    fast, plain = large.json(path), large.json(path + "&_facet_size=10")
    assert [row["id"] for row in fast["rows"]] == [row["id"] for row in plain["rows"]]
    assert fast["next"] == plain["next"] and fast["filtered_table_rows_count"] == matches


@pytest.mark.parametrize("next_value", ["9798.5,9798.5", "+9798,+9798", "9798e0,9798e0", "0009798,0009798",
                                        "~39798,~39798", "9798,abc", "abc,9798", "9798", ",", "-5,-5"])
def test_a_next_value_datasette_never_writes_is_refused_on_either_path(large, next_value):
    """Datasette read these as bounds of its own (an empty page, a whole count): the guard
    refuses them before either way of reading a page (plugins/request_guard.py)."""
    term, _ = term_with_matches(large.path, 2001, 4000)
    path = f"/quotes/quotes.json?_search={term}&_sort_desc=id&_next={urlquote(next_value)}&_shape=objects"
    for page in (path, path + "&_facet_size=10"):
        answer = large.get(page)
        assert answer.status_code == 400 and "_next must be as the page's next_url gives it" in answer.json()["error"]


def test_the_page_reading_sql_on_the_sql_page_counts_what_it_selects(large):
    """The table page's own count is answered from the index; the same SQL typed on the SQL
    page is run as written."""
    term, _ = most_common_term(large.path)
    sql = ("select count(*) from quotes where id in (select rowid from [quotes_fts] where [quotes_fts] match :search "
           "and rowid < :search_below order by rowid desc limit :search_rows) ")
    path = f"/quotes.json?sql={urlquote(sql)}&search={urlquote(chr(34) + term + chr(34))}&search_below=100000&search_rows=5"
    assert large.json(path + "&_shape=arrays")["rows"] == [[5]]


@pytest.mark.parametrize("view", ["", "&_view=table"])
def test_view_and_edit_sql_selects_every_match(large, view):
    """The page reads one page of the index, but the SQL it offers to edit selects every match."""
    term, matches = term_with_matches(large.path, 2001, 4000)
    page = large.get(f"/quotes/quotes?_search={term}{view}").text
    link = html.unescape(re.search(r'href="(/quotes\?sql=[^"]*)"', page).group(1))
    sql = parse_qs(urlsplit(link).query)["sql"][0]
    assert "_below" not in link and "_rows" not in link
    count = "select count(*) from (" + sql.rsplit(" limit ", 1)[0] + ")"
    data = large.json(f"/quotes.json?sql={urlquote(count)}&search={urlquote(chr(34) + term + chr(34))}&_shape=arrays")
    assert data["rows"] == [[matches]]


@pytest.mark.parametrize("name", ["_searchfoo", "_searchmode", "_searchmode_x"])
def test_only_search_and_search_column_arguments_search(large, name):
    """`_search` and `_search_<column>` search; other names beginning so are ignored, as
    Datasette ignores arguments it does not know."""
    everything = large.json("/quotes/quotes.json?_size=1")
    data = large.json(f"/quotes/quotes.json?{name}=ba&_size=1")
    assert data["filtered_table_rows_count"] == everything["filtered_table_rows_count"] == 12000


@pytest.mark.parametrize("parts", [1, 2, 3, 7])
def test_a_count_in_parts_is_the_index_count(large, parts):
    """The count of a search is read from the index in ranges of rowids at once (one a core):
    their sum is the index's count, for a word in most quotes, a phrase, a rare word and
    none, whatever the number of ranges."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("search_plugin", ROOT / "plugins" / "search.py")
    search = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(search)
    large.get("/-/versions.json")
    db = large.datasette.get_database("quotes")
    conn = sqlite3.connect(large.path)
    top = conn.execute("select max(id) from quotes").fetchone()[0]
    common, _ = most_common_term(large.path)
    rare, _ = term_with_matches(large.path, 1, 30)
    phrase = conn.execute("select text from quotes where id = ?", [top // 2]).fetchone()[0].split()[2:4]
    for words in [common, f'"{" ".join(phrase)}"', rare, "nosuchwordzz"]:
        query = search.fts_query(words)
        expected = conn.execute("select count(*) from quotes_fts where quotes_fts match ?", [query]).fetchone()[0]
        counted = large.loop.run_until_complete(search._count_in_parts(
            db.execute, "select count(*) from [quotes_fts] where [quotes_fts] match :search", "search", query,
            top, parts))
        assert counted == expected, (words, parts)
    assert expected == 0 and top > 10_000


def _recording_counts(site, counted):
    """Note `site` in `counted` each time it counts a search in the index."""
    db = site.datasette.get_database("quotes")
    execute = db.execute

    async def recording(sql, params=None, **kwargs):
        if sql.startswith("select count(*) from [quotes_fts] where [quotes_fts] match"):
            counted.append(site)
        return await execute(sql, params, **kwargs)

    db.execute = recording  # before the site starts: the search plugin's counting calls it


@pytest.mark.parametrize("shared_from, counted_by", [(1, "the first"), (10**9, "each")])
def test_the_server_s_processes_share_the_counts_they_make(large, tmp_path, monkeypatch, shared_from, counted_by):
    """Under `quotedb serve` (which names the file), the next page of a search served by
    another process is not counted again; a count below SHARED_FROM is."""
    search = loaded_plugin("search.py")
    monkeypatch.setattr(search.SharedCounts, "SHARED_FROM", shared_from)
    monkeypatch.setenv(search.SharedCounts.ENVIRONMENT, str(tmp_path / "counts.db"))
    term, matches = most_common_term(large.path)
    first, second = processes = [SiteClient(large.path) for _ in range(2)]
    counted = []
    for site in processes:
        _recording_counts(site, counted)
    page = first.json(f"/quotes/quotes.json?_search={term}")
    assert page["filtered_table_rows_count"] == matches and set(counted) == {first}
    following = second.json(page["next_url"].replace("http://localhost", ""))
    assert following["filtered_table_rows_count"] == matches
    assert set(counted) == ({first} if counted_by == "the first" else {first, second})
    for site in processes:
        site.close()


def test_a_count_file_that_cannot_be_opened_leaves_each_process_counting(large, tmp_path, monkeypatch):
    search = loaded_plugin("search.py")
    monkeypatch.setattr(search.SharedCounts, "SHARED_FROM", 1)
    monkeypatch.setenv(search.SharedCounts.ENVIRONMENT, str(tmp_path / "no such folder" / "counts.db"))
    term, matches = most_common_term(large.path)
    processes = [SiteClient(large.path) for _ in range(2)]
    counted = []
    for site in processes:
        _recording_counts(site, counted)
        assert site.json(f"/quotes/quotes.json?_search={term}")["filtered_table_rows_count"] == matches
        site.close()
    assert set(counted) == set(processes)


def test_the_shared_counts_file_keeps_the_newest_counts_of_searches_of_bounded_length(large, tmp_path, monkeypatch):
    """The count query typed on the SQL page is counted as a search, with any text: a long
    one is not kept, and only the newest SHARED_KEPT counts are, so the file stays small."""
    from types import SimpleNamespace

    large.get("/-/versions.json")  # the plugins loaded
    search = loaded_plugin("search.py")
    monkeypatch.setattr(search.SharedCounts, "SHARED_FROM", 1)
    monkeypatch.setattr(search.SharedCounts, "SHARED_KEPT", 5)
    counts = search.SharedCounts(tmp_path / "counts.db").of(SimpleNamespace(path=str(large.path), is_mutable=False))
    query = "select count(*) from [quotes_fts] where [quotes_fts] match :search"
    counts.put(query, '"ba" ' + "x" * search.SharedCounts.SHARED_LONGEST, 7)
    for number in range(12):
        counts.put(query, f'"word{number}"', 100 + number)
    kept = sqlite3.connect(tmp_path / "counts.db").execute("select search, count from counts order by n").fetchall()
    assert kept == [(f'"word{number}"', 100 + number) for number in range(7, 12)]
    assert counts.get(query, '"word11"') == 111 and counts.get(query, '"word6"') is None


def test_processes_opening_a_new_counts_file_at_once_all_share_it(large, tmp_path):
    """The first to turn on WAL takes a lock the others found taken at once (no wait)."""
    import multiprocessing

    large.get("/-/versions.json")
    search = loaded_plugin("search.py")
    context = multiprocessing.get_context("fork")
    for attempt in range(5):
        path = tmp_path / f"counts{attempt}.db"
        barrier = context.Barrier(8)
        results = context.Queue()

        def opening():
            barrier.wait()
            try:
                search.SharedCounts(path)
                results.put("shared")
            except sqlite3.Error as error:
                results.put(str(error))

        processes = [context.Process(target=opening) for _ in range(8)]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=30) for _ in processes]
        for process in processes:
            process.join()
        assert outcomes == ["shared"] * 8


@pytest.mark.parametrize("cores, parts", [("1", 1), ("2", 2)])
def test_a_count_is_made_in_one_part_a_core_the_server_counted(large, monkeypatch, cores, parts):
    """`python -m quotedb serve` counts the cores a CPU quota leaves it (QUOTEDB_CORES); the
    plugin, which cannot read the quota, counts a search in one part each."""
    monkeypatch.setenv("QUOTEDB_CORES", cores)
    site, counted = SiteClient(large.path), []
    _recording_counts(site, counted)
    term, matches = most_common_term(large.path)
    assert site.json(f"/quotes/quotes.json?_search={term}")["filtered_table_rows_count"] == matches
    assert len(counted) == parts
    site.close()
