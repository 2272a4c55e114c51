"""The record model: what a curated speakers registry and article file may hold.

These pydantic models are the single definition of the record format. The JSON
Schema that editors use (`schema/*.schema.json`) is generated from them.
"""

import datetime
import functools
import re
from dataclasses import dataclass
from typing import Annotated, Literal, Optional

from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

SpeakerKind = Literal["person", "organisation", "group"]
QuoteKind = Literal["full", "partial", "paraphrase"]
Precision = Literal["day", "month", "year", "unknown"]

MAX_TEXT_LENGTH = 5000

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]

# Control characters but tab and line breaks: no file can hold them raw, but
# YAML ("\0", "\x1b") and JSON ("\u0000") escapes can.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Unicode's default-ignorable code points: nothing shows where they stand (zero-width
# space and joiners, soft hyphen, bidi marks, variation selectors, Hangul fillers).
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


# Bidirectional embeddings, overrides and isolates reorder what is shown: a quote holding
# U+202E would display other words than it stores ("Trojan source"). Marks (U+200E,
# U+200F, U+061C) only place neutral characters and stay allowed.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _no_control_characters(text: str) -> str:
    if text.isprintable():  # the common case, checked in C: no control characters at all
        return text
    control = _CONTROL.search(text)
    if control:
        raise ValueError(
            f"holds the control character U+{ord(control.group()):04X}; only tabs and line breaks are allowed"
        )
    bidi = _BIDI_CONTROL.search(text)
    if bidi:
        raise ValueError(
            f"holds the bidirectional control U+{ord(bidi.group()):04X}, which shows the text in another "
            "order than it is stored; remove it"
        )
    return text


def _visible(text: str) -> str:
    """Text that shows something: not empty, not only spaces or invisible characters."""
    _no_control_characters(text)
    if not text.strip():
        raise ValueError("must not be empty or only white space")
    if not text.isascii() and not INVISIBLE.sub("", text).strip():
        raise ValueError("holds only invisible characters (such as zero-width spaces)")
    return text


Name = Annotated[str, StringConstraints(max_length=300), AfterValidator(_visible)]
ShortText = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_no_control_characters)]
Url = Annotated[
    str,
    StringConstraints(pattern=r"^https?://\S+$", max_length=2000),
    AfterValidator(_no_control_characters),
]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month, the year, or not at all."""

    value: Optional[str]  # "2023-12-31", "2023-11", "2023" or None
    precision: Precision

    @property
    def year(self) -> Optional[int]:
        return int(self.value[:4]) if self.value else None

    @property
    def month(self) -> Optional[str]:
        return self.value[:7] if self.value and len(self.value) >= 7 else None

    def is_after(self, day: datetime.date) -> bool:
        """True when even the first day this date can stand for is after `day`."""
        return bool(self.value) and self.value > day.isoformat()[: len(self.value)]


PARTIAL_DATE_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?|unknown)$"


def parse_partial_date(value) -> PartialDate:
    """Read "2023-12-31", "2023-11", "2023", a year written as a number, or unknown/null."""
    if isinstance(value, PartialDate):
        return value
    if value is None:
        return PartialDate(None, "unknown")
    if type(value) is int and 1000 <= value <= 9999:
        value = str(value)
    if isinstance(value, datetime.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD, YYYY-MM, YYYY or unknown")
    return _parse_date_text(value)


def parse_day(value) -> datetime.date:
    """Read "2024-01-07" or a date; a number is refused, not read as seconds since 1970."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
    raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD")


@functools.lru_cache(maxsize=65536)
def _parse_date_text(value: str) -> PartialDate:
    """Dates repeat across a corpus, so each distinct text is parsed once."""
    if value == "unknown":
        return PartialDate(None, "unknown")
    if not re.fullmatch(PARTIAL_DATE_PATTERN, value, re.ASCII):
        raise ValueError(
            f"{value!r} is not a date: write YYYY-MM-DD, YYYY-MM, YYYY or unknown"
        )
    parts = [int(p) for p in value.split("-")]
    try:
        datetime.date(parts[0], *(parts[1:] + [1, 1])[:2])
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    if parts[0] < 1000:
        raise ValueError(f"{value!r} is not a plausible year")
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    return PartialDate(value, precision)


