"""The published site, through Datasette's own client with the real metadata, settings and plugins."""

import json
import re
from urllib.parse import quote as urlquote

import pytest

from conftest import loaded_plugin

NEBENZIA = "vassily-nebenzia"


def speakers_of(rows):
    return {row["speaker_id"] for row in rows}


@pytest.mark.parametrize("term", ["Nabenzia", "Nebenzia", "Vassily Nebenzia", "Небензя", "nebenzia"])
def test_table_search_finds_a_speaker_under_any_spelling(client, term):
    rows = client.json(f"/quotes/quotes.json?_search={urlquote(term)}&_shape=array")
    assert speakers_of(rows) == {NEBENZIA}
    assert len(rows) == 2


def test_search_stems_and_folds_apostrophes(client):
    assert speakers_of(client.json("/quotes/quotes.json?_search=munition&_shape=array")) == {NEBENZIA}
    for term in ["Russia's", "Russia\u2019s"]:
        rows = client.json(f"/quotes/quotes.json?_search={urlquote(term)}&_shape=array")
        assert [row["id"] for row in rows] == [23]


def test_table_default_sort_facets_and_counts(client):
    data = client.json("/quotes/quotes.json?_facet_size=50")
    assert data["human_description_en"] == "sorted by id descending"  # ids follow the date said
    facets = data["facet_results"]
    assert list(facets) == ["speaker_id", "kind", "venue_id", "outlets", "year", "month", "language"]
    outlets = {item["value"]: item["count"] for item in facets["outlets"]["results"]}
    assert outlets == {"World Socialist Web Site": 24}
    assert facets["outlets"]["results"][0]["toggle_url"].endswith(
        "outlets__arraycontains=World+Socialist+Web+Site")
    assert {item["value"]: item["count"] for item in facets["language"]["results"]} == {"en": 24}
    kinds = {item["value"]: item["count"] for item in facets["kind"]["results"]}
    assert kinds == {"full": 8, "partial": 8, "paraphrase": 8}
    speakers = {item["label"]: item["count"] for item in facets["speaker_id"]["results"]}
    assert speakers["Viktor Yahun"] == 5 and speakers["Vassily Nebenzia"] == 2
    venues = {item["label"]: item["count"] for item in facets["venue_id"]["results"]}
    assert venues["Espresso TV"] == 5
    years = {item["value"]: item["count"] for item in facets["year"]["results"]}
    assert years == {2023: 3, 2024: 5}
    dates = [row[data["columns"].index("said")] for row in data["rows"]]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True) and dates[0] == "2024-01-05"


def test_a_facet_narrows_the_search(client):
    rows = client.json("/quotes/quotes.json?_search=people&kind=full&_shape=array")
    assert {row["kind"] for row in rows} == {"full"} and rows
    assert speakers_of(rows) == {"valerii-zaluzhnyi", "viktor-yahun", "john-kirby"}


def test_foreign_keys_show_labels(client):
    data = client.json("/quotes/quotes.json?id=19&_shape=array&_labels=on")
    (row,) = data
    assert row["speaker_id"] == {"value": NEBENZIA, "label": "Vassily Nebenzia"}
    assert row["venue_id"]["label"] == "UN Security Council meeting"


def test_search_canned_query_ranks_and_marks_matches(client):
    rows = client.json("/quotes/search.json?q=Nabenzia&_shape=array")
    assert {row["speaker"] for row in rows} == {"Vassily Nebenzia"}
    assert all("\u27e6Nabenzia\u27e7" in row["names"] for row in rows)
    rows = client.json("/quotes/search.json?q=munitions&_shape=array")
    assert rows[0]["quote"].endswith("used cluster \u27e6munitions\u27e7,")
    html = client.get("/quotes/search?q=munitions").text
    assert "cluster <mark>munitions</mark>," in html


@pytest.mark.parametrize(
    "term", ['"', '""', "NEAR(", "*", "a AND", "OR", "text:foo", "-x", "(", ")", "^", "x" * 5000,
             '"unbalanced phrase', "<script>alert(1)</script>", "'; drop table quotes; --", "\u0000", ""],
)
def test_search_never_errors_on_hostile_terms(client, term):
    for path in [f"/quotes/search.json?q={urlquote(term)}&_shape=array",
                 f"/quotes/quotes.json?_search={urlquote(term)}&_shape=array",
                 f"/quotes/quotes?_search={urlquote(term)}",
                 f"/quotes/search?q={urlquote(term)}"]:
        response = client.get(path)
        if len(term) > 500 and "_search=" in path:  # refused, not cut (see below)
            assert response.status_code == 400 and "at most 500 characters" in response.text
            continue
        assert response.status_code == 200, (path, response.text[:300])
        assert "<script>alert(1)</script>" not in response.text


def test_search_syntax_phrases_and_prefixes(client):
    phrase = client.json("/quotes/search.json?q=%22cluster+munitions%22&_shape=array")
    assert [row["id"] for row in phrase] == [19]
    assert client.json("/quotes/search.json?q=%22munitions+cluster%22&_shape=array") == []
    prefix = client.json("/quotes/search.json?q=conscr*&_shape=array")
    assert {row["speaker"] for row in prefix} == {"Volodymyr Zelensky"}
    assert client.json("/quotes/search.json?q=conscr&_shape=array") == []


def test_other_canned_queries(client):
    timeline = client.json("/quotes/speaker_timeline.json?speaker=Nabenzia&_shape=array")
    assert [row["said"] for row in timeline] == ["2023-12-31", "2023-12-31"]
    assert client.json("/quotes/speaker_timeline.json?speaker=vassily-nebenzia&_shape=array") == timeline
    # any listed spelling, whole, in any capitals and with the spaces a paste leaves
    assert client.json("/quotes/speaker_timeline.json?speaker=+vasily+NEBENZYA+&_shape=array") == timeline
    assert client.json("/quotes/speaker_timeline.json?speaker=Nebenzya&_shape=array") == []  # part of a spelling
    months = client.json("/quotes/quotes_per_month.json?speaker=&_shape=array")
    assert months == [{"month": "2023-11", "quotes": 1}, {"month": "2023-12", "quotes": 2}, {"month": "2024-01", "quotes": 5}]
    assert client.json("/quotes/quotes_per_month.json?speaker=john-kirby&_shape=array") == [{"month": "2024-01", "quotes": 3}]
    for spelling in ["Kirby", "john+kirby", "+JOHN+KIRBY+"]:  # as the timeline takes them
        assert client.json(f"/quotes/quotes_per_month.json?speaker={spelling}&_shape=array") == [{"month": "2024-01", "quotes": 3}]
    assert client.json("/quotes/quotes_per_month.json?speaker=+&_shape=array") == months  # blank: everyone
    most = client.json("/quotes/most_quoted.json?_shape=array")
    assert (most[0]["name"], most[0]["quotes"]) == ("Viktor Yahun", 5)
    via = client.json("/quotes/reported_via.json?_shape=array")
    assert {(row["speaker"], row["reported_via"], row["published_by"]) for row in via} == {
        ("Valerii Zaluzhnyi", "New Voice", "World Socialist Web Site")}


