"""Loading a records directory: every file read, validated and cross-checked.

`load_records` returns `Records` or raises `InvalidRecords` holding every
problem found, each located as `path:line: field: message`.
"""

import difflib
import gc
import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ValidationError

from .records import Article, ArticleFile, ArticleLine, Quote, Speaker, SpeakerRegistry
from .yaml_source import YamlDocument, YamlProblem, read_yaml

SPEAKERS_FILE = "speakers.yml"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self):
        where = f"{self.path}:{self.line}:"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


class InvalidRecords(Exception):
    def __init__(self, problems):
        self.problems = sorted(problems)
        super().__init__("\n".join(map(str, self.problems)))


@dataclass
class SourceArticle:
    """An article file as loaded: its id (the file name), article and quotes."""

    id: str
    path: str  # as the user named it, for messages
    record_file: str  # relative to the records directory, as stored in the database
    article: Article
    quotes: list[Quote]
    quote_lines: list[int]
    archived_text: Optional[str] = None  # the article's text, when kept beside the record
    line: int = 1  # where the article starts in its file (JSON lines: its line)


@dataclass
class Records:
    speakers: list[Speaker]
    articles: list[SourceArticle]
    warnings: list[Problem] = field(default_factory=list)


def load_records(records_dir) -> Records:
    # A corpus means millions of new objects and few cycles; the cyclic collector
    # would rescan them again and again (a third of the load time at a million).
    gc.disable()
    try:
        return _load_records(Path(records_dir))
    finally:
        gc.enable()


def _load_records(records_dir: Path) -> Records:
    if not records_dir.is_dir():
        raise InvalidRecords([Problem(str(records_dir), 1, "", "no such records directory")])
    problems = []
    speakers = _load_speakers(records_dir / SPEAKERS_FILE, problems)
    articles = []
    for path in _article_paths(records_dir):
        if path.suffix == ".jsonl":
            articles.extend(_load_article_lines(path, records_dir, problems))
        else:
            loaded = _load_article(path, records_dir, problems)
            if loaded:
                articles.append(loaded)
    problems.extend(_check_article_ids(articles))
    warnings = []
    if speakers is not None:
        problems.extend(_check_quotes(speakers, articles, warnings))
    if problems:
        raise InvalidRecords(problems)
    return Records(speakers=speakers, articles=articles, warnings=sorted(warnings))


def load_speakers(records_dir) -> list[Speaker]:
    """Just the speakers registry of a records directory (raises InvalidRecords)."""
    problems = []
    speakers = _load_speakers(Path(records_dir) / SPEAKERS_FILE, problems)
    if problems:
        raise InvalidRecords(problems)
    return speakers


def _article_paths(records_dir: Path):
    paths = [
        path
        for pattern in ("*.yml", "*.yaml", "*.jsonl")
        for path in records_dir.rglob(pattern)
        if path != records_dir / SPEAKERS_FILE
        and not any(part.startswith(".") for part in path.relative_to(records_dir).parts)
    ]
    return sorted(paths)


def _read(path: Path, model: type[BaseModel], problems: list):
    """Parse and validate one file; returns (model instance, document) or None."""
    try:
        document = read_yaml(path.read_bytes())
    except OSError as error:
        problems.append(Problem(str(path), 1, "", f"cannot read file: {error.strerror}"))
        return None
    except YamlProblem as problem:
        problems.append(Problem(str(path), problem.line, "", problem.message))
        return None
    if not isinstance(document.data, dict):
        found = type(document.data).__name__.replace("dict", "mapping")
        expected = ", ".join(model.__pydantic_fields__)
        problems.append(
            Problem(str(path), 1, "", f"expected a mapping with keys {expected}, found a {found}")
        )
        return None
    try:
        return model.model_validate(document.data), document
    except ValidationError as error:
        problems.extend(_problems_from(error, model, document, str(path)))
        return None


def _load_speakers(path: Path, problems):
    if not path.exists():
        problems.append(Problem(str(path), 1, "", "speakers registry not found"))
        return None
    loaded = _read(path, SpeakerRegistry, problems)
    if not loaded:
        return None
    registry, document = loaded
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


