"""One statement, many reports: the same quote in several article files is one quote
with an appearance for each report (issue 11). Built from record files with
build_db.py and read through Datasette's own client, as a user would."""

import re
import sqlite3
from urllib.parse import quote as urlquote

import pytest

from conftest import SPEAKERS, SiteClient, run_build, write_records

FIRST = """\
article:
  title: Ambassador speaks at the Council
  outlet: First Wire
  published: 2024-01-02
  language: en
quotes:
  - speaker: vassily-nebenzia
    spelled_as: Vasily Nabenzia
    role: Russian ambassador to the UN
    said: 2023-12
    venue: UN Security Council
    translated_from: ru
    original_text: "Чтобы увеличить число жертв, они применили кассетные боеприпасы"
    kind: full
    text: "In order to increase the number of casualties they used cluster munitions,"
"""

SECOND = """\
article:
  title: What was said in New York
  outlet: Second Herald
  published: 2024-01-05
  language: en
quotes:
  - speaker: vassily-nebenzia
    spelled_as: Nabenzia
    role: Moscow's envoy
    said: 2023-12-31
    said_wording: last Sunday
    kind: full
    text: "“In order to increase the number of casualties they used cluster munitions.”"
"""

# The same outlet again, in another article, with other words for the statement.
FOURTH = """\
article:
  title: The envoy's words, translated again
  outlet: Second Herald
  published: 2024-01-05
  language: en
quotes:
  - speaker: vassily-nebenzia
    said: 2023-12-31
    kind: full
    text: "To raise the toll of the terrorist attack they resorted to cluster bombs"
    same_as:
      article: 2024-01-02-first
      starts: In order to increase
"""

# Reported first, though its file sorts last: first appearance goes by publication.
EARLIEST = """\
article:
  title: Breaking from the Council
  outlet: Third Post
  published: 2024-01-01
quotes:
  - speaker: vassily-nebenzia
    said: 2023-12-31
    kind: full
    text: "in order to increase the number of casualties they used cluster munitions"
"""


def build(tmp_path, files):
    records = write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, **files})
    result = run_build(records, "--output", tmp_path / "quotes.db")
    return result, tmp_path / "quotes.db"


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("merged")
    result, db = build(tmp_path, {
        "2024/2024-01-02-first.yml": FIRST, "2024/2024-01-05-second.yml": SECOND,
        "2024/2024-01-09-third.yml": EARLIEST, "2024/2024-01-05-second-again.yml": FOURTH,
    })
    assert result.returncode == 0, result.stderr
    client = SiteClient(db)
    yield result, db, client
    client.close()


def test_one_quote_in_three_files_is_one_quote_with_three_appearances(merged):
    result, db, client = merged
    assert "built" in result.stdout and "1 quote (4 reports) from 4 articles" in result.stdout
    (quote,) = client.json("/quotes/quotes.json?_shape=array")
    # its words are those of its first appearance, the earliest published (Third Post, 1 January)
    assert quote["text"] == "in order to increase the number of casualties they used cluster munitions"
    assert (quote["reports"], quote["first_published"], quote["first_article_id"]) == (4, "2024-01-01", "2024-01-09-third")
    assert quote["outlets"] == '["First Wire","Second Herald","Third Post"]'
    reports = client.json(f"/quotes/appearance_details.json?quote_id={quote['id']}&_sort=published&_shape=array")
    assert [(r["outlet"], r["first"], r["variant"]) for r in reports] == [
        ("Third Post", 1, 0), ("First Wire", 0, 0), ("Second Herald", 0, 0), ("Second Herald", 0, 1),
    ]
    # what each report says stays with the report
    assert [r["spelled_as"] for r in reports] == [None, "Vasily Nabenzia", "Nabenzia", None]
    assert [r["role"] for r in reports][1:3] == ["Russian ambassador to the UN", "Moscow's envoy"]
    assert reports[2]["said_wording"] == "last Sunday"
    assert reports[1]["text"] == "In order to increase the number of casualties they used cluster munitions,"


def test_a_less_precise_date_defers_to_the_most_precise(merged):
    _, db, _ = merged
    conn = sqlite3.connect(db)
    assert conn.execute("select said, said_precision, year, month from quotes").fetchone() == (
        "2023-12-31", "day", 2023, "2023-12")
    # the venue only one report gives, and the language only one gives, are the quote's
    assert conn.execute("select venues.name, language, translated_from from quotes join venues on venues.id = venue_id"
                        ).fetchone() == ("UN Security Council", "en", "ru")
    # each report keeps its own date; a quote's reports are numbered from its first appearance
    assert conn.execute("select said from appearances order by id").fetchall() == [
        ("2023-12-31",), ("2023-12",), ("2023-12-31",), ("2023-12-31",)]


