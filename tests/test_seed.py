"""The seed article's records: complete, verbatim, and every speaker resolved."""

import re

from quotedb.loading import load_records

from conftest import RECORDS, SEED_ARTICLE, SEED_RECORD


def seed_quotes():
    records = load_records(RECORDS)
    (source,) = [s for s in records.articles if s.path == str(SEED_RECORD)]
    return records, source


def test_seed_record_counts():
    records, source = seed_quotes()
    kinds = [q.kind for q in source.quotes]
    assert len(source.quotes) == 24
    assert (kinds.count("full"), kinds.count("partial"), kinds.count("paraphrase")) == (8, 8, 8)
    assert source.article.published.isoformat() == "2024-01-07"
    assert source.article.author == "Jason Melanovski"


def test_every_quote_is_verbatim_in_the_seed_article():
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    _, source = seed_quotes()
    for quote in source.quotes:
        assert quote.text in article, quote.text


def test_every_quoted_passage_of_the_seed_is_recorded():
    """Each passage in quotation marks is a quote, or one of the author's scare quotes."""
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    passages = re.findall(r"\u201c([^\u201d]+)\u201d|\"([^\"]+)\"", article)
    passages = {a or b for a, b in passages}
    _, source = seed_quotes()
    recorded = {q.text for q in source.quotes if q.kind != "paraphrase"}
    scare_quotes = {"counteroffensive"}  # the author's own, no speaker
    assert passages - scare_quotes == recorded


def test_the_source_spelling_is_kept_and_resolved():
    records, source = seed_quotes()
    names = {s.id: s.names for s in records.speakers}
    nebenzia = [q for q in source.quotes if q.speaker == "vassily-nebenzia"]
    assert {q.spelled_as for q in nebenzia} == {"Vasily Nabenzia", "Nabenzia"}
    for quote in source.quotes:
        if quote.spelled_as:
            assert quote.spelled_as in names[quote.speaker]
            assert quote.spelled_as in SEED_ARTICLE.read_text(encoding="utf-8")


def test_relative_dates_are_resolved_against_publication():
    _, source = seed_quotes()
    by_wording = {q.said_wording: q.said.value for q in source.quotes if q.said_wording}
    assert by_wording["last Sunday"] == "2023-12-31"
    assert by_wording["On Friday"] == "2024-01-05"
    assert by_wording["in November"] == "2023-11"
    assert by_wording["Prior to the Christmas holiday"] is None
