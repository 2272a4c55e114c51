"""Who said it: the speaker next to a speech verb, pronouns resolved by the article's own gender cues, roles and venues."""

import functools
import re
from typing import Optional

from .language import NAME, NOMINALS, NOT_NAMES, TITLES, _CAP, _PASSIVE, _PASSIVE_VERBS, _VERB, _sentence_bounds, _sentence_ends
from .quotations import Quotation, _continues, _kind, find_quotations
from .dates import MONTHS, WEEKDAYS
from .names import name_gender
from .people import HEADLINE_VERBS, PERSON_NOUNS, NOT_PEOPLE, ORGANISATION_WORDS, _masked, gender_word, genders, people_of

_DESCRIPTION = r"(?:the|a|an|one|[A-Z][\w\-]*['’]s)\s+[A-Za-z0-9][\w'’\-]*(?:\s+(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov)\.\s+)?[A-Za-z0-9][\w'’\-]*){0,6}?"
_OPENING_DESCRIPTION = r"(?:The|A|An)\s+[A-Za-z0-9][\w'’\-]*(?:\s+[A-Za-z0-9][\w'’\-]*){0,6}?"  # opening its sentence
_DESCRIPTOR = (r"(?:(?!(?:when|while|as|after|before|because|if|and|but|since|though|although|until|where|whereas|"
               r"then|so|or|nor|once|unless|whether|than)\s)(?:[A-Z0-9][\w'’\-./]*|[a-z][\w'’\-]*)\s+){0,6}?")  # "White House press secretary ", "9/11 widow "

_ABBREVIATED = r"(?:Ltd|Inc|Corp|Co|LLC|Plc|PLC|Jr|Sr|Bros|St|Mt|[A-Z]|[A-Z][a-z]{1,3})\."  # "R-Ky."
_ASIDE = (rf"(?:\s*\([^)]{{1,30}}\))?(?:,(?:[^\"\u201c\u201d.]|{_ABBREVIATED}){{1,250}}?,)?"  # "(D-Wis.)", ", head of the caucus,"
          r"(?:\s+[a-z]+ly)?(?:\s+(?:appeared|went|spoke|took|turned)\s+[^.\"\u201c]{1,60}?\s+and)?")

GROUP = (r"(?:[A-Z][\w'’\-]+\s+){1,3}(?:authorities|officials|media|nationalists|leaders|lawmakers|forces|"
         r"government|military|sources|diplomats|activists|protesters|residents|voters|supporters|critics|"
         r"analysts|experts|prosecutors|police|officers|spokespeople|Democrats|Republicans)")

_BY_AGENT = re.compile(rf"^[\s,]*by\s+(?P<who>{GROUP}|{NAME})")  # '"indiscriminate" by Russian authorities'