def test_search_finds_it_by_any_spelling_its_original_words_and_a_variant_wording(merged):
    _, _, client = merged
    for words in ["Nabenzia", "Vasily", "Nebenzia", "кассетные", "cluster bombs", "toll"]:
        rows = client.json(f"/quotes/quotes.json?_search={urlquote(words)}&_shape=array")
        assert [row["reports"] for row in rows] == [4], words
    assert client.json("/quotes/quotes.json?_search=nowhere&_shape=array") == []


def test_the_outlet_facet_counts_a_quote_once_in_each_outlet(merged):
    _, _, client = merged
    data = client.json("/quotes/quotes.json?_facet_size=10")
    outlets = {item["value"]: item["count"] for item in data["facet_results"]["outlets"]["results"]}
    assert outlets == {"First Wire": 1, "Second Herald": 1, "Third Post": 1}  # Second Herald's two articles: once
    assert {i["value"]: i["count"] for i in data["facet_results"]["language"]["results"]} == {"en": 1}
    # counted live once filtered, the same way
    filtered = client.json("/quotes/quotes.json?_facet_size=10&speaker_id=vassily-nebenzia")
    assert {i["value"]: i["count"] for i in filtered["facet_results"]["outlets"]["results"]} == outlets
    chosen = client.json("/quotes/quotes.json?outlets__arraycontains=Second%20Herald&_shape=array")
    assert len(chosen) == 1
    assert client.json("/quotes/quotes.json?outlets__arraycontains=Nobody&_shape=array") == []


def test_the_quote_page_lists_every_report_first_marked_and_compares_the_variant(merged):
    _, _, client = merged
    html = client.get("/quotes/quotes/1").text
    assert "Reported in 4 articles, first by Third Post" in html
    first = html.index('class="first-appearance"')
    assert '<strong class="first-label">First appearance:</strong> <strong>Third Post</strong>' in html[first:first + 200]
    assert html.count('class="first-appearance"') == 1
    assert html.count("Cite this report") == 4
    # the variant beside the quote, word by word
    assert 'id="variant-' in html
    assert "<del>in order to increase the number of casualties they used cluster munitions</del>" not in html
    assert "<del>in order</del> to <del>increase</del> the <del>number</del> of <del>casualties</del>" in html
    assert "To <ins>raise</ins> the <ins>toll</ins> of <ins>the terrorist attack</ins> they <ins>resorted to</ins>" in html
    assert "cluster <del>munitions</del>" in html and "cluster <ins>bombs</ins>" in html
    # the language spoken and the original words
    assert 'a translation: spoken in Russian (<span class="language-tag">ru</span>)' in html
    assert '<blockquote lang="ru">Чтобы увеличить число жертв' in html


def test_a_citation_cites_the_first_appearance_or_the_report_asked_for_and_no_other(merged):
    _, _, client = merged
    first = client.get("/quotes/quotes/1.citation").text
    assert "*Third Post*" in first and "First Wire" not in first
    (report,) = client.json("/quotes/appearances.json?outlet_id=1&_shape=array")  # First Wire
    asked = client.get(f"/quotes/quotes/1.citation?appearance={report['id']}").text
    assert "*First Wire*" in asked and "Third Post" not in asked
    # in a reference manager, the report is an item of its own, not the first appearance again
    (quote,) = client.json("/quotes/quotes.json?_shape=array")
    (first_item,) = client.json("/quotes/quotes/1.csljson")
    (report_item,) = client.json(f"/quotes/quotes/1.csljson?appearance={report['id']}")
    assert first_item["id"] == f"quotedb-{quote['stable_id']}"
    assert report_item["id"] == f"quotedb-{quote['stable_id']}-2024-01-02-first"
    # each links to what it cites, lastingly: the quote, or that report of it (report ids move)
    assert first.rstrip().endswith(f"> quotedb: /quote/{quote['stable_id']}")
    lasting = f"/quote/{quote['stable_id']}?article=2024-01-02-first"
    assert asked.rstrip().endswith(f"> quotedb: {lasting}")
    followed = client.get(lasting)
    page = f"/quotes/quotes/1?appearance={report['id']}"
    assert followed.status_code == 302 and followed.headers["location"] == f"{page}#report-{report['id']}"
    # the page it leads to marks that report, and only it
    html = client.get(page).text
    cited = re.findall(r'<li id="report-(\d+)" class="[^"]*cited-report[^"]*" aria-current="true">', html)
    assert cited == [str(report["id"])] and html.count("cited-report") == 1
    assert "cites one report of this quote:\n    <a href=\"#report-%d\">First Wire, 2 January 2024</a>" % report["id"] in html
    assert html[html.index(f'id="report-{report["id"]}"'):].split("</li>")[0].count("The report cited:") == 1
    padded = client.get(f"/quotes/quotes/1?appearance=0{report['id']}").text  # as its citation reads it
    assert padded.count("cited-report") == 1 and f'<li id="report-{report["id"]}" class="cited-report"' in padded
    for other in ("999", "x", "", "\u0662"):  # no report of this quote: said, and none marked
        html = client.get(f"/quotes/quotes/1?appearance={other}").text
        assert "that is not one of\n    this quote's" in html and "cited-report" not in html
    assert "cited-note" not in client.get("/quotes/quotes/1").text
    assert "Vassily Nebenzia, Russian ambassador to the UN" in asked
    assert "In order to increase the number of casualties they used cluster munitions," in asked
    # a report of another quote, or of none, is not found; what is no id is refused: never
    # the first appearance cited as if it were the report asked for
    for other, status in [("999", 404), ("x", 400), ("\u00b9", 400), ("9" * 40, 400), ("", 400)]:
        for extension in ("citation", "csljson"):
            response = client.get(f"/quotes/quotes/1.{extension}?appearance={urlquote(other)}")
            assert response.status_code == status, (other, extension, response.text[:200])
            assert "appearance" in response.text


