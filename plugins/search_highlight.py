"""Mark the words of `?_search=` in the quotes shown on the quotes table page, and
those of a column search (`?_search_text=`, `_search_speaker`, `_search_role`,
`_search_venue`) in that field only.

Runs in the browser on text nodes only (never innerHTML), so neither the quote
nor the search term can become markup.
"""

from datasette import hookimpl

SCRIPT = r"""
(function () {
  // Where each search's words are shown: on the cards and in the plain table.
  var places = {
    "_search": "td.col-text blockquote, td.col-text figcaption, .quote-results blockquote, .quote-results .quote-who, .quote-results .quote-venue",
    "_search_text": "td.col-text blockquote, .quote-results blockquote",
    "_search_speaker": "td.col-text figcaption, .quote-results .quote-who",
    "_search_aliases": "td.col-text figcaption, .quote-results .quote-who",
    "_search_role": "td.col-role, .quote-results .quote-role",
    "_search_venue": "td.col-venue_id, .quote-results .quote-venue"
  };
  var params = new URLSearchParams(window.location.search);
  Object.keys(places).forEach(function (name) {
    var search = params.get(name);
    var words = search && search.match(/[\p{L}\p{N}]{2,}\*?/gu);
    if (words) mark(words, places[name]);
  });

  // A word as the index finds it: whole, or with an ending stemming drops
  // (munition: munitions); a word ending in * as a prefix.
  function mark(words, selector) {
    var alternatives = words.map(function (w) {
      var prefix = w.endsWith("*");
      var escaped = w.replace(/\*$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return escaped + (prefix ? "[\\p{L}\\p{N}]*" : "(?:s|es|ed|d|ing|ly|er|ers|ion|ions)?");
    });
    var pattern = new RegExp("(?<![\\p{L}\\p{N}])(?:" + alternatives.join("|") + ")(?![\\p{L}\\p{N}])", "giu");
    document.querySelectorAll(selector).forEach(function (cell) {
      var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) {
        if (walker.currentNode.parentNode.nodeName !== "MARK") nodes.push(walker.currentNode);
      }
      nodes.forEach(function (node) {
        var text = node.nodeValue, last = 0, match, parts = [];
        pattern.lastIndex = 0;
        while ((match = pattern.exec(text)) !== null) {
          parts.push(document.createTextNode(text.slice(last, match.index)));
          var marked = document.createElement("mark");
          marked.textContent = match[0];
          parts.push(marked);
          last = match.index + match[0].length;
        }
        if (!parts.length) return;
        parts.push(document.createTextNode(text.slice(last)));
        parts.forEach(function (part) { node.parentNode.insertBefore(part, node); });
        node.parentNode.removeChild(node);
      });
    });
  }
})();
"""


@hookimpl
def extra_body_script(view_name, table, database):
    if table in ("quotes", "quotes_by_relevance") and view_name in ("table", "row"):
        return SCRIPT
    return None
