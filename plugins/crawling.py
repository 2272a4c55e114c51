"""What search engines may crawl: `/robots.txt` keeps them to the pages worth
indexing (quote pages, speaker pages, the front pages), away from the endless
combinations of searches, facets, sorts and exports; `/sitemap.xml` lists every
quote page and speaker page (and the list of speakers), in files of at most URLS_PER_FILE as the sitemap
protocol requires. Also refused on a public site: `/-/threads` and `/-/allow-debug`,
tools for the people running it, not for the public.

Sitemaps need absolute URLs: set `plugins: quotedb: site_url:` in metadata.yml to
the site's public address (never taken from the request's Host header).
"""

from xml.sax.saxutils import escape

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

URLS_PER_FILE = 50_000
HIDDEN = ("/-/threads", "/-/allow-debug")


def _site_url(datasette) -> str:
    configured = (datasette.plugin_config("quotedb") or {}).get("site_url")
    return configured.rstrip("/") + "/" if configured else datasette.setting("base_url")


async def _quotes_database(datasette):
    for db in datasette.databases.values():
        if await db.table_exists("quotes_fts"):
            return db
    raise NotFound("No quotes database is served here")


async def robots(datasette):
    lines = [
        "User-agent: *",
        "Disallow: /*?",
        "Disallow: /*.json",
        "Disallow: /*.csv",
        "Disallow: /*.citation",
        "Disallow: /*.csljson",
        "Disallow: /*.atom",
        "Disallow: /*.db",
        "Disallow: /-/threads",
        "Allow: /",
        f"Sitemap: {_site_url(datasette)}sitemap.xml",
    ]
    return Response.text("\n".join(lines) + "\n")


def _xml(root, entries) -> Response:
    body = ['<?xml version="1.0" encoding="UTF-8"?>',
            f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    tag = "sitemap" if root == "sitemapindex" else "url"
    body += [f"<{tag}><loc>{escape(url)}</loc></{tag}>" for url in entries]
    body.append(f"</{root}>")
    return Response("\n".join(body) + "\n", content_type="application/xml; charset=utf-8")


async def sitemap_index(datasette):
    db = await _quotes_database(datasette)
    quotes = (await db.execute("select count(*) from quotes")).single_value()
    site = _site_url(datasette)
    files = [f"{site}sitemap-speakers.xml"] + [
        f"{site}sitemap-quotes-{n}.xml" for n in range(1, quotes // URLS_PER_FILE + 2)]
    return _xml("sitemapindex", files)


async def sitemap_speakers(datasette):
    db = await _quotes_database(datasette)
    site = _site_url(datasette)
    rows = await db.execute("select id from speakers order by id")
    return _xml("urlset", [f"{site}speakers"] + [f"{site}speaker/{row['id']}" for row in rows.rows])


async def sitemap_quotes(datasette, request):
    number = request.url_vars["number"]
    if not number.isascii() or not number.isdigit() or not 0 < int(number) < 10**6:
        raise NotFound("No such sitemap")
    db = await _quotes_database(datasette)
    first = (int(number) - 1) * URLS_PER_FILE
    rows = await db.execute(
        "select id from quotes where id > :first and id <= :last order by id",
        {"first": first, "last": first + URLS_PER_FILE},
    )
    if not rows.rows and int(number) > 1:
        raise NotFound("No such sitemap")
    site = _site_url(datasette)
    return _xml("urlset", [f"{site}{db.route}/quotes/{row['id']}" for row in rows.rows])


async def hidden():
    raise NotFound("Not offered on this site")


@hookimpl
def register_routes():
    return [
        (r"^/robots\.txt$", robots),
        (r"^/sitemap\.xml$", sitemap_index),
        (r"^/sitemap-speakers\.xml$", sitemap_speakers),
        (r"^/sitemap-quotes-(?P<number>[0-9]+)\.xml$", sitemap_quotes),
    ] + [(f"^{path}(\\.json)?$", hidden) for path in HIDDEN]
