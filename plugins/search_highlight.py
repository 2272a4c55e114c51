"""Mark the words of `?_search=` in the quotes shown on the quotes table page.

Runs in the browser on text nodes only (never innerHTML), so neither the quote
nor the search term can become markup.
"""

from datasette import hookimpl

SCRIPT = r"""
(function () {
  var search = new URLSearchParams(window.location.search).get("_search");
  if (!search) return;
  var words = search.match(/[\p{L}\p{N}]{2,}/gu);
  if (!words) return;
  var escaped = words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
  var pattern = new RegExp("(?<![\\p{L}\\p{N}])(" + escaped.join("|") + ")[\\p{L}\\p{N}]*", "giu");
  document.querySelectorAll("td.col-text blockquote, td.col-text figcaption, .quote-results blockquote, .quote-results .quote-who, .quote-results .quote-venue").forEach(function (cell) {
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var text = node.nodeValue, last = 0, match, parts = [];
      pattern.lastIndex = 0;
      while ((match = pattern.exec(text)) !== null) {
        parts.push(document.createTextNode(text.slice(last, match.index)));
        var mark = document.createElement("mark");
        mark.textContent = match[0];
        parts.push(mark);
        last = match.index + match[0].length;
      }
      if (!parts.length) return;
      parts.push(document.createTextNode(text.slice(last)));
      parts.forEach(function (part) { node.parentNode.insertBefore(part, node); });
      node.parentNode.removeChild(node);
    });
  });
})();
"""


@hookimpl
def extra_body_script(view_name, table, database):
    if table in ("quotes", "quotes_by_relevance") and view_name in ("table", "row"):
        return SCRIPT
    return None
