"""Show a quote as a quotation: its words, then who said it, their role, when and
where, and a link to the source article. Search matches marked by the `search`
canned query (between ⟦ and ⟧) become <mark>. A quote's own page lists every
report of it, the first marked, and compares variant wordings word by word.
Everything from the data is escaped.
"""

import difflib
import re

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

MARK_START, MARK_END = "\u27e6", "\u27e7"

_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")


def marked(text: str) -> Markup:
    """Escape `text`, then turn each pair of search markers into a <mark> element (a
    marker standing alone, as a quote may hold, stays as it is)."""
    return Markup(_MARKED.sub(r"<mark>\1</mark>", str(escape(text))))


def quotation(text, details, base_url="/") -> Markup:
    """The quote as a <figure>: blockquote and attribution with a source link."""
    if details is None:
        return Markup('<blockquote class="quote">{}</blockquote>').format(text)
    who = Markup('<a href="{}speaker/{}">{}</a>').format(base_url, details["speaker_id"], details["speaker"])
    if details["spelled_as"]:
        who += Markup(" (as {})").format(details["spelled_as"])
    parts = [who] + [escape(details[k]) for k in ("role", "venue") if details[k]]
    when = details["said"] or details["said_wording"]
    if when:
        parts.append(escape(when))
    link = details["url"] or f"{base_url}quotes/articles/{details['article_id']}"
    source = Markup('<cite><a href="{}">{}</a></cite>, {}, {}').format(
        link, details["article"], details["outlet"], details["published"]
    )
    return Markup(
        '<figure class="quote quote-{}"><blockquote>{}</blockquote>'
        "<figcaption>\u2014 {}. {}</figcaption></figure>"
    ).format(details["kind"], text, Markup(", ").join(parts), source)


_WORD_KEY = re.compile(r"\W+")


def _words(text: str) -> list:
    """The words of `text` as wordings are compared: case and punctuation ignored."""
    return [_WORD_KEY.sub("", word.casefold()) for word in text.split()]


def word_diff(ours: str, theirs: str) -> tuple[Markup, Markup]:
    """Two wordings side by side: words only in the first marked <del>, words only in
    the second <ins>, compared ignoring case and punctuation."""
    left, right = ours.split(), theirs.split()
    matcher = difflib.SequenceMatcher(None, _words(ours), _words(theirs), autojunk=False)
    marked_left, marked_right = [], []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        one, other = " ".join(left[i1:i2]), " ".join(right[j1:j2])
        if operation == "equal":
            marked_left.append(escape(one))
            marked_right.append(escape(other))
            continue
        if one:
            marked_left.append(Markup("<del>{}</del>").format(one))
        if other:
            marked_right.append(Markup("<ins>{}</ins>").format(other))
    return Markup(" ").join(marked_left), Markup(" ").join(marked_right)


async def quote_page(datasette, database, quote_id, cited=None):
    """What a quote's page shows above its row: the quote, every report of it (first
    one first), and its variant wordings compared with its own. `cited`: `?appearance=`
    as given, the report a link cites (a report's citation and lasting link lead here
    with it): that report is marked, or the page says it names none of them."""
    db = datasette.get_database(database)
    quote = (await db.execute("select * from quote_details where id = :id", {"id": quote_id})).first()
    if quote is None:
        return None
    appearances = [dict(row) for row in await db.execute(
        "select * from appearance_details where quote_id = :id order by first desc, published, id", {"id": quote_id}
    )]
    # read as the citations read it (plugins/citations.py `_appearance`): 02 is report 2
    cited_id = int(cited) if cited is not None and re.fullmatch(r"[0-9]{1,18}", cited) else None
    for appearance in appearances:
        appearance["cited"] = appearance["id"] == cited_id
    cited_report = next((appearance for appearance in appearances if appearance["cited"]), None)
    variants = []
    for appearance in appearances:
        if appearance["variant"]:
            # words in another language (the original, a translation) are shown, not compared
            other_language = bool(appearance["language"] and quote["language"]
                                  and appearance["language"] != quote["language"])
            ours, theirs = (escape(quote["text"]), escape(appearance["text"])) if other_language else word_diff(
                quote["text"], appearance["text"])
            variants.append({"appearance": appearance, "ours": ours, "theirs": theirs, "other_language": other_language,
                             "same_words": not other_language and _words(quote["text"]) == _words(appearance["text"])})
    return {"quote": dict(quote), "appearances": appearances, "variants": variants,
            "cited": cited_report, "cited_unknown": cited is not None and cited_report is None}


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if not (view_name == "row" and table == "quotes" and request):
        return {}

    async def page():
        pks = request.url_vars.get("pks", "")
        found = re.fullmatch(r"[0-9]{1,18}", pks)
        return {"quote_page": await quote_page(datasette, database, int(pks), request.args.get("appearance"))
                if found else None}

    return page


@hookimpl
def prepare_jinja2_environment(env):
    """`{{ text|quotation(details, base_url) }}` in templates: the same markup as the table's cells."""
    env.filters["quotation"] = quotation


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not isinstance(value, str):
        return None
    if MARK_START in value and table is None:  # the canned `search` query's highlight()
        return marked(value)
    if table in ("quotes", "quotes_by_relevance") and column == "text" and "id" in row.keys():

        async def render():
            db = datasette.get_database(database)
            found = (await db.execute("select * from quote_details where id = :id", {"id": row["id"]})).first()
            base_url = datasette.setting("base_url")
            return quotation(value, dict(found) if found else None, base_url)

        return render
    if table == "speakers" and column == "name" and "id" in row.keys():
        return Markup('<a href="{}speaker/{}">{}</a>').format(datasette.setting("base_url"), row["id"], value)
    return None


