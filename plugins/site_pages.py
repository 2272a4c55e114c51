"""The pages people land on, beyond Datasette's own: quotation cards on the quotes
table (templates/table-quotes-quotes.html), the list of every speaker (/speakers),
Atom feeds per speaker (/speaker/<id>.atom), per search (/search.atom?q=words) and of
the newest quotes (/newest.atom),
the site's own stylesheet and script (plugins/static/), and the filters the
templates use to write dates and kinds for people.

Quotes are read from the `quote_details` view (never quotes.article_id and the
like, which describe one appearance of a quote and may move). Everything from the
data is escaped by the templates' autoescape, or by xml escaping in the feeds.
"""

import functools
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, quote as url_quote, urlencode
from xml.sax.saxutils import escape as xml_escape, quoteattr

from datasette import hookimpl
from datasette.version import __version__ as datasette_version
from datasette.database import QueryInterrupted
from datasette.utils.asgi import BadRequest, NotFound, Response
from markupsafe import Markup, escape

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {
    "quotedb-site.css": "text/css; charset=utf-8",
    "quotedb-site.js": "text/javascript; charset=utf-8",
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
KINDS = {"full": "full quote", "partial": "partial quote", "paraphrase": "paraphrase"}
FACET_TITLES = {  # in the order the facets are shown
    "speaker_id": "Speaker", "venue_id": "Venue", "outlet_id": "Outlet", "outlets": "Outlet", "year": "Year",
    "kind": "Kind", "month": "Month", "language": "Language", "reported_via_id": "Reported via", "article_id": "Article",
}
ID_COLUMNS = {  # facet column -> (table, its name column)
    "speaker_id": ("speakers", "name"), "venue_id": ("venues", "name"), "outlet_id": ("outlets", "name"),
    "reported_via_id": ("outlets", "name"), "article_id": ("articles", "title"),
}
FEED_ENTRIES = 50
TITLE_LENGTH = 120
QUOTE_LISTS = ("quotes", "quotes_by_relevance")


def said_for_people(said, wording=None):
    """'2024-01-05' -> '5 January 2024', '2023-11' -> 'November 2023', '2023' -> '2023',
    nothing -> 'date unknown' (or the source's own words for it, when it gave some)."""
    if not said:
        return f"date unknown ({wording})" if wording else "date unknown"
    parts = str(said).split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return str(said)


def in_facet_order(facets):
    """Facet results in the order people look for them (speaker first), others after, as given."""
    order = list(FACET_TITLES)
    return sorted(facets, key=lambda facet: order.index(facet["name"]) if facet["name"] in order else len(order))


LANGUAGES = {
    "ar": "Arabic", "be": "Belarusian", "de": "German", "en": "English", "es": "Spanish", "fa": "Persian",
    "fr": "French", "he": "Hebrew", "hi": "Hindi", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "pl": "Polish", "pt": "Portuguese", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian", "zh": "Chinese",
}


def language_for_people(tag):
    """A BCP 47 tag as a name where it is a common language ('ru' -> 'Russian'), else the tag."""
    if not tag:
        return ""
    return LANGUAGES.get(str(tag).split("-")[0].lower(), str(tag))


def kind_for_people(kind):
    return KINDS.get(kind, kind or "")


def cut_at_word(text, length=TITLE_LENGTH):
    """`text` whole when it fits in `length` characters, else cut after its last whole
    word that fits, with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= length:
        return text
    cut = text[:length + 1]
    space = cut.rfind(" ")
    head = cut[:space] if space > 0 else text[:length]
    return head.rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def site_url(datasette) -> str:
    """The site's public address from metadata.yml (`plugins: quotedb: site_url:`), else
    its path alone: never the request's Host header, which any client can set."""
    configured = (datasette.plugin_config("quotedb") or {}).get("site_url")
    return configured.rstrip("/") + "/" if configured else datasette.setting("base_url")


async def quotes_database(datasette):
    for db in datasette.databases.values():
        if await db.table_exists("quotes_fts"):
            return db
    raise NotFound("No quotes database is served here")


async def quote_details(db, ids):
    """quote_details rows for `ids`, in that order."""
    ids = [i for i in ids if isinstance(i, int)]
    if not ids:
        return []
    rows = await db.execute(
        "select * from quote_details where id in (select value from json_each(:ids))", {"ids": json.dumps(ids)}
    )
    by_id = {row["id"]: dict(row) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


# --- Templates -------------------------------------------------------------------

@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["said_for_people"] = said_for_people
    env.filters["kind_for_people"] = kind_for_people
    env.filters["language_for_people"] = language_for_people
    env.filters["cut_at_word"] = cut_at_word
    env.filters["stable_path"] = stable_path
    env.filters["in_facet_order"] = in_facet_order
    env.globals["facet_titles"] = FACET_TITLES
    # Globals, not page variables: Datasette renders its error pages with neither.
    env.globals["datasette_version"] = datasette_version

    async def header_link():
        # the header's link to the quotes (templates/base.html), whatever the database is called
        try:
            env.globals["quotes_table_url"] = datasette.urls.table((await quotes_database(datasette)).name, "quotes")
        except NotFound:
            env.globals["quotes_table_url"] = None

    return header_link


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name == "table" and table in QUOTE_LISTS and request is not None:
        return _quote_list_vars(database, table, request, datasette)
    return {}


COLUMN_SEARCH_FIELDS = {"text": "words", "aliases": "other names"}


def _column_search(column, words) -> dict:
    """A search of one column as the page says it: its field ("speaker") and the heading's
    "whose speaker matches" (the search uses each name's first value)."""
    field = COLUMN_SEARCH_FIELDS.get(column, column.replace("_", " "))
    return {"field": field, "whose": f"whose {field} " + ("match" if field.endswith("s") else "matches"),
            "words": words}


def _narrowed(request) -> bool:
    """Does the page filter beyond `?_search=`: a column search, a column filter, `_where`?"""
    return any(not key.startswith("_") or "__" in key or key in ("_where", "_filter_column")
               or (key.startswith("_search_") and request.args[key].strip()) for key in request.args)


def _quote_list_vars(database, table, request, datasette):
    async def quote_cards(rows):
        """The page's rows as quote_details rows, in the page's order."""
        return await quote_details(datasette.get_database(database), [row["id"] for row in rows])

    pairs = [(key, value) for key in request.args for value in request.args.getlist(key)]
    search = (request.args.get("_search") or "").strip()

    def url(table_name, drop=(), add=()):
        kept = [(k, v) for k, v in pairs if k not in ("_next", "_sort", "_sort_desc", *drop)] + list(add)
        return datasette.urls.table(database, table_name) + ("?" + urlencode(kept) if kept else "")

    async def name_facet_values(facets):
        """Names for the ids of a view's facets (quotes_by_relevance has no foreign keys for
        Datasette to follow): each value whose label is its id gets its name. Prints nothing."""
        db = datasette.get_database(database)
        for facet in facets or []:
            source = ID_COLUMNS.get(facet.get("name"))
            unnamed = [item for item in facet.get("results", []) if item.get("label") == item.get("value")]
            if not source or not unnamed:
                continue
            names = {row["id"]: row["name"] for row in await db.execute(
                f"select id, {source[1]} as name from {source[0]} where id in (select value from json_each(:ids))",
                {"ids": json.dumps([item["value"] for item in unnamed])})}
            for item in unnamed:
                item["label"] = names.get(item["value"], item["label"])
        return ""

    return {
        "quote_cards": quote_cards,
        "name_facet_values": name_facet_values,
        "search_words": search,
        # `?_search_<column>=`, as the page says them
        "column_searches": [_column_search(key[len("_search_"):], request.args[key].strip())
                            for key in request.args if key.startswith("_search_") and len(key) > len("_search_")
                            and request.args[key].strip()],
        "cards_view": request.args.get("_view") != "table",
        "sort_urls": {"newest": url("quotes"), "relevance": url("quotes_by_relevance")},
        "view_urls": {"cards": url(table, drop=("_view",)), "table": url(table, drop=("_view",), add=[("_view", "table")])},
        # what a new search keeps: the filters and options in use, not the page or the words
        "form_args": [(k, v) for k, v in pairs if k not in ("_search", "_next")],
        # The feed follows a search on its own: offered only where the page is just that.
        "search_feed_url": datasette.urls.path("/search.atom") + "?" + urlencode({"q": search})
        if search and not _narrowed(request) else None,
    }


MARKED = re.compile("\u27e6([^\u27e6\u27e7]*)\u27e7")  # the canned search's highlight() markers


@hookimpl(tryfirst=True)  # before quote_display's marks, which would show the list as JSON
def render_cell(value, column, table):
    """The canned `search` query's `names` (a JSON list of a speaker's names, matches
    marked) and the speakers table's `aliases` as the names, separated by commas;
    escaped, then the marks made <mark>."""
    wanted = (table is None and column == "names") or (table == "speakers" and column == "aliases")
    if not wanted or not isinstance(value, str) or not value.startswith("["):
        return None
    try:
        names = json.loads(value)
    except ValueError:
        return None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return None
    if not names:
        return Markup("&nbsp;")  # an empty string would be taken for "no opinion"
    return Markup(MARKED.sub(r"<mark>\1</mark>", str(escape(", ".join(names)))))


# --- Stylesheet and script --------------------------------------------------------

async def static_file(request):
    name = request.url_vars["name"]
    if name not in STATIC_FILES:
        raise NotFound("No such file")
    return Response(
        (STATIC / name).read_text(encoding="utf-8"),
        content_type=STATIC_FILES[name],
        headers={"Cache-Control": "max-age=3600"},
    )


@hookimpl(trylast=True)  # after the other stylesheets, so that its rules win ties
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/static-site/quotedb-site.css")]


@hookimpl(tryfirst=True)  # before datasette-vega's script, which it guards
def extra_js_urls(datasette):
    return [datasette.urls.path("/-/static-site/quotedb-site.js")]


# --- Every speaker ----------------------------------------------------------------

async def speakers_page(datasette, request):
    db = await quotes_database(datasette)
    order = request.args.get("sort") or "name"
    if order not in ("name", "quotes"):
        return Response.text("sort must be name or quotes", status=400)
    order_by = "quotes desc, speakers.name" if order == "quotes" else "speakers.name collate nocase, speakers.id"
    if await db.table_exists("facet_counts"):  # counted at build time: fast at a million quotes
        counts = "select value as speaker_id, count as quotes from facet_counts where [column] = 'speaker_id'"
    else:
        counts = "select speaker_id, count(*) as quotes from quotes group by speaker_id"
    speakers = [
        dict(row)
        for row in await db.execute(
            f"select speakers.id, speakers.name, speakers.kind, speakers.description, "
            f"coalesce(counts.quotes, 0) as quotes from speakers left join ({counts}) as counts "
            f"on counts.speaker_id = speakers.id order by {order_by}"
        )
    ]
    if request.url_vars.get("format") == "json":
        return Response.json({"speakers": speakers})
    return Response.html(
        await datasette.render_template(
            "speakers.html", {"speakers": speakers, "sort": order, "database": db.name}, request=request
        )
    )


async def speakers_redirect(datasette):
    return Response.redirect(datasette.urls.path("/speakers"))


# --- A quote's lasting address -----------------------------------------------------

def stable_path(quote) -> str:
    """A quote's lasting address, from the site's root: /quote/<stable_id>. Its id may
    change from build to build (quotedb/database.py); this leads to the same quote."""
    return f"quote/{quote['stable_id']}"


async def quote_by_stable_id(datasette, request):
    """/quote/<stable_id>[.json|.citation|.csljson] -> the quote's page in this build, in
    that format, with the query string; found by its own stable id (its first
    appearance's words') or one of its other wordings' (`linked_stable_ids`).
    `?article=ID` names one report of it by its article, as `?appearance=` does by a
    report id, which a later build may give another report; in JSON, the report's row."""
    if "appearance" in request.args:
        raise BadRequest("A lasting link names a report by its article (?article=ID): "
                         "?appearance= takes a report's id, which a later build may give another report")
    if len(request.args.getlist("article")) > 1:
        raise BadRequest("?article= names one report: give it once")
    stable_id = request.url_vars["stable_id"].lower()
    db = await quotes_database(datasette)
    found = (await db.execute(
        "select id from quotes where stable_id = :stable_id "
        "union all select quote_id from linked_stable_ids where stable_id = :stable_id", {"stable_id": stable_id}
    )).first()
    if found is None:
        raise NotFound(f"No quote has the stable id {stable_id} in this build: its words or speaker may "
                       "have been corrected since the link was made, or its record removed. Search for its words.")
    args = [(name, value) for name, value in parse_qsl(request.query_string, keep_blank_values=True)
            if name != "article"]
    format_ = request.url_vars.get("format")
    page, at = datasette.urls.row(db.name, "quotes", found[0], format=format_), ""
    if "article" in request.args:
        report = (await db.execute("select id from appearances where quote_id = ? and article_id = ?",
                                   [found[0], request.args["article"]])).first()
        if report is None:
            raise NotFound(f"Article {request.args['article']!r} did not report this quote")
        if format_ == "json":  # the report's own row: the quote's would be its first appearance's
            page = datasette.urls.row(db.name, "appearances", report[0], format=format_)
        else:  # the report cited, and the page at that report, marked
            args.append(("appearance", str(report[0])))
            at = "" if format_ else f"#report-{report[0]}"
    return Response.redirect(page + ("?" + urlencode(args) if args else "") + at)


# --- Feeds ------------------------------------------------------------------------

def _timestamp(quote):
    """An Atom date for a quote: its article's publication, else when it was said."""
    for value in (quote.get("published"), quote.get("said")):
        if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            return f"{value}T00:00:00Z"
    for value in (quote.get("published"), quote.get("said")):
        if value and re.fullmatch(r"\d{4}-\d{2}", str(value)):
            return f"{value}-01T00:00:00Z"
        if value and re.fullmatch(r"\d{4}", str(value)):
            return f"{value}-01-01T00:00:00Z"
    return "1970-01-01T00:00:00Z"


def atom_feed(datasette, title, feed_path, page_path, quotes) -> str:
    """An Atom document for `quotes` (quote_details rows, newest first). Every link is
    the site's public address joined to a path (site_url), never the Host header; with
    no site_url configured the links are paths, which a reader resolves against the feed's
    own address."""
    base = site_url(datasette)
    feed_url = base + feed_path.lstrip("/")
    absolute = base.startswith(("https://", "http://"))
    # An Atom id is an absolute IRI: the address where there is one, else a name of our own.
    # (`feed_path` is a URL already: its query is encoded once, not again.)
    feed_id = feed_url if absolute else "quotedb:feed:" + url_quote(feed_path, safe="/?=&%+")
    updated = max((_timestamp(q) for q in quotes), default=datetime.now(timezone.utc).strftime("%Y-%m-%dT00:00:00Z"))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{xml_escape(feed_id)}</id>",
        f"  <title>{xml_escape(title)}</title>",
        f"  <updated>{updated}</updated>",
        f"  <link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(feed_url)}/>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(base + page_path.lstrip('/'))}/>",
        "  <generator>quotedb</generator>",
    ]
    for quote in quotes:
        page = base + stable_path(quote)
        who = ", ".join(str(part) for part in (quote["speaker"], quote.get("role"), quote.get("venue")) if part)
        source = f"{quote['article']}, {quote['outlet']}" + (f", {quote['published']}" if quote.get("published") else "")
        content = (
            f"{quote['text']}\n\n\u2014 {who}, {said_for_people(quote.get('said'), quote.get('said_wording'))} "
            f"({kind_for_people(quote.get('kind'))})\n{source}"
        )
        out += [
            "  <entry>",
            f"    <id>{xml_escape(page if absolute else 'quotedb:quote:' + quote['stable_id'])}</id>",
            f"    <title>{xml_escape(cut_at_word(str(quote['speaker']) + ': ' + str(quote['text'])))}</title>",
            f"    <updated>{_timestamp(quote)}</updated>",
            f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(page)}/>",
        ]
        if quote.get("url"):
            out.append(f"    <link rel=\"related\" type=\"text/html\" href={quoteattr(str(quote['url']))}/>")
        if quote.get("author"):
            out.append(f"    <author><name>{xml_escape(str(quote['author']))}</name></author>")
        else:
            out.append(f"    <author><name>{xml_escape(str(quote['outlet']))}</name></author>")
        out += [f"    <content type=\"text\">{xml_escape(content)}</content>", "  </entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _atom_response(body):
    return Response(body, content_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600"})


async def speaker_feed(datasette, request):
    db = await quotes_database(datasette)
    speaker_id = request.url_vars["id"]
    speaker = (await db.execute("select id, name from speakers where id = ?", [speaker_id])).first()
    if speaker is None:
        raise NotFound(f"No speaker with id {speaker_id}")
    ids = [row["id"] for row in await db.execute(
        f"select id from quotes where speaker_id = ? order by id desc limit {FEED_ENTRIES}", [speaker_id])]
    quotes = await quote_details(db, ids)
    return _atom_response(atom_feed(
        datasette, f"Quotes by {speaker['name']} (quotedb)", f"/speaker/{speaker_id}.atom",
        f"/speaker/{speaker_id}", quotes,
    ))


async def search_feed(datasette, request):
    db = await quotes_database(datasette)
    words = (request.args.get("q") or "").strip()
    if not words:
        return Response.text("Give the words to follow: /search.atom?q=words", status=400)
    if len(words) > 500 or "\x00" in words:  # 500: as a search of the quotes table (plugins/search.py)
        return Response.text("A search is at most 500 characters, with no NUL", status=400)
    try:
        ids = [row["rowid"] for row in await db.execute(
            "select rowid from quotes_fts where quotes_fts match fts_query(:q) "
            f"order by rowid desc limit {FEED_ENTRIES}", {"q": words})]
    except QueryInterrupted:
        return Response.text("This search took too long; try rarer words", status=400)
    quotes = await quote_details(db, ids)
    quotes_path = datasette.urls.table(db.name, "quotes")
    return _atom_response(atom_feed(
        datasette, f"Quotes matching \u201c{words}\u201d (quotedb)",
        "/search.atom?" + urlencode({"q": words}),
        quotes_path + "?" + urlencode({"_search": words}), quotes,
    ))


async def newest_feed(datasette):
    db = await quotes_database(datasette)
    ids = [row["id"] for row in await db.execute(f"select id from quotes order by id desc limit {FEED_ENTRIES}")]
    return _atom_response(atom_feed(datasette, "Newest quotes (quotedb)", "/newest.atom", "/", await quote_details(db, ids)))


def _guard_datasette_atom():
    """datasette-atom 0.9 answers 500 to rows it cannot make a feed of (none: max() of
    nothing; an atom_updated that is no date), which anyone can send with ?sql=. Its
    renderer is wrapped, before Datasette registers it, to answer 400 instead (a
    Response it returned would get the query's status, 200)."""
    try:
        import datasette_atom
        from datasette.views.base import DatasetteError
    except ImportError:
        return
    original = datasette_atom.render_atom
    if getattr(original, "quotedb_guarded", False):
        return

    @functools.wraps(original)  # the same parameters: Datasette passes them by name
    def render_atom(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except (ValueError, TypeError, OverflowError) as error:
            raise DatasetteError(f"These rows make no Atom feed: {error}", status=400)

    render_atom.quotedb_guarded = True
    datasette_atom.render_atom = render_atom


_guard_datasette_atom()


@hookimpl
def register_routes():
    return [
        (r"^/-/static-site/(?P<name>[a-z.-]+)$", static_file),
        (r"^/speakers(\.(?P<format>json))?$", speakers_page),
        (r"^/speaker/?$", speakers_redirect),
        (r"^/speaker/(?P<id>[a-z0-9-]+)\.atom$", speaker_feed),
        (r"^/search\.atom$", search_feed),
        (r"^/newest\.atom$", newest_feed),
        (r"^/quote/(?P<stable_id>[0-9a-fA-F]{32})(\.(?P<format>json|citation|csljson))?$", quote_by_stable_id),
    ]