def test_a_citation_of_one_quote_with_a_report_of_another_is_not_found(client):
    """On the seed: quote 19's report asked for on quote 18's page (it used to give 18's first
    appearance, as if that were the report asked for)."""
    (report,) = client.json("/quotes/appearances.json?quote_id=19&_shape=array")
    assert client.get(f"/quotes/quotes/19.citation?appearance={report['id']}").status_code == 200
    for extension in ("citation", "csljson"):
        response = client.get(f"/quotes/quotes/18.{extension}?appearance={report['id']}")
        assert response.status_code == 404 and f"Report {report['id']} is not a report" in response.text


def test_the_card_says_who_reported_it_first(merged):
    _, _, client = merged
    html = client.get("/").text
    assert "reported by 3 outlets, first by Third Post on 1 January 2024" in html


def test_reports_that_disagree_on_the_date_are_an_error_naming_both(tmp_path):
    # 2023-12 (First Wire) and 2023-11-30 (Third Post) cannot be the same day
    third = EARLIEST.replace("said: 2023-12-31", "said: 2023-11-30")
    result, db = build(tmp_path, {"2024/2024-01-02-first.yml": FIRST, "2024/2024-01-09-third.yml": third})
    assert result.returncode == 1 and not db.exists()
    assert (f"{tmp_path}/records/2024/2024-01-02-first.yml:7: said: '2023-12' disagrees with '2023-11-30' at "
            f"{tmp_path}/records/2024/2024-01-09-third.yml:6, another report of this quote") in result.stderr
    assert "Traceback" not in result.stderr


def test_a_likely_variant_warns_and_still_builds(tmp_path):
    near = EARLIEST.replace("they used cluster munitions", "they then used cluster munitions")
    result, db = build(tmp_path, {"2024/2024-01-02-first.yml": FIRST, "2024/2024-01-09-third.yml": near})
    assert result.returncode == 0, result.stderr
    assert (f"{tmp_path}/records/2024/2024-01-09-third.yml:6: text: probably the same quote as "
            f"{tmp_path}/records/2024/2024-01-02-first.yml:7, 96% alike; if it is, say so with same_as (warning)"
            ) in result.stderr
    assert sqlite3.connect(db).execute("select count(*) from quotes").fetchone() == (2,)
    # linked, it is one quote and the warning is gone
    linked = near.replace("    text:", "    same_as: {article: 2024-01-02-first, starts: In order}\n    text:")
    result, db = build(tmp_path, {"2024/2024-01-02-first.yml": FIRST, "2024/2024-01-09-third.yml": linked})
    assert result.returncode == 0, result.stderr
    assert "probably the same quote" not in result.stderr
    assert sqlite3.connect(db).execute("select count(*), sum(reports) from quotes").fetchone() == (1, 2)


@pytest.mark.parametrize("same_as, message", [
    ("{article: 2024-01-02-nowhere, starts: In order}", "same_as.article: no article with id '2024-01-02-nowhere' holds quotes"),
    ("{article: 2024-01-02-first, starts: Nothing like it}", "same_as.starts: no quote in '2024-01-02-first' starts with 'Nothing like it'"),
    ("{article: 2024-01-09-third, starts: In order}", "same_as.article: names this quote's own article"),
    ("{article: 2024-01-02-first}", "same_as.starts: required field is missing"),
])
def test_a_bad_same_as_is_a_located_error(tmp_path, same_as, message):
    linked = EARLIEST.replace("they used", "then they used").replace(
        "    text:", f"    same_as: {same_as}\n    text:")
    result, db = build(tmp_path, {"2024/2024-01-02-first.yml": FIRST, "2024/2024-01-09-third.yml": linked})
    assert result.returncode == 1 and not db.exists(), result.stderr
    assert f"records/2024/2024-01-09-third.yml:" in result.stderr and message in result.stderr