def test_chart_queries_draw_their_chart_on_the_server(client):
    import re

    html = client.get("/quotes").text
    assert 'href="/quotes/quotes_per_month"' in html  # a plain link: the page draws its own chart
    for path, bars in [("/quotes/quotes_per_month", ["Nov 2023: 1", "Dec 2023: 2", "Jan 2024: 5"]),
                       ("/quotes/quotes_per_month?speaker=john-kirby", ["Jan 2024: 3"])]:
        html = client.get(path).text
        assert re.findall(r'<rect class="bar"[^>]*><title>([^<]*)</title>', html) == bars, path
    assert '<rect class="bar"' not in client.get("/quotes/quotes_per_month?speaker=nobody").text
    assert '<details class="query-sql"><summary>The SQL</summary>' in client.get("/quotes/search?q=x").text


def test_bar_chart_fills_the_months_between(client):
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("charts", ROOT / "plugins" / "charts.py")
    charts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(charts)
    chart = charts.bar_chart([{"m": "2023-11", "n": 2}, {"m": "2024-02", "n": 4}], "m", "n")
    assert [(bar["label"], bar["value"]) for bar in chart["bars"]] == [
        ("Nov 2023", 2), ("Dec 2023", 0), ("Jan 2024", 0), ("Feb 2024", 4)]
    assert chart["bars"][3]["height"] == 2 * chart["bars"][0]["height"] > 0
    (one,) = charts.bar_chart([{"m": "2023-11", "n": 1}], "m", "n")["bars"]
    assert one["height"] > 0 and one["width"] > 0
    assert charts.bar_chart([], "m", "n") is None
    assert charts.bar_chart([{"m": "a", "n": "not a number"}], "m", "n") is None
    years = charts.bar_chart([{"m": "1990-01", "n": 1}, {"m": "2026-12", "n": 1}], "m", "n")["bars"]
    assert len(years) == 37 and years[0]["label"] == "1990"  # too many months: by year


def test_quote_cells_render_as_attributed_quotations(client):
    html = client.get("/quotes/quotes/19").text
    assert '<figure class="quote quote-full"><blockquote>In order to increase' in html
    assert '<a href="/speaker/vassily-nebenzia">Vassily Nebenzia</a> (as Nabenzia), Russian ambassador to the UN' in html
    assert "Ukraine continues strikes on Russian city of Belgorod</a></cite>, World Socialist Web Site, 2024-01-07" in html


def test_speaker_page(client):
    response = client.get("/speaker/vassily-nebenzia")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Vassily Nebenzia</h1>" in html
    assert "<li>Nabenzia</li>" in html and "<h2>2 quotes</h2>" in html
    assert "<title>Dec 2023: 2</title>" in html  # the chart's one bar
    assert "UN Security Council meeting</a> <span class=\"count\">(2)</span>" in html
    assert "<tr><td>Russian ambassador to the UN</td>\n    <td>31 December 2023</td>" in html
    assert "World Socialist Web Site <span class=\"count\">(2)</span>" in html
    assert html.count('<li class="quote-card">') == 2
    assert '<link rel="alternate" type="application/atom+xml" title="Quotes by Vassily Nebenzia" href="/speaker/vassily-nebenzia.atom">' in html
    data = client.json("/speaker/vladimir-putin.json")
    assert data["speaker"]["wikidata"] == "Q7747" and data["quote_count"] == 1
    assert 'href="https://www.wikidata.org/wiki/Q7747"' in client.get("/speaker/vladimir-putin").text
    assert client.get("/speaker/nobody-at-all").status_code == 404
    # one month of quotes, and two with no month: a chart of one bar, and a note
    zaluzhnyi = client.get("/speaker/valerii-zaluzhnyi").text
    assert zaluzhnyi.count('<rect class="bar"') == 1 and "2 quotes are dated only to the year, or not at all" in zaluzhnyi
    assert "No quote with a known month." in client.get("/speaker/viktor-yahun").text


def test_speaker_pages_are_paged(client):
    plugin = loaded_plugin("speaker_page.py")
    old, plugin.PAGE_SIZE = plugin.PAGE_SIZE, 2
    try:  # `paged` keeps these answers apart from any the response cache holds
        first = client.json("/speaker/viktor-yahun.json?paged=1")
        assert first["pages"] == 3 and [q["id"] for q in first["quotes"]] == [16, 15]
        third = client.json("/speaker/viktor-yahun.json?page=3&paged=1")
        assert [q["id"] for q in third["quotes"]] == [12]
        html = client.get("/speaker/viktor-yahun?page=2&paged=1").text
        assert 'href="?page=1#quotes" rel="prev"' in html and 'href="?page=3#quotes" rel="next"' in html
        assert client.get("/speaker/viktor-yahun?page=4&paged=1").status_code == 404
    finally:
        plugin.PAGE_SIZE = old
    for page in ["0", "x", "-1", "99999999999999999999", "\u0661"]:
        assert client.get(f"/speaker/viktor-yahun?page={urlquote(page)}").status_code == 400, page


def test_every_speaker_is_listed_with_their_number_of_quotes(client):
    import re

    html = client.get("/speakers").text
    items = re.findall(r'<li><a href="/speaker/([a-z0-9-]+)">([^<]*)</a>\s*<span class="count">([0-9,]+) quotes?</span>', html)
    assert len(items) == 14
    assert ("viktor-yahun", "Viktor Yahun", "5") in items and ("vladimir-putin", "Vladimir Putin", "1") in items
    assert [name for _, name, _ in items] == sorted((name for _, name, _ in items), key=str.lower)
    by_count = client.json("/speakers.json?sort=quotes")["speakers"]
    assert [s["quotes"] for s in by_count] == sorted((s["quotes"] for s in by_count), reverse=True)
    assert sum(s["quotes"] for s in by_count) == 24
    assert client.get("/speakers?sort=nonsense").status_code == 400
    redirect = client.get("/speaker/")
    assert redirect.status_code == 302 and redirect.headers["location"] == "/speakers"


