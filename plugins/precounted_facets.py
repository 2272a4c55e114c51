"""Facet counts for the whole quotes table read from `facet_counts`, counted at build time.

On the unfiltered quotes table page every default facet would otherwise count a
million rows on every visit. As soon as a filter or search narrows the rows, the
counts are computed live as usual (Datasette's own column facet). Declared in
metadata.yml as `{precounted: column}`.
"""

from datasette import hookimpl
from datasette.facets import ColumnFacet
from datasette.utils import path_with_added_args


class PrecountedFacet(ColumnFacet):
    type = "precounted"

    def _unfiltered(self) -> bool:
        return self.table == "quotes" and " where " not in self.sql.lower()

    async def facet_results(self):
        if not self._unfiltered():
            return await super().facet_results()
        results = []
        size = self.get_facet_size()
        db = self.ds.get_database(self.database)
        for config in self.get_configs():
            column = config["config"]["simple"]
            rows = list(await db.execute(
                "select value, count from facet_counts where [column] = :column "
                "order by count desc, value limit :limit",
                {"column": column, "limit": size + 1},
            ))
            labels = await self.ds.expand_foreign_keys(self.database, self.table, column, [r["value"] for r in rows])
            results.append({
                "name": column,
                "type": self.type,
                "hideable": config["source"] != "metadata",
                "toggle_url": self.ds.urls.path(path_with_added_args(self.request, {"_facet": column})),
                "results": [
                    {
                        "value": row["value"],
                        "label": labels.get((column, row["value"]), row["value"]),
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(
                            self.request, self.ds.urls.path(path_with_added_args(self.request, {column: row["value"]}))
                        ),
                        "selected": False,
                    }
                    for row in rows[:size]
                ],
                "truncated": len(rows) > size,
            })
        return results, []


@hookimpl
def register_facet_classes():
    return [PrecountedFacet]
