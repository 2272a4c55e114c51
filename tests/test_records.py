"""The record model on its own: good and bad records, dates and their precision."""

import datetime

import pytest
from pydantic import ValidationError

from quotedb.records import Article, ArticleFile, PartialDate, Quote, Speaker, parse_partial_date


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-12-31", PartialDate("2023-12-31", "day")),
        ("2023-11", PartialDate("2023-11", "month")),
        ("2023", PartialDate("2023", "year")),
        (2023, PartialDate("2023", "year")),
        (None, PartialDate(None, "unknown")),
        ("unknown", PartialDate(None, "unknown")),
    ],
)
def test_partial_date_precision_follows_its_form(value, expected):
    assert parse_partial_date(value) == expected


@pytest.mark.parametrize("value", ["2023-13", "2023-02-30", "23-11", "November 2023", "2023-1-5", True, "0999",
                                   999, 20231, 2023.0, "2023\n", "\u0662\u0660\u0662\u0663", "0x7E8", "03747"])
def test_impossible_or_malformed_dates_are_refused(value):
    with pytest.raises(ValueError):
        parse_partial_date(value)


@pytest.mark.parametrize("value", [86400, 1704585600, "1704585600", 2024, "2024-01-07T00:00:00", "2024-1-7", "2024-02-30"])
def test_published_is_a_day_never_a_number(value):
    with pytest.raises(ValidationError) as error:
        Article(title="T", outlet="O", published=value)
    assert "date" in error.value.errors()[0]["msg"]


@pytest.mark.parametrize("value", ["2024-01-07", datetime.date(2024, 1, 7)])
def test_published_days(value):
    assert Article(title="T", outlet="O", published=value).published == datetime.date(2024, 1, 7)


def test_an_escaped_control_character_in_an_address_is_refused():
    with pytest.raises(ValidationError, match="control character U\\+0007"):
        Article(title="T", outlet="O", published="2024-01-07", url="https://example.org/\x07")


def test_partial_date_derived_fields():
    date = parse_partial_date("2023-11")
    assert (date.year, date.month) == (2023, "2023-11")
    assert date.is_after(datetime.date(2023, 10, 31)) and not date.is_after(datetime.date(2023, 11, 1))
    assert parse_partial_date("2024").month is None


def quote(**fields):
    return Quote(**{"speaker": "a-b", "kind": "full", "text": "Words.", **fields})


def test_a_good_quote_keeps_every_field():
    q = quote(
        spelled_as="A. B.", role="envoy", said="2023-12-31", precision="day",
        said_wording="last Sunday", venue="UN Security Council meeting",
        reported_via="New Voice", kind="partial", notes="n",
    )
    assert q.said == PartialDate("2023-12-31", "day")
    assert (q.role, q.venue, q.reported_via, q.kind) == ("envoy", "UN Security Council meeting", "New Voice", "partial")


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"precision": "day", "said": "2023-11"}, "precision", "contradicts"),
        ({"said": "2999-01-01"}, "said", "in the future"),
        ({"text": "   "}, "text", "empty"),
        ({"text": "He said \u201cno"}, "text", "unbalanced"),
        ({"text": 'He said "no'}, "text", "unbalanced"),
        ({"text": "x" * 5001}, "text", "5000"),
        ({"kind": "quote"}, "kind", "full"),
        ({"speaker": "Vladimir Putin"}, "speaker", "pattern"),
        ({"speker": "a-b"}, "speker", "Unexpected keyword argument"),
        ({"text": "Red \x1b[31malert"}, "text", "control character U+001B"),
        ({"said_wording": "\x00"}, "said_wording", "control character U+0000"),
        ({"role": "envoy\x7f"}, "role", "control character U+007F"),
        ({"text": "\u200b\u00ad \u3164"}, "text", "only invisible characters"),
        ({"venue": "\ufeff\u2060"}, "venue", "only invisible characters"),
        ({"text": "We will \u202enoitcerid\u202c agree"}, "text", "bidirectional control U+202E"),
        ({"role": "\u2066envoy\u2069"}, "role", "bidirectional control U+2066"),
    ],
)
def test_bad_quotes_name_the_field(fields, field, message):
    with pytest.raises(ValidationError) as error:
        quote(**fields)
    (problem,) = error.value.errors()
    assert problem["loc"][-1] == field
    assert message in problem["msg"]


def test_right_to_left_marks_are_fine():
    """Marks only place neutral characters; Arabic and Hebrew texts carry them."""
    assert quote(text="\u0627\u0644\u0633\u0644\u0627\u0645 \u200f(2024)\u200e").text.startswith("\u0627")


def test_nested_balanced_quotation_marks_are_fine():
    assert quote(text="He called it \u201ca crime\u201d and \"a shame\"").text.startswith("He")


def test_speaker_names_include_aliases():
    s = Speaker(id="vassily-nebenzia", name="Vassily Nebenzia", kind="person", aliases=["Nabenzia"])
    assert s.names == ["Vassily Nebenzia", "Nabenzia"]
    with pytest.raises(ValidationError):
        Speaker(id="x", name="X", kind="person", wikidata="7747")


def test_article_file_needs_an_article_and_quotes():
    with pytest.raises(ValidationError) as error:
        ArticleFile.model_validate({"article": {"title": "T", "outlet": "O", "published": "2024-01-07"}, "quotes": []})
    assert error.value.errors()[0]["loc"] == ("quotes",)