def test_markdown_citations(client):
    response = client.get("/quotes/quotes.citation?_search=Nabenzia")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/markdown")
    citations = response.text.strip().split("\n\n")
    assert len(citations) == 2
    assert citations[0].splitlines()[:3] == [
        # Nebenzia spoke Russian: the record says so (translated_from: ru), and so does the citation
        "> “In order to increase the number of casualties of the terrorist attack they used cluster munitions,” "
        "(translated from Russian)",
        ">",
        "> — Vassily Nebenzia, Russian ambassador to the UN, UN Security Council meeting, 2023-12-31. "
        "In “Ukraine continues strikes on Russian city of Belgorod”, *World Socialist Web Site*, Jason Melanovski, 2024-01-07.",
    ]
    kirby = client.get("/quotes/quotes/24.citation").text
    assert "Iran and the DPRK \\[North Korea\\] are standing" in kirby and "translated" not in kirby
    assert client.get("/quotes/quotes/5.citation").text.splitlines()[0].endswith("Kraken regiment (paraphrase)")
    via = client.get("/quotes/reported_via.citation").text
    assert via.count("citing New Voice") == 2


def test_a_citation_says_translated_only_of_words_in_another_language_than_spoken(client):
    translated_from = loaded_plugin("citations.py").translated_from
    assert translated_from({"translated_from": "ru", "language": "en"}) == "ru"
    assert translated_from({"translated_from": "ru", "language": "ru"}) is None  # a report printing the words spoken
    assert translated_from({"translated_from": None, "language": "en"}) is None


def stable_id(conn, quote_id):
    return conn.execute("select stable_id from quotes where id = ?", [quote_id]).fetchone()[0]


def test_csl_json_citations(client, seed_conn):
    items = client.json("/quotes/quotes/19.csljson")
    lasting = stable_id(seed_conn, 19)
    assert items == [{
        "id": f"quotedb-{lasting}", "type": "speech",
        "title": "In order to increase the number of casualties of the terrorist attack they used cluster munitions,",
        "author": [{"literal": "Vassily Nebenzia"}], "genre": "quotation",
        "event-title": "UN Security Council meeting", "issued": {"date-parts": [[2023, 12, 31]]},
        "container-title": "Ukraine continues strikes on Russian city of Belgorod",
        "publisher": "World Socialist Web Site", "language": "en",
        "note": "Translated from Russian; Role: Russian ambassador to the UN; Quoted in “Ukraine continues strikes on Russian city of Belgorod”, "
                f"World Socialist Web Site, 2024-01-07; Date as given: last Sunday; quotedb: /quote/{lasting}",
    }]
    assert len(client.json("/quotes/search.csljson?q=Kirby")) == 3


def test_a_lasting_link_leads_to_its_quote_in_every_format(client, seed_conn):
    quotes = seed_conn.execute("select id, stable_id from quotes").fetchall()
    assert len({lasting for _, lasting in quotes}) == len(quotes) == 24
    for quote_id, lasting in quotes:
        assert re.fullmatch(r"[0-9a-f]{32}", lasting)
        response = client.get(f"/quote/{lasting}")
        assert response.status_code == 302 and response.headers["location"] == f"/quotes/quotes/{quote_id}"
    quote_id, lasting = quotes[18]
    ((report_id, article),) = seed_conn.execute("select id, article_id from appearances where quote_id = ?", [quote_id])
    assert article == "2024-01-07-wsws-belgorod-strikes"
    for asked, location in [
        (f"/quote/{lasting}.json?_shape=array", f"/quotes/quotes/{quote_id}.json?_shape=array"),
        (f"/quote/{lasting.upper()}.citation", f"/quotes/quotes/{quote_id}.citation"),
        # one report of it, by its article (report ids may move): as ?appearance= on its page
        (f"/quote/{lasting}.csljson?article=2024-01-07-wsws-belgorod-strikes&_x=%26",
         f"/quotes/quotes/{quote_id}.csljson?_x=%26&appearance={report_id}"),
        (f"/quote/{lasting}?article={article}", f"/quotes/quotes/{quote_id}?appearance={report_id}#report-{report_id}"),
        (f"/quote/{lasting}.json?article={article}&_shape=array", f"/quotes/appearances/{report_id}.json?_shape=array"),
    ]:
        response = client.get(asked)
        assert response.status_code == 302 and response.headers["location"] == location, asked
    for refused in [f"/quote/{lasting}.citation?appearance={report_id}", f"/quote/{'0' * 32}?appearance=1",
                    f"/quote/{lasting}?article={article}&article={article}"]:
        response = client.get(refused)
        assert response.status_code == 400 and "?article=" in response.text, refused
    unreported = client.get(f"/quote/{lasting}.citation?article=2024-01-08-elsewhere")
    assert unreported.status_code == 404 and "did not report this quote" in unreported.text
    hostile = client.get(f"/quote/{lasting}?article={urlquote('<script>alert(1)</script>')}")
    assert hostile.status_code == 404 and "&lt;script&gt;alert(1)" in hostile.text and "<script>alert" not in hostile.text
    (row,) = client.json(f"/quotes/quotes/{quote_id}.json?_shape=array")
    assert row["stable_id"] == lasting
    (report,) = client.json(f"/quotes/appearances/{report_id}.json?_shape=array")
    assert report["quote_id"] == quote_id and report["article_id"] == article
    # the quote page and its citation give the lasting link
    page = client.get(f"/quotes/quotes/{quote_id}").text
    assert f'Lasting link: <a href="/quote/{lasting}">/quote/{lasting}</a>' in page
    assert json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])["@id"] == f"/quote/{lasting}"
    assert client.get(f"/quotes/quotes/{quote_id}.citation").text.endswith(f"> quotedb: /quote/{lasting}\n")
    # a stable id no quote has: a 404 that says why; anything else is no stable id
    missing = client.get("/quote/" + "0" * 32)
    assert missing.status_code == 404 and "may have been corrected" in missing.text
    for other in ["0" * 31, "0" * 33, "g" * 32, lasting + ".csv"]:
        assert client.get(f"/quote/{other}").status_code == 404, other


