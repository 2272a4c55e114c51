/* quotedb's own script, served by the site itself (plugins/site_pages.py): nothing is
   fetched from another site.

   datasette-vega 0.6.2 mounts its chart tool on any page with a JSON export link and
   then reads `document.querySelector("table.rows-and-columns").parentNode`, which
   throws on a page that shows no rows table (a search with no match, quotation
   cards). This runs first (its script comes before datasette-vega's) and, on such a
   page, takes the export links out of datasette-vega's sight, so it does nothing. */
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("table.rows-and-columns")) return;
    document.querySelectorAll(".export-links").forEach(function (links) {
      links.classList.remove("export-links");
      links.classList.add("export-links-no-chart");
    });
  });
})();
