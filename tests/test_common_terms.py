"""The count of a search for common words, read from the bitmaps the build keeps of the
quotes holding each (common_term_quotes), not from the words' lists in the index."""

import sqlite3
import sys
from urllib.parse import quote as urlquote

import pytest

from conftest import ROOT, SiteClient, loaded_plugin

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench import vocabulary_connection  # noqa: E402
from generate import write_corpus  # noqa: E402

COMMON_FROM = 3000  # of 12,000 quotes: about twenty terms of the generated vocabulary


@pytest.fixture(scope="module")
def common(tmp_path_factory):
    from quotedb import database
    from quotedb.loading import RecordsReader

    directory = tmp_path_factory.mktemp("common")
    write_corpus(directory / "records", 12000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(database, "COMMON_FROM", COMMON_FROM)
        database.build_database(RecordsReader(directory / "records"), directory / "quotes.db")
    return directory / "quotes.db"


def index_count(path, query):
    return sqlite3.connect(path).execute("select count(*) from quotes_fts where quotes_fts match ?", [query]).fetchone()[0]


def bitmap_ids(conn, term):
    rows = conn.execute("select block, quotes from common_term_quotes where term = ?", [term])
    return {block << 20 | bit for block, value in rows
            for bit in range(len(value) * 8) if value[bit >> 3] >> (bit & 7) & 1}


def test_the_build_keeps_the_quotes_of_each_common_term(common):
    """Every term in COMMON_FROM quotes or more, and no other, with exactly the quotes the
    index finds for it."""
    vocabulary = dict(vocabulary_connection(common).execute("select term, doc from temp.vocab").fetchall())
    kept = [term for (term,) in sqlite3.connect(common).execute("select distinct term from common_term_quotes")]
    assert sorted(kept) == sorted(term for term, quotes in vocabulary.items() if quotes >= COMMON_FROM)
    assert len(kept) > 5
    conn = sqlite3.connect(common)
    for term in kept:
        found = {row[0] for row in conn.execute("select rowid from quotes_fts where quotes_fts match ?", [f'"{term}"'])}
        assert bitmap_ids(conn, term) == found and len(found) == vocabulary[term], term


def test_a_stem_the_tokenizer_stems_again_has_its_quotes_too(monkeypatch):
    """"because" is indexed as "becaus", which a search for it would stem again to
    "becau": its quotes are read from where the index holds the term."""
    from quotedb import database

    conn = sqlite3.connect(":memory:")
    conn.execute(database.QUOTES_FTS)
    conn.execute(database.COMMON_TERM_QUOTES)
    texts = {1: "Because we can.", 2: "Else, because because.", 3: "We disagree.", (1 << 20) + 5: "because else"}
    conn.executemany("insert into quotes_fts (rowid, text) values (?, ?)", texts.items())
    monkeypatch.setattr(database, "COMMON_FROM", 2)
    database._write_common_terms(conn, len(texts))
    kept = {term: bitmap_ids(conn, term) for (term,) in conn.execute("select distinct term from common_term_quotes")}
    assert kept == {"becaus": {1, 2, (1 << 20) + 5}, "els": {2, (1 << 20) + 5}, "we": {1, 3}}


def test_a_corpus_without_common_terms_has_no_bitmaps(seed_db):
    assert sqlite3.connect(seed_db).execute("select count(*) from common_term_quotes").fetchone()[0] == 0


def _counted_by_index(site):
    """The searches `site` counts in the index (the match expressions), as it counts them."""
    db = site.datasette.get_database("quotes")
    execute, counted = db.execute, []

    async def recording(sql, params=None, **kwargs):
        if sql.startswith("select count(*) from [quotes_fts] where [quotes_fts] match"):
            counted.append(next(value for value in params.values() if isinstance(value, str)))
        return await execute(sql, params, **kwargs)

    db.execute = recording  # before the site starts: the search plugin's counting calls it
    return counted


def test_a_search_of_common_words_is_counted_from_their_bitmaps(common):
    """One, two or three common words (in any case, one twice) are counted from the
    bitmaps; a phrase of them, a prefix, a column search or a word without a bitmap by
    the index. Every count is the index's."""
    conn = sqlite3.connect(common)
    terms = [t for (t,) in conn.execute("select distinct term from common_term_quotes where term glob '[a-z][a-z]*' order by term")]
    rare = vocabulary_connection(common).execute("select term from temp.vocab where doc between 5 and 50").fetchone()[0]
    a, b, c = terms[:3]
    from_bitmaps = [a, f"{a} {b}", f"{c} {b.upper()} {a}", f"{b} {b}"]
    from_index = [f"{a} {rare}", f'"{a} {b}"', f"{a[:2]}*", "nosuchwordzz"]
    site = SiteClient(common)
    counted = _counted_by_index(site)
    for words in from_bitmaps + from_index:
        data = site.json(f"/quotes/quotes.json?_search={urlquote(words)}&_size=1")
        query = '"' + '" "'.join(words.split()) + '"' if '"' not in words else words
        query = query.replace('*"', '"*')
        assert data["filtered_table_rows_count"] == index_count(common, query), words
        assert data["filtered_table_rows_count"] > 0 or words in ("nosuchwordzz", f'"{a} {b}"'), words
    column = site.json(f"/quotes/quotes.json?_search_text={a}&_size=1")
    assert column["filtered_table_rows_count"] == index_count(common, f'text : "{a}"')
    # each counted in a part of the ids per core; none of the searches of common words
    assert len(set(counted)) == len(from_index) + 1, counted
    assert not {'"' + '" "'.join(words.split()) + '"' for words in from_bitmaps} & set(counted), counted
    site.close()


def test_a_count_typed_on_the_sql_page_with_search_syntax_is_the_index_s(common):
    """The count query of a search page, typed on the SQL page with FTS5 syntax of one's
    own around common words, is counted by the index as written, a NUL included."""
    conn = sqlite3.connect(common)
    a, b = [t for (t,) in conn.execute("select distinct term from common_term_quotes where term glob '[a-z]*' limit 2")]
    site = SiteClient(common)
    counted = _counted_by_index(site)
    # the page whose count query is typed below (with a facet, its clause selects every match)
    site.json(f"/quotes/quotes.json?_search={a}&_facet=kind&_size=1")
    sql = ("select count(*) from quotes where id in (select rowid from [quotes_fts] where [quotes_fts] match :search) ")
    for search in [f'"{a}" OR "{b}"', f'"{a}" NOT "{b}"', f'"{a}"  "{b}"', f'text: "{a}"']:
        data = site.json(f"/quotes.json?sql={urlquote(sql)}&search={urlquote(search)}&_shape=arrays")
        assert data["rows"] == [[index_count(common, search)]], search
    assert len(set(counted)) == 4, counted  # each answered by the site's count from the index
    # FTS5 reads a query up to its first NUL: to it, this one is an unterminated string
    with pytest.raises(sqlite3.OperationalError, match="unterminated string"):
        index_count(common, f'"{a}\x00"')
    response = site.get(f"/quotes.json?sql={urlquote(sql)}&search={urlquote(chr(34) + a + chr(0) + chr(34))}")
    assert response.status_code == 400 and "unterminated string" in response.text
    site.close()


def test_a_count_from_bitmaps_that_fails_is_made_by_the_index(common, monkeypatch):
    """The bitmaps are a shortcut: a limit reached there (time, size) leaves the count to
    the index, as for any other search, never an error page."""
    site = SiteClient(common)  # its plugins loaded, not yet started
    counted = _counted_by_index(site)
    search = loaded_plugin("search.py")

    def interrupted(self, conn, words):
        raise sqlite3.OperationalError("interrupted")

    monkeypatch.setattr(search.CommonTermCounts, "_count_of_terms", interrupted)
    term = sqlite3.connect(common).execute("select term from common_term_quotes where term glob '[a-z]*'").fetchone()[0]
    data = site.json(f"/quotes/quotes.json?_search={term}&_size=1")
    assert data["filtered_table_rows_count"] == index_count(common, f'"{term}"') and counted
    site.close()