def test_citation_formats_are_offered_only_for_quotes(client):
    assert ".citation" in client.get("/quotes/quotes/19").text
    response = client.get("/quotes/speakers.citation")
    assert response.status_code == 404 and "only for quotes" in response.text


@pytest.mark.parametrize("path, title", [
    # a tab or a bookmark names the quote: its speaker and opening words, quoted unless paraphrased
    ("/quotes/quotes/19", "Vassily Nebenzia: “In order to increase the number of casualties of the terrorist attack they used…”: quotedb"),
    ("/quotes/quotes/5", "Russian media, paraphrased: the attacks were ordered personally by Zelensky and carried out by the head of…: quotedb"),
    ("/quotes/speaker_timeline?speaker=Nabenzia", "A speaker&#39;s quotes over time: quotedb"),  # not its SQL
])
def test_pages_are_titled_by_what_they_show(client, path, title):
    assert f"<title>{title}</title>" in client.get(path).text


def test_quote_page_has_quotation_json_ld(client):
    html = client.get("/quotes/quotes/19").text
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    data = json.loads(html[start: html.index("</script>", start)])
    assert data["@type"] == "Quotation"
    assert data["text"].startswith("In order to increase")
    assert data["spokenByCharacter"] == {"@type": "Person", "name": "Vassily Nebenzia"}
    assert data["dateCreated"] == "2023-12-31"
    assert data["isPartOf"]["publisher"]["name"] == "World Socialist Web Site"
    assert data["recordedAt"]["name"] == "UN Security Council meeting"
    assert (data["inLanguage"], data["translationOfWork"]) == ("en", {"@type": "Quotation", "inLanguage": "ru"})


def test_atom_feed_of_newest_quotes(client, seed_conn):
    response = client.get("/quotes/newest_quotes.atom")
    assert response.status_code == 200 and "xml" in response.headers["content-type"]
    assert response.text.count("<entry>") == 24
    assert f"<id>quotedb:quote:{stable_id(seed_conn, 24)}</id>" in response.text


def test_whole_database_downloads(client, seed_db):
    response = client.get("/quotes.db")
    assert response.status_code == 200
    assert response.content == seed_db.read_bytes()


def test_site_is_read_only_with_public_settings(client):
    settings = client.json("/-/settings.json")
    assert settings["sql_time_limit_ms"] == 2000 and settings["max_returned_rows"] == 1000
    assert settings["suggest_facets"] is False
    databases = client.json("/-/databases.json")
    assert databases[0]["name"] == "quotes" and databases[0]["is_mutable"] is False
    assert client.get("/quotes?sql=delete+from+quotes").status_code == 400
    plugins = {plugin["name"] for plugin in client.json("/-/plugins.json")}
    assert {"datasette-vega", "datasette-atom", "citations.py", "speaker_page.py"} <= plugins


def test_every_api_example_in_the_readme_works(client):
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"curl (-O |-L )?'http://127\.0\.0\.1:8001(/[^']*)'", readme)
    assert len(examples) >= 8
    for option, path in examples:
        response = client.get(path)
        if option == "-L ":  # curl follows the redirect
            assert response.status_code == 302, path
            response = client.get(response.headers["location"])
        assert response.status_code == 200, path
        if ".json" in path and "_shape=array" in path:
            assert response.json(), f"{path} returned no rows"


def test_settings_options_for_publishing():
    import subprocess
    import sys

    from conftest import ROOT

    output = subprocess.run([sys.executable, "-m", "quotedb", "settings"], cwd=ROOT, capture_output=True, text=True, check=True)
    settings = json.loads((ROOT / "settings.json").read_text())
    assert output.stdout.split().count("--setting") == len(settings)
    assert "--setting suggest_facets false" in output.stdout


def test_repeated_requests_are_answered_from_memory(client):
    first = client.get("/quotes/quotes.json?_search=Kirby&_cache_probe=1")
    second = client.get("/quotes/quotes.json?_search=Kirby&_cache_probe=1")
    assert first.status_code == second.status_code == 200
    assert "x-quotedb-cache" not in first.headers and second.headers["x-quotedb-cache"] == "hit"
    assert first.content == second.content
    assert "x-quotedb-cache" not in client.get("/quotes/quotes.json?_search=Kirby&_cache_probe=1",
                                               headers={"cookie": "a=b"}).headers



def test_the_response_cache_is_bounded():
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("response_cache", ROOT / "plugins" / "response_cache.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    key = lambda n: ("http", b"localhost", "/", str(n).encode())  # noqa: E731
    entry = module._entry_size(key(0), {"status": 200}, b"x" * 300)
    cache = module.ResponseCache(max_bytes=3 * entry)
    for n in range(5):
        cache.put(key(n), {"status": 200}, b"x" * 300)
    assert list(cache.entries) == [key(2), key(3), key(4)] and cache.size == 3 * entry
    cache.get(key(2))
    cache.put(key(5), {"status": 200}, b"y" * 300)
    assert list(cache.entries) == [key(4), key(2), key(5)]
    cache.put(key(6), {"status": 200}, b"z" * (module.MAX_RESPONSE_BYTES + 1))
    assert key(6) not in cache.entries


def registered_functions(client):
    """The SQL functions the site's plugins add to a connection (beyond SQLite's own)."""
    import sqlite3

    from datasette.plugins import pm

    def names(conn):
        return {row[0] for row in conn.execute("select name from pragma_function_list")}

    plain, prepared = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    pm.hook.prepare_connection(conn=prepared, database="quotes", datasette=client.datasette)
    try:
        return sorted(names(prepared) - names(plain))
    finally:
        plain.close()
        prepared.close()


HOSTILE_ARGUMENTS = [
    "'quotes_fts] where [quotes_fts] match fts_query(?) union all select 1 --'",
    "(with recursive c(x) as (select 1 union all select x+1 from c limit 30000000) select count(*) from c)",
    "null", "x'00ff'", "1e308", "-9223372036854775808", "'\"'", "'{text} : NEAR(a b)'", "'*'",
]


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_every_registered_sql_function_binds_its_arguments(client):
    """Each function the plugins register, called through the public ?sql= with hostile
    arguments, answers with a result or a clean 400: none runs SQL of its own, and none
    fails inside SQLite (an exception there is only printed, as an unraisable one)."""
    functions = registered_functions(client)
    assert "fts_query" in functions and "matching_ids" not in functions
    for name in functions:
        for argument in HOSTILE_ARGUMENTS:
            for arity in (1, 2, 3):
                sql = f"select {name}({', '.join([argument] * arity)})"
                response = client.get(f"/quotes.json?sql={urlquote(sql)}&_shape=array")
                assert response.status_code in (200, 400), (sql, response.status_code)


@pytest.mark.parametrize("spelling", ["Nabenzia", "Vasily Nabenzia", "Vassily Nebenzia", "nebenzia"])
def test_speaker_column_search_finds_every_spelling(client, seed_conn, spelling):
    expected = {row[0] for row in seed_conn.execute("select id from quotes where speaker_id = 'vassily-nebenzia'")}
    rows = client.json(f"/quotes/quotes.json?_search_speaker={urlquote(spelling)}&_shape=array&_size=max")
    assert {row["id"] for row in rows} == expected
    assert client.json("/quotes/quotes.json?_search_speaker=cluster&_shape=array") == []


def test_relevance_page_needs_a_search_and_shows_best_matches_first(client):
    assert client.get("/quotes/quotes_by_relevance").status_code == 400
    for blank in ["", "&_search=+", "&_search_speaker="]:  # said at once, not after a redirect to it
        unranked = client.get(f"/quotes/quotes.json?_sort=rank{blank}")
        assert unranked.status_code == 400 and "add _search=words" in unranked.json()["error"]
    response = client.get("/quotes/quotes?_search=cluster+munitions&_sort=rank")
    assert response.status_code == 302
    html = client.get(response.headers["location"]).text
    assert "cluster munitions" in html and "<h1>Quotes, best matches first</h1>" in html
    rows = client.json("/quotes/quotes_by_relevance.json?_search=Nabenzia&_shape=array")
    assert {row["speaker_id"] for row in rows} == {NEBENZIA}
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)