@functools.lru_cache(maxsize=65536)  # a build is short; dates repeat across a corpus
def _not_in_future(date: PartialDate) -> PartialDate:
    if date.is_after(datetime.date.today()):
        raise ValueError(f"{date.value} is in the future")
    return date


def _day_not_in_future(day: datetime.date) -> datetime.date:
    if day > datetime.date.today():
        raise ValueError(f"{day} is in the future")
    return day


SaidDate = Annotated[
    PartialDate,
    BeforeValidator(parse_partial_date),
    AfterValidator(_not_in_future),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": PARTIAL_DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
                {"type": "null"},
            ],
            "description": "When it was said: YYYY-MM-DD (day), YYYY-MM (month), "
            "YYYY (year) or unknown. The precision follows from the form.",
        }
    ),
]


def _quotation_marks_balanced(text: str) -> str:
    if "\u201e" in text or text.count("\u201c") != text.count("\u201d"):
        # Each \u201c is closed by \u201d; a German or Polish \u201e by \u201c or \u201d.
        opened = []
        for mark in re.findall("[\u201c\u201d\u201e]", text):
            if mark == "\u201d" or (mark == "\u201c" and opened[-1:] == ["\u201e"]):
                if not opened:
                    opened.append(mark)
                    break
                opened.pop()
            else:
                opened.append(mark)
        if opened:
            raise ValueError("unbalanced curly quotation marks (\u201c \u201d)")
    if text.count('"') % 2:
        raise ValueError('unbalanced quotation mark (")')
    return text


QuoteText = Annotated[
    str,
    StringConstraints(max_length=MAX_TEXT_LENGTH),
    AfterValidator(_visible),
    AfterValidator(_quotation_marks_balanced),
]


def _usual_case(tag: str) -> str:
    """A language tag in its usual case, as tags are compared (BCP 47 ignores case):
    zh-hant-tw is zh-Hant-TW."""
    parts = tag.split("-")
    for i, part in enumerate(parts[1:], 1):
        if part.isalpha() and len(part) in (2, 4):
            parts[i] = part.upper() if len(part) == 2 else part.title()
        else:
            parts[i] = part.lower()
    return "-".join(parts)


# A BCP 47 language tag as curators write them: en, ru, pt-BR, zh-Hant (stored in that case).
Language = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35),
    AfterValidator(_usual_case),
    Field(description="A BCP 47 language tag, such as en, ru or pt-BR"),
]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Speaker(Record):
    """A person, organisation or group who is quoted."""

    id: Slug = Field(description="Stable identifier, lower-case words joined by -")
    name: Name = Field(description="Canonical name")
    kind: SpeakerKind
    aliases: list[Name] = Field(
        default_factory=list,
        description="Other spellings and transliterations, as sources print them",
    )
    description: Optional[ShortText] = None
    wikidata: Optional[Annotated[str, StringConstraints(pattern=r"^Q[1-9]\d*$")]] = (
        Field(None, description="Wikidata id, only when known for certain")
    )

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class SpeakerRegistry(Record):
    """The file `quotes/speakers.yml`."""

    speakers: list[Speaker]


class Article(Record):
    """The source article a record file is about."""

    title: Name
    outlet: Name
    author: Optional[Name] = None
    published: Annotated[
        datetime.date, BeforeValidator(parse_day), AfterValidator(_day_not_in_future)
    ] = Field(
        description="Publication date, YYYY-MM-DD"
    )
    url: Optional[Url] = None
    language: Optional[Language] = Field(
        None, description="The language the article prints its quotes in (BCP 47, e.g. en); a quote may say otherwise"
    )


