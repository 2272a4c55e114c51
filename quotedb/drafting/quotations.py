"""Finding the passages in quotation marks, and whether each stands on its own (`full`) or not (`partial`)."""

import re
from dataclasses import dataclass, field
from typing import Optional

from .language import _PASSIVE, _VERB

OPENERS = {'"': '"', "\u201c": "\u201d"}
@dataclass
class Quotation:
    start: int  # offset of the opening mark
    end: int  # offset after the closing mark (or the paragraph end)
    text: str  # exactly what stands between the marks
    kind: str = "full"
    speaker: Optional[str] = None  # the fullest name the article gives, after resolving pronouns
    spelled_as: Optional[str] = None  # the name as printed next to the quotation
    mention: Optional[tuple[int, int]] = None  # where the speaker is mentioned for this quote
    role: Optional[str] = None
    venue: Optional[str] = None
    said: Optional[str] = None
    said_wording: Optional[str] = None
    confidence: float = 0.0
    comments: list[str] = field(default_factory=list)


def find_quotations(text: str) -> list[Quotation]:
    """Every passage in quotation marks, straight or curly, one per paragraph.

    A quotation running over several paragraphs (each opening with a mark, only
    the last one closed) gives one passage per paragraph, each exact as printed.
    """
    found = []
    offset = 0
    for paragraph in re.split(r"(\n)", text):
        if paragraph.strip() and paragraph != "\n":
            found.extend(_paragraph_quotations(paragraph, offset))
        offset += len(paragraph)
    return found


_HEADLINE_QUOTE = re.compile(r"(?<![\w\u2019])\u2018(?=\w)([^\u2018\u2019]*(?:\u2019\w[^\u2018\u2019]*)*?)\u2019(?!\w)")


def _headline(paragraph: str) -> bool:
    """A headline: short, no double quotation marks, not ending like a sentence."""
    return (len(paragraph.strip()) <= 200 and not any(c in paragraph for c in '"\u201c\u201d')
            and not paragraph.rstrip().endswith((".", "!", "?")) or paragraph.rstrip().endswith((".\u2019", "?\u2019", "!\u2019")))


# A transcript's line, its mark left open: '"WALLACE: If I may, sir, ...' (no closing mark): the
# speaker's words, but no quotation; drafted as reported speech (see reported.py).
TRANSCRIPT_LINE = re.compile(r"^[ \t]*[\"\u201c]?(?P<who>[A-Z][A-Z'\u2019\-]{2,}(?:[ \t]+[A-Z][A-Z'\u2019\-]+){0,2}):[ \t]+"
                             r"(?=[^\s\"\u201c\u201d])", re.M)
NOT_SPEAKERS = {"UPDATE", "CLARIFICATION", "CORRECTION", "EDITOR", "NOTE", "WATCH", "READ", "RELATED", "VIDEO", "PHOTOS",
                "PHOTO", "SOURCE", "SOURCES", "BREAKING", "EXCLUSIVE", "ALSO", "MORE", "Q", "A"}


def transcript_line(paragraph: str):
    """The match of a transcript's line 'NAME: words' (its opening mark, if any, never closed), or None."""
    match = TRANSCRIPT_LINE.match(paragraph)
    if not match or match.group("who").split()[0].strip("'\u2019") in NOT_SPEAKERS:
        return None
    rest = paragraph[match.end():]
    opening = paragraph.lstrip()[:1]
    if opening in OPENERS and OPENERS[opening] in rest:
        return None  # a quotation that closes: not a bare line
    return match