@pytest.mark.parametrize("path", [
    "/", "/quotes", "/quotes/quotes", "/quotes/quotes?_search=Nabenzia", "/quotes/quotes/19",
    "/speaker/vassily-nebenzia", "/quotes/search?q=munitions", "/quotes/quotes_per_month?speaker=",
    "/speaker/nobody-at-all",
])
def test_every_page_declares_its_language(client, path):
    html = client.get(path).text
    assert html.lstrip().startswith("<!DOCTYPE html>\n<html lang=\"en\">"), html[:200]


def test_home_page_is_a_way_into_the_quotes(client):
    html = client.get("/").text
    assert '<form class="home-search" action="/quotes/quotes" method="get" role="search">' in html
    assert '<input type="search" id="home-search-input" name="_search"' in html
    assert '<label for="home-search-input">' in html
    totals = html[html.index('<p class="home-totals">'):]
    totals = " ".join(totals[:totals.index("</p>")].replace("<strong>", "").replace("</strong>", "").split())
    assert totals.endswith("24 quotes by 14 speakers, from 1 outlet, said between November 2023 and 5 January 2024.")
    # the newest quotes as quotation cards, newest first, the markup of the table's cells
    cards = html.split('<li class="quote-card">')[1:]
    assert len(cards) == 6
    assert cards[0].startswith('<figure class="quote quote-full"><blockquote>Iran and the DPRK')
    assert 'href="/quotes/quotes/24"' in cards[0] and 'href="/quotes/quotes/19"' in cards[-1]
    assert '<a href="/speaker/vassily-nebenzia">Vassily Nebenzia</a> (as Nabenzia)' in cards[-1]
    # most quoted, and ways in by outlet, venue and year, with their counts
    assert '<li><a href="/speaker/viktor-yahun">Viktor Yahun</a> <span class="count">5</span></li>' in html
    assert html.index("/speaker/viktor-yahun") < html.index('id="home-outlets"')
    assert ('<a href="/quotes/quotes?outlets__arraycontains=World%20Socialist%20Web%20Site">World Socialist Web Site</a>'
            ' <span class="count">24</span>') in html
    assert '<a href="/quotes/quotes?venue_id=' in html and ">Espresso TV</a> <span class=\"count\">5</span>" in html
    assert html.index('href="/quotes/quotes?year=2024">2024</a>') < html.index('href="/quotes/quotes?year=2023">2023</a>')
    assert 'href="/quotes.db" download>Download the whole database</a>' in html
    # Datasette's list of databases and tables stays on the page
    assert '<a href="#datasette-databases">' in html and 'id="datasette-databases"' in html
    assert 'href="/quotes">quotes</a>' in html and '<a href="/quotes/speakers"' in html


def test_home_page_lists_undated_quotes_when_no_quote_has_a_year(tmp_path):
    from conftest import ARTICLE, SPEAKERS, SiteClient, run_build, write_records

    records = write_records(tmp_path / "records", {"speakers.yml": SPEAKERS,
                                                   "a.yml": ARTICLE.replace("    said: 2023-12-31\n", "")})
    assert run_build(records, "--output", tmp_path / "quotes.db").returncode == 0
    site = SiteClient(tmp_path / "quotes.db")
    try:
        html = site.get("/").text
    finally:
        site.close()
    assert '<a href="/quotes/quotes?year__isnull=1">Year unknown</a> <span class="count">1</span>' in html


def test_home_page_links_lead_where_they_say(client):
    html = client.get("/").text
    assert client.json("/quotes/quotes.json?outlets__arraycontains=World%20Socialist%20Web%20Site&_size=0")[
        "filtered_table_rows_count"] == 24
    assert client.json("/quotes/quotes.json?year=2023&_size=0")["filtered_table_rows_count"] == 3
    # the years add up to every quote: those with no known year are listed too, and found
    assert '<a href="/quotes/quotes?year__isnull=1">Year unknown</a> <span class="count">16</span>' in html
    assert client.json("/quotes/quotes.json?year__isnull=1&_size=0")["filtered_table_rows_count"] == 16
    assert client.get("/quotes/most_quoted").status_code == 200
    assert client.json("/.json")["quotes"]["tables_count"] == 7  # the index's JSON is Datasette's own
    assert 'href="/speakers?sort=quotes">Everyone, by number of quotes</a>' in html


def facet_titles_and_items(html):
    """[(title, [item text, ...]), ...] of the facets shown on a table page."""
    import re

    facets = []
    for block in html.split('<div class="facet-info ')[1:]:
        title = re.search(r"<strong>([^<]*)", block).group(1).strip()
        items = [re.sub(r"<[^>]+>", "", re.split(r"</a>|&middot;", item)[0]).strip()
                 for item in re.findall(r"<li>(.*?)</li>", block, re.S)]
        facets.append((title, items))
    return facets


