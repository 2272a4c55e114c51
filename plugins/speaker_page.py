"""A page per speaker at /speaker/<id>: who they are, their names, their quotes over
time (a bar chart per month drawn on the server, plugins/charts.py), the roles the
sources gave them over time, venues, outlets, and every quote as a card, newest
first, PAGE_SIZE a page (?page=2). Its JSON is at /speaker/<id>.json (same ?page=),
its Atom feed at /speaker/<id>.atom (plugins/site_pages.py); /speakers lists everyone.

Quotes are read from the `quote_details` view and the quotes table's own columns
(speaker_id, role, said, month, year, venue_id), never a column of one report.
"""

import json

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

PAGE_SIZE = 50
MAX_PAGE = 10**6


async def _quotes_database(datasette):
    """The served database that holds the quotes, whatever its file is called."""
    for db in datasette.databases.values():
        if await db.table_exists("quotes_fts"):
            return db
    raise NotFound("No quotes database is served here")


async def _rows(db, sql, params):
    return [dict(row) for row in await db.execute(sql, params)]


async def speaker_page(datasette, request):
    speaker_id = request.url_vars["id"]
    page = request.args.get("page") or "1"
    if not (page.isascii() and page.isdigit() and 1 <= int(page) <= MAX_PAGE):
        return Response.text(f"page must be a whole number from 1 to {MAX_PAGE:,}", status=400)
    page = int(page)
    db = await _quotes_database(datasette)
    speaker = (await db.execute("select * from speakers where id = ?", [speaker_id])).first()
    if speaker is None:
        raise NotFound(f"No speaker with id {speaker_id}")
    params = [speaker_id]
    count = (await db.execute("select count(*) from quotes where speaker_id = ?", params)).single_value()
    per_month = await _rows(db, (
        "select month, count(*) as quotes from quotes where speaker_id = ? and month is not null "
        "group by month order by month"), params)
    per_year = await _rows(db, (
        "select year, count(*) as quotes from quotes where speaker_id = ? and year is not null "
        "group by year order by year"), params)
    venues = await _rows(db, (
        "select venues.id, venues.name, count(*) as quotes from quotes join venues on venues.id = quotes.venue_id "
        "where speaker_id = ? group by venues.id order by quotes desc, venues.name"), params)
    roles = await _rows(db, (
        "select role, count(*) as quotes, min(said) as first_said, max(said) as latest_said from quotes "
        "where speaker_id = ? and role is not null group by role "
        "order by first_said is null, first_said, latest_said, role"), params)
    columns = await db.table_columns("quotes")
    if "outlets" in columns:  # every outlet that reported each quote (a JSON list of names)
        outlets = await _rows(db, (
            "select value as name, count(*) as quotes from quotes, json_each(quotes.outlets) "
            "where speaker_id = ? and json_valid(quotes.outlets) group by value order by quotes desc, value"), params)
    else:
        outlets = await _rows(db, (
            "select outlet as name, count(*) as quotes from quote_details where speaker_id = ? "
            "group by outlet order by quotes desc, outlet"), params)
    ids = [row["id"] for row in await db.execute(
        f"select id from quotes where speaker_id = ? order by id desc limit {PAGE_SIZE} offset {(page - 1) * PAGE_SIZE}",
        params)]
    quotes = []
    if ids:
        by_id = {row["id"]: dict(row) for row in await db.execute(
            "select * from quote_details where id in (select value from json_each(?))", [json.dumps(ids)])}
        quotes = [by_id[i] for i in ids if i in by_id]
    pages = max(1, -(-count // PAGE_SIZE))
    data = {
        "speaker": {**dict(speaker), "aliases": json.loads(speaker["aliases"] or "[]")},
        "quote_count": count,
        "quotes_per_month": per_month,
        "quotes_per_year": per_year,
        "undated_to_the_month": count - sum(row["quotes"] for row in per_month),
        "venues": venues,
        "outlets": outlets,
        "roles": roles,
        "page": page,
        "pages": pages,
        "quotes": quotes,
    }
    if request.url_vars.get("format") == "json":
        return Response.json(data)
    if page > pages:
        raise NotFound(f"{speaker['name']} has {pages:,} page{'s' if pages != 1 else ''} of quotes")
    return Response.html(
        await datasette.render_template("speaker.html", {**data, "database": db.name}, request=request)
    )


@hookimpl
def register_routes():
    return [(r"^/speaker/(?P<id>[a-z0-9-]+?)(\.(?P<format>json))?$", speaker_page)]