_AFTER_PATTERNS = [
    ("name", re.compile(rf"^\s*[\u2015\u2014\u2013\-]+\s*(?P<who>{NAME})")),
    ("name", re.compile(rf"^[\s,]*(?P<who>{NAME}){_ASIDE}\s+(?:also\s+|later\s+|then\s+)?(?P<verb>{_VERB})\b")),
    ("name", re.compile(rf"^[\s,]*(?P<verb>{_VERB})\s+(?P<who>{NAME})\b")),
    ("name", re.compile(rf"^[\s,]*{_DESCRIPTOR}(?P<who>{NAME}){_ASIDE}\s+(?:also\s+|later\s+|then\s+)?(?P<verb>{_VERB})\b")),
    ("name", re.compile(rf"^[\s,]*(?P<verb>{_VERB})\s+{_DESCRIPTOR}(?P<who>{NAME})\b")),
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
    # roundups 'Ada Quill, Valley Post: "..."' or 'Ada Quill (@adaq): "..."'; transcripts 'QUILL: "..."'
    ("name", re.compile(rf"^\s*(?P<who>{NAME})(?:\s*\(@\w+\)|,\s*[^:\"\u201c\u201d\n]{{1,60}})?:\s*$")),
    ("name", re.compile(r"^\s*(?P<who>[A-Z][A-Z'’\-]+(?:\s+[A-Z][A-Z'’\-]+){0,2}):\s*$")),
    # a headline 'Elizabeth Warren Hammers Wells Fargo CEO: ‘You Should Be Investigated’'
    ("name", re.compile(rf"^\s*(?P<who>{NAME})\s+(?:{'|'.join(w.title() for w in sorted(HEADLINE_VERBS))})\b[^:\n.]{{0,80}}:\s*$")),
    ("name", re.compile(rf"\bas\s+(?:the\s+)?(?P<who>{NAME})\s+(?:has\s+|had\s+)?put\s+it\b[^.!?\"\u201c]{{0,80}}$")),  # 'as The New Yorker put it, "..."' 
    ("name", re.compile(rf"\b{_PASSIVE_VERBS}\s+by\s+(?P<who>{GROUP}|{NAME})\s+as\s+$")),
    ("name", re.compile(rf"(?P<who>{GROUP}){_ASIDE}\s+(?:have\s+|has\s+)?(?P<verb>{_VERB})\b[^.!?\"\u201c]{{0,120}}$")),
    ("name", re.compile(rf"(?P<who>{NAME}){_ASIDE}\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+)?(?P<verb>{_VERB})\b[^.!?\"\u201c]{{0,120}}$")),
    ("name", re.compile(rf"\b[Aa]ccording to (?P<who>{NAME})[^.!?\"\u201c]{{0,60}}$")),
    # 'footage of Trump saying during the debate, "..."'
    ("name", re.compile(rf"(?P<who>{NAME})\s+(?:was\s+|is\s+)?(?:saying|asking|adding|tweeting|writing|declaring|chanting|"
                        r"telling\s+[\w\s]{1,30}?|insisting|arguing|noting|warning)\b[^.!?\"\u201c\u201d]{0,60}?[,:]?\s*$")),
    ("pronoun", re.compile(rf"\b(?P<who>[Hh]e|[Ss]he|[Tt]hey)\s+(?:also\s+|later\s+|then\s+)?(?P<verb>{_VERB})\b[^.!?\"\u201c]{{0,120}}$")),
    ("nominal", re.compile(rf"\b(?P<who>{NOMINALS})\s+(?P<verb>{_VERB})\b[^.!?\"\u201c]{{0,120}}$", re.I)),
    ("description", re.compile(rf"\b(?P<who>{_DESCRIPTION})\s+(?P<verb>{_VERB})\b[^.!?\"\u201c]{{0,120}}$")),
    ("description", re.compile(rf"^\s*(?P<who>{_OPENING_DESCRIPTION})\s+(?P<verb>{_VERB})\b[^.!?\"\u201c]{{0,120}}$")),
]


_SENTENCE_BREAK = re.compile(r"(?<![A-Z])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|Lt|Co))(?<!\bMrs|\bSen|\bRep|\bGov|\bGen|\bCol|\bInc|\bLtd|\bSgt)\.\s+(?=[A-Z])")


def _description_head(who: str) -> str:
    """ "Monday's hearing the chair" -> "the chair": the description starts at its last determiner."""
    words = who.split()
    inner = [i for i, w in enumerate(words) if i and w.lower() in {"the", "a", "an"}]
    return " ".join(words[inner[-1]:]) if inner else who




def _person_noun(who: str) -> str:
    """The head of a description when it names a kind of person ("the 34-year-old mother of three"
    -> "mother"), else ""."""
    head = re.split(r"\s+(?:of|at|for|with|from|in|on|who|whose|which|that)\s+|,", who.strip())[0].split()
    word = head[-1].lower().strip(".,") if head else ""
    return word if word in PERSON_NOUNS else ""


def _holder(text, position, who) -> bool:
    """Someone named before `position` holds the role a description names ("the chair")."""
    role = _person_noun(who)
    return bool(role) and any(role in p.roles for p in people_of(text).people if text.find(p.name) < position)


def _fragment(who: str) -> bool:
    """Words caught as a speaker that are none: an adverb, or a clause ("the car and repeatedly")."""
    words = _description_head(who).lower().split()
    return (not words or words[-1].endswith("ly") or any(w in {"and", "or", "but", "to", "was", "were", "is", "that", "it"} for w in words)
            or words[-1] in NOT_NAMES)