def test_facets_have_plain_titles_and_names(client):
    facets = dict(facet_titles_and_items(client.get("/quotes/quotes").text))
    assert set(facets) == {"Speaker", "Kind", "Venue", "Outlet", "Year", "Month", "Language"}
    assert "Vassily Nebenzia" in facets["Speaker"] and "vassily-nebenzia" not in facets["Speaker"]
    assert "Espresso TV" in facets["Venue"] and facets["Outlet"] == ["World Socialist Web Site"]
    searched = dict(facet_titles_and_items(client.get("/quotes/quotes?_search=Nabenzia").text))
    assert searched["Speaker"] == ["Vassily Nebenzia"] and searched["Venue"] == ["UN Security Council meeting"]


def test_empty_facets_are_not_shown(client):
    # Russian media's one quote has no venue and no date: no Venue, Year or Month facet
    facets = facet_titles_and_items(client.get("/quotes/quotes?speaker_id=russian-media").text)
    assert facets == [("Speaker", ["Russian media"]), ("Outlet", ["World Socialist Web Site"]), ("Kind", ["paraphrase"]),
                      ("Language", ["en"])]
    assert 'class="facet-info' not in client.get("/quotes/quotes?_search=zzzznothing").text


@pytest.mark.parametrize("path", ["/quotes/quotes/19.citation", "/quotes/quotes.csljson?_search=Kirby"])
def test_citations_carry_one_content_type(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert len(response.headers.get_list("content-type")) == 1


def test_atom_titles_are_cut_at_a_word_with_an_ellipsis(client, seed_conn):
    import html
    import re

    feed = client.get("/quotes/newest_quotes.atom").text
    texts = {row[0]: row[1] for row in seed_conn.execute(
        "select speakers.name || ': ' || quotes.text, length(quotes.text) from quotes join speakers on speakers.id = quotes.speaker_id")}
    titles = [html.unescape(t) for t in re.findall(r"<entry>.*?<title>(.*?)</title>", feed, re.S)]
    assert len(titles) == len(texts)
    cut = [t for t in titles if t not in texts]
    assert cut, "the seed has quotes over 120 characters"
    for title in cut:
        assert title.endswith("…")
        whole = next(text for text in texts if text.startswith(title[:-1]))
        assert whole[len(title) - 1] in " ,;:", title  # the cut falls between words


def test_search_results_are_cards_first(client):
    html = client.get("/quotes/quotes?_search=Nabenzia").text
    cards = html.split('<li class="quote-card">')[1:]
    assert len(cards) == 2
    first = cards[0]
    assert first.startswith('<figure class="quote quote-full"><blockquote>In order to increase')
    assert '<a href="/speaker/vassily-nebenzia">Vassily Nebenzia</a> (as Nabenzia), <span class="quote-role">Russian ambassador to the UN</span>' in first
    assert '<span class="quote-when">31 December 2023 (&ldquo;last Sunday&rdquo;)</span>' in first
    assert '<span class="quote-venue">UN Security Council meeting</span>' in first
    assert '<span class="quote-kind">full quote</span>' in first
    assert "World Socialist Web Site: <cite><a href=" in first and "Belgorod</a></cite>, 7 January 2024" in first
    assert '<a class="quote-card-link" href="/quotes/quotes/19">' in first
    # the cards come before the facets, the folded column descriptions and the table's SQL
    assert html.index('<li class="quote-card">') < html.index('class="facet-info') < html.index('<details class="more-tools">')
    assert html.index('<details class="more-tools">') < html.index("The exact words as printed")
    assert "CREATE TABLE" not in html  # the SQL is one click away, on the plain table
    # newest first, with the switch to best match first, the plain table and the feed
    assert '<strong aria-current="page">newest first</strong> | <a href="/quotes/quotes_by_relevance?_search=Nabenzia">best match first</a>' in html
    assert '<a href="/quotes/quotes?_search=Nabenzia&amp;_view=table">Show as a table</a>' in html
    assert '<a class="feed-link" href="/search.atom?q=Nabenzia">' in html
    relevance = client.get("/quotes/quotes_by_relevance?_search=Nabenzia").text
    assert '<a href="/quotes/quotes?_search=Nabenzia">newest first</a> | <strong aria-current="page">best match first</strong>' in relevance
    assert relevance.count('<li class="quote-card">') == 2


def test_dates_kinds_and_unknown_dates_are_written_for_people(client):
    html = client.get("/quotes/quotes?speaker_id=valerii-zaluzhnyi").text
    assert '<span class="quote-when">November 2023 (&ldquo;in November&rdquo;)</span>' in html
    assert '<span class="quote-when">date unknown</span>' in html
    html = client.get("/quotes/quotes?speaker_id=volodymyr-zelensky").text
    assert '<span class="quote-when">date unknown (Prior to the Christmas holiday)</span>' in html
    assert '<span class="quote-kind">paraphrase</span>' in html


def test_the_plain_table_is_one_click_away(client):
    html = client.get("/quotes/quotes?_search=Nabenzia&_view=table").text
    assert '<table class="rows-and-columns">' in html and '<li class="quote-card">' not in html
    assert '<a href="/quotes/quotes?_search=Nabenzia">Show the quotes as quotation cards</a>' in html
    assert '<details class="column-descriptions-fold">' in html
    assert '<details class="sql-definition">' in html
    assert client.json("/quotes/quotes.json?_search=Nabenzia&_view=table&_shape=array")[0]["id"] == 19


def test_filter_controls_are_labelled(client):
    import re

    for path in ["/quotes/quotes?_view=table", "/quotes/quotes", "/quotes/speakers", "/quotes/quotes?kind=full"]:
        html = client.get(path).text
        controls = re.findall(r"<(?:select|input type=\"text\")[^>]*>", html)
        assert controls, path
        assert all("aria-label=" in control for control in controls), (path, controls)


@pytest.fixture(scope="module")
def public_site(seed_db):
    """The site as published at https://quotes.example.org/ (plugins: quotedb: site_url)."""
    import asyncio

    from datasette.app import Datasette

    from quotedb import site

    metadata = site.metadata()
    metadata.setdefault("plugins", {}).setdefault("quotedb", {})["site_url"] = "https://quotes.example.org/"
    datasette = Datasette(immutables=[str(seed_db)], metadata=metadata, settings=site.settings(),
                          plugins_dir=str(site.PLUGINS_DIR), template_dir=str(site.TEMPLATES_DIR))
    loop = asyncio.new_event_loop()
    yield lambda path, **kwargs: loop.run_until_complete(datasette.client.get(path, **kwargs))
    loop.close()


def atom_entries(text):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(text)
    assert root.tag == f"{atom}feed"
    entries = root.findall(f"{atom}entry")
    for entry in entries:  # what RFC 4287 asks of every entry
        assert entry.find(f"{atom}id").text and entry.find(f"{atom}title").text is not None
        assert entry.find(f"{atom}updated").text.endswith("Z") and entry.find(f"{atom}author/{atom}name").text
    return root, atom, entries


@pytest.mark.parametrize("path,count", [
    ("/speaker/vassily-nebenzia.atom", 2), ("/speaker/viktor-yahun.atom", 5), ("/newest.atom", 24),
    ("/search.atom?q=Nabenzia", 2), ("/search.atom?q=people", None), ("/search.atom?q=zzzznothing", 0),
])
def test_feeds_have_absolute_links_from_site_url_never_the_host_header(public_site, path, count):
    response = public_site(path, headers={"host": "evil.example"})
    assert response.status_code == 200
    assert response.headers.get_list("content-type") == ["application/atom+xml; charset=utf-8"]
    assert "evil.example" not in response.text
    root, atom, entries = atom_entries(response.text)
    assert count is None or len(entries) == count
    links = [link.get("href") for link in root.iter(f"{atom}link")]
    ids = [element.text for element in root.iter(f"{atom}id")]
    assert links and all(href.startswith(("https://quotes.example.org/", "https://www.wsws.org/")) for href in links), links
    assert all(i.startswith("https://quotes.example.org/") for i in ids), ids
    assert root.find(f"{atom}link[@rel='self']").get("href") == "https://quotes.example.org" + path


def test_citations_link_to_site_url_lastingly_the_report_cited_by_its_article(public_site, seed_conn):
    (report,) = seed_conn.execute("select id, article_id from appearances where quote_id = 19").fetchall()
    quote_link = f"https://quotes.example.org/quote/{stable_id(seed_conn, 19)}"
    report_link = f"{quote_link}?article={report[1]}"
    assert public_site("/quotes/quotes/19.citation").text.rstrip().endswith(f"> quotedb: <{quote_link}>")
    asked = public_site(f"/quotes/quotes/19.citation?appearance={report[0]}", headers={"host": "evil.example"})
    assert asked.text.rstrip().endswith(f"> quotedb: <{report_link}>")
    (item,) = public_site(f"/quotes/quotes/19.csljson?appearance={report[0]}").json()
    assert item["note"].endswith(f"quotedb: {report_link}")
    (item,) = public_site("/quotes/quotes/19.csljson").json()
    assert item["note"].endswith(f"quotedb: {quote_link}")


def test_feeds_without_a_site_url_give_paths_and_ids_of_their_own(client, seed_conn):
    root, atom, entries = atom_entries(client.get("/speaker/john-kirby.atom").text)
    assert [entry.find(f"{atom}id").text for entry in entries] == [
        f"quotedb:quote:{stable_id(seed_conn, i)}" for i in (24, 23, 22)]
    assert entries[0].find(f"{atom}link[@rel='alternate']").get("href") == f"/quote/{stable_id(seed_conn, 24)}"
    root, atom, _ = atom_entries(client.get("/search.atom?q=%21%21%21+Kirby").text)
    assert root.find(f"{atom}id").text == "quotedb:feed:/search.atom?q=%21%21%21+Kirby"  # encoded once


def test_feed_titles_are_cut_at_a_word_with_an_ellipsis(client, seed_conn):
    texts = {name + ": " + text for name, text in seed_conn.execute(
        "select speakers.name, quotes.text from quotes join speakers on speakers.id = quotes.speaker_id")}
    titles = []
    for speaker, in seed_conn.execute("select id from speakers"):
        root, atom, entries = atom_entries(client.get(f"/speaker/{speaker}.atom").text)
        titles += [entry.find(f"{atom}title").text for entry in entries]
    assert len(titles) == 24
    cut = [title for title in titles if title not in texts]
    assert cut, "the seed has quotes over 120 characters"
    for title in cut:
        assert title.endswith("…") and len(title) <= 121
        whole = next(text for text in texts if text.startswith(title[:-1]))
        assert whole[len(title) - 1] in " ,;:.", title  # the cut falls between words


@pytest.mark.parametrize("term", ["", '"', "NEAR(", "*", "<script>", "x" * 2000, "\u0000", "a OR"])
def test_search_feed_never_fails_on_hostile_words(client, term):
    response = client.get(f"/search.atom?q={urlquote(term)}")
    assert response.status_code in (200, 400), (term, response.status_code)
    assert "<script>" not in response.text
    if response.status_code == 200:
        atom_entries(response.text)


@pytest.mark.parametrize("path", [
    "/", "/quotes/quotes", "/quotes/quotes?_search=Nabenzia", "/quotes/quotes_by_relevance?_search=Nabenzia",
    "/speakers", "/speakers.json", "/speaker/", "/speaker/vassily-nebenzia", "/speaker/vassily-nebenzia.json",
    "/speaker/vassily-nebenzia.atom", "/search.atom?q=Kirby", "/-/static-site/quotedb-site.css",
    "/-/static-site/quotedb-site.js", "/quotes/quotes/19", "/quotes/quotes/19.citation", "/quotes/quotes.csljson",
    "/quotes/quotes_per_month", "/quotes/newest_quotes.atom", "/robots.txt", "/sitemap.xml", "/speaker/nobody",
    "/search.atom", "/-/static-site/nothing.js",
])
def test_one_content_type_per_response(client, path):
    response = client.get(path)
    assert response.status_code < 500
    assert len(response.headers.get_list("content-type")) == 1, response.headers.get_list("content-type")


def test_site_script_and_stylesheet_are_served_by_the_site(client):
    html = client.get("/").text
    assert '<script src="/-/static-site/quotedb-site.js"></script>' in html
    assert html.index("/-/static-site/quotedb-site.js") < html.index('<script src="/-/static-plugins/datasette_vega/')
    assert html.index("/-/quotedb.css") < html.index("/-/static-site/quotedb-site.css")  # ours last: wins ties
    assert "export-links-no-chart" in client.get("/-/static-site/quotedb-site.js").text


@pytest.mark.parametrize("sql", [
    "select 'a' as atom_id, 'b' as atom_title, '2024-01-01T00:00:00Z' as atom_updated where 0",  # no row
    "select 'a' as atom_id, 'b' as atom_title, 'not a date' as atom_updated",
])
def test_datasette_atom_answers_400_not_500_to_rows_that_make_no_feed(client, sql):
    response = client.get(f"/quotes.atom?sql={urlquote(sql)}")
    assert response.status_code == 400 and "make no Atom feed" in response.text


def test_home_page_offers_the_newest_quotes_feed_and_every_speaker(client):
    html = client.get("/").text
    assert '<a class="feed-link" href="/newest.atom">Follow new quotes (Atom feed)</a>' in html
    assert '<link rel="alternate" type="application/atom+xml" title="Newest quotes" href="/newest.atom">' in html
    assert '<a href="/speakers">Every speaker</a>' in html


def test_cards_name_the_language_and_do_not_link_a_quote_to_itself(client):
    search = client.get("/quotes/quotes?_search=Nabenzia").text
    assert "&middot; translated from Russian</span>" in search  # translated_from: ru
    assert search.count('class="quote-card-link"') == 2
    page = client.get("/quotes/quotes/19").text
    assert '<li class="quote-card">' in page and 'class="quote-card-link" href="/quotes/quotes/19"' not in page


def test_canned_search_shows_names_as_names_not_json(client):
    html = client.get("/quotes/search?q=Nabenzia").text
    assert '<td class="col-names">Vasily Nebenzia, Vasily Nebenzya, Vasily <mark>Nabenzia</mark>, ' in html
    assert '[&#34;Vasily' not in html and '["Vasily' not in html


def test_best_match_first_facets_show_names_not_ids(client):
    facets = dict(facet_titles_and_items(client.get("/quotes/quotes_by_relevance?_search=people").text))
    assert facets["Speaker"] == ["John Kirby", "Valerii Zaluzhnyi", "Viktor Yahun"]
    assert "Ukrainian parliament, meeting of the National Security Council" in facets["Venue"]
    html = client.get("/quotes/quotes_by_relevance?_search=people&speaker_id=john-kirby").text
    assert "<li>Speaker: John Kirby\n" in html


def test_aliases_and_quote_details_read_well(client):
    html = client.get("/quotes/speakers?id=vassily-nebenzia").text
    assert '<td class="col-aliases type-str">Vasily Nebenzia, Vasily Nebenzya, ' in html
    assert [row["id"] for row in client.json("/quotes/quote_details.json?_shape=array&_size=3")] == [24, 23, 22]


def test_a_sort_of_ones_own_is_named_with_the_way_back(client):
    html = client.get("/quotes/quotes?_search=people&_sort_desc=said").text
    assert '<strong aria-current="page">by said, descending</strong> |\n      <a href="/quotes/quotes?_search=people">newest first</a>' in html


def test_a_search_longer_than_the_limit_is_refused_not_cut(client):
    """Words past the limit would be dropped from the search while the page named them."""
    words = "Nabenzia" + " " * 500 + "Russia"
    response = client.get(f"/quotes/quotes.json?_search={urlquote(words)}")
    assert response.status_code == 400 and "at most 500 characters" in response.text
    assert client.get(f"/search.atom?q={urlquote(words)}").status_code == 400
    assert client.get(f"/quotes/quotes.json?_search={urlquote('Nabenzia' + ' ' * 480)}").status_code == 200


def test_a_nul_in_a_search_is_a_space(client):
    plain = client.json("/quotes/quotes.json?_search=cluster+munitions&_shape=array")
    assert plain and client.json("/quotes/quotes.json?_search=cluster%00munitions&_shape=array") == plain


@pytest.mark.parametrize("path, problem", [
    ("/quotes/quotes.json?_search_rank=x", "Cannot search by 'rank'"),
    ("/quotes/quotes.json?_search_quotes_fts=x", "Cannot search by 'quotes_fts'"),
    ("/quotes/speakers.json?_search_speaker=Nabenzia", "Cannot search by 'speaker'"),
])
def test_only_real_columns_of_the_index_can_be_searched(client, path, problem):
    response = client.get(path)
    assert response.status_code == 400 and problem in response.text and "Invalid SQL" not in response.text
    named = response.json()["error"].split("searchable columns are ")[1].split(", ")
    assert "rank" not in named and len(named) == len(set(named))  # each once ("speaker" is a column and a group)


def test_the_heading_names_the_searches_the_page_made(client):
    html = client.get("/quotes/quotes?_search_speaker=Nabenzia&_search_speaker=nobody").text
    assert "2 quotes whose speaker matches “Nabenzia”</h2>" in html
    html = client.get("/quotes/quotes?_search=munitions&_search_aliases=Nabenzia").text
    assert "1 quote matching “munitions” and whose other names match “Nabenzia”</h2>" in html
    assert "<title>“munitions”: other names “Nabenzia”: 1 quote: quotedb</title>" in html
    html = client.get("/quotes/quotes?_search_speaker=nobodyzz").text
    assert "<title>speaker “nobodyzz”: 0 quotes: quotedb</title>" in html
    assert "No quote matches speaker “nobodyzz”." in html


@pytest.mark.parametrize("narrowing", ["&_search_speaker=Nabenzia", "&kind=paraphrase", "&speaker_id__exact=x",
                                       "&_where=1"])
def test_the_search_feed_is_offered_only_for_a_search_on_its_own(client, narrowing):
    assert 'class="feed-link"' in client.get("/quotes/quotes?_search=Russia").text
    assert 'class="feed-link"' not in client.get(f"/quotes/quotes?_search=Russia{narrowing}").text


def test_view_and_edit_sql_keeps_a_where_that_spells_the_page_clause(client):
    """Only the clause the page bound is rewritten, never text typed in `_where`."""
    import html
    import re
    from urllib.parse import parse_qs, urlsplit

    where = "length(' and rowid < :search_below order by rowid desc limit :search_rows)') > 10"
    page = f"/quotes/quotes?_search=the&_where={urlquote(where)}"
    for view in ("", "&_view=table"):
        link = html.unescape(re.search(r'href="(/quotes\?sql=[^"]*)"', client.get(page + view).text).group(1))
        assert parse_qs(urlsplit(link).query)["sql"][0] == client.json(page.replace("quotes?", "quotes.json?"))["query"]["sql"]