def _load_article(path: Path, records_dir: Path, problems):
    loaded = _read(path, ArticleFile, problems)
    if not loaded:
        return None
    record, document = loaded
    archive = path.with_suffix(".txt")
    return SourceArticle(
        id=path.stem,
        path=str(path),
        record_file=path.relative_to(records_dir).as_posix(),
        article=record.article,
        quotes=list(record.quotes),
        quote_lines=[document.line_of(("quotes", i)) for i in range(len(record.quotes))],
        archived_text=archive.read_text(encoding="utf-8", errors="replace") if archive.exists() else None,
    )


def _load_article_lines(path: Path, records_dir: Path, problems):
    """Articles from a JSON lines file, one per line; problems located by line."""
    record_file = path.relative_to(records_dir).as_posix()
    try:
        handle = open(path, "rb")
    except OSError as error:
        problems.append(Problem(str(path), 1, "", f"cannot read file: {error.strerror}"))
        return
    with handle:
        yield from _parse_lines(handle, path, record_file, problems)


def _parse_lines(handle, path, record_file, problems):
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
        except UnicodeDecodeError as error:
            problems.append(Problem(str(path), number, "", f"not valid UTF-8 (byte 0x{raw[error.start]:02x})"))
            continue
        try:
            record = ArticleLine.model_validate_json(line)
        except ValidationError as error:
            for item in error.errors():
                loc = item["loc"]
                if item["type"] == "json_invalid":
                    problems.append(Problem(str(path), number, "", f"JSON syntax: {item['ctx']['error']}"))
                    continue
                field_name = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
                problems.append(Problem(str(path), number, field_name, _message(item, loc, ArticleLine)))
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


def _check_article_ids(articles):
    first = {}
    for source in articles:
        if source.id in first:
            yield Problem(
                source.path, source.line, "", f"article id {source.id!r} is already used by {first[source.id]}"
            )
        first.setdefault(source.id, source.path)


def _check_quotes(speakers, articles, warnings):
    by_id = {speaker.id: speaker for speaker in speakers}
    names_of = {speaker.id: {_name_key(name) for name in speaker.names} for speaker in speakers}
    said_where = {}  # (speaker, digest of normalized text) -> (path, line)
    speakers_of_text = {}  # digest of normalized text -> (speaker, path, line)
    for source in articles:
        archived = _name_key(source.archived_text) if source.archived_text else None
        for quote, line in zip(source.quotes, source.quote_lines):
            speaker = by_id.get(quote.speaker)
            if speaker is None:
                close = difflib.get_close_matches(quote.speaker, by_id, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f"; add it to {SPEAKERS_FILE}"
                yield Problem(source.path, line, "speaker", f"unknown speaker {quote.speaker!r}{hint}")
            elif quote.spelled_as and _name_key(quote.spelled_as) not in names_of[speaker.id]:
                yield Problem(
                    source.path, line, "spelled_as",
                    f"{quote.spelled_as!r} is not a name of {speaker.id!r}; "
                    f"add it to its aliases in {SPEAKERS_FILE}",
                )
            elif archived and not any(name in archived for name in names_of[speaker.id]):
                warnings.append(
                    Problem(
                        source.path, line, "speaker",
                        f"no name of {speaker.id!r} appears in the archived article text",
                    )
                )
            if quote.said.is_after(source.article.published):
                yield Problem(
                    source.path, line, "said",
                    f"{quote.said.value} is after the article's publication "
                    f"({source.article.published})",
                )
            text = hashlib.blake2b(normalize_text(quote.text).encode(), digest_size=16).digest()
            key = (quote.speaker, text)
            if key in said_where:
                yield Problem(
                    source.path, line, "text",
                    "the same quote by {!r} is already at {}:{}".format(quote.speaker, *said_where[key]),
                )
            said_where.setdefault(key, (source.path, line))
            other = speakers_of_text.setdefault(text, (quote.speaker, source.path, line))
            if other[0] != quote.speaker:
                warnings.append(
                    Problem(
                        source.path, line, "text",
                        "the same text is attributed to {!r} at {}:{}".format(*other),
                    )
                )


_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalize_text(text: str) -> str:
    """Text as compared for duplicates: case, quote style, spacing and end punctuation ignored."""
    if text.isascii():
        text = text.lower()
        if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\x0b" in text or "\x0c" in text:
            text = " ".join(text.split())
    else:
        text = " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS).casefold().split())
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
