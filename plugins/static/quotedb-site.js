/* quotedb's own script, served by the site itself (plugins/site_pages.py): nothing is
   fetched from another site.

   datasette-vega 0.6.2 mounts its chart tool on any page with a JSON export link and
   then reads `document.querySelector("table.rows-and-columns").parentNode`, which
   throws on a page that shows no rows table (a search with no match, quotation
   cards). This runs first (its script comes before datasette-vega's) and, on such a
   page, takes the export links out of datasette-vega's sight, so it does nothing.

   Datasette's SQL editor (CodeMirror, made when the page has loaded) types into a
   textarea of its own with no label; it gets the label of the box it replaces. */
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("table.rows-and-columns")) return;
    document.querySelectorAll(".export-links").forEach(function (links) {
      links.classList.remove("export-links");
      links.classList.add("export-links-no-chart");
    });
  });
  window.addEventListener("load", function () {
    setTimeout(function () {  // after Datasette's own onload, which makes the editor
      document.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (box) {
        box.setAttribute("aria-label", "SQL query");
      });
    }, 0);
  });
})();