def _clean_name(name: str) -> Optional[str]:
    if name.isupper() and len(name.strip()) > 3:  # a transcript's "ANA PETROVA"
        name = name.title()
    name = _SENTENCE_BREAK.split(name)[-1]  # "Harvard Law School. Mr. Obama": a sentence ended before the name
    words = name.strip(" ,.'’").split()
    honorific = next((i for i, w in enumerate(words) if w.rstrip(".") in {"Mr", "Mrs", "Ms", "Dr"}), 0)
    words = words[honorific:]
    while words and (words[0].lower().strip(".") in NOT_NAMES or (
            len(words) > 2 and words[0].isupper() and len(words[0].strip(".")) <= 5)):
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
    gender_of = genders(text)
    for quote in quotations:
        sentence_start, sentence_end = _sentence_bounds(text, quote.start, quote.end, ends)
        before = text[sentence_start: quote.start]
        after = text[quote.end: sentence_end].split("\n", 1)[0]  # the attribution is in the quotation's paragraph
        quote.kind = _kind(quote, before)
        found = (_match_agent(before, after, quote.end) or _match_after(after, quote.end)
                 or _match_before(before, sentence_start) or _match_introduction(text, quote.start, ends))
        if found and found[0] == "description" and _fragment(found[1]):
            found = None  # 'not paying an architect who said ...': no speaker there
        introduced = None if found else _match_subject(text, before, sentence_start)
        if found or introduced:
            resolve_speaker(text, quote, found or introduced, speakers, last_speaker, gender_of)
            if introduced and quote.speaker:
                quote.confidence = min(quote.confidence, 0.6)
                quote.comments.append("speaker taken as the subject of the sentence that introduces the quotation; check")
        elif previous and previous.speaker and _continues(text, previous, quote):
            quote.speaker, quote.spelled_as, quote.role = previous.speaker, previous.spelled_as, previous.role
            quote.mention = None
            quote.confidence = 0.7
            quote.comments.append("continues the previous quotation; same speaker assumed")
        elif quote.kind == "full" and (carried := _match_previous_sentence(text, before, sentence_start, ends)):
            resolve_speaker(text, quote, carried, speakers, last_speaker, gender_of)
            if quote.speaker:
                quote.confidence = min(quote.confidence, 0.5)
                quote.comments.append("speaker taken from the sentence before the quotation; check")
        else:
            quote.confidence = 0.2 if quote.kind == "full" else 0.1
            quote.comments.append("no speaker found next to a speech verb; fill in or delete")
        if quote.speaker and quote.mention and quote.speaker[:1].isupper():  # a name, not "the veteran treasurer"
            _describe_speaker(text, quote)
        quote.venue = _venue(before + " " + after)
        if quote.kind == "partial":
            quote.confidence = min(quote.confidence, 0.5)
            quote.comments.append("a fragment inside the writer's sentence (partial); keep only if attributed")
        previous = quote
        if quote.speaker and quote.confidence >= 0.6:
            last_speaker = quote.speaker
            if quote.speaker not in speakers:
                speakers.append(quote.speaker)