def test_a_variant_by_another_speaker_is_refused(tmp_path):
    other = EARLIEST.replace("vassily-nebenzia", "russian-authorities").replace(
        "    text:", "    same_as: {article: 2024-01-02-first, starts: In order}\n    text:")
    result, _ = build(tmp_path, {"2024/2024-01-02-first.yml": FIRST, "2024/2024-01-09-third.yml": other})
    assert result.returncode == 1
    assert "same_as: names a quote by 'vassily-nebenzia', not 'russian-authorities'" in result.stderr


@pytest.mark.parametrize("field, value, message", [
    ("language", "English", "language: "),
    ("translated_from", "en", "translated_from: 'en' is the language of the text itself"),
])
def test_language_fields_are_checked(tmp_path, field, value, message):
    bad = EARLIEST.replace("  published: 2024-01-01", "  published: 2024-01-01\n  language: en").replace(
        "    kind: full", f"    {field}: {value}\n    kind: full")
    result, _ = build(tmp_path, {"2024/2024-01-09-third.yml": bad})
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_original_words_need_the_language_they_were_spoken_in(tmp_path):
    bad = EARLIEST.replace("    kind: full", "    original_text: Чтобы\n    kind: full")
    result, _ = build(tmp_path, {"2024/2024-01-09-third.yml": bad})
    assert result.returncode == 1
    assert "original_text: is only for a translation: say which language it is in with translated_from" in result.stderr


def test_the_order_of_files_does_not_change_ids_or_first_appearances(tmp_path):
    dumps = []
    for names in (("a", "b", "c"), ("c", "b", "a")):
        files = {f"2024/{n}-{suffix}.yml": text for n, (suffix, text) in zip(
            names, [("first", FIRST.replace("2024-01-02-first", f"{names[0]}-first")),
                    ("second", SECOND), ("third", EARLIEST)])}
        files["2024/d-fourth.yml"] = FOURTH.replace("2024-01-02-first", f"{names[0]}-first")
        result, db = build(tmp_path / "-".join(names), files)
        assert result.returncode == 0, result.stderr
        conn = sqlite3.connect(db)
        dumps.append(conn.execute(
            "select quotes.id, quotes.text, quotes.said, reports, first_published, outlets, outlets.name, first, variant "
            "from quotes join appearances on quote_id = quotes.id join outlets on outlets.id = outlet_id "
            "order by appearances.published, outlets.name, variant").fetchall())
    assert dumps[0] == dumps[1]


def test_check_mode_finds_what_the_build_finds_and_writes_nothing(tmp_path):
    third = EARLIEST.replace("said: 2023-12-31", "said: 2023-11-30")
    records = write_records(tmp_path / "records", {
        "speakers.yml": SPEAKERS, "2024/2024-01-02-first.yml": FIRST, "2024/2024-01-09-third.yml": third})
    result = run_build(records, "--check", "--output", tmp_path / "quotes.db")
    assert result.returncode == 1 and "said: '2023-12' disagrees with '2023-11-30'" in result.stderr
    assert "records are not valid" in result.stderr
    (records / "2024/2024-01-09-third.yml").write_text(EARLIEST, encoding="utf-8")
    result = run_build(records, "--check", "--output", tmp_path / "quotes.db")
    assert result.returncode == 0 and "records are valid: 1 quote (2 reports) from 2 articles" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records"]


# --- Adversarial pass: each test below failed before its fix. ---

def _article(outlet, published, quotes, language=None):
    head = f"article:\n  title: About {outlet}\n  outlet: {outlet}\n  published: {published}\n"
    return head + (f"  language: {language}\n" if language else "") + "quotes:\n" + quotes


def _quote(text, said="2023-12-31", extra=""):
    return f"  - speaker: vassily-nebenzia\n    said: {said}\n    kind: full\n{extra}    text: {text!r}\n"


WORDS = "In order to increase the number of casualties they used cluster munitions"
OTHER_WORDS = "To raise the toll of the attack they resorted to cluster bombs"


@pytest.mark.parametrize("dates, clash", [
    # a month, then two days inside it: the second day clashes with the first day, not the month
    (("2023-12", "2023-12-30", "2023-12-31"), "c.yml:6: said: '2023-12-31' disagrees with '2023-12-30' at {}/b.yml:6"),
    # a year, a month, a day in another month: the day clashes with the month
    (("2023", "2023-11", "2023-12-31"), "c.yml:6: said: '2023-12-31' disagrees with '2023-11' at {}/b.yml:6"),
])
def test_a_clashing_date_names_the_report_it_clashes_with(tmp_path, dates, clash):
    files = {f"{name}.yml": _article(name.upper(), f"2024-01-0{i + 2}", _quote(WORDS, said=said))
             for i, (name, said) in enumerate(zip("abc", dates))}
    result, db = build(tmp_path, files)
    assert result.returncode == 1 and not db.exists()
    problems = [line for line in result.stderr.splitlines() if ": said: " in line]
    assert problems == [f"{tmp_path}/records/" + clash.format(f"{tmp_path}/records") + ", another report of this quote"]


