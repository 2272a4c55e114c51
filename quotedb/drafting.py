"""Drafting quote records from an article's plain text, for a person to review.

Rules, not a model: find every passage in quotation marks, decide whether it is
a quotation that stands on its own (`full`) or a fragment inside the writer's
sentence (`partial`), then find its speaker next to a speech verb ("..., Kirby
said", "Zaluzhnyi told parliament: ..."), resolving "he", "she" and "the
spokesman" to the last named speaker. Each draft carries a confidence and a
comment where the reviewer should look.
"""

import bisect
import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

SPEECH_VERBS = (
    "said|says|say|told|tells|tell|added|adds|asked|asks|claimed|claims|wrote|writes|tweeted|"
    "stated|states|declared|declares|explained|explains|noted|notes|argued|argues|insisted|insists|"
    "warned|warns|recalled|recalls|continued|continues|replied|replies|responded|responds|"
    "acknowledged|acknowledges|admitted|admits|announced|announces|suggested|suggests|remarked|"
    "joked|jokes|quipped|conceded|concedes|countered|counters|emphasized|observed|predicted|"
    "testified|urged|urges|vowed|vows|shouted|posted|cautioned|complained|complains|contended|"
    "maintained|maintains|mused|promised|promises|reiterated|stressed|stresses|thundered|boasted|"
    "boasts|blasted|charged|charges|demanded|demands|declared|pointed out|went on|has said|had said|"
    "would say|wrote in|tweeted out|added later|told reporters|said in a statement|swore|sworn|"
    "called|calls|described|describes|characterized|labeled|dubbed|lamented|laments|conceded|"
    "explained|exclaimed|whispered|yelled|screamed|cried|mocked|scoffed|snapped|retorted|chimed in|"
    "sings|sang|sung|chanted|chants|reads|read|wrote|recounted|recounts|offered|offers|hinted|"
    "pleaded|pledged|proclaimed|proclaims|quoted|recalled|remembered|reported|reports|speculated|"
    "summed up|told CNN|wondered|wonders|went on to say|concluded|concludes|began|begins|opined"
)
_VERB = rf"(?:{SPEECH_VERBS})"
TITLES = (
    "Mr|Mrs|Ms|Miss|Dr|Sen|Senator|Rep|Representative|Gov|Governor|Gen|General|Lt|Col|Sgt|Prof|"
    "Rev|President|Vice President|Secretary|Ambassador|Judge|Justice|Mayor|Chancellor|Prime Minister|"
    "Minister|Speaker|Leader|Chairman|Chairwoman|Commissioner|Director|Pope|King|Queen|Prince|Princess"
)
_CAP = r"(?:[A-Z](?:[\w'’\-]|\.[A-Z])*\.?)"
_LINK = r"(?:\s+(?:de|da|van|von|der|bin|al|la|le|of|the)\s+|\s+)"
NAME = rf"(?:(?:{TITLES})\.?\s+)?{_CAP}(?:{_LINK}{_CAP}){{0,4}}"
NOT_NAMES = {
    "the", "a", "an", "but", "and", "or", "in", "on", "at", "it", "this", "that", "these", "those",
    "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "its", "there", "here",
    "when", "while", "if", "as", "so", "then", "now", "still", "yet", "also", "asked", "said",
    "after", "before", "since", "because", "what", "who", "which", "where", "why", "how", "one",
    "some", "many", "most", "all", "both", "each", "no", "not", "for", "with", "from", "by", "to",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "however", "meanwhile", "instead", "later", "earlier", "last", "next",
    "full", "text", "abstract", "video", "photo", "read", "more", "advertisement", "update",
}
PRONOUNS = {"he": "he", "she": "she", "they": "they", "him": "he", "her": "she"}
NOMINALS = (
    r"the (?:[a-z]+ )?(?:spokesman|spokeswoman|spokesperson|president|senator|candidate|nominee|"
    r"governor|minister|official|ambassador|envoy|general|lawmaker|congressman|congresswoman|"
    r"mayor|secretary|chairman|chairwoman|campaign|businessman|billionaire|former [a-z]+|"
    r"democrat|republican|leader|speaker|director|chief|commander|prime minister)"
)

OPENERS = {'"': '"', "\u201c": "\u201d"}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]


@dataclass
class Quotation:
    start: int  # offset of the opening mark
    end: int  # offset after the closing mark (or the paragraph end)
    text: str  # exactly what stands between the marks
    kind: str = "full"
    speaker: Optional[str] = None  # the name as printed, after resolving pronouns
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
    for paragraph in re.split(r"(\n\s*\n)", text):
        if paragraph.strip() and not paragraph.startswith("\n"):
            found.extend(_paragraph_quotations(paragraph, offset))
        offset += len(paragraph)
    return found


