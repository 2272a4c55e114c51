"""One statement, many reports: the quotes of every article file merged into quotes.

Each quote in an article file is a *report*. Reports are one quote when they have
the same speaker and the same words once case, quotation-mark style, spacing,
invisible characters and end punctuation are ignored (`normalize_text`), or when
a report names another with `same_as` (a variant wording or another translation).

A quote's own facts come from all its reports:

- `said`: the reports agree, or some are less precise forms of the same date
  ("2023", "2023-12" and "2023-12-31"); the most precise is kept. Two dates that
  cannot be the same day are an error naming both reports.
- `venue`, `kind`, `language`, `translated_from`, `original_text`: the reports
  that give one agree; a report that leaves it out defers to those that give it.
- Its words, role and notes are those of its first appearance: the report
  published first (then by article id, then by order in the files).

Everything is done in a staging SQLite database attached as `stage`, so memory
does not grow with the corpus; `Stage.add` takes one article at a time.
"""

import difflib
import hashlib

from .loading import Problem, SourceArticle, normalize_text

STAGING_SCHEMA = """
CREATE TABLE stage.articles (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL, title, outlet, author, published, url, language,
    record_file, path, line
);
CREATE TABLE stage.reports (
    n INTEGER PRIMARY KEY,    -- order read, which is the files' order
    group_key BLOB NOT NULL,  -- the quote it belongs to: speaker and normalized words, until linked
    text_key INTEGER NOT NULL,             -- the normalized words alone
    head_key INTEGER, tail_key INTEGER,    -- speaker and first / last words: variant candidates
    first_key TEXT NOT NULL,  -- published, article id, n: the order of a quote's reports
    article_id, path, line, speaker, text, said, said_wording, venue, reported_via, kind,
    language, translated_from, original_text, notes, spelled_as, role, outlet, published,
    record_file, same_as_article, same_as_starts
);
-- Each report of a group joined to another by same_as, with the key it had (its words'
-- stable id); its group_key is now the group's it joined.
CREATE TABLE stage.merged_reports (n INTEGER PRIMARY KEY, key BLOB NOT NULL);
"""

# One row per quote, in id order: ids follow the date said, then the first appearance.
GROUPED = """
CREATE TABLE stage.grouped (
    id INTEGER PRIMARY KEY, group_key BLOB NOT NULL, first_n INTEGER NOT NULL, reports INTEGER NOT NULL,
    said, venue, kind, language, translated_from, original_text, text_key, head_key, tail_key,
    disagree INTEGER NOT NULL, variants INTEGER NOT NULL
);
INSERT INTO stage.grouped (group_key, first_n, reports, said, venue, kind, language, translated_from,
    original_text, text_key, head_key, tail_key, disagree, variants)
SELECT group_key, CAST(substr(first_key, -12) AS INTEGER), reports, said, venue, kind, language,
    translated_from, original_text, text_key, head_key, tail_key, disagree, variants
FROM (
    SELECT group_key, min(first_key) AS first_key, count(*) AS reports,
        max(said) AS said, max(venue) AS venue, max(kind) AS kind, max(language) AS language,
        max(translated_from) AS translated_from, max(original_text) AS original_text,
        -- the same in every report of a quote, but for reports linked with same_as
        max(text_key) AS text_key, max(head_key) AS head_key, max(tail_key) AS tail_key,
        min(text_key) != max(text_key) AS variants,
        -- reports giving two values of a fact (min and max pass over the reports that leave it out)
        ifnull(min(said) != max(said) OR min(venue) != max(venue) OR min(kind) != max(kind)
            OR min(language) != max(language) OR min(translated_from) != max(translated_from)
            OR min(original_text) != max(original_text), 0) AS disagree
    FROM stage.reports GROUP BY group_key
)
ORDER BY coalesce(said, ''), first_key;
"""

