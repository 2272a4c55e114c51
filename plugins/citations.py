"""Citations for quotes: ready to paste as Markdown (`.citation`) or into a
reference manager as CSL-JSON (`.csljson`), for the quotes table, a quote's row
page and the canned queries that list quotes; plus schema.org `Quotation`
JSON-LD in the head of a quote's row page.
"""

import json
import re
from urllib.parse import quote as percent_encode

from datasette import hookimpl
from datasette.utils.asgi import BadRequest, NotFound, Response
from markupsafe import Markup

QUOTE_LISTS = {"quotes", "quotes_by_relevance", "quote_details", "search", "speaker_timeline", "reported_via"}

# What a report says that the quote's first appearance may say otherwise.
REPORT_FIELDS = ("text", "spelled_as", "role", "said_wording", "reported_via", "article", "article_id",
                 "author", "outlet", "published", "url", "language")


async def quote_details(datasette, database, ids, appearance=None):
    """The quotes with their first appearance; with `appearance` (an appearance id), that
    report for its quote instead."""
    db = datasette.get_database(database)
    rows = await db.execute(
        "select * from quote_details where id in (select value from json_each(:ids))", {"ids": json.dumps(ids)}
    )
    by_id = {row["id"]: dict(row) for row in rows}
    if appearance is not None:
        report = (await db.execute("select * from appearance_details where id = :id", {"id": appearance})).first()
        if report is None or report["quote_id"] not in by_id:
            raise NotFound(f"Report {appearance} is not a report of a quote cited here: "
                           "?appearance= takes the id of one of its rows in appearances.")
        by_id[report["quote_id"]].update({field: report[field] for field in REPORT_FIELDS})
    return [by_id[i] for i in ids if i in by_id]


def _appearance(request):
    """`?appearance=N`: cite that report of the quote rather than its first appearance.
    Any other value is refused, never taken for the first appearance."""
    value = request.args.get("appearance") if request else None
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{1,18}", value):
        raise BadRequest("?appearance= takes the id of a report (a row of appearances)")
    return int(value)


def _ids(columns, rows):
    if "id" not in columns:
        return []
    return [row["id"] for row in rows if isinstance(row["id"], int)]


# Characters Markdown would read as markup, and an `&` that starts an entity (`&amp;`
# would show as `&`): each escaped with a backslash.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]<>#|~]|&(?=#?[0-9A-Za-z]+;)")
# At the start of a line (a paraphrase has no opening quotation mark): a list marker.
_LIST_MARKER = re.compile(r"^([0-9]{1,9})([.)])|^([-+])(?=\s|$)")


def _md(text) -> str:
    return _MARKDOWN_SPECIAL.sub(lambda found: "\\" + found.group(), " ".join(str(text).split()))


def _md_url(url) -> str:
    """A URL that cannot end an autolink or open a tag: <, >, quotes and spaces encoded."""
    return percent_encode(url, safe=":/?#[]@!$&'()*+,;=%~")


def translated_from(quote):
    """The language tag the cited words were translated from, as the record says; None
    when they are not a translation (or a report prints them in the language spoken)."""
    spoken = quote["translated_from"]
    return spoken if spoken and spoken != quote["language"] else None


def markdown_citation(quote, site_url="", language_name=str, report=False) -> str:
    """`report`: the quote as one report (?appearance=) prints it, linked to that report."""
    words = _md(quote["text"])
    marks = []
    if quote["kind"] != "paraphrase":
        words = f"“{words}”"
    else:
        words = _LIST_MARKER.sub(lambda found: found.group(1) + "\\" + found.group(2) if found.group(1)
                                 else "\\" + found.group(3), words)
        marks.append("paraphrase")
    if translated_from(quote):
        marks.append(f"translated from {_md(language_name(translated_from(quote)))}")
    if marks:
        words += f" ({', '.join(marks)})"
    who = [_md(quote["speaker"])] + [_md(quote[k]) for k in ("role", "venue") if quote[k]]
    when = quote["said"] or quote["said_wording"]
    if when:
        who.append(_md(when))
    source = f"“{_md(quote['article'])}”, *{_md(quote['outlet'])}*"
    if quote["author"]:
        source += f", {_md(quote['author'])}"
    source += f", {quote['published']}"
    if quote["reported_via"]:
        source += f", citing {_md(quote['reported_via'])}"
    if quote["url"]:
        source += f", <{_md_url(quote['url'])}>"
    lines = [f"> {words}", ">", f"> — {', '.join(who)}. In {source}."]
    if site_url:
        link = site_url + stable_path(quote, report)
        # An absolute address is an autolink; a path alone (no site_url configured) is plain text.
        lines.append(f"> quotedb: <{link}>" if link.startswith(("https://", "http://")) else f"> quotedb: {link}")
    return "\n".join(lines)


def stable_path(quote, report=False) -> str:
    """A quote's lasting address from the site's root, as plugins/site_pages.py serves it
    (/quote/<stable_id>): a citation leads to the same quote in a later build. With
    `report`, to the report of the quote's article (`?article=`: report ids move too)."""
    path = f"quote/{quote['stable_id']}"
    return path + f"?article={percent_encode(quote['article_id'], safe='')}" if report else path


def _date_parts(value):
    return {"date-parts": [[int(part) for part in value.split("-")]]} if value else None