STYLE = """
figure.quote { margin: 0; max-width: 48em; }
figure.quote blockquote { margin: 0 0 0.3em 0; padding-left: 0.8em; border-left: 3px solid #8a6d3b;
  font-family: Georgia, serif; font-size: 1.05em; }
figure.quote-full blockquote::before { content: "\\201C"; }
figure.quote-full blockquote::after { content: "\\201D"; }
figure.quote-partial blockquote::before { content: "\\201C\\2026"; }
figure.quote-partial blockquote::after { content: "\\2026\\201D"; }
figure.quote-paraphrase blockquote { font-style: italic; border-left-style: dashed; }
figure.quote figcaption { font-size: 0.85em; color: #555; }
mark { background: #ffe58a; padding: 0 1px; }
/* A quote's page: its reports, the first marked, and variants word by word. */
.quote-page { max-width: 60em; overflow-wrap: anywhere; }
ol.appearances { padding-left: 1.6em; }
ol.appearances li { margin: 0.6em 0; padding: 0.4em 0.6em; border-left: 3px solid #ddd; }
ol.appearances li.first-appearance { border-left: 5px solid #2c5282; background: #eef3fa; }
ol.appearances p { margin: 0.15em 0; }
ol.appearances li.cited-report { border: 2px solid #8a6d3b; border-left-width: 5px; background: #fdf8ec; }
.first-label { color: #1a365d; }
.cited-label { color: #5c4813; }
.report-facts { font-size: 0.9em; color: #444; }
.report-printed { margin: 0.3em 0; font-size: 0.9em; }
.report-printed figcaption { color: #444; }
.report-printed blockquote, .quote-original blockquote, .variant-pair blockquote { margin: 0.2em 0;
  padding-left: 0.8em; border-left: 3px solid #8a6d3b; font-family: Georgia, serif; }
.quote-original { margin: 0.6em 0 1em 0; }
.variant-pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 20em), 1fr)); gap: 1em;
  margin: 0.8em 0; }
.variant-pair figure { margin: 0; }
.variant-pair figcaption { font-weight: bold; font-size: 0.9em; }
.variant-pair del { background: #fde2e1; color: #7a1f1a; }
.variant-pair ins { background: #dcf5dc; color: #1b5e20; text-decoration: underline; }
td.col-text, td.col-quote { min-width: 28em; }
.speaker-chart { max-width: 100%; height: auto; }
.speaker-chart rect { fill: #5b7fa6; }
.speaker-chart text { font-size: 10px; fill: #333; }

/* Home page (templates/index.html) */
.home-search { margin: 1em 0 1.2em 0; max-width: 48em; }
.home-search label { display: block; width: auto; font-weight: bold; margin-bottom: 0.4em; }
.home-search-row { display: flex; gap: 0.5em; }
.home-search input[type=search] { flex: 1; min-width: 0; font-size: 1.2em; padding: 0.45em 0.6em;
  border: 2px solid #5b7fa6; border-radius: 6px; }
.home-search button { font-size: 1.1em; padding: 0.45em 1.1em; border: 0; border-radius: 6px;
  background: #2c5282; color: #fff; cursor: pointer; }
.home-search button:hover, .home-search button:focus { background: #1a365d; }
.home-totals { font-size: 1.1em; }
.home-section h2 { margin-top: 1.4em; }
ol.quote-cards { list-style: none; padding: 0; margin: 0; display: grid;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 24em), 1fr)); gap: 1em; }
li.quote-card { border: 1px solid #ddd; border-radius: 8px; padding: 0.9em 1em; background: #fff;
  overflow-wrap: anywhere; }
li.quote-card .quote-card-link { display: inline-block; margin-top: 0.5em; font-size: 0.85em; }
.home-section > p { margin-top: 0.8em; }
.home-ways { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 16em), 1fr)); gap: 0 2em; }
ol.home-list, ul.home-list { padding: 0; margin: 0.4em 0; }
.home-list li { margin: 0.25em 0; overflow-wrap: anywhere; }
.home-list .count, .home-years .count { color: #555; font-size: 0.9em; }
ul.home-years { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; }
.home-databases { margin-top: 2em; border-top: 1px solid #ddd; overflow-wrap: anywhere; }

/* Phones: nothing wider than the screen. Datasette shows each table row as a card
   there; a quote cell needs no minimum width, long words and links wrap, facets
   take the full width, one under another. */
figure.quote, .speaker-page, .facet-info { overflow-wrap: break-word; }
@media only screen and (max-width: 576px) {
  td.col-text, td.col-quote { min-width: 0; }
  .rows-and-columns td { overflow-wrap: anywhere; }
  .facet-info { width: auto; flex: 1 1 10em; margin-right: 0.8em; }
  pre { max-width: 100%; overflow-x: auto; }
}
"""


async def stylesheet():
    return Response(STYLE, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


@hookimpl
def register_routes():
    return [(r"^/-/quotedb\.css$", stylesheet)]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/quotedb.css")]