def test_same_as_naming_an_article_with_problems_reports_only_those_problems(tmp_path):
    linked = _quote(OTHER_WORDS, extra="    same_as: {article: b, starts: In order}\n")
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-03", linked),
                                  "b.yml": _article("B", "2024-01-02", _quote(WORDS, said="2023-02-30"))})
    assert result.returncode == 1 and not db.exists()
    assert "b.yml:7: said: '2023-02-30' is not a real date" in result.stderr
    assert "a.yml" not in result.stderr and "1 problem found" in result.stderr


def test_one_article_cannot_report_a_quote_twice_through_same_as(tmp_path):
    twice = (_quote(OTHER_WORDS, extra="    same_as: {article: a, starts: In order}\n")
             + _quote(OTHER_WORDS + " on the city", extra="    same_as: {article: a, starts: In order}\n"))
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-02", _quote(WORDS)),
                                  "b.yml": _article("B", "2024-01-03", twice)})
    assert result.returncode == 1 and not db.exists()
    assert (f"{tmp_path}/records/b.yml:11: text: the same quote as {tmp_path}/records/b.yml:6 (linked with "
            "same_as): record a quote once per article") in result.stderr


@pytest.mark.parametrize("starts", ["...", "\u201c"])
def test_a_same_as_start_without_words_is_an_error(tmp_path, starts):
    linked = _quote(OTHER_WORDS, extra=f"    same_as: {{article: a, starts: {starts!r}}}\n")
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-02", _quote(WORDS)),
                                  "b.yml": _article("B", "2024-01-03", linked)})
    assert result.returncode == 1 and not db.exists()
    assert f"b.yml:6: same_as.starts: has no words to match; give the first words of the other quote" in result.stderr


def test_renaming_a_later_report_keeps_every_id(tmp_path):
    """Appearance ids are in citation links (?appearance=N): a rename must not move them."""
    dumps = []
    for later in ("0000-later", "zzzz-later"):
        result, db = build(tmp_path / later, {
            "m-first.yml": _article("First", "2024-01-02", _quote(WORDS) + _quote(OTHER_WORDS)),
            f"{later}.yml": _article("Later", "2024-01-05", _quote(WORDS.upper()) + _quote(OTHER_WORDS + "!")),
        })
        assert result.returncode == 0, result.stderr
        dumps.append(sqlite3.connect(db).execute(
            "select appearances.id, quote_id, first, outlets.name, appearances.record_line, quotes.text "
            "from appearances join outlets on outlets.id = outlet_id join quotes on quotes.id = quote_id "
            "order by appearances.id").fetchall())
    assert dumps[0] == dumps[1]
    # a quote's reports are numbered together, its first appearance first
    assert [row[1:3] for row in dumps[0]] == [(1, 1), (1, 0), (2, 1), (2, 0)]


def test_a_variant_in_another_language_keeps_its_own_language(tmp_path):
    """The Russian original linked to an English translation: one quote, in English, spoken in Russian."""
    english = _quote(WORDS, extra="    translated_from: ru\n")
    russian = _quote("Чтобы увеличить число жертв, они применили кассетные боеприпасы",
                     extra="    same_as: {article: a, starts: In order}\n")
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-02", english, "en"),
                                  "b.yml": _article("B", "2024-01-03", russian, "ru")})
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("select language, translated_from, reports from quotes").fetchall() == [("en", "ru", 2)]
    assert conn.execute("select language, variant from appearances order by id").fetchall() == [("en", 0), ("ru", 1)]
    html = SiteClient(db).get("/quotes/quotes/1").text
    assert '<blockquote lang="ru">' in html and "Чтобы увеличить" in html
    # the same words printed in two languages still disagree
    french = _article("B", "2024-01-03", _quote(WORDS), "fr")
    result, _ = build(tmp_path / "again", {"a.yml": _article("A", "2024-01-02", _quote(WORDS), "en"), "b.yml": french})
    assert result.returncode == 1 and "b.yml:7: language: 'fr' disagrees with 'en'" in result.stderr