def _paragraph_quotations(paragraph: str, offset: int) -> list[Quotation]:
    found, index = [], 0
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
    if closer == "\u201d":
        position = paragraph.find("\u201d", start)
        return position if position >= 0 else None
    position = start
    while True:
        position = paragraph.find('"', position)
        if position < 0:
            return None
        after = paragraph[position + 1] if position + 1 < len(paragraph) else " "
        if not after.isalnum():
            return position
        position += 1


ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "st", "jr", "sr",
                 "prof", "rev", "sgt", "capt", "maj", "adm", "u.s", "d.c", "no", "vs", "inc", "corp", "co"}


def _sentence_ends(text: str) -> list[int]:
    """Offsets where sentences end: after . ! ? (and a closing mark) before a capital, and at line ends."""
    ends = [m.start() for m in re.finditer(r"\n", text)]
    for match in re.finditer(r"[.!?][\"\u201d\u2019)]?(?=\s+[A-Z\"\u201c(])", text):
        word = text[max(0, match.start() - 12): match.start() + 1].split()[-1] if match.start() else ""
        word = word.lstrip("(\"\u201c").rstrip(".").lower()
        if text[match.start()] == "." and (word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        ends.append(match.end())
    return sorted(set(ends))


def _sentence_bounds(text, start, end, ends=None):
    """The sentence around [start, end): from the sentence end before it to the next one after."""
    ends = ends if ends is not None else _sentence_ends(text)
    left = bisect.bisect_right(ends, start) - 1
    left = ends[left] if left >= 0 else 0
    right_index = bisect.bisect_right(ends, end)  # a quote ending "...?" does not end the sentence
    right = ends[right_index] if right_index < len(ends) else len(text)
    return left, right


_DESCRIPTION = r"(?:the|a|an)\s+[a-z][\w'’\-]*(?:\s+(?:[a-z][\w'’\-]*|[A-Z][\w'’\-]*)){0,6}?"

_ASIDE = r"(?:\s*\([^)]{1,30}\))?(?:,[^,\"\u201c]{1,100},)?"  # "(D-Wis.)", ", head of the caucus,"

_AFTER_PATTERNS = [
    ("name", re.compile(rf"^\s*[\u2015\u2014\u2013\-]+\s*(?P<who>{NAME})")),
    ("name", re.compile(rf"^[\s,]*(?P<who>{NAME}){_ASIDE}\s+(?:also\s+|later\s+|then\s+)?(?P<verb>{_VERB})\b")),
    ("name", re.compile(rf"^[\s,]*(?P<verb>{_VERB})\s+(?P<who>{NAME})\b")),
    ("pronoun", re.compile(rf"^[\s,]*(?P<who>he|she|they)\s+(?:also\s+|later\s+|then\s+)?(?P<verb>{_VERB})\b", re.I)),
    ("nominal", re.compile(rf"^[\s,]*(?P<who>{NOMINALS})\s+(?P<verb>{_VERB})\b", re.I)),
    ("nominal", re.compile(rf"^[\s,]*(?P<verb>{_VERB})\s+(?P<who>{NOMINALS})\b", re.I)),
    ("description", re.compile(rf"^[\s,]*(?P<who>{_DESCRIPTION})\s+(?P<verb>{_VERB})\b")),
    ("description", re.compile(rf"^[\s,]*(?P<verb>{_VERB})\s+(?P<who>{_DESCRIPTION})[,.]")),
    # '"..." for criminal behavior, she said.': a few words, then the attribution
    ("pronoun", re.compile(rf"^[^\"\u201c\u201d]{{1,100}}?,\s+(?P<who>he|she|they)\s+(?P<verb>{_VERB})\b[^\"\u201c]{{0,60}}$", re.I)),
    ("name", re.compile(rf"^[^\"\u201c\u201d]{{1,100}}?,\s+(?P<who>{NAME}){_ASIDE}\s+(?P<verb>{_VERB})\b[^\"\u201c]{{0,60}}$")),
]
_BEFORE_PATTERNS = [
    ("name", re.compile(rf"(?P<who>{NAME}){_ASIDE}\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+)?(?P<verb>{_VERB})\b[^.!?\"\u201c]{{0,120}}$")),
    ("name", re.compile(rf"\b[Aa]ccording to (?P<who>{NAME})[^.!?\"\u201c]{{0,60}}$")),
    ("pronoun", re.compile(rf"\b(?P<who>[Hh]e|[Ss]he|[Tt]hey)\s+(?:also\s+|later\s+|then\s+)?(?P<verb>{_VERB})\b[^.!?\"\u201c]{{0,120}}$")),
    ("nominal", re.compile(rf"\b(?P<who>{NOMINALS})\s+(?P<verb>{_VERB})\b[^.!?\"\u201c]{{0,120}}$", re.I)),
]


def _clean_name(name: str) -> Optional[str]:
    words = name.strip(" ,.'’").split()
    while words and words[0].lower().strip(".") in NOT_NAMES:
        words = words[1:]
    while words and words[-1].lower().strip(".,") in NOT_NAMES | {"said", "told"}:
        words = words[:-1]
    if not words:
        return None
    cleaned = " ".join(words).rstrip(",")
    return cleaned if cleaned[0].isupper() else None


def _surname(name: str) -> str:
    words = [w for w in re.split(r"\s+", name) if w.strip(".").lower() not in {t.lower() for t in TITLES.split("|")}]
    return (words[-1] if words else name).strip(".,").lower()


def attribute(text: str, quotations: list[Quotation]) -> None:
    """Fill in speaker, mention, kind and confidence for each quotation, in order."""
    last_speaker: Optional[str] = None
    previous: Optional[Quotation] = None
    speakers: list[str] = []  # everyone named as a speaker so far
    ends = _sentence_ends(text)
    for quote in quotations:
        sentence_start, sentence_end = _sentence_bounds(text, quote.start, quote.end, ends)
        before = text[sentence_start: quote.start]
        after = text[quote.end: sentence_end]
        quote.kind = _kind(text, quote, before)
        found = _match_after(after, quote.end) or _match_before(before, sentence_start)
        if found:
            how, who, span = found
            quote.mention = span
            if how == "name":
                quote.speaker, quote.confidence = _clean_name(who), 0.9
            elif how == "description":
                quote.speaker, quote.confidence = who.strip(), 0.4
                quote.comments.append(f'the speaker is described, not named ("{who.strip()}"); name them if the article does')
            else:
                antecedent = _last_name_before(text, span[0], speakers) or last_speaker
                if antecedent:
                    quote.speaker, quote.confidence = antecedent, 0.6
                    quote.comments.append(f'speaker taken from "{who}" as {antecedent}; check')
                else:
                    quote.confidence = 0.3
                    quote.comments.append(f'"{who}" speaks here, but no named speaker comes before it')
        elif previous and previous.speaker and _continues(text, previous, quote):
            quote.speaker, quote.mention = previous.speaker, previous.mention
            quote.confidence = 0.7
            quote.comments.append("continues the previous quotation; same speaker assumed")
        else:
            quote.confidence = 0.2 if quote.kind == "full" else 0.1
            quote.comments.append("no speaker found next to a speech verb; fill in or delete")
        if quote.speaker and quote.mention:
            quote.role = _role(text, quote.mention, quote.speaker)
        quote.venue = _venue(before + " " + after)
        if quote.kind == "partial":
            quote.confidence = min(quote.confidence, 0.5)
            quote.comments.append("a fragment inside the writer's sentence (partial); keep only if attributed")
        previous = quote
        if quote.speaker and quote.confidence >= 0.6:
            last_speaker = quote.speaker
            if quote.speaker not in speakers:
                speakers.append(quote.speaker)


ORGANISATION_WORDS = {
    "show", "house", "party", "committee", "department", "news", "times", "post", "street", "grants",
    "club", "university", "center", "centre", "institute", "foundation", "council", "court", "senate",
    "congress", "campaign", "association", "inc", "company", "fund", "agency", "administration",
    "office", "service", "bureau", "network", "media", "press", "journal", "magazine", "channel",
    "radio", "tv", "states", "york", "city", "county", "state", "republicans", "democrats", "act",
    "caucus", "convention", "debate", "school", "group", "program", "project", "bank", "police",
}
_TITLED_NAME = re.compile(rf"\b(?:{TITLES})\.?\s+{_CAP}(?:\s+{_CAP}){{0,3}}")
_SPEAKING_NAME = re.compile(rf"(?P<who>{NAME}){_ASIDE}\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+)?{_VERB}\b")


def _last_name_before(text: str, position: int, speakers=()) -> Optional[str]:
    """Who "he", "she" or "the spokesman" most likely is: the latest person mentioned
    before `position` as a speaker (here or by a speech verb) or with a title."""
    window_start = max(0, position - 1500)
    window = text[window_start:position]
    candidates = []
    for match in _SPEAKING_NAME.finditer(window):
        candidates.append((match.start("who"), _clean_name(match.group("who"))))
    for match in _TITLED_NAME.finditer(window):
        candidates.append((match.start(), _clean_name(match.group(0))))
    for name in speakers:
        at = window.rfind(_surname(name).title()) if name else -1
        if at >= 0:
            candidates.append((at, name))
    candidates = [(at, name) for at, name in candidates
                  if name and not ORGANISATION_WORDS & {w.lower().strip(".,") for w in name.split()}]
    return max(candidates)[1] if candidates else None


def _match_after(after: str, offset: int):
    for how, pattern in _AFTER_PATTERNS:
        match = pattern.match(after)
        if match:
            who = match.group("who")
            if how == "name" and not _clean_name(who):
                continue
            return how, who, (offset + match.start("who"), offset + match.end("who"))
    return None


def _match_before(before: str, offset: int):
    best = None
    for how, pattern in _BEFORE_PATTERNS:
        for match in pattern.finditer(before):
            who = match.group("who")
            if how == "name" and not _clean_name(who):
                continue
            if best is None or match.start("who") > best[2][0] - offset:
                best = (how, who, (offset + match.start("who"), offset + match.end("who")))
            break
    return best


def _kind(text, quote, before):
    """`full` when the quotation stands as speech on its own; `partial` inside a sentence."""
    stripped = before.rstrip()
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
    if quote.kind != "full" or len(between) > 400:
        return False
    if "\n" not in between.strip():
        return True
    return not re.search(rf"\b{_VERB}\b", between)


def _role(text, mention, speaker):
    """Words naming a role right before the name: "British envoy Thomas Phipps"."""
    start = mention[0]
    before = text[max(0, start - 80): start]
    match = re.search(r"((?:[A-Z][\w.'’\-]*|[a-z][\w'’\-]*)(?: (?:[A-Z][\w.'’\-]*|[a-z][\w'’\-]*)){0,5})\s*,?\s*$", before)
    if not match:
        return None
    words = match.group(1).split()
    role_words = []
    for word in reversed(words):
        if word.lower() in {"the", "a", "said", "told", "and", "but", "that", "when", "as", "by", "with", "of"} and role_words:
            if word.lower() == "of":
                role_words.insert(0, word)
                continue
            break
        if word.lower() in NOT_NAMES and not role_words:
            return None
        role_words.insert(0, word)
    role = " ".join(role_words).strip(",")
    keywords = ("envoy", "ambassador", "spokes", "president", "minister", "secretary", "senator", "governor",
                "chief", "head", "leader", "director", "general", "commander", "official", "chairman", "mayor",
                "candidate", "nominee", "representative", "adviser", "advisor", "strategist", "manager")
    return role if role and any(k in role.lower() for k in keywords) else None


def _venue(context):
    match = re.search(r"\b(?:told|in an interview with|speaking to|speaking on|appeared on|on|at)\s+"
                      r"(?P<venue>(?:the\s+)?[A-Z][\w.'’&\-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w.'’&\-]*){0,5})", context)
    if not match:
        return None
    venue = match.group("venue").strip(" .,")
    if venue.split()[0].lower() in {m for m in MONTHS} | set(WEEKDAYS) or venue.lower() in {"the", "he", "she"}:
        return None
    return venue


def resolve_date(context: str, published: datetime.date):
    """The first relative or partial date in `context`: (value, wording) or (None, None)."""
    match = re.search(r"\b(?:(last|on|this|next)\s+)?(" + "|".join(WEEKDAYS) + r")\b", context, re.I)
    if match:
        target = WEEKDAYS.index(match.group(2).lower())
        days_back = (published.weekday() - target) % 7
        if match.group(1) and match.group(1).lower() == "last" and days_back == 0:
            days_back = 7
        return (published - datetime.timedelta(days=days_back)).isoformat(), match.group(0)
    match = re.search(r"\b(yesterday|today|this morning|tonight|last night)\b", context, re.I)
    if match:
        back = 1 if match.group(1).lower() in ("yesterday", "last night") else 0
        return (published - datetime.timedelta(days=back)).isoformat(), match.group(0)
    match = re.search(r"\b(?:on|in|since|last)\s+(" + "|".join(m.title() for m in MONTHS) + r")(?:\s+(\d{1,2}))?\b", context)
    if match:
        month = MONTHS.index(match.group(1).lower()) + 1
        year = published.year if month <= published.month else published.year - 1
        if match.group(2):
            try:
                day = datetime.date(year, month, int(match.group(2)))
            except ValueError:
                return None, None
            return day.isoformat(), match.group(0)
        return f"{year:04d}-{month:02d}", match.group(0)
    return None, None


@dataclass
class Draft:
    quotations: list[Quotation]
    new_speakers: dict  # proposed id -> name


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\b(mr|mrs|ms|dr|sen|rep|gov|gen|president|senator|general)\b\.?", " ", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unknown"


def draft_quotations(text: str, published: datetime.date) -> list[Quotation]:
    quotations = find_quotations(text)
    attribute(text, quotations)
    for quote in quotations:
        start, end = _sentence_bounds(text, quote.start, quote.end)
        quote.said, quote.said_wording = resolve_date(text[start:end], published)
    return quotations
