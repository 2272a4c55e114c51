"""Hostile record text and names never become markup on any page or format."""

import json

import pytest

from conftest import SiteClient, run_build, write_records

XSS = "<script>alert('x')</script>"
OPEN_MARKER = "\u27e6"  # the canned search's highlight marker, here as plain text
IMG = '"><img src=x onerror=alert(1)>'

q = json.dumps  # a JSON string is a valid YAML double-quoted string

SPEAKERS = f"""\
speakers:
  - id: mallory
    name: {q("Mallory " + XSS)}
    kind: person
    aliases: [{q(IMG)}, Mal]
    description: {q("desc " + XSS)}
"""

ARTICLE = f"""\
article:
  title: {q("Title " + XSS)}
  outlet: {q("Outlet " + IMG)}
  author: {q("Author " + XSS)}
  published: 2024-01-07
  url: {q("https://example.org/a?b=1&c=</script><script>alert(2)</script>")}
quotes:
  - speaker: mallory
    spelled_as: {q(IMG)}
    role: {q("role " + XSS)}
    said: 2024-01-01
    venue: {q("venue " + XSS)}
    reported_via: {q("via " + XSS)}
    kind: full
    text: {q("Words " + XSS + " and </script><!-- NEAR( AND OR * ^ col:x")}
    notes: {q("notes " + XSS)}
  - speaker: mallory
    said_wording: {q("when " + XSS + " [x](javascript:alert(3))")}
    kind: paraphrase
    text: {q("Undated words <img src=x onerror=alert(1)> " + OPEN_MARKER + " open marker")}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    records = write_records(directory / "records", {"speakers.yml": SPEAKERS, "2024/a.yml": ARTICLE})
    result = run_build(records, "--output", directory / "quotes.db")
    assert result.returncode == 0, result.stderr
    site = SiteClient(directory / "quotes.db")
    yield site
    site.close()


PAGES = [
    "/", "/quotes", "/quotes/quotes", "/quotes/quotes/2", "/quotes/quotes/1", "/quotes/quotes?_search=Words",
    "/quotes/quotes?_search=Mallory", "/quotes/speakers", "/quotes/speakers/mallory",
    "/quotes/articles", "/quotes/quote_details", "/speaker/mallory", "/quotes/search?q=Words",
    "/quotes/speaker_timeline?speaker=mallory", "/quotes/reported_via", "/quotes/most_quoted",
    "/quotes/newest_quotes", "/speakers", "/quotes/quotes?_search=Words&_view=table",
    "/quotes/quotes_by_relevance?_search=Words", "/speaker/mallory?page=1",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_escape_record_text(hostile, path):
    response = hostile.get(path)
    assert response.status_code == 200, response.text[:300]
    html = response.text
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "alert(2)</script>" not in html


def test_the_words_are_shown_escaped_not_dropped(hostile):
    html = hostile.get("/quotes/quotes/2").text
    assert "Words &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; and &lt;/script&gt;&lt;!-- NEAR(" in html


def test_json_ld_cannot_close_its_script(hostile):
    html = hostile.get("/quotes/quotes/2").text
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    body = html[start: html.index("</script>", start)]
    assert "<" not in body
    assert json.loads(body)["text"].startswith("Words <script>")


def test_markdown_citation_escapes_markup(hostile):
    text = hostile.get("/quotes/quotes/2.citation").text
    assert "<script>" not in text
    assert "<https://example.org/a?b=1&c=%3C/script%3E%3Cscript%3Ealert(2)%3C/script%3E>" in text
    assert "\\<script\\>alert('x')\\</script\\>" in text


def test_search_markers_in_the_data_are_text_not_marks(hostile):
    html = hostile.get("/quotes/quote_details").text
    assert "\u27e6 open marker" in html and "<mark> open marker" not in html


def test_said_wording_standing_in_for_a_date_is_escaped(hostile):
    """The second quote has no `said`: its `said_wording` is shown in its place."""
    (row,) = hostile.json("/quotes/quotes.json?said_precision=unknown&_shape=array")
    html = hostile.get(f"/quotes/quotes/{row['id']}").text
    assert "when &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html and "<script>alert" not in html
    listing = hostile.get("/quotes/quotes?said_precision=unknown").text
    assert "when &lt;script&gt;" in listing and "<script>alert" not in listing
    citation = hostile.get(f"/quotes/quotes/{row['id']}.citation").text
    assert "when \\<script\\>alert('x')\\</script\\> \\[x\\](javascript:alert(3))" in citation


def test_atom_feed_escapes(hostile):
    text = hostile.get("/quotes/newest_quotes.atom").text
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_searching_for_hostile_text_finds_it_safely(hostile):
    rows = hostile.json("/quotes/search.json?q=NEAR(+AND+OR&_shape=array")
    assert [row["id"] for row in rows] == [2]
    rows = hostile.json("/quotes/quotes.json?_search=%3Cscript%3E&_shape=array")
    assert [row["id"] for row in rows] == [2, 1]  # the speaker's name holds <script> too


@pytest.mark.parametrize("path", ["/speaker/mallory.atom", "/search.atom?q=Words", "/search.atom?q=%3Cscript%3E"])
def test_our_feeds_escape(hostile, path):
    import xml.etree.ElementTree as ET

    response = hostile.get(path)
    assert response.status_code == 200
    assert "<script>" not in response.text and "<img" not in response.text
    root = ET.fromstring(response.text)  # well-formed whatever the records hold
    titles = [element.text for element in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any("Mallory <script>" in title for title in titles[1:]), titles
