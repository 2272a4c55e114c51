"""Property-based: any valid records build, and the database gives back every field."""

import json
import sqlite3
import string

from hypothesis import HealthCheck, assume, given, settings, strategies as st
from pydantic import TypeAdapter, ValidationError

from quotedb.records import Quote
from conftest import run_build, write_records

# Raw line separators (U+2028, U+2029) too: YAML once folded the spaces around them away.
words = st.text(alphabet=string.ascii_letters + "éøßЖжκ’'-\u2028\u2029", min_size=1, max_size=12)
text = st.lists(words, min_size=1, max_size=30).map(" ".join)
optional_text = st.none() | text
dates = st.none() | st.dates(min_value=__import__("datetime").date(1990, 1, 1),
                             max_value=__import__("datetime").date(2024, 1, 6)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]]))

# Names differing only in spacing are one venue or outlet.
NAMES = st.sampled_from(["UN Security Council", "UN  Security Council", " UN Security Council\u00a0", "Kyiv", "Kyiv\t"])
ALIASES = {"ada-one": ["A. One", "Ада Ван"], "bob-two": ["B. Two"]}
PRECISION = {None: "unknown", 4: "year", 7: "month", 10: "day"}


def with_spelling_and_precision(draw_quote):
    """Add spelled_as (one of the speaker's aliases) and an agreeing precision, sometimes."""
    @st.composite
    def build(draw):
        q = draw(draw_quote)
        if draw(st.booleans()):
            q["spelled_as"] = draw(st.sampled_from(ALIASES[q["speaker"]]))
        if "said" in q and draw(st.booleans()):
            q["precision"] = PRECISION[len(q["said"]) if q["said"] else None]
        return q
    return build()


quote = with_spelling_and_precision(st.fixed_dictionaries(
    {"speaker": st.sampled_from(["ada-one", "bob-two"]), "kind": st.sampled_from(["full", "partial", "paraphrase"]),
     "text": text},
    optional={"role": text, "said": dates, "said_wording": text, "venue": NAMES | text, "reported_via": NAMES | text,
              "notes": text},
))

SPEAKERS = ("speakers:\n  - id: ada-one\n    name: Ada One\n    kind: person\n    aliases: [A. One, Ада Ван]\n"
            "  - id: bob-two\n    name: Bob Two\n    kind: group\n    aliases: [B. Two]\n")


def article_yaml(quotes):
    head = "article:\n  title: T\n  outlet: O\n  published: 2024-01-07\nquotes:\n"
    items = []
    for q in quotes:
        lines = [f"{key}: {json.dumps(value, ensure_ascii=False) if key not in ('said', 'precision') else (value or 'unknown')}"
                 for key, value in q.items()]
        items.append("  - " + "\n    ".join(lines))
    return head + "\n".join(items) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quotes=st.lists(quote, min_size=1, max_size=6, unique_by=lambda q: (q["speaker"], q["text"].lower())))
def test_valid_records_always_build_and_round_trip(tmp_path_factory, quotes):
    for q in quotes:
        try:
            TypeAdapter(Quote).validate_python(q)
        except ValidationError:
            assume(False)
    directory = tmp_path_factory.mktemp("property")
    write_records(directory / "records", {"speakers.yml": SPEAKERS, "a.yml": article_yaml(quotes)})
    result = run_build(directory / "records", "--output", directory / "quotes.db")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(directory / "quotes.db")
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "select q.*, a.said_wording, a.spelled_as, a.record_line, v.name as venue, o.name as via from quotes q "
        "join appearances a on a.quote_id = q.id left join venues v on v.id = q.venue_id "
        "left join outlets o on o.id = a.reported_via_id order by a.record_line").fetchall()
    assert len(rows) == len(quotes)
    for q, row in zip(quotes, rows):
        assert row["speaker_id"] == q["speaker"] and row["kind"] == q["kind"] and row["text"] == q["text"]
        for field in ("role", "said_wording", "notes", "spelled_as"):
            assert row[field] == q.get(field)
        assert row["venue"] == spaced(q.get("venue")) and row["via"] == spaced(q.get("reported_via"))
        assert row["said"] == q.get("said")
        said = q.get("said")
        assert row["said_precision"] == PRECISION[len(said) if said else None] == q.get("precision", row["said_precision"])
        if row["text"].split()[0].isalnum():
            found = conn.execute("select rowid from quotes_fts where quotes_fts match ?", ['"' + row["text"].split()[0] + '"']).fetchall()
            assert row["id"] in [hit[0] for hit in found]
    venues = {spaced(q["venue"]) for q in quotes if "venue" in q}
    assert conn.execute("select count(*) from venues").fetchone()[0] == len(venues)


def spaced(name):
    """A name as stored: white space normalised."""
    return " ".join(name.split()) if name is not None else None