def csl_item(quote, site_url="", language_name=str, report=False) -> dict:
    """`report`: the item cites one report of the quote (?appearance=), which gets an id
    of its own, so that a reference manager does not take it for the first appearance."""
    spoken = translated_from(quote)
    item = {
        "id": f"quotedb-{quote['stable_id']}" + (f"-{quote['article_id']}" if report else ""),
        "type": "speech",
        "title": quote["text"],
        "author": [{"literal": quote["speaker"]}],
        "genre": {"full": "quotation", "partial": "partial quotation", "paraphrase": "paraphrase"}[quote["kind"]],
        "event-title": quote["venue"],
        "issued": _date_parts(quote["said"]),
        "container-title": quote["article"],
        "publisher": quote["outlet"],
        "URL": quote["url"],
        "language": quote["language"],
        "note": "; ".join(
            part
            for part in [
                f"Translated from {language_name(spoken)}" if spoken else "",
                f"Role: {quote['role']}" if quote["role"] else "",
                f"Quoted in “{quote['article']}”, {quote['outlet']}, {quote['published']}",
                f"citing {quote['reported_via']}" if quote["reported_via"] else "",
                f"Date as given: {quote['said_wording']}" if quote["said_wording"] else "",
                f"quotedb: {site_url}{stable_path(quote, report)}" if site_url else "",
            ]
            if part
        ),
    }
    return {key: value for key, value in item.items() if value}


def _site_url(datasette) -> str:
    """The site's public address from metadata.yml (`plugins: quotedb: site_url:`), else its
    path alone: never the request's Host header, which any client can set."""
    configured = (datasette.plugin_config("quotedb") or {}).get("site_url")
    return configured.rstrip("/") + "/" if configured else datasette.setting("base_url")


def _language_name(datasette):
    """'ru' -> 'Russian': the site's own `language_for_people` template filter
    (plugins/site_pages.py), so that a citation names a language as the pages do."""
    return datasette.jinja_env.filters.get("language_for_people", str)


def _can_render(table, query_name, columns, database):
    return (table or query_name) in QUOTE_LISTS and "id" in columns


def _not_quotes():
    raise NotFound("Citations are offered only for quotes.")


async def render_markdown(datasette, columns, rows, request, database, table, query_name):
    if not _can_render(table, query_name, columns, database):
        _not_quotes()
    appearance = _appearance(request)
    quotes = await quote_details(datasette, database, _ids(columns, rows), appearance)
    body = "\n\n".join(markdown_citation(q, _site_url(datasette), _language_name(datasette), appearance is not None)
                       for q in quotes) + "\n"
    return Response(body, content_type="text/markdown; charset=utf-8")


async def render_csl_json(datasette, columns, rows, request, database, table, query_name):
    if not _can_render(table, query_name, columns, database):
        _not_quotes()
    appearance = _appearance(request)
    quotes = await quote_details(datasette, database, _ids(columns, rows), appearance)
    items = [csl_item(q, _site_url(datasette), _language_name(datasette), appearance is not None) for q in quotes]
    return Response(
        json.dumps(items, ensure_ascii=False, indent=2),
        content_type="application/vnd.citationstyles.csl+json; charset=utf-8",
    )


@hookimpl
def register_output_renderer(datasette):
    return [
        {"extension": "citation", "render": render_markdown, "can_render": _can_render},
        {"extension": "csljson", "render": render_csl_json, "can_render": _can_render},
    ]


def quotation_jsonld(quote, page_url) -> dict:
    speaker = {
        "@type": "Person" if quote["speaker_kind"] == "person" else "Organization",
        "name": quote["speaker"],
    }
    if quote["wikidata"]:
        speaker["sameAs"] = f"https://www.wikidata.org/wiki/{quote['wikidata']}"
    article = {
        "@type": "NewsArticle",
        "headline": quote["article"],
        "datePublished": quote["published"],
        "publisher": {"@type": "Organization", "name": quote["outlet"]},
    }
    if quote["author"]:
        article["author"] = {"@type": "Person", "name": quote["author"]}
    if quote["url"]:
        article["url"] = quote["url"]
    data = {
        "@context": "https://schema.org",
        "@type": "Quotation",
        "@id": page_url,
        "text": quote["text"],
        "spokenByCharacter": speaker,
        "creator": speaker,
        "isPartOf": article,
    }
    if quote["said"]:
        data["dateCreated"] = quote["said"]
    if quote["venue"]:
        data["recordedAt"] = {"@type": "Event", "name": quote["venue"]}
    if quote["language"]:
        data["inLanguage"] = quote["language"]
    if translated_from(quote):  # the words as spoken, where the record has them
        data["translationOfWork"] = {"@type": "Quotation", "inLanguage": translated_from(quote),
                                     **({"text": quote["original_text"]} if quote["original_text"] else {})}
    return data


def script_json(data) -> Markup:
    """JSON safe inside <script>: no </script>, <!-- or & can break out."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if not (view_name == "row" and table == "quotes" and request):
        return {}

    async def quote_jsonld():
        pks = request.url_vars.get("pks", "")
        if not pks.isdigit():
            return {}
        quotes = await quote_details(datasette, database, [int(pks)])
        if not quotes:
            return {}
        return {"quote_jsonld": script_json(quotation_jsonld(quotes[0], _site_url(datasette) + stable_path(quotes[0])))}

    return quote_jsonld