def test_a_variant_of_the_same_words_says_only_punctuation_differs(tmp_path):
    """Linked wordings whose words are the same (a comma, capitals) have nothing to mark:
    the page says so rather than showing two wordings with no difference marked."""
    commas = _quote("In order to increase the number of casualties, they used Cluster Munitions",
                    extra="    same_as: {article: a, starts: In order}\n")
    other = _quote(OTHER_WORDS, extra="    same_as: {article: a, starts: In order}\n")
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-02", _quote(WORDS)),
                                  "b.yml": _article("B", "2024-01-03", commas),
                                  "c.yml": _article("C", "2024-01-04", other)})
    assert result.returncode == 0, result.stderr
    html = SiteClient(db).get("/quotes/quotes/1").text
    assert html.count('class="variant-pair"') == 2 and "<ins>" in html  # the other wording is marked
    assert html.count("The same words: only punctuation, quotation marks or capitals differ.") == 1


def test_language_tags_are_compared_and_stored_in_their_usual_case(tmp_path):
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-02", _quote(WORDS), "zh-hant-tw"),
                                  "b.yml": _article("B", "2024-01-03", _quote(WORDS), "zh-Hant-TW")})
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(db).execute("select language from quotes").fetchall() == [("zh-Hant-TW",)]


@pytest.mark.browser
def test_a_quote_page_with_reports_fits_a_phone_and_is_saved(tmp_path):
    """A quote with three reports, a variant and long words everywhere they can be: no
    sideways scrolling at 390 px, no serious accessibility problem; screenshots at
    desktop and phone widths go to test-artifacts/ for a person to look at."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from conftest import ROOT
    from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS

    long_word = "Ж" * 300
    first = FIRST.replace("кассетные боеприпасы", f"кассетные боеприпасы {long_word}").replace(
        "spelled_as: Vasily Nabenzia", f"spelled_as: Vasily Nabenzia\n    said_wording: {'x' * 200}")
    result, db = build(tmp_path, {
        "2024/2024-01-02-first.yml": first, "2024/2024-01-05-second.yml": SECOND,
        "2024/2024-01-09-third.yml": EARLIEST, "2024/2024-01-05-second-again.yml": FOURTH,
    })
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        (stable_id,) = conn.execute("select stable_id from quotes where id = 1").fetchone()
        (report_id,) = conn.execute("select id from appearances where article_id = '2024-01-05-second'").fetchone()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "quotedb", "serve", str(db), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/quotes/quotes/1"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for label, width in [("desktop", 1280), ("phone", 390)]:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url)
                assert page.evaluate("document.documentElement.scrollWidth") <= width, label
                assert page.locator("ol.appearances > li").first.get_attribute("class") == "first-appearance"
                violations = [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"]
                              if v["impact"] in ("serious", "critical")]
                assert violations == [], (label, violations)
                page.screenshot(path=ARTIFACTS / f"quote-with-reports-{label}.png", full_page=True)
                page.close()
                # a report's lasting link (its citation's) lands on the page at that report, marked
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"http://127.0.0.1:{port}/quote/{stable_id}?article=2024-01-05-second")
                assert page.url.endswith(f"/quotes/quotes/1?appearance={report_id}#report-{report_id}")
                cited = page.locator("li.cited-report")
                assert cited.count() == 1 and cited.get_attribute("id") == f"report-{report_id}"
                assert "The report cited: Second Herald" in cited.inner_text()
                assert page.evaluate("document.documentElement.scrollWidth") <= width, label
                in_view = cited.evaluate("e => { const r = e.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0 }")
                assert in_view and page.evaluate("window.scrollY") > 0, label  # scrolled to it
                violations = [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"]
                              if v["impact"] in ("serious", "critical")]
                assert violations == [], (label, violations)
                page.screenshot(path=ARTIFACTS / f"quote-report-cited-{label}.png")
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_markdown_citation_keeps_entities_and_list_markers_as_text(tmp_path):
    """Pasted into Markdown, '&amp;' would show as '&' and a paraphrase opening with '1. '
    as a numbered list: the citation would misquote."""
    quotes = (_quote("Profits &amp; losses &#169; R&D are ours", said="2023-12-30")
              + _quote("1. Security comes first", said="2023-12-29").replace("kind: full", "kind: paraphrase")
              + _quote("- and then + more", said="2023-12-28").replace("kind: full", "kind: paraphrase"))
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-02", quotes)})
    assert result.returncode == 0, result.stderr
    client = SiteClient(db)
    citations = {row["id"]: client.get(f"/quotes/quotes/{row['id']}.citation").text
                 for row in client.json("/quotes/quotes.json?_shape=array")}
    assert "> “Profits \\&amp; losses \\&\\#169; R&D are ours”" in citations[3]
    assert citations[2].startswith("> 1\\. Security comes first (paraphrase)\n")
    assert citations[1].startswith("> \\- and then + more (paraphrase)\n")


def test_same_as_starts_picks_among_the_speakers_own_quotes(tmp_path):
    """Another speaker's quote opening with the same words does not make `starts` ambiguous:
    a variant is always by the same speaker."""
    other = _quote(WORDS + " too").replace("vassily-nebenzia", "russian-authorities")
    linked = _quote(OTHER_WORDS, extra="    same_as: {article: a, starts: In order}\n")
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-02", _quote(WORDS) + other),
                                  "b.yml": _article("B", "2024-01-03", linked)})
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(db).execute(
        "select speaker_id, reports from quotes order by speaker_id").fetchall() == [
        ("russian-authorities", 1), ("vassily-nebenzia", 2)]


def test_quotation_mark_styles_of_other_languages_are_ignored(tmp_path):
    """The README: reports are the same quote 'ignoring quotation-mark style', German,
    French and CJK marks included."""
    files = {f"{name}.yml": _article(name.upper(), f"2024-01-0{i + 2}", _quote(text))
             for i, (name, text) in enumerate(zip("abcde", [
                 WORDS, f"„{WORDS}“", f"« {WORDS} »", f"»{WORDS}«", f"「{WORDS}」"]))}
    result, db = build(tmp_path, files)
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(db).execute("select count(*), sum(reports) from quotes").fetchone() == (1, 5)


@pytest.mark.parametrize("text", ["„Wir werden antworten“", "„Odpowiemy”", "Er sagte: „Wir werden antworten“ und „bald“"])
def test_german_and_polish_quotation_marks_are_balanced(tmp_path, text):
    result, _ = build(tmp_path, {"a.yml": _article("A", "2024-01-02", _quote(text))})
    assert result.returncode == 0, result.stderr


def test_a_variant_lends_no_language_to_words_whose_language_is_not_given(tmp_path):
    russian = _quote("Чтобы увеличить число жертв, они применили кассетные боеприпасы",
                     extra="    same_as: {article: a, starts: In order}\n")
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-02", _quote(WORDS)),
                                  "b.yml": _article("B", "2024-01-03", russian, "ru")})
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(db).execute("select language from quotes").fetchall() == [(None,)]


def test_same_as_can_name_a_quote_whose_words_begin_another(tmp_path):
    """`starts` giving all of a short quote's words picks it, though a longer one begins the same."""
    target = _quote("We will win") + _quote("We will win the war", said="2023-12-30")
    linked = _quote("We shall win", extra="    same_as: {article: a, starts: We will win.}\n")
    result, db = build(tmp_path, {"a.yml": _article("A", "2024-01-02", target),
                                  "b.yml": _article("B", "2024-01-03", linked)})
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(db).execute("select text, reports from quotes order by id").fetchall() == [
        ("We will win the war", 1), ("We will win", 2)]