# Language belongs to the words: a variant linked with same_as may be another language
# (the original words, another translation). A quote's language is its first
# appearance's, and it is a translation only from another language.
FIRST_WORDING = """
UPDATE stage.grouped SET language = (
    SELECT max(w.language) FROM stage.reports AS w JOIN stage.reports AS f ON f.n = grouped.first_n
    WHERE w.group_key = grouped.group_key AND w.text_key = f.text_key
) WHERE variants;
UPDATE stage.grouped SET translated_from = NULL, original_text = NULL WHERE translated_from = language;
"""

STAGE_CACHE_KB = 256 * 1024  # reading the first report of each quote jumps about the stage
VARIANT_WORDS = 5  # reports sharing their speaker and first or last five words are compared
VARIANT_SIMILARITY = 0.8
VARIANT_CANDIDATES = 20  # at most this many reports compared per shared beginning or ending


def _digest(text: str, size: int) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=size).digest()


def _number(key: tuple) -> int:
    """A 64-bit key for finding equal words within one build (Python's own hash: it
    differs from run to run, which changes nothing found, only the keys themselves)."""
    return hash(key)


# A share of the corpus staged by another process numbers its articles and reports from
# its place times this, so that numbers follow the reading order once its stage is taken in;
# a report's number stays within the 12 digits it has in first_key.
SHARE_NUMBERS = 10**10
MAX_SHARES = 10**12 // SHARE_NUMBERS


