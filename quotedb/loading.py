"""Loading a records directory: every file read, validated and cross-checked.

`load_records` returns `Records` or raises `InvalidRecords` holding every
problem found, each located as `path:line: field: message`.
"""

import difflib
import gc
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from pydantic import BaseModel, TypeAdapter, ValidationError

from .records import (
    INVISIBLE, SLUG_PATTERN, Article, ArticleFile, ArticleLine, Quote, Speaker, SpeakerRegistry,
)
from .yaml_source import MAX_FILE_BYTES, YamlDocument, YamlProblem, read_yaml

SPEAKERS_FILE = "speakers.yml"
RECORD_SUFFIXES = (".yml", ".yaml", ".jsonl")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int  # 0 when the problem is the file or folder itself
    field: str
    message: str

    def __str__(self):
        where = f"{self.path}:{self.line}:" if self.line else f"{self.path}:"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


class InvalidRecords(Exception):
    def __init__(self, problems, warnings=()):
        # A problem of a whole file (line 0) once, though several shares of it met it.
        self.problems = sorted([p for p in problems if p.line] + list({p for p in problems if not p.line}))
        self.warnings = sorted(warnings)  # found beside them, said too
        super().__init__("\n".join(map(str, self.problems)))


@dataclass
class SourceArticle:
    """An article file as loaded: its id (the file name), article and quotes."""

    id: str
    path: str  # as the user named it, for messages
    record_file: str  # relative to the records directory, as stored in the database
    article: Optional[Article]  # None only while checking what is valid in a refused record
    quotes: list[Quote]
    quote_lines: list[int]
    archived_text: Optional[str] = None  # the article's text, when kept beside the record
    line: int = 1  # where the article starts in its file (JSON lines: its line)
    # The line of a value of the record by its path (("quotes", 0, "said")); None where the
    # whole record is on one line (a JSON line).
    line_of: Optional[Callable[[tuple], int]] = None


@dataclass
class Records:
    speakers: list[Speaker]
    articles: list[SourceArticle]
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Part:
    """What one share of a build reads of a record file: the whole of a YAML file, or
    the lines of a JSON lines file that begin at a byte in [start, end)."""

    path: Path
    start: int = 0
    end: Optional[int] = None  # None: to the end of the file
    identity: Optional[tuple] = None  # of the file as listed, for a file several shares read