# Said long before the others, added in a later build: every quote after it moves up one id.
SAID_EARLIER = """\
article:
  title: An old interview
  outlet: Archive Weekly
  published: 2024-01-03
quotes:
  - speaker: russian-authorities
    said: 2019-05-04
    kind: paraphrase
    text: the region would be defended
"""

OTHER = """\
article:
  title: Authorities respond
  outlet: Third Post
  published: 2024-01-08
quotes:
  - speaker: russian-authorities
    said: 2024-01-07
    kind: paraphrase
    text: the strikes would be answered
"""


# A variant of OTHER, published after it: OTHER stays the first appearance.
OTHER_VARIANT = """\
article:
  title: Authorities respond, in full
  outlet: Archive Weekly
  published: 2024-01-09
quotes:
  - speaker: russian-authorities
    said: 2024-01-07
    kind: paraphrase
    text: the strikes would be answered in kind
    same_as:
      article: 2024-01-08-other
      starts: the strikes
"""

# OTHER's words again, naming OTHER_VARIANT: the same quote, linked from both sides.
OTHER_BACK = """\
article:
  title: Authorities respond again
  outlet: First Wire
  published: 2024-01-10
quotes:
  - speaker: russian-authorities
    said: 2024-01-07
    kind: paraphrase
    text: the strikes would be answered
    same_as:
      article: 2024-01-09-in-full
      starts: the strikes would be answered in kind
"""

# Other words for FIRST's quote, published before it: the quote's first appearance now.
EARLIER_WORDING = EARLIEST.replace(
    '"in order to increase the number of casualties they used cluster munitions"',
    '"To increase the casualties they used cluster munitions"',
) + """\
    same_as:
      article: 2024-01-02-first
      starts: In order to increase
"""


def unlinked(record):
    return record.split("    same_as:")[0]