class Stage:
    """The reports of a corpus, staged for merging. `share`: the place of the share of
    the corpus this stage holds, when other processes stage the others (see `take`)."""

    def __init__(self, conn, location=":memory:", share=0):
        self.conn = conn
        conn.execute("ATTACH DATABASE ? AS stage", [str(location)])
        conn.execute("PRAGMA stage.journal_mode = OFF")
        conn.execute("PRAGMA stage.synchronous = OFF")
        conn.executescript(STAGING_SCHEMA)
        self.articles = self.reports = share * SHARE_NUMBERS

    def add(self, source: SourceArticle):
        article = source.article
        outlet = _name(article.outlet)
        published = article.published.isoformat()
        self.articles += 1
        self.conn.execute(
            "INSERT INTO stage.articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.articles, source.id, article.title, outlet, article.author, published, article.url,
             article.language, source.record_file, source.path, source.line),
        )
        rows = []
        for quote, line in zip(source.quotes, source.quote_lines):
            self.reports += 1
            words = normalize_text(quote.text)
            split = words.split()
            head = tail = None
            if len(split) >= VARIANT_WORDS:
                head = _number((quote.speaker, "head", *split[:VARIANT_WORDS]))
                tail = _number((quote.speaker, "tail", *split[-VARIANT_WORDS:]))
            same_as = quote.same_as
            rows.append((
                self.reports, _digest(f"{quote.speaker}\0{words}", 16), _number((words,)), head, tail,
                f"{published} {source.id} {self.reports:012d}",
                source.id, source.path, line, quote.speaker, quote.text, quote.said.value,
                quote.said_wording, quote.venue and _name(quote.venue),
                quote.reported_via and _name(quote.reported_via), quote.kind,
                quote.language or article.language, quote.translated_from, quote.original_text,
                quote.notes, quote.spelled_as, quote.role, outlet, published, source.record_file,
                same_as and same_as.article, same_as and same_as.starts,
            ))
        self.conn.executemany(f"INSERT INTO stage.reports VALUES ({', '.join('?' * 27)})", rows)

    def take(self, location):
        """Add the articles and reports another process staged in `location` (a later share)."""
        self.conn.execute("ATTACH DATABASE ? AS share", [str(location)])
        try:
            with self.conn:
                for table in ("articles", "reports"):
                    self.conn.execute(f"INSERT INTO stage.{table} SELECT * FROM share.{table} ORDER BY n")
        finally:
            self.conn.execute("DETACH DATABASE share")

    def merge(self, refused_articles=frozenset()) -> tuple[list, list]:
        """Group the reports into quotes (`stage.grouped`); returns (problems, warnings).
        `refused_articles`: ids of articles left out for problems of their own, which a
        `same_as` naming them is not blamed for."""
        conn = self.conn
        conn.execute(f"PRAGMA stage.cache_size = -{STAGE_CACHE_KB}")
        problems = list(self._duplicate_articles())
        # Everything grouping reads, in the index: the reports are read in its order, not the table's.
        conn.execute(
            "CREATE INDEX stage.reports_group ON reports (group_key, first_key, said, venue, kind, language, "
            "translated_from, original_text, text_key, head_key, tail_key)"
        )
        problems.extend(self._link_variants(refused_articles))
        conn.executescript(GROUPED)
        conn.executescript(FIRST_WORDING)
        problems.extend(self._disagreements())
        warnings = list(self._likely_variants()) + list(self._other_speakers())
        return problems, warnings

    def _duplicate_articles(self):
        rows = self.conn.execute(
            "SELECT a.id, a.path, a.line, first.path FROM stage.articles AS a "
            "JOIN (SELECT id, min(n) AS n FROM stage.articles GROUP BY id HAVING count(*) > 1) AS repeated "
            "ON repeated.id = a.id AND a.n > repeated.n "
            "JOIN stage.articles AS first ON first.n = repeated.n ORDER BY a.n"
        )
        for article_id, path, line, first in rows:
            yield Problem(path, line, "", f"article id {article_id!r} is already used by {first}")

    def _link_variants(self, refused_articles):
        """Join each report that names another with `same_as` to that report's quote."""
        links = self.conn.execute(
            "SELECT n, path, line, speaker, group_key, same_as_article, same_as_starts FROM stage.reports "
            "WHERE same_as_article IS NOT NULL"
        ).fetchall()
        if not links:
            return
        self.conn.execute("CREATE INDEX stage.reports_article ON reports (article_id)")
        parent = {}

        def root(key):
            while parent.get(key, key) != key:
                key = parent[key]
            return key

        for n, path, line, speaker, group_key, article_id, starts in links:
            candidates = self.conn.execute(
                "SELECT speaker, group_key, text FROM stage.reports WHERE article_id = ? AND n != ?", [article_id, n]
            ).fetchall()
            if not candidates:
                if article_id in refused_articles:
                    continue  # its own problems are reported
                yield Problem(path, line, "same_as.article", f"no article with id {article_id!r} holds quotes")
                continue
            opening = normalize_text(starts)
            if not opening:
                yield Problem(path, line, "same_as.starts", "has no words to match; give the first words of the other quote")
                continue
            found = [c for c in candidates if normalize_text(c[2]).startswith(opening)]
            own = [c for c in found if c[0] == speaker]  # a variant is by the same speaker
            found = own or found
            # all of a quote's words pick it, though a longer quote begins with them
            found = [c for c in found if normalize_text(c[2]) == opening] or found
            if len(found) != 1:
                which = f"no quote in {article_id!r} starts" if not found else f"{len(found)} quotes in {article_id!r} start"
                yield Problem(
                    path, line, "same_as.starts", f"{which} with {starts!r}: give the first words of exactly one",
                )
                continue
            other_speaker, other_key, _ = found[0]
            if other_speaker != speaker:
                yield Problem(
                    path, line, "same_as",
                    f"names a quote by {other_speaker!r}, not {speaker!r}: a variant has the same speaker",
                )
                continue
            a, b = root(group_key), root(other_key)
            if a != b:
                parent[max(a, b)] = min(a, b)
        # Every key in `parent` is a group's no longer: its stable id leads to the quote it joined.
        for key in parent:
            self.conn.execute("INSERT INTO stage.merged_reports SELECT n, group_key FROM stage.reports "
                              "WHERE group_key = ?", [key])
            self.conn.execute("UPDATE stage.reports SET group_key = ? WHERE group_key = ?", [root(key), key])
        # Linked, two reports of one article may have become one quote: a quote is recorded once per article.
        for key in sorted({root(key) for key in parent}):
            seen = {}
            for article_id, path, line in self.conn.execute(
                "SELECT article_id, path, line FROM stage.reports WHERE group_key = ? ORDER BY n", [key]
            ).fetchall():
                if article_id in seen:
                    yield Problem(
                        path, line, "text",
                        f"the same quote as {seen[article_id]} (linked with same_as): record a quote once per article",
                    )
                seen.setdefault(article_id, f"{path}:{line}")

    def _disagreements(self):
        """Reports of one quote that disagree on its facts: each later report is compared
        with every earlier one that gives the fact (for `language`, those with its words)."""
        groups = self.conn.execute("SELECT group_key FROM stage.grouped WHERE disagree").fetchall()
        for (group_key,) in groups:
            reports = self.conn.execute(
                "SELECT path, line, said, venue, kind, language, translated_from, original_text, text_key "
                "FROM stage.reports WHERE group_key = ? ORDER BY first_key", [group_key]
            ).fetchall()
            for index, name in enumerate(("said", "venue", "kind", "language", "translated_from", "original_text"), 2):
                given = [r for r in reports if r[index] is not None]
                for i, later in enumerate(given):
                    clash = next((
                        earlier for earlier in given[:i]
                        if _clash(name, earlier[index], later[index]) and (name != "language" or earlier[8] == later[8])
                    ), None)
                    if clash is not None:
                        yield Problem(
                            later[0], later[1], name,
                            f"{later[index]!r} disagrees with {clash[index]!r} at {clash[0]}:{clash[1]}, "
                            "another report of this quote",
                        )
                        break

    def _likely_variants(self):
        """Quotes by one speaker that begin or end with the same words and are mostly alike,
        but were not linked with `same_as`."""
        rows = self.conn.execute(
            "SELECT group_concat(n) FROM ("
            "  SELECT head_key AS key, first_n AS n FROM stage.grouped WHERE head_key IS NOT NULL"
            "  UNION ALL"
            "  SELECT tail_key, first_n FROM stage.grouped WHERE tail_key IS NOT NULL"
            ") GROUP BY key HAVING count(*) > 1"
        ).fetchall()
        pairs = set()
        for (numbers,) in rows:
            numbers = sorted(map(int, numbers.split(",")))[:VARIANT_CANDIDATES]
            pairs.update((a, b) for i, a in enumerate(numbers) for b in numbers[i + 1 :])
        for a, b in sorted(pairs):
            (first, later) = (self._report(n) for n in (a, b))
            alike = difflib.SequenceMatcher(None, first["words"], later["words"], autojunk=False)
            if alike.quick_ratio() >= VARIANT_SIMILARITY and alike.ratio() >= VARIANT_SIMILARITY:
                yield Problem(
                    later["path"], later["line"], "text",
                    f"probably the same quote as {first['path']}:{first['line']}, {alike.ratio():.0%} alike; "
                    "if it is, say so with same_as",
                )

    def _report(self, n):
        path, line, text = self.conn.execute("SELECT path, line, text FROM stage.reports WHERE n = ?", [n]).fetchone()
        return {"path": path, "line": line, "words": normalize_text(text).split()}

    def _other_speakers(self):
        rows = self.conn.execute(
            "SELECT group_concat(first_n) FROM stage.grouped GROUP BY text_key HAVING count(*) > 1"
        ).fetchall()
        for (numbers,) in rows:
            first, *others = sorted(map(int, numbers.split(",")))
            path, line, speaker = self.conn.execute(
                "SELECT path, line, speaker FROM stage.reports WHERE n = ?", [first]
            ).fetchone()
            for n in others:
                other_path, other_line = self.conn.execute(
                    "SELECT path, line FROM stage.reports WHERE n = ?", [n]
                ).fetchone()
                yield Problem(
                    other_path, other_line, "text",
                    f"the same text is attributed to {speaker!r} at {path}:{line}",
                )


def _clash(name, one, other) -> bool:
    """Two reports' values of a fact that cannot both be right. A date may be a less
    precise form of the other ("2023-12" and "2023-12-31")."""
    if name == "said":
        return not (one.startswith(other) or other.startswith(one))
    return one != other


def _name(spelling: str) -> str:
    """Names are compared and stored with their white space normalised."""
    return " ".join(spelling.split())
