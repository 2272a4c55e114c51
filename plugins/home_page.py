"""The home page (templates/index.html): a search box, totals, the newest quotes as
cards, the most-quoted speakers and ways in by outlet, venue and year.

Fast at a million quotes: every count comes from `facet_counts` (counted at build
time), the date range from the index on `said`, the newest quotes by primary key.
No query reads all the quotes.
"""

from datasette import hookimpl

NEWEST = 6
TOP = 10


async def _quotes_database(datasette):
    for db in datasette.databases.values():
        if await db.table_exists("quotes_fts") and await db.table_exists("facet_counts"):
            return db
    return None


async def _rows(db, sql, params=None):
    return [dict(row) for row in await db.execute(sql, params or {})]


async def home(datasette):
    db = await _quotes_database(datasette)
    if db is None:
        return None

    async def counted(column):
        return await _rows(db, "select value, count from facet_counts where [column] = :column", {"column": column})

    async def top(column, table, label, key="id"):
        return await _rows(db, (
            f"select {table}.id, {table}.{label} as name, facet_counts.count as quotes "
            f"from facet_counts join {table} on {table}.{key} = facet_counts.value "
            f"where facet_counts.[column] = :column order by facet_counts.count desc, name limit {TOP}"
        ), {"column": column})

    totals = (await db.execute(
        "select (select sum(count) from facet_counts where [column] = 'kind') as quotes, "
        "(select count(*) from facet_counts where [column] = 'speaker_id') as speakers, "
        "(select count(*) from facet_counts where [column] = 'outlets') as outlets, "
        "(select count(*) from facet_counts where [column] = 'venue_id' and value is not null) as venues, "
        "(select min(said) from quotes) as first_said, (select max(said) from quotes) as latest_said"
    )).first()
    ids = [row["id"] for row in await db.execute(f"select id from quotes order by id desc limit {NEWEST}")]
    newest = []
    if ids:
        marks = ", ".join("?" for _ in ids)
        newest = await _rows(db, f"select * from quote_details where id in ({marks}) order by id desc", ids)
    by_year = await counted("year")
    years = sorted((row for row in by_year if row["value"] is not None), key=lambda row: row["value"], reverse=True)
    return {
        "database": db.name,
        "totals": {
            **dict(totals),
            "quotes": totals["quotes"] or 0,
        },
        "newest": newest,
        "speakers": await top("speaker_id", "speakers", "name"),
        "outlets": await top("outlets", "outlets", "name", key="name"),  # counted by name: a quote in each outlet that reported it
        "venues": await top("venue_id", "venues", "name"),
        "years": years,
        "undated": sum(row["count"] for row in by_year if row["value"] is None),  # no year known
        "download_size": db.size if db.path else None,
    }


@hookimpl
def extra_template_vars(view_name, datasette):
    if view_name != "index":
        return {}

    async def home_vars():
        return {"home": await home(datasette)}

    return home_vars