class RecordsReader:
    """A records directory read file by file, so a corpus is never held in memory.

    `speakers` is the registry (None when it is invalid); `articles()` yields each
    valid article once its file is read and checked on its own. Every problem and
    warning found is kept in `problems` and `warnings`. What needs the whole corpus
    (the same quote in several articles, duplicate article ids) is checked as the
    database is built (quotedb/reports.py). `shares(n)` cuts the corpus into n parts
    of about equal size, in reading order, for n processes to read at once.
    """

    def __init__(self, records_dir):
        self.records_dir = Path(records_dir)
        self.problems, self.warnings = [], []
        self.refused_articles = set()  # ids of the articles left out for their problems
        self.speakers = None
        self._paths = None
        if not self.records_dir.is_dir():
            self.problems.append(Problem(str(records_dir), 1, "", "no such records directory"))
            return
        self.speakers = _load_speakers(self.records_dir / SPEAKERS_FILE, self.problems)

    def record_paths(self) -> list[Path]:
        """Every record file, in reading order (listed once: what is left out is said once)."""
        if self._paths is None:
            found = self.records_dir.is_dir()
            self._paths = _record_paths(self.records_dir, self.problems, self.warnings) if found else []
        return self._paths

    def size(self) -> int:
        """The bytes of every record file."""
        return sum(_size(_stat(path)) for path in self.record_paths())

    def shares(self, count: int) -> list[list[Part]]:
        """The record files as `count` shares of about equal size, each a list of parts, in
        reading order: a JSON lines file may be cut between two lines, a YAML file never is."""
        paths = self.record_paths()
        stats = [_stat(path) for path in paths]
        total = sum(map(_size, stats))
        bounds = [total * k // count for k in range(1, count)]
        shares, k, offset = [[] for _ in range(count)], 0, 0
        for path, info in zip(paths, stats):
            start, size = 0, _size(info)
            if path.suffix == ".jsonl":
                parts = []
                while k < count - 1 and bounds[k] < offset + size:  # a share ends inside this file
                    cut = bounds[k] - offset
                    if cut > start:
                        parts.append((k, start, cut))
                        start = cut
                    k += 1
                parts.append((k, start, None))
                identity = _identity(info) if len(parts) > 1 else None  # read by several shares
                for place, start, end in parts:
                    shares[place].append(Part(path, start, end, identity))
            else:
                shares[k].append(Part(path))
                while k < count - 1 and bounds[k] < offset + size:
                    k += 1
            offset += size
        return shares

    def articles(self, share=None):
        """Each valid article of the corpus, or of one of its `shares`."""
        if not self.records_dir.is_dir():
            return
        parts = share if share is not None else [Part(path) for path in self.record_paths()]
        # A corpus means millions of new objects and few cycles; the cyclic collector
        # would rescan them again and again.
        gc.disable()
        try:
            index = SpeakerIndex(self.speakers) if self.speakers is not None else None
            # Quotes are checked against the registry as they are validated, with their other fields.
            context = {"speakers": index} if index is not None else None
            for part in parts:
                path = part.path
                if path.suffix == ".jsonl":
                    loaded = _load_article_lines(part, self.records_dir, self.problems, self.warnings, context,
                                                 self.refused_articles)
                else:
                    loaded = [_load_article(path, self.records_dir, self.problems, self.warnings, context)]
                for source in loaded:
                    if source is None:
                        self.refused_articles.add(path.stem)
                        continue
                    before = len(self.problems)
                    self.problems.extend(_check_article(source, index, self.warnings))
                    if len(self.problems) == before:
                        yield source
                    else:
                        self.refused_articles.add(source.id)
        finally:
            gc.enable()


def _stat(path: Path) -> Optional[os.stat_result]:
    try:
        return path.stat()
    except OSError:  # reported when the file is read
        return None


def _size(info: Optional[os.stat_result]) -> int:
    return info.st_size if info else 0


def _identity(info: Optional[os.stat_result]) -> Optional[tuple]:
    """What tells one version of a file from another."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns) if info else None


def file_identity(path) -> Optional[tuple]:
    """What tells the file at `path` from one put there since (None: no file)."""
    return _identity(_stat(Path(path)))


def load_records(records_dir) -> Records:
    """Every record of a small directory in memory (tests, the seed); raises InvalidRecords.
    Checks across articles are made by the database build, not here."""
    reader = RecordsReader(records_dir)
    articles = list(reader.articles())
    if reader.problems:
        raise InvalidRecords(reader.problems)
    return Records(speakers=reader.speakers, articles=articles, warnings=sorted(reader.warnings))


def load_speakers(records_dir) -> list[Speaker]:
    """Just the speakers registry of a records directory (raises InvalidRecords)."""
    problems = []
    speakers = _load_speakers(Path(records_dir) / SPEAKERS_FILE, problems)
    if problems:
        raise InvalidRecords(problems)
    return speakers


class SpeakerIndex:
    """The registry's ids and names, as quotes are checked against them."""

    def __init__(self, speakers):
        self.names_of = {speaker.id: {_name_key(name) for name in speaker.names} for speaker in speakers}

    def check_speaker(self, speaker_id: str):
        if speaker_id not in self.names_of:
            close = difflib.get_close_matches(speaker_id, self.names_of, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; add it to {SPEAKERS_FILE}"
            raise ValueError(f"unknown speaker {speaker_id!r}{hint}")

    def check_spelling(self, speaker_id: str, spelled_as: str):
        names = self.names_of.get(speaker_id)
        if names is not None and _name_key(spelled_as) not in names:
            raise ValueError(
                f"{spelled_as!r} is not a name of {speaker_id!r}; add it to its aliases in {SPEAKERS_FILE}"
            )


def _record_paths(records_dir: Path, problems, warnings) -> list[Path]:
    """Every record file under `records_dir`; what is left out is said, and why."""
    found, folders = [], [records_dir]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            problems.append(Problem(str(folder), 0, "", f"cannot read the folder: {_reason(error)}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            skipped = _why_skipped(entry)
            if skipped:
                warnings.append(Problem(str(path), 0, "", f"skipped: {skipped}"))
            elif entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif entry.name.endswith(RECORD_SUFFIXES) and path != records_dir / SPEAKERS_FILE:
                found.append(path)
    return sorted(found)


def _why_skipped(entry: os.DirEntry) -> Optional[str]:
    """Why a folder or record file is not read; None when it is, or is no record."""
    if entry.is_symlink() and os.path.isdir(entry.path):
        return "a symbolic link to a folder (not followed)"
    folder = entry.is_dir(follow_symlinks=False)
    if not folder and not entry.name.lower().endswith(RECORD_SUFFIXES):
        return None  # archived texts and other files are no records
    if entry.name.startswith("."):
        return f"a hidden {'folder' if folder else 'file'}"
    if not folder and not entry.name.endswith(RECORD_SUFFIXES):
        return "record file names end in lower-case .yml, .yaml or .jsonl"
    return None


_FILE_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}


def _open_regular(path: Path):
    """Open a regular file for reading. A FIFO would hang the build and a device
    might never end, so the file is opened without blocking, then checked."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(f"is {_FILE_KINDS.get(stat.S_IFMT(mode), 'a device')}, not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _read(path: Path, model: type[BaseModel], problems: list, context=None):
    """Parse and validate one file: (model instance, document), the instance None when
    the document does not validate, both None when the file cannot be read as a mapping;
    every problem noted."""
    try:
        with _open_regular(path) as handle:
            document = read_yaml(handle.read(MAX_FILE_BYTES + 1))
    except OSError as error:
        problems.append(Problem(str(path), 0, "", f"cannot read the file: {_reason(error)}"))
        return None, None
    except YamlProblem as problem:
        problems.append(Problem(str(path), problem.line, "", problem.message))
        return None, None
    if not isinstance(document.data, dict):
        found = type(document.data).__name__.replace("dict", "mapping")
        expected = ", ".join(model.__pydantic_fields__)
        problems.append(
            Problem(str(path), 1, "", f"expected a mapping with keys {expected}, found a {found}")
        )
        return None, None
    problems.extend(_prose_cut_by_comments(str(path), document))
    try:
        return model.model_validate(document.data, context=context), document
    except ValidationError as error:
        problems.extend(_problems_from(error, model, document, str(path)))
        return None, document


def _load_speakers(path: Path, problems):
    if not path.exists():
        problems.append(Problem(str(path), 1, "", "speakers registry not found"))
        return None
    registry, document = _read(path, SpeakerRegistry, problems)
    if registry is None:
        return None
    before = len(problems)
    seen_ids, seen_names = {}, {}
    for index, speaker in enumerate(registry.speakers):
        line = document.line_of(("speakers", index, "id"))
        if speaker.id in seen_ids:
            problems.append(
                Problem(str(path), line, "id", f"{speaker.id!r} is already used on line {seen_ids[speaker.id]}")
            )
        seen_ids.setdefault(speaker.id, line)
        for name in dict.fromkeys(_name_key(n) for n in speaker.names):
            other = seen_names.get(name)
            if other and other[0] != speaker.id:
                problems.append(
                    Problem(
                        str(path), line, "aliases",
                        f"name {name!r} of {speaker.id!r} also belongs to {other[0]!r} (line {other[1]})",
                    )
                )
            seen_names.setdefault(name, (speaker.id, line))
    return registry.speakers if len(problems) == before else None


def _load_article(path: Path, records_dir: Path, problems, warnings, context):
    if not _is_article_id(path.stem):
        problems.append(
            Problem(
                str(path), 0, "",
                "the file name is the article's id: lower-case letters and digits joined by - "
                "(like 2024-01-07-outlet-short-title)",
            )
        )
    record, document = _read(path, ArticleFile, problems, context)
    archived_text = _read_archive(path.with_suffix(".txt"), problems)
    if record is None:
        if document is not None:  # read, but not valid: check what is
            lines = [document.line_of(("quotes", i)) for i in range(len(_quotes_in(document.data)))]
            problems.extend(_checks_of_valid_parts(document.data, path.stem, str(path), lines, warnings, document.line_of))
        return None
    return SourceArticle(
        id=path.stem,
        path=str(path),
        record_file=path.relative_to(records_dir).as_posix(),
        article=record.article,
        quotes=list(record.quotes),
        quote_lines=[document.line_of(("quotes", i)) for i in range(len(record.quotes))],
        archived_text=archived_text,
        line_of=document.line_of,
    )


# Prose, where a "#" may well be part of the words (`role: the party's #2`, `venue: Studio #4`).
_PROSE_FIELDS = {"text", "original_text", "role", "said_wording", "venue", "notes", "starts", "title", "description"}


def _prose_cut_by_comments(path: str, document: YamlDocument):
    """Unquoted prose followed by a comment, which YAML leaves out of it: a quote or a
    title cut short would be published as if the source had said less (`text: We are #1`
    is "We are"), so each is a problem, not a warning. A comment after a name, a date or
    an id is fine."""
    for where, (line, comment, empty) in document.commented.items():
        if not (where and where[-1] in _PROSE_FIELDS):
            continue
        if empty:
            message = (f"is empty: YAML reads {comment!r} as a comment; if it is the value, put it in quotes, "
                       "and if it is a comment, leave a space after the #")
        else:
            message = (f"ends before {comment!r}, which YAML reads as a comment: put the value in quotes, "
                       "with the words after # inside them if they belong to it")
        yield Problem(path, line, _field_name(where), message)


def _is_article_id(name: str) -> bool:
    return len(name) <= 100 and re.fullmatch(SLUG_PATTERN, name) is not None


def _read_archive(path: Path, problems) -> Optional[str]:
    """The article's text archived beside its record, when kept."""
    if not os.path.lexists(path):
        return None
    try:
        with _open_regular(path) as handle:
            return handle.read().decode("utf-8", errors="replace")
    except OSError as error:
        problems.append(Problem(str(path), 0, "", f"cannot read the archived text: {_reason(error)}"))
        return None


def _load_article_lines(part: Part, records_dir: Path, problems, warnings, context, refused):
    """Articles from (part of) a JSON lines file, one per line; problems located by line."""
    path = part.path
    record_file = path.relative_to(records_dir).as_posix()
    try:
        handle = _open_regular(path)
    except OSError as error:
        problems.append(Problem(str(path), 0, "", f"cannot read the file: {_reason(error)}"))
        return
    changed = Problem(str(path), 0, "", "changed while the build read it; build again")
    with handle:
        # Read in shares, parts of two versions of it would be read as one file.
        if part.identity and _identity(os.fstat(handle.fileno())) != part.identity:
            problems.append(changed)
            return
        yield from _parse_lines(_numbered_lines(handle, part), path, record_file, problems, warnings, context, refused)
        if part.identity and _identity(os.fstat(handle.fileno())) != part.identity:
            problems.append(changed)


def _numbered_lines(handle, part: Part):
    """(line number, line) for each line of the file that begins in [part.start, part.end)."""
    number, at = 1, 0
    if part.start > 0:
        while at < part.start - 1:  # the lines before the part, counted
            block = handle.read(min(1 << 20, part.start - 1 - at))
            if not block:
                return
            number += block.count(b"\n")
            at += len(block)
        if handle.read(1) != b"\n":
            handle.readline()  # a line that began before the part: the share before reads it
        number, at = number + 1, handle.tell()
    for raw in handle:
        if part.end is not None and at >= part.end:
            return
        yield number, raw
        number, at = number + 1, at + len(raw)


def _parse_lines(lines, path, record_file, problems, warnings, context, refused):
    for number, raw in lines:
        if not raw.strip():
            continue
        data = None
        try:
            data = _json_object(raw, first=number == 1)
            record = ArticleLine.model_validate(data, context=context)
        except _LineProblem as problem:
            problems.append(Problem(str(path), number, problem.field, problem.message))
            continue
        except ValidationError as error:
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                refused.add(data["id"])
            for item in error.errors():
                loc = item["loc"]
                field_name = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
                problems.append(Problem(str(path), number, field_name, _message(item, loc, ArticleLine)))
            if isinstance(data, dict):
                article_id = data["id"] if isinstance(data.get("id"), str) else ""
                lines = [number] * len(_quotes_in(data))
                problems.extend(_checks_of_valid_parts(data, article_id, str(path), lines, warnings))
            continue
        yield SourceArticle(
            id=record.id,
            path=str(path),
            record_file=record_file,
            article=record.article,
            quotes=list(record.quotes),
            quote_lines=[number] * len(record.quotes),
            line=number,
        )


class _LineProblem(Exception):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


def _json_object(raw: bytes, first: bool):
    try:
        line = raw.decode("utf-8-sig" if first else "utf-8").strip()
        return json.loads(line, object_pairs_hook=_refuse_duplicate_keys)
    except UnicodeDecodeError as error:
        raise _LineProblem(f"not valid UTF-8 (byte 0x{raw[error.start]:02x})") from None
    except json.JSONDecodeError as error:
        raise _LineProblem(f"JSON syntax: {error.msg} (column {error.colno})") from None
    except ValueError:  # what else json.loads refuses
        raise _LineProblem("a number of over 4,300 digits is not allowed") from None
    except RecursionError:
        raise _LineProblem("nested too deeply") from None


def _refuse_duplicate_keys(pairs):
    """For json.loads, which would keep the last of duplicate keys."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _LineProblem("duplicate key", key)
            seen.add(key)
    return data


_QUOTE = TypeAdapter(Quote)


def _quotes_in(data) -> list:
    quotes = data.get("quotes") if isinstance(data, dict) else None
    return quotes if isinstance(quotes, list) else []


def _checks_of_valid_parts(data, article_id, path, quote_lines, warnings, line_of=None) -> list:
    """The problems `_check_article` finds among the quotes of a record that failed
    validation but are valid on their own (a date after publication, the same quote
    twice), so that they are reported in the same run as its other problems, not in
    the next one; its warnings added to `warnings`. A quote is taken without the registry (its speaker's problems are
    reported already); with no valid article, only the checks that need none."""
    try:
        article = Article.model_validate(data.get("article"))
    except ValidationError:
        article = None
    quotes, lines, positions = [], [], []
    for position, (quote, line) in enumerate(zip(_quotes_in(data), quote_lines)):
        try:
            quotes.append(_QUOTE.validate_python(quote))
            lines.append(line)
            positions.append(position)
        except ValidationError:
            pass  # its own problems are reported already
    valid = SourceArticle(id=article_id, path=path, record_file="", article=article, quotes=quotes, quote_lines=lines,
                          line_of=line_of)
    return list(_check_article(valid, None, warnings, positions=positions))


def _check_article(source: SourceArticle, index: Optional["SpeakerIndex"], warnings, positions=None):
    """One article's quotes against the article: dates after publication, languages,
    the same quote twice, speakers whose names its archived text lacks. `positions`:
    each quote's place in its record, when some were left out."""
    archived = _name_key(source.archived_text) if source.archived_text and index else None
    article = source.article  # None: checked only for what needs no article
    # On a JSON line every quote has the line's number: the field says which quote.
    one_line = source.path.endswith(".jsonl")
    if article and source.line_of:
        warnings.extend(_misplaced(source, str(article.published)))
    seen = {}  # (speaker, normalized text) -> line, or quote
    for number, quote, line in zip(positions or range(len(source.quotes)), source.quotes, source.quote_lines):
        def line_of(*field):  # the line of this quote's field, as a YAML file has it
            return source.line_of(("quotes", number, *field)) if source.line_of else line

        if archived and not any(name in archived for name in index.names_of[quote.speaker]):
            warnings.append(
                Problem(
                    source.path, line_of("speaker"), _quote_field(one_line, number, "speaker"),
                    f"no name of {quote.speaker!r} appears in the archived article text",
                )
            )
        if _in_quotation_marks(quote.text):
            warnings.append(
                Problem(
                    source.path, line_of("text"), _quote_field(one_line, number, "text"),
                    "is inside quotation marks, which the site adds itself: record the words alone",
                )
            )
        if article and quote.said.is_after(article.published):
            yield Problem(
                source.path, line_of("said"), _quote_field(one_line, number, "said"),
                f"{quote.said.value} is after the article's publication ({article.published})",
            )
        if article and quote.translated_from and quote.translated_from == (quote.language or article.language):
            yield Problem(
                source.path, line_of("translated_from"), _quote_field(one_line, number, "translated_from"),
                f"{quote.translated_from!r} is the language of the text itself (the article's language)",
            )
        if quote.same_as and quote.same_as.article == source.id:
            yield Problem(source.path, line_of("same_as", "article"), _quote_field(one_line, number, "same_as.article"),
                          "names this quote's own article")
        key = (quote.speaker, normalize_text(quote.text))
        if key in seen:
            where = (f"already quotes[{seen[key]}]" if one_line
                     else f"already on line {seen[key]}" if seen[key] != line else "twice on this line")
            yield Problem(
                source.path, line, _quote_field(one_line, number, "text"),
                f"the same quote by {quote.speaker!r} is {where}: record a quote once per article",
            )
        seen.setdefault(key, number if one_line else line)


# An opening quotation mark -> the marks that close it, in the styles of many languages.
# The plain apostrophe is left out: it also ends words ('Cause, goin').
_CLOSING = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c\u201d", "\u00ab": "\u00bb",
            "\u00bb": "\u00ab", "\u2018": "\u2019", "\u201a": "\u2018\u2019", "\u2039": "\u203a", "\u203a": "\u2039",
            "\u300c": "\u300d", "\u300e": "\u300f"}


def _in_quotation_marks(text: str) -> bool:
    """Does the whole text stand between one pair of quotation marks ("words", “words”,
    «words», “words”.)? Not when marks of that pair are inside it too: `"Iron Dome" is
    working as "intended"` quotes two phrases of a longer text."""
    text = text.strip().rstrip(".,;:!?")
    closing = _CLOSING.get(text[:1], "")
    inner = text[1:-1]
    return (len(text) > 2 and text[-1] in closing
            and not any(mark in inner for mark in text[0] + closing))


def _misplaced(source: SourceArticle, published: str):
    """Warnings for a record file whose name or year folder says another date than the
    article's publication (quotes/YEAR/YYYY-MM-DD-outlet-short-title.yml)."""
    line = source.line_of(("article", "published"))
    named = re.match(r"([0-9]{4}-[0-9]{2}-[0-9]{2})-", source.id)
    if named and named.group(1) != published:
        yield Problem(source.path, line, "article.published",
                      f"{published} is not the date the file name begins with ({named.group(1)})")
    folder = Path(source.path).parent.name
    if re.fullmatch(r"(19|20)[0-9]{2}", folder) and folder != published[:4]:
        yield Problem(source.path, line, "article.published",
                      f"{published} is not in {folder}, the year of the folder the file is in")


def _quote_field(one_line: bool, number: int, name: str) -> str:
    return f"quotes[{number}].{name}" if one_line else name


# Every style of quotation mark compared as the plain ones: curly, low (German „ ‚),
# guillemets (« » ‹ ›) and CJK corner brackets (「 」 『 』).
_QUOTE_MARKS = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2039\u203a", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u300c\u300d\u300e\u300f", '"'),
})