def resolve_speaker(text, quote, found, speakers=(), last_speaker=None, gender_of=None) -> None:
    """Fill in the speaker of `quote` from an attribution found next to it: (how, who, span), how
    being "name", "pronoun", "nominal" or "description". A name is taken as printed; "he", "she",
    "they" and "the spokesman" are resolved to the latest person (or, for "they", organisation)
    named before, by the article's gender cues; a description is kept, marked to be named."""
    gender_of = gender_of if gender_of is not None else {}
    how, who, span = found
    quote.mention = span
    if how == "name":
        quote.speaker, quote.confidence = _clean_name(who), 0.9
    elif how == "description" and _fragment(who):
        quote.confidence = 0.2
        quote.comments.append(f'no speaker found ("{who.strip()}" is not one); fill in or delete')
    elif how == "description" and _person_noun(who) and (len(_description_head(who).split()) > 2 or _holder(text, span[0], who)) and (
            antecedent := _last_name_before(text, span[0], speakers, _person_noun(who), gender_of)):
        quote.speaker, quote.confidence = antecedent, 0.5
        quote.comments.append(f'speaker taken from "{who.strip()}" as {antecedent}; check')
    elif how == "description":
        who = _description_head(who)
        quote.speaker, quote.confidence = who.strip(), 0.4
        quote.comments.append(f'the speaker is described, not named ("{who.strip()}"); name them if the article does')
    else:
        antecedent = _last_name_before(text, span[0], speakers, who, gender_of)
        if not antecedent and last_speaker and who.lower() != "they" and gender_of_name(last_speaker, gender_of) in (None, _gender(who.split()[-1])):
            antecedent = last_speaker
        if antecedent:
            quote.speaker, quote.confidence = antecedent, 0.6
            quote.comments.append(f'speaker taken from "{who}" as {antecedent}; check')
        else:
            quote.confidence = 0.3
            quote.comments.append(f'"{who}" speaks here, but no named speaker comes before it')


_TITLED_NAME = re.compile(rf"\b(?:{TITLES})\.?\s+{_CAP}(?:\s+{_CAP}){{0,3}}")
_SUBJECT_NAME = re.compile(r"(?:^|[.!?]\s+|\n)(?P<who>[A-Z][a-z]+(?:\s+[A-Z][\w'’\-]+)+)(?:,[^,.;\"\u201c]{1,80},)?\s+[a-z]")
_SPEAKING_NAME = re.compile(rf"(?P<who>{NAME}){_ASIDE}\s+(?:also\s+|later\s+|then\s+|has\s+|had\s+)?{_VERB}\b")
_SAID_NAME = re.compile(rf"\b(?:said|says|added|asked|wrote|according to)\s+(?P<who>{NAME})")
_TITLE_SET = {t.lower() for t in TITLES.split("|")}
_SINGLE_SUBJECT = re.compile(rf"(?:^|[.!?][\"\u201d]?\s+|\n)(?P<who>[A-Z][a-z]+(?:[A-Z][a-z]+)?)\s+(?:{_VERB}|[a-z]+(?:s|ed))\b")
_gender = gender_word


def _gender_key(name: str) -> str:
    words = [w for w in name.split() if w.strip(".").lower() not in _TITLE_SET]
    return " ".join(words[-2:]).lower().strip(".,'’")


def gender_of_name(name: str, gender_of: dict) -> Optional[str]:
    """A name's gender by the article's cues: its full name's, else its surname's."""
    return gender_of.get(_gender_key(name)) or gender_of.get(_surname(name))


def _candidates(text: str, position: int, speakers=()):
    """People mentioned before `position`: (offset, name, strong), latest last. Strong: seen speaking
    (by a speech verb, or as an earlier quote's speaker) or with a title; weak: a sentence's subject."""
    window_start = max(0, position - 2500)
    window = _masked(text[window_start:position])
    candidates = []
    for pattern, strong in ((_SPEAKING_NAME, True), (_SAID_NAME, True), (_SUBJECT_NAME, False), (_SINGLE_SUBJECT, False)):
        for match in pattern.finditer(window):
            candidates.append((match.start("who"), _clean_name(match.group("who")), strong))
    for match in _TITLED_NAME.finditer(window):
        candidates.append((match.start(), _clean_name(match.group(0)), True))
    for name in speakers:
        surname = name.split()[-1] if name else ""
        at = window.rfind(surname) if surname else -1
        if at >= 0:
            candidates.append((at, name, True))
    return sorted((at, name, strong) for at, name, strong in candidates
                  if name and name.lower() not in NOT_PEOPLE and name.lower() not in NOT_NAMES
                  and not (len(name.split()) == 1 and name.lower() in _TITLE_SET) and not re.search(r"['’]s?$", name))