def test_a_stable_id_leads_to_its_words_when_quotes_and_wordings_are_added_or_unlinked(tmp_path):
    """Build; build again with a quote said earlier, other reports of the quotes and
    wordings linked to them: ids move, and each stable id still leads to a quote with its
    words. Then unlink the wordings: each quote's stable id leads to the words it showed."""
    first_files = {"2024/2024-01-02-first.yml": FIRST, "2024/2024-01-08-other.yml": OTHER}
    result, before = build(tmp_path / "before", first_files)
    assert result.returncode == 0, result.stderr
    added = {"2024/2024-01-03-archive.yml": SAID_EARLIER, "2024/2024-01-05-second.yml": SECOND,
             "2024/2024-01-05-second-again.yml": FOURTH, "2024/2024-01-09-in-full.yml": OTHER_VARIANT,
             "2024/2024-01-10-back.yml": OTHER_BACK, "2024/2024-01-01-first-word.yml": EARLIER_WORDING}
    result, after = build(tmp_path / "after", {**first_files, **added})
    assert result.returncode == 0, result.stderr
    read = "select stable_id, id, speaker_id, text from quotes order by id"
    old = {row[0]: row[1:] for row in sqlite3.connect(before).execute(read)}
    new = {row[0]: row[1:] for row in sqlite3.connect(after).execute(read)}
    assert [row[0] for row in old.values()] == [1, 2] and len(new) == 3
    linked = dict(sqlite3.connect(after).execute("select stable_id, quote_id from linked_stable_ids"))
    assert len(linked) == 3  # FIRST's and FOURTH's (its quote shows EARLIER_WORDING's words now), OTHER_VARIANT's
    site = SiteClient(after)
    try:
        for stable_id, (old_id, speaker, text) in old.items():
            response = site.get(f"/quote/{stable_id}")
            assert response.status_code == 302 and response.headers["location"] == f"/quotes/quotes/{old_id + 1}"
            (row,) = site.json(f"/quotes/quotes/{old_id + 1}.json?_shape=array")  # moved by the quote said earlier
            reports = site.json(f"/quotes/appearance_details.json?quote_id={row['id']}&_shape=array")
            assert row["speaker_id"] == speaker and text in [report["text"] for report in reports]
            if stable_id in new:  # OTHER's: still its first appearance
                assert row["text"] == text
            else:  # FIRST's: EARLIER_WORDING is the first appearance, and gives the quote its stable id
                assert linked[stable_id] == row["id"] and row["text"] == "To increase the casualties they used cluster munitions"
        for stable_id, quote_id in linked.items():  # every wording's stable id leads to its quote
            assert site.get(f"/quote/{stable_id}").headers["location"] == f"/quotes/quotes/{quote_id}"
    finally:
        site.close()
    # Which key a quote keeps does not depend on where its files are: here its two links
    # are read in the other order
    moved_files = {("2024/" if "back" in name else "elsewhere/") + name.split("/")[1]: text for name, text in added.items()}
    result, moved = build(tmp_path / "moved", {**first_files, **moved_files})
    assert result.returncode == 0, result.stderr
    for table in ("select stable_id, id from quotes", "select stable_id, quote_id from linked_stable_ids"):
        assert sorted(sqlite3.connect(moved).execute(table)) == sorted(sqlite3.connect(after).execute(table))
    # Unlinked, each wording is a quote of its own, and each stable id given out (the
    # quote's own) leads to the words the quote showed
    result, apart = build(tmp_path / "apart", {**first_files, **{name: unlinked(text) for name, text in added.items()}})
    assert result.returncode == 0, result.stderr
    site = SiteClient(apart)
    try:
        for stable_id, (_, speaker, text) in new.items():
            location = site.get(f"/quote/{stable_id}").headers["location"]
            (row,) = site.json(f"{location}.json?_shape=array")
            assert (row["speaker_id"], row["text"]) == (speaker, text)
    finally:
        site.close()


def test_the_readme_s_record_examples_build_as_written(tmp_path):
    """What a curator copies from the README's "Adding an article": the record file, and
    a second report linked to it with its `same_as` example, comments and all."""
    import textwrap

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    record = re.search(r"```yaml\n(# yaml-language-server.*?)```", readme, re.S).group(1)
    same_as = textwrap.dedent(re.search(r"```yaml\n( +same_as:.*?) *```", readme, re.S).group(1))
    other = ("article:\n  title: Another outlet's report\n  outlet: Another Outlet\n  published: 2024-01-08\n"
             "quotes:\n  - speaker: vassily-nebenzia\n    kind: full\n"
             "    text: 'To raise the toll they resorted to cluster bombs.'\n"
             + textwrap.indent(same_as, "    "))
    records = write_records(tmp_path / "records", {
        "speakers.yml": (ROOT / "quotes" / "speakers.yml").read_text(encoding="utf-8"),
        "2024/2024-01-07-wsws-belgorod-strikes.yml": record, "2024/2024-01-08-another.yml": other})
    result = run_build(records, "--output", tmp_path / "quotes.db")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "quotes.db") as conn:
        reports = conn.execute("select article_id, role, said_wording, variant from appearances order by id").fetchall()
    assert reports == [("2024-01-07-wsws-belgorod-strikes", "Russian ambassador to the UN", "last Sunday", 0),
                       ("2024-01-08-another", None, None, 1)]