def _paragraph_quotations(paragraph: str, offset: int) -> list[Quotation]:
    if transcript_line(paragraph) and paragraph.lstrip()[:1] in "\"\u201c":
        return []  # '"PENCE: Well, ...' with no closing mark: a transcript's line, not a quotation
    if "\u2018" in paragraph and _headline(paragraph) and not any(c in paragraph for c in '"\u201c\u201d'):
        return [Quotation(offset + m.start(), offset + m.end(), m.group(1)) for m in _HEADLINE_QUOTE.finditer(paragraph)
                if any(c.isalnum() for c in m.group(1))]
    found, index = [], 0
    lead = len(paragraph) - len(paragraph.lstrip())
    if paragraph[lead:lead + 1] == "\u201d" and re.match(r"\u201d\s?\S", paragraph[lead:]) and "\u201d" in paragraph[lead + 2:]:
        close = paragraph.index("\u201d", lead + 2)  # '”Words here.” ― Name': a mistyped opening mark
        found.append(Quotation(offset + lead, offset + close + 1, paragraph[lead + 1:close]))
        index = close + 1
    while index < len(paragraph):
        char = paragraph[index]
        if char in OPENERS and _opens(paragraph, index):
            closer = OPENERS[char]
            close = _closing(paragraph, index + 1, closer)
            inner = paragraph[index + 1: close] if close is not None else paragraph[index + 1:].rstrip()
            end = close + 1 if close is not None else index + 1 + len(inner)
            if inner.strip() and any(c.isalnum() for c in inner):
                found.append(Quotation(offset + index, offset + end, inner))
            index = end
        else:
            index += 1
    return found


def _opens(paragraph, index):
    """A straight mark opens a quote unless it closes one or sits inside a word."""
    if paragraph[index] == "\u201c":
        return True
    before = paragraph[index - 1] if index else " "
    after = paragraph[index + 1] if index + 1 < len(paragraph) else " "
    return not after.isspace() and not before.isalnum()


def _closing(paragraph, start, closer):
    """Where the quotation opened before `start` ends, or None: it runs to the end of
    the paragraph (and may go on in the next). A curly quotation counts the curly
    ones nested in it. Sources mix the styles by mistake ("more hours”, “no
    evidence"): a mark of the other style closes when the quotation's own does not
    and no curly quotation opens before it."""
    own = None
    if closer == "\u201d":
        depth = 1
        for position in range(start, len(paragraph)):
            depth += paragraph[position] == "\u201c"
            depth -= paragraph[position] == "\u201d"
            if depth == 0:
                return position
        other = _straight_closing(paragraph, start)
    else:
        own = _straight_closing(paragraph, start)
        found = paragraph.find("\u201d", start)
        other = found if found >= 0 else None
    if own is not None:
        return own
    if other is not None and "\u201c" not in paragraph[start:other]:
        return other
    return None


def _straight_closing(paragraph, start):
    position = start
    while True:
        position = paragraph.find('"', position)
        if position < 0:
            return None
        after = paragraph[position + 1] if position + 1 < len(paragraph) else " "
        if not after.isalnum():
            return position
        position += 1


_AFTER_SPEECH_VERB = re.compile(r"\b(?:said|says|added|adds|declared|declares|wrote|writes|tweeted|stated|states|"
                                r"announced|announces|insisted|insists|replied|replies|responded|continued|asked|asks|"
                                r"warned|warns|reported|reports|claimed|claims|told \w+)$")


def _kind(quote, before):
    """`full` when the quotation stands as speech on its own; `partial` inside a sentence."""
    stripped = before.rstrip()
    if _AFTER_SPEECH_VERB.search(stripped) and not _PASSIVE.search(stripped + " "):
        return "full"  # 'Trump declared "I think ..."': the words a speech verb introduces
    if not stripped or stripped[-1] in ":,.!?(\u2014-" or stripped.endswith(("said", "says", "added", "asked", "wrote", "tweeted", "told")):
        words = len(quote.text.split())
        if stripped.endswith(",") and words <= 3 and not quote.text.rstrip().endswith((".", ",", "?", "!")):
            return "partial"
        return "full"
    return "partial"


def _continues(text, previous, quote):
    """An unattributed quotation right after an attributed one: in the same paragraph, or
    opening the next paragraph with no speech verb in between."""
    between = text[previous.end: quote.start]
    if quote.kind != "full":
        return len(between) < 200 and not re.search(r"[.!?]\s", between) and "\n" not in between
    if len(between) > 400:
        return False
    if "\n" not in between.strip():
        return True
    return not re.search(rf"\b{_VERB}\b", between)