def _last_name_before(text: str, position: int, speakers=(), pronoun: str = "", gender_of=None) -> Optional[str]:
    """Who "he", "she" or "the spokesman" most likely is: the most salient person before
    `position` whose gender, by the article's cues, agrees (see `people`); "they" is the latest
    organisation or group."""
    wanted = _gender(pronoun.split()[-1]) if pronoun else None
    if not wanted and pronoun:
        wanted = next((_gender(w) for w in pronoun.split() if _gender(w)), None)
    gender_of = gender_of if gender_of is not None else {}
    if pronoun.lower() in ("they", "it"):
        candidates = _candidates(text, position, speakers)
        groups = [(at, name) for at, name, _ in candidates if ORGANISATION_WORDS & {w.lower().strip(".,") for w in name.split()}]
        return groups[-1][1] if groups else None
    role = pronoun.split()[-1].lower() if pronoun and pronoun.lower() not in ("he", "she") else ""
    return people_of(text).salient(position, wanted, speakers, role)


_GERUND_INTRODUCTION = re.compile(
    r"(?:,|\band|\bwhile|\bbefore|\bafter|\bby)\s+(?:then\s+|later\s+|also\s+|repeatedly\s+)?(?:saying|asking|adding|tweeting|writing|"
    r"declaring|chanting|shouting|yelling|noting|warning|explaining|responding|replying|insisting|arguing|"
    r"telling\s+[\w\s]{1,30}?|quipping|joking|recalling|concluding|stating|posting)\b[^.!?\"\u201c\u201d]{0,60}?[,:]?\s*$")
_COLON_INTRODUCTION = re.compile(r":\s*$")
_OPENING = (r"\s*(?:(?:But|And|Then|Still|Meanwhile)\s+)?"  # "On Friday, ", 'On "Face the Nation," ', "With ... voters, "
            r"(?:[A-Z][a-z]*\b(?:[^,\"\u201c\u201d]|[\"\u201c][^\"\u201c\u201d]{1,40}[\"\u201d]){0,120}?(?:,[\"\u201d]?|(?<=,[\"\u201d]))\s+(?:\d{4},\s+)?)?")
_ROLE_BEFORE = rf"(?:{NAME}\s+(?:[a-z][\w'’\-]*\s+){{0,2}}(?:{'|'.join(sorted(PERSON_NOUNS))})\s+)"  # "US National Security Council spokesman "
_SUBJECT = re.compile(rf"{_OPENING}(?:(?P<pronoun>[Hh]e|[Ss]he|[Tt]hey)|{_ROLE_BEFORE}?(?P<name>{NAME}))(?P<aside>{_ASIDE}),?\s+(?:[a-z]+ly\s+)?[a-z]")
_NAME_GERUND = re.compile(rf"(?P<who>{NAME})\s+(?:was\s+|is\s+)?(?:saying|asking|adding|tweeting|writing|declaring|chanting|"
                          r"telling\s+[\w\s]{1,30}?|insisting|arguing|noting|warning)\b[^.!?\"\u201c\u201d]{0,60}?[,:]?\s*$")


def _match_previous_sentence(text, before, sentence_start, ends):
    """'..., Schiff said. "..."' or 'Sanders identified ... . "..."': a quotation opening its sentence,
    unattributed, after a sentence of the same paragraph with an attribution or a person as subject."""
    if before.strip() or sentence_start == 0 or "\n" in text[sentence_start - 1:sentence_start + len(before)]:
        return None
    previous_start, _ = _sentence_bounds(text, sentence_start - 1, sentence_start - 1, ends)
    previous = text[previous_start:sentence_start]
    if "\n" in previous.strip() or any(len(q.text.split()) > 4 for q in find_quotations(previous)):
        return None  # another paragraph, or a sentence with its own quotation
    head = previous.rstrip().rstrip(".!?")
    found = _match_before(head, previous_start)
    if found and found[0] != "description":
        return found
    match = _SUBJECT.match(previous)
    if match and match.group("name"):
        name = _clean_name(match.group("name"))
        if name and people_of(text).find(name) and not ORGANISATION_WORDS & {w.lower().strip(".,") for w in name.split()}:
            return "name", match.group("name"), (previous_start + match.start("name"), previous_start + match.end("name"))
    return None


