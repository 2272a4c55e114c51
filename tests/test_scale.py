"""Behaviour that only shows on a larger corpus: capped searches, precounted facets, the benchmark."""

import json
import sqlite3
import subprocess
import sys

import pytest

from conftest import ROOT, SiteClient, run_build

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench import vocabulary_connection  # noqa: E402
from generate import write_corpus  # noqa: E402


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


def test_a_search_with_more_than_2000_matches_keeps_the_newest_and_says_so(large):
    term, matches = most_common_term(large.path)
    assert matches > 2000
    data = large.json(f"/quotes/quotes.json?_search={term}")
    assert data["filtered_table_rows_count"] == 2000
    assert f"(showing the newest 2,000 of {matches:,} matches)" in data["human_description_en"]
    ids = [row[0] for row in data["rows"]]
    assert ids == sorted(ids, reverse=True) and ids[0] == max_matching_id(large.path, term)
    html = large.get(f"/quotes/quotes?_search={term}").text
    assert "showing the newest 2,000 of" in html


def max_matching_id(path, term):
    return sqlite3.connect(path).execute("select max(rowid) from quotes_fts where quotes_fts match ?", [term]).fetchone()[0]


def test_column_search_and_unknown_columns(large):
    term, _ = most_common_term(large.path)
    assert large.json(f"/quotes/quotes.json?_search_text={term}&_shape=array")
    speaker = sqlite3.connect(large.path).execute("select name from speakers limit 1").fetchone()[0].split()[0]
    rows = large.json(f"/quotes/quotes.json?_search_speaker={speaker}&_shape=array&_size=5")
    assert rows
    assert large.get("/quotes/quotes.json?_search_nope=x").status_code == 400


def test_precounted_facets_equal_live_counts(large):
    data = large.json("/quotes/quotes.json?_facet_size=5")
    conn = sqlite3.connect(large.path)
    for column, facet in data["facet_results"].items():
        assert facet["type"] == "precounted"
        live = conn.execute(
            f"select [{column}], count(*) c from quotes where [{column}] is not null group by [{column}] "
            "order by c desc, [{column}] limit 5".replace("{column}", column)).fetchall()
        assert [(item["value"], item["count"]) for item in facet["results"]] == live
    filtered = large.json("/quotes/quotes.json?kind=full&_facet_size=3")
    live_kind = conn.execute("select count(*) from quotes where kind = 'full'").fetchone()[0]
    assert filtered["facet_results"]["kind"]["results"][0]["count"] == live_kind


def test_benchmark_smoke():
    """bench.py end to end on a small corpus; the figures themselves are not judged here."""
    result = subprocess.run(
        [sys.executable, "benchmarks/bench.py", "--quotes", "20000", "--requests", "200", "--seconds", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.splitlines()[-1])
    for key in ["quotes", "build_s", "raw_build_s", "build_vs_raw", "search_p50_ms", "search_p95_ms",
                "search_rps", "facet_page_p95_ms", "db_mb", "peak_rss_mb"]:
        assert key in figures
    assert figures["quotes"] == 20000 and figures["search_errors"] == 0 and figures["search_rps_errors"] == 0
    assert figures["counts_shown"] and figures["facets_timed_out"] == []


def test_a_narrowed_search_considers_every_match(large):
    term, matches = most_common_term(large.path)
    conn = sqlite3.connect(large.path)
    oldest = conn.execute("select min(rowid) from quotes_fts where quotes_fts match ?", [term]).fetchone()[0]
    speaker = conn.execute("select speaker_id from quotes where id = ?", [oldest]).fetchone()[0]
    expected = conn.execute(
        "select count(*) from quotes where speaker_id = ? and id in (select rowid from quotes_fts where quotes_fts match ?)",
        [speaker, term]).fetchone()[0]
    data = large.json(f"/quotes/quotes.json?_search={term}&speaker_id={speaker}&_size=max")
    assert data["filtered_table_rows_count"] == expected
    assert "showing the newest" not in data["human_description_en"]
    assert oldest in [row[0] for row in data["rows"]] or expected > 1000