def normalize_text(text: str) -> str:
    """Text as compared for duplicates: case, quote style, spacing, invisible characters
    and end punctuation ignored."""
    if text.isascii():
        text = text.lower()
        if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\x0b" in text or "\x0c" in text:
            text = " ".join(text.split())
    else:
        text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)
        text = " ".join(INVISIBLE.sub("", text).casefold().split())
    return text.strip(" .,;:!?\"'")


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


# Messages for pydantic's error types, in the words of a record file.
_PATTERN_MESSAGES = {
    "id": "must be lower-case letters and digits joined by - (like vladimir-putin)",
    "speaker": "must be a speaker id from speakers.yml (lower-case words joined by -)",
    "url": "must be a full address starting with http:// or https://",
    "wikidata": "must be a Wikidata id like Q7747",
}


def _problems_from(error: ValidationError, model, document: YamlDocument, path: str):
    for item in error.errors():
        loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and "[" in part))
        field_name = _field_name(loc)
        line = document.line_of(loc)
        yield Problem(path, line, field_name, _message(item, loc, model))


def _field_name(loc) -> str:
    """`article.title`, or just `text` for a value inside a list item."""
    last_index = max((i for i, part in enumerate(loc) if isinstance(part, int)), default=-1)
    names = [part for part in loc[last_index + 1 :] if isinstance(part, str)]
    return ".".join(names)


def _message(item, loc, model) -> str:
    kind, name = item["type"], (loc[-1] if loc else "")
    if kind == "missing":
        return "required field is missing"
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        known = _known_fields(model, loc[:-1])
        close = difflib.get_close_matches(str(name), known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; known fields: {', '.join(known)}"
        return f"unknown field{hint}"
    if kind == "string_pattern_mismatch":
        return f"{_PATTERN_MESSAGES.get(name, 'has the wrong form')} (got {_shorten(item['input'])})"
    message = item["msg"].removeprefix("Value error, ")
    message = message[0].lower() + message[1:]
    if kind != "value_error" and not isinstance(item.get("input"), (dict, list)):
        message += f" (got {_shorten(item.get('input'))})"
    return message


def _shorten(value, limit=60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...'"


def _known_fields(model, loc) -> list[str]:
    """The field names allowed at `loc` within `model`, for typo hints."""
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.__pydantic_fields__[part].annotation
        inner = getattr(annotation, "__args__", None)
        model = inner[0] if inner else annotation
    return list(model.__pydantic_fields__)