def _match_subject(text, before, offset):
    """'Trump attacked Clinton for her vote, saying, "..."', 'Obama is rolling out a message: "..."',
    'footage of Clinton asking, "..."': the one whose gerund introduces the quotation, else the
    sentence's subject (a name or he/she/they) when a gerund or a colon introduces it."""
    match = _NAME_GERUND.search(before)
    if match and _clean_name(match.group("who")):
        return "name", match.group("who"), (offset + match.start("who"), offset + match.end("who"))
    if not (_GERUND_INTRODUCTION.search(before) or _COLON_INTRODUCTION.search(before)):
        return None
    match = _SUBJECT.match(before)
    if not match:
        return None
    if match.group("pronoun"):
        return "pronoun", match.group("pronoun"), (offset + match.start("pronoun"), offset + match.end("pronoun"))
    name = _clean_name(match.group("name"))
    if name and people_of(text).find(name) and not ORGANISATION_WORDS & {w.lower().strip(".,") for w in name.split()}:
        return "name", match.group("name"), (offset + match.start("name"), offset + match.end("name"))
    return None


def _match_introduction(text, start, ends):
    """'Anna Berg said:' closing the paragraph before the quotation."""
    head = text[:start].rstrip()
    if not head.endswith(":") or text[start - 1] not in " \n" or "\n" not in text[len(head):start]:
        return None
    sentence_start, _ = _sentence_bounds(text, len(head) - 1, len(head) - 1, ends)
    return (_match_before(text[sentence_start:len(head)], sentence_start)
            or _match_subject(text, text[sentence_start:len(head)], sentence_start))


def _match_agent(before: str, after: str, offset: int):
    """'described as "indiscriminate" by Russian authorities'."""
    match = _BY_AGENT.match(after) if _PASSIVE.search(before) else None
    if match and _clean_name(match.group("who")):
        return "name", match.group("who"), (offset + match.start("who"), offset + match.end("who"))
    return None


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
    """The attribution closest to the quotation among those before it in its sentence."""
    best = None
    for how, pattern in _BEFORE_PATTERNS:
        position = 0
        while (match := pattern.search(before, position)) is not None:
            who = match.group("who")
            if how != "name" or _clean_name(who):
                if best is None or match.start("who") > best[2][0] - offset:
                    best = (how, who, (offset + match.start("who"), offset + match.end("who")))
                break
            position = match.start() + 1
    return best


ROLE_WORDS = ("envoy", "ambassador", "spokes", "president", "minister", "secretary", "senator", "governor",
              "chief", "head", "leader", "director", "general", "commander", "official", "chairman", "mayor",
              "candidate", "nominee", "representative", "adviser", "advisor", "strategist", "manager",
              "professor", "lawyer", "attorney", "economist", "analyst", "strategist", "founder", "executive")
_ROLE_STOP = {"said", "told", "that", "when", "and", "but", "as", "by", "with", "where", "who", "which",
              "in", "on", "at", "while", "after", "before", "because", "says", "asked", "added", "wrote"}


def _describe_speaker(text, quote):
    """Full name and role: "Kirby said" becomes John Kirby, "US National Security Council
    spokesman", from the article's fuller mention of him earlier on."""
    printed = quote.speaker
    name, role = _split_role(printed)
    at = text.find(printed, quote.mention[0], quote.mention[1] + 1)
    at = at if at >= 0 else quote.mention[0]
    full = _fuller_mention(text, name, at)
    if full:
        name, at = full
        name, role_in_name = _split_role(name)
        role = role or role_in_name
    quote.spelled_as = _split_role(printed)[0]
    quote.speaker = name
    quote.role = role or _role_before(text, text.find(name, at)) or _apposition(text, text.find(name, at) + len(name))


_ROLE_TITLES = {t.lower() for t in TITLES.split("|")} | set(ROLE_WORDS) | PERSON_NOUNS