class SameAs(Record):
    """Another report of the same statement, worded differently: its article and how it starts."""

    article: Slug = Field(description="The other report's article id (its file name)")
    starts: Name = Field(description="The first words of the other report's text, enough to tell it apart")


# A slotted dataclass rather than a model: a corpus holds a million of these.
@pydantic_dataclass(config=ConfigDict(extra="forbid", frozen=True), slots=True)
class Quote:
    """One quotation or reported statement, as the article prints it."""

    speaker: Slug = Field(description="The speaker's id in speakers.yml")
    spelled_as: Optional[Name] = Field(
        None, description="The speaker's name as the source prints it, when it differs"
    )
    role: Optional[ShortText] = Field(
        None, description="Role at the time of speaking, as the source gives it"
    )
    said: SaidDate = Field(None, validate_default=True)
    precision: Optional[Precision] = Field(
        None, description="Optional; must agree with the form of `said`"
    )
    said_wording: Optional[ShortText] = Field(
        None, description='How the source gives the date, e.g. "last Sunday"'
    )
    venue: Optional[Name] = Field(None, description="Where it was said")
    reported_via: Optional[Name] = Field(
        None, description="The outlet the article cites for the quote"
    )
    kind: QuoteKind = Field(
        description="full, partial (a fragment) or paraphrase (reported speech)"
    )
    text: QuoteText = Field(description="The exact words as printed")
    language: Optional[Language] = Field(
        None, description="The language of the words as printed, when not the article's"
    )
    translated_from: Optional[Language] = Field(
        None, description="The language the words were spoken in, when the text is a translation"
    )
    original_text: Optional[QuoteText] = Field(
        None, description="The words as spoken, in the language they were spoken in, when known"
    )
    same_as: Optional[SameAs] = Field(
        None, description="Another report of this statement in other words (a variant or another translation)"
    )
    notes: Optional[ShortText] = None

    # With the speakers registry as validation context ("speakers"), a quote's
    # speaker and spelling are checked against it with its other fields.
    @field_validator("speaker")
    @classmethod
    def _registered(cls, speaker, info: ValidationInfo):
        if info.context:
            info.context["speakers"].check_speaker(speaker)
        return speaker

    @field_validator("spelled_as")
    @classmethod
    def _a_name_of_the_speaker(cls, spelled_as, info: ValidationInfo):
        if info.context and spelled_as is not None and "speaker" in info.data:
            info.context["speakers"].check_spelling(info.data["speaker"], spelled_as)
        return spelled_as

    @field_validator("original_text")
    @classmethod
    def _original_of_a_translation(cls, original_text, info: ValidationInfo):
        if original_text is not None and info.data.get("translated_from") is None:
            raise ValueError("is only for a translation: say which language it is in with translated_from")
        return original_text

    @field_validator("translated_from")
    @classmethod
    def _another_language(cls, translated_from, info: ValidationInfo):
        if translated_from is not None and translated_from == info.data.get("language"):
            raise ValueError(f"{translated_from!r} is the language of the text itself")
        return translated_from

    @field_validator("precision")
    @classmethod
    def _precision_agrees(cls, precision, info: ValidationInfo):
        said = info.data.get("said")
        if said and precision != said.precision:
            raise ValueError(
                f"{precision!r} contradicts said {said.value or 'unknown'!r}, "
                f"which is a {said.precision} date"
            )
        return precision


class ArticleFile(Record):
    """One file under `quotes/`: an article and the quotes taken from it."""

    article: Article
    quotes: list[Quote] = Field(min_length=1)


class ArticleLine(ArticleFile):
    """One line of a `.jsonl` record file: an article with its id, and its quotes.

    JSON lines suit corpora produced by programs (imports, benchmarks); people
    edit the YAML files.
    """

    id: Slug = Field(description="The article's id, unique across all records")
