"""`?_search=` on the quotes and speakers tables: safe, fast, newest first.

Replaces Datasette's own search filter for these tables (they name no `fts_table`
in metadata.yml, so Datasette adds none of its own):

- the words are turned into a query by `fts_query()` (plugins/fts_query.py), so
  no search can fail;
- a search keeps the newest 10,000 matching quotes (ids follow the date said),
  so rows, count and facets stay fast at a million quotes; above that the page
  says so, with the total number of matches (counted up to 100,000);
- `?_search_<column>=` searches one column of the index (text, speaker, aliases,
  role, venue for quotes).
"""

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

SEARCHABLE = {
    # table: (FTS table, the table's key that equals the FTS rowid)
    "quotes": ("quotes_fts", "id"),
    "speakers": ("speakers_fts", "rowid"),
}
NEWEST = 10_000
COUNT_UP_TO = 100_000


@hookimpl(trylast=True)  # last, so our `supports_search` is the one that stays
def filters_from_request(request, database, table, datasette):
    if database != "quotes" or table not in SEARCHABLE:
        return None
    fts_table, key = SEARCHABLE[table]

    async def search_filter():
        db = datasette.get_database(database)
        columns = await db.table_columns(fts_table)
        clauses, params, descriptions = [], {}, []
        context = {"supports_search": True}
        for name in request.args:
            value = request.args.get(name, "")
            if not name.startswith("_search") or name == "_searchmode" or not value.strip():
                continue
            column = name[len("_search_"):] if name.startswith("_search_") else None
            if column is not None and column not in columns:
                raise BadRequest(f"Cannot search by {column}: searchable columns are {', '.join(columns)}")
            param = f"search_{column}" if column else "search"
            target = f"[{column}]" if column else f"[{fts_table}]"
            clauses.append(
                f"{key} in (select rowid from [{fts_table}] where {target} match fts_query(:{param}) "
                f"order by rowid desc limit {NEWEST})"
            )
            params[param] = value
            total = (await db.execute(
                f"select count(*) from (select rowid from [{fts_table}] where {target} match fts_query(:q) limit {COUNT_UP_TO + 1})",
                {"q": value},
            )).single_value()
            description = f'search {"column " + column + " " if column else ""}matches "{value}"'
            if total > NEWEST:
                of = f"more than {COUNT_UP_TO:,}" if total > COUNT_UP_TO else f"{total:,}"
                description += f" (showing the newest {NEWEST:,} of {of} matches)"
            descriptions.append(description)
            context["search"] = value
        return FilterArguments(clauses, params, descriptions, context)

    return search_filter