def _split_role(name):
    """"Russian President Vladimir Putin" -> ("Vladimir Putin", "Russian President")."""
    words = name.split()
    titles = _ROLE_TITLES
    cut = 0
    for index, word in enumerate(words[:-1]):
        if word.lower().strip(".") in titles:
            cut = index + 1
    if len(words) - cut >= 3 and not name_gender(words[cut]) and name_gender(words[cut + 1]):
        cut += 1  # "Treasurer Martin Aldous"
    if cut and cut < len(words) and words[cut - 1].strip(".").lower() not in {"mr", "mrs", "ms", "dr"}:
        return " ".join(words[cut:]), " ".join(words[:cut])
    return name, None


def _fuller_mention(text, name, before):
    """The last earlier mention that ends with this name but says more ("Thomas Phipps")."""
    if " " in name and len(name.split()) >= 2 and not name.split()[0].rstrip(".") in {"Mr", "Mrs", "Ms", "Dr"}:
        return None
    found, counts = {}, {}
    for start, candidate in _mentions_ending_with(text, name.split()[-1]):
        if start >= before:
            break
        bare = [w for w in name.split() if w.rstrip(".") not in {"Mr", "Mrs", "Ms", "Dr", "Miss"}]  # "Ms. Ostrander" is one word
        if len(_split_role(candidate)[0].split()) > len(bare) and not candidate.split()[0].rstrip(".") in {"Mr", "Mrs", "Ms", "Dr"}:
            person = _split_role(candidate)[0]
            found[person] = (candidate, start)
            counts[person] = counts.get(person, 0) + 1
    if not found:
        return None
    # the person of that surname the article names most ("Cruz" is Ted, not his father), else the latest
    return max(found.values(), key=lambda f: (counts[_split_role(f[0])[0]], f[1]))


@functools.lru_cache(maxsize=256)
def _mentions_ending_with(text, surname):
    """(offset, cleaned name) of each run of capitalised words ending with `surname`, in order."""
    found = []
    for match in re.finditer(rf"((?:[A-Z][\w'’\-]*\.?\s+){{1,4}}){re.escape(surname)}\b", text):
        candidate = _clean_name(match.group(0))
        if candidate:
            found.append((match.start() + match.group(0).find(candidate), candidate))
    return tuple(found)


def _apposition(text, end):
    """"Viktor Yahun, a leading figure in the Security Service of Ukraine (SBU), ..." -> the role."""
    match = re.match(r",\s+((?:a|an|the)\s+[^,;\"\u201c]{3,90}?),", text[end:end + 120])
    return match.group(1) if match and any(k in match.group(1).lower() for k in ROLE_WORDS + ("figure", "member")) else None


def _role_before(text, start):
    """Words naming a role right before the printed name: "British envoy Thomas Phipps"."""
    if start < 0:
        return None
    words = re.split(r"\s+", text[max(0, start - 100): start].strip())
    role = []
    for word in reversed(words):
        bare = word.strip(".,;:").lower()
        if not word or word[-1] in ".,;:!?\"\u201d" or bare in _ROLE_STOP or len(role) >= 8:
            break
        role.insert(0, word)
    while role and role[0].lower() in {"the", "a", "an", "of", "to"}:
        role = role[1:]
    text_role = " ".join(role)
    return text_role if any(k in text_role.lower() for k in ROLE_WORDS) else None


_VENUE = re.compile(
    r"\b(?:told|in an interview with|speaking to|speaking on|speaking at|appeared on|said on|said at|"
    r"wrote in|posted on|tweeted|during an? (?:meeting|interview|briefing|rally|debate|hearing) (?:of|with|at|on))\s+"
    r"(?P<venue>(?:the\s+)?[A-Z][\w.'’&\-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w.'’&\-]*){0,5}"
    r"(?:\s+(?:parliament|television|tv|radio|meeting|conference|summit|newspaper|channel|council|rally|forum|show))?)"
)


def _venue(context):
    """Where it was said, when the sentence names it: "told Espresso TV", "appeared on Ukrainian television"."""
    match = _VENUE.search(context)
    if not match:
        return None
    venue = match.group("venue").strip(" .,")
    first = venue.split()[0].lower()
    return None if first in set(MONTHS) | set(WEEKDAYS) | {"he", "she", "they", "reporters"} else venue
