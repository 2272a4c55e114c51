"""A page per speaker at /speaker/<id>: who they are, their names, their quotes
over time (a bar chart drawn as SVG on the server), venues and roles, and their
quotes, newest first. Its JSON is at /speaker/<id>.json.
"""

import json

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

QUOTES_SHOWN = 100


async def _quotes_database(datasette):
    """The served database that holds the quotes, whatever its file is called."""
    for db in datasette.databases.values():
        if await db.table_exists("quotes_fts"):
            return db
    raise NotFound("No quotes database is served here")


async def speaker_page(datasette, request):
    speaker_id = request.url_vars["id"]
    db = await _quotes_database(datasette)
    speaker = (await db.execute("select * from speakers where id = ?", [speaker_id])).first()
    if speaker is None:
        raise NotFound(f"No speaker with id {speaker_id}")
    count = (await db.execute("select count(*) from quotes where speaker_id = ?", [speaker_id])).single_value()
    per_year = [
        dict(row)
        for row in await db.execute(
            "select year, count(*) as quotes from quotes where speaker_id = ? and year is not null "
            "group by year order by year",
            [speaker_id],
        )
    ]
    venues = [
        dict(row)
        for row in await db.execute(
            "select venues.id, venues.name, count(*) as quotes from quotes join venues on venues.id = quotes.venue_id "
            "where speaker_id = ? group by venues.id order by quotes desc, venues.name",
            [speaker_id],
        )
    ]
    roles = [
        dict(row)
        for row in await db.execute(
            "select role, count(*) as quotes, min(said) as first_said, max(said) as latest_said from quotes "
            "where speaker_id = ? and role is not null group by role order by latest_said desc, role",
            [speaker_id],
        )
    ]
    quotes = [
        dict(row)
        for row in await db.execute(
            "select quotes.id, quotes.text, quotes.kind, quotes.said, quotes.said_wording, quotes.role, "
            "quotes.spelled_as, articles.title as article, articles.url "
            "from quotes join articles on articles.id = quotes.article_id "
            f"where speaker_id = ? order by quotes.id desc limit {QUOTES_SHOWN}",
            [speaker_id],
        )
    ]
    data = {
        "speaker": {**dict(speaker), "aliases": json.loads(speaker["aliases"])},
        "quote_count": count,
        "quotes_per_year": per_year,
        "venues": venues,
        "roles": roles,
        "quotes": quotes,
    }
    if request.url_vars.get("format") == "json":
        return Response.json(data)
    return Response.html(
        await datasette.render_template(
            "speaker.html", {**data, "chart": bar_chart(per_year), "database": db.name}, request=request
        )
    )


def bar_chart(per_year, width=600, height=160):
    """Quotes per year as a list of bars for the template's SVG, gaps included."""
    if not per_year:
        return None
    counts = {row["year"]: row["quotes"] for row in per_year}
    years = list(range(per_year[0]["year"], per_year[-1]["year"] + 1))
    top = max(counts.values())
    step = width / len(years)
    bars = []
    for index, year in enumerate(years):
        value = counts.get(year, 0)
        bar_height = (height - 30) * value / top
        bars.append(
            {
                "year": year, "quotes": value,
                "x": round(index * step + 2, 1), "width": round(max(step - 4, 1), 1),
                "y": round(height - 15 - bar_height, 1), "height": round(bar_height, 1),
                "label_x": round(index * step + step / 2, 1),
            }
        )
    return {"bars": bars, "width": width, "height": height, "label_every": max(1, len(years) // 12)}


@hookimpl
def register_routes():
    return [(r"^/speaker/(?P<id>[a-z0-9-]+?)(\.(?P<format>json))?$", speaker_page)]
