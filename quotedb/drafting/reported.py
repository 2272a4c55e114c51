"""Reported speech: statements attributed without quotation marks, drafted as `paraphrase`.

"Kirby said that Russia ...", "Kirby said Russia ...", "Kirby told reporters (that) ...",
"Kirby argued/warned/added that ...", "..., Kirby said.", "According to Kirby, ...",
"..., according to Kirby." and "..., saying that ..." (the sentence's subject speaks). The
drafted text is the article's own words, exactly: the span of the reported content, from
after the verb (and its "that") to where the statement ends (the sentence's end, a colon or
semicolon before a quotation, a dash, ", he said"). Every one is marked for review.
"""

import re

from .language import NAME, NOMINALS, _sentence_ends
from .quotations import Quotation, transcript_line
from .speakers import _SUBJECT as _OPENING_SUBJECT
from .speakers import _OPENING_DESCRIPTION
from .names import name_gender
from .people import HEADLINE_VERBS, people_of
from .speakers import (_ASIDE, _DESCRIPTION, GROUP, _clean_name, _describe_speaker, _masked, _venue,
                       genders, resolve_speaker)

REPORTING_VERBS = (
    "said|says|say|told|tells|tell|added|adds|argued|argues|argue|warned|warns|warn|claimed|claims|claim|"
    "noted|notes|note|stated|states|explained|explains|insisted|insists|insist|suggested|suggests|"
    "acknowledged|acknowledges|admitted|admits|announced|announces|reported|reports|wrote|writes|"
    "believes|believe|believed|thinks|think|thought|found|finds|find|shows|show|showed|agreed|agrees|"
    "conceded|concedes|predicted|predicts|promised|promises|pledged|pledges|vowed|vows|stressed|stresses|"
    "emphasized|emphasizes|emphasised|maintained|maintains|contended|contends|countered|complained|complains|"
    "alleged|alleges|asserted|asserts|estimated|estimates|concluded|concludes|indicated|indicates|hinted|"
    "recalled|recalls|testified|confirmed|confirms|denied|denies|worried|worries|feared|fears|hopes|hoped|"
    "expects|expected|demanded|demands|mentioned|revealed|reveals|declared|declares|replied|responded|"
    "charged|charges|tweeted|posted|assured|reminded|informed|signaled|signalled|predicted|cautioned|"
    "reiterated|repeated|speculated|wondered|projected|reckons|reckoned|observed|pointed out|made clear|"
    "is saying|are saying|was saying|were saying|is telling|are telling|was telling|were telling|is reporting|are reporting|was reporting|is arguing|"
    "are arguing|is warning|are warning|is claiming|are claiming"
)
_REPORTING = rf"(?:{REPORTING_VERBS})"
# Verbs whose object (the one told) comes before the content: "told reporters (that) ..."
_TELLING = re.compile(r"(?:told|tells|tell|telling|assured|reminded|informed|warned|warns)$")
_OBJECT = (rf"(?:him|her|them|us|me|you|reporters|journalists|supporters|voters|the crowd|"
           rf"(?:the|a|an|his|her|their)\s+(?:[\w'’\-]+\s+){{0,3}}?[\w'’\-]+|{NAME})")
_AUXILIARY = r"(?:(?:also|later|then|has|have|had|previously|repeatedly|recently|publicly|privately|again|" \
             r"once|often|would|will|did|does|do|even|now|still|long|already|first|separately|further|just|" \
             r"in\s+\d{4}|(?:last|this)\s+(?:week|month|year)|on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\s+){0,3}"
_ADVERBIAL = (r"(?:\s+(?:on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
              r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:morning|afternoon|evening|night))?|"
              r"(?:last|this)\s+(?:weekend|week|month|year|night|morning|afternoon|evening)\b|earlier|later|yesterday|today|"
              r"in\s+(?:a|an|his|her|their)\s+(?:[\w'’\-]+\s+){0,2}?(?:statement|interview|speech|letter|post|tweet|"
              r"email|report|filing|op-ed|column|briefing|call|message|memo)(?:\s+(?:on|with|to)\s+[^,;:.\"\u201c\u201d]{1,40}(?![\w'’]))?|"
              r"to\s+(?:reporters|journalists|supporters|the\s+(?:[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3}|press|crowd|audience|media|"
              r"committee|council|court|panel|board)|[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,3})|"
              r"in\s+[A-Z][\w'’\-]+(?:,?\s+[A-Z][\w'’\-.]+){0,2}|"  # "in Cleveland", "in Novi, Michigan"
              r"(?:at|during|on|in|before|after)\s+(?:a|an|the|his|her|their)\s+[^,;:.\"\u201c]{1,60}?(?=\s+that\s)|"  # "at a rally ... that"
              r"(?:on\s+)?(?:Twitter|Facebook|television|TV|radio)|repeatedly|again|recently|privately|publicly|also|often))*")
# What may open a reported clause with no "that": a pronoun, a determiner, a name, a number.
_CLAUSE_OPENING = re.compile(
    r"(?:he|she|they|it|we|i|you|there|the|a|an|his|her|their|its|our|my|this|these|those|that|some|many|most|"
    r"no|all|every|each|both|neither|none|any|more|few|one|two|such|what|how|why|whether|if|nobody|everyone|"
    r"nothing|something|anyone|someone)\b|[A-Z0-9]", re.I)
# What may not: a preposition, conjunction or adverb ("said in", "said so", "said Friday").
_NOT_OPENING = re.compile(
    r"(?:to|in|on|at|for|with|by|of|from|about(?!\s+\d)|during|after|before|as|and|but|or|so|also|repeatedly|publicly|"
    r"earlier|later|last|next|was|is|were|are|would|will|had|has|have|not|nothing|yes|no(?=\s*[.,;:!?\"\u201c]|\s*$|\s+(?:to|comment|more|longer|further)\b)|goodbye|hello|again|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight)(?!['’]s)|recently|instead|"
    r"when|while|because|through|via|under|over|against|afterward|afterwards|privately|then|now|here|there(?=[,.])|"
    r"him|them|us|me|something|anything|little|much|very|just|only|please|thanks|thank|sorry|otherwise|"
    r"into|onto|up|out|off|back|down|away|until|unless|whereas|several\s+(?:months|weeks|days|years|hours))\b", re.I)
_GROUP_NOUNS = (r"activists|officials|analysts|experts|lawmakers|leaders|advocates|critics|supporters|opponents|aides|"
                r"investigators|prosecutors|researchers|scientists|economists|strategists|advisers|advisors|residents|"
                r"witnesses|authorities|diplomats|historians|scholars|doctors|lawyers|attorneys|executives")
_BARE_GROUP = (r"(?:[A-Za-z][\w'’\-]*\s+){0,3}(?:activists|officials|analysts|experts|lawmakers|leaders|advocates|"
               r"critics|supporters|opponents|aides|members|officers|investigators|prosecutors|researchers|scientists|economists|"
               r"strategists|advisers|advisors|sources|residents|voters|witnesses|police|authorities|groups|parents|unions|Democrats|Republicans)")
_PRONOUN_SUBJECT = r"(?:[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Ii]t)"

# The speaker right before the verb, the pre-verb text ending with it.
_SUBJECTS = [
    ("pronoun", re.compile(rf"(?:^|[\s,(])(?P<who>{_PRONOUN_SUBJECT}){_ASIDE}\s+{_AUXILIARY}$")),
    ("name", re.compile(rf"(?P<who>{GROUP}){_ASIDE}\s+{_AUXILIARY}$")),
    ("name", re.compile(rf"(?P<who>{NAME}){_ASIDE}\s+{_AUXILIARY}$")),
    ("nominal", re.compile(rf"\b(?P<who>{NOMINALS}){_ASIDE}\s+{_AUXILIARY}$", re.I)),
    # "Those close to him say", "people familiar with the talks said", "many of whom say"
    ("description", re.compile(rf"(?:^|[\s,])(?P<who>(?:[Tt]hose|[Pp]eople|[Ss]ources|[Ff]riends|[Aa]llies|[Aa]ides|[Oo]fficials)\s+"
                               rf"(?:close\s+to|familiar\s+with|around|briefed\s+on)\s+(?:him|her|them|the\s+[\w'’\-]+(?:\s+[\w'’\-]+){{0,3}}?|{NAME})|"
                               rf"(?:many|some|most|all|several|none)\s+of\s+whom)\s+{_AUXILIARY}$")),
    ("description", re.compile(rf"\b(?P<who>{_DESCRIPTION}){_ASIDE}\s+{_AUXILIARY}$")),
    ("description", re.compile(rf"^\s*(?:(?:But|And|Still|Now)\s+)?(?P<who>{_OPENING_DESCRIPTION}){_ASIDE}\s+{_AUXILIARY}$")),
    ("description", re.compile(rf"\b(?P<who>{_BARE_GROUP}){_ASIDE}\s+{_AUXILIARY}$")),
    ("description", re.compile(rf"\b(?P<who>(?:[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+[a-z][\w'’\-]*(?:\s+[a-z][\w'’\-]*){{0,3}}){_ASIDE}\s+{_AUXILIARY}$")),
    # a poll's respondents: "63 percent said", "Another 19 percent of voters say"
    ("description", re.compile(rf"\b(?P<who>(?:[A-Z][a-z]+\s+)?\d[\d,.]*\s*(?:percent|%)(?:\s+of\s+(?:[\w'’\-]+\s+){{0,3}}?[\w'’\-]+)?)\s+{_AUXILIARY}$")),
    ("description", re.compile(rf"(?:^|[,;]\s+|\b(?:and|but)\s+)(?P<who>who|which){_ASIDE}\s+{_AUXILIARY}$")),
    ("description", re.compile(rf"\b(?P<who>{_BARE_GROUP})\s+who\s+{_AUXILIARY}$")),  # "some economists who argue that ..."
    # "Experts on North Korea and nuclear nonproliferation said", "elected officials from both parties say"
    ("description", re.compile(rf"(?:^|[\s,])(?P<who>(?:[A-Za-z][\w'’\-]*\s+){{0,2}}(?i:{_GROUP_NOUNS}))\s+(?:on|from|in|at|of|for|with|across)"
                               rf"\s+(?:[\w'’\-.]+\s+){{0,5}}?[\w'’\-.]+\s+{_AUXILIARY}$")),
    # "Kall -- co-editor of a book on the debates -- said"
    ("name", re.compile(rf"(?P<who>{NAME})\s+(?:--|\u2014|\u2013)[^\-\u2014\u2013\"\u201c]{{1,150}}(?:--|\u2014|\u2013)\s+{_AUXILIARY}$")),
]
_VERB_HERE = re.compile(rf"\b(?P<verb>{_REPORTING})\b")
_GERUND = re.compile(r"(?:,\s+|\s+)(?P<verb>telling\s+(?:him|her|them|us|me|reporters|journalists|voters|supporters|"
                     r"(?:the|his|her|their)\s+[a-z]+)(?=\s+that\s)|saying|adding|arguing|noting|warning|claiming|suggesting|insisting|explaining|"
                     r"stressing|asserting|contending|predicting|promising|acknowledging|admitting)\s+(?:that\s+)?")
_AFTER_ATTRIBUTION = re.compile(
    # ", X said." (or "  X said." where the masked quotation ended with the comma: 'Clinton "is ...," X said.')
    rf"(?:,\s+|\s{{3,}})(?:(?:[a-z][\w\-]*\s+){{0,2}}(?P<who>{_PRONOUN_SUBJECT}|{NOMINALS}|{GROUP}|{NAME}|{_BARE_GROUP}|{_DESCRIPTION})"
    rf"{_ASIDE}\s+{_AUXILIARY}(?P<verb>{_REPORTING})"
    rf"|(?P<verb2>said|says|added|wrote|argued|noted|warned|explained|claimed|insisted|told)\s+(?:[a-z][\w\-]*\s+){{0,2}}(?P<who2>{NOMINALS}|{NAME})"
    r"(?:,\s+(?:a|an|the|who)\s[^;:\"\u201c\u201d]{0,150})?)"  # ", said Brian Baker, a longtime adviser ..."
    r"\b(?:\s+(?:the\s+|The\s+)?[A-Z][\w'’\-.]*(?:\s+[A-Z][\w'’\-.]*){0,4}|\s+reporters|\s+journalists)?"  # "told The Huffington Post"
    r"(?:\s+(?:on|in|at|during|after|before|last|this|yesterday|today|tonight|earlier|later|recently|to|from|"
    r"of|with|about|when|while|as|through|via|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b[^,;:\"\u201c\u201d]{0,80})?"
    r"(?:,\s+(?:as|while|when|after|before|because|since|though|although|citing|noting|adding|including)\b[^;:\"\u201c\u201d]{0,150})?"
    r"[.!?]?\s*$")
_MID_ATTRIBUTION = re.compile(
    rf"^[^,;:]{{6,}}?(?P<comma>,)\s+(?:[a-z][\w\-]*\s+){{0,3}}?(?P<who>{_PRONOUN_SUBJECT}|{NAME}|{NOMINALS}|{_DESCRIPTION}){_ASIDE}\s+(?:(?:also|often|later|then|again|once)\s+)?(?:said|says|added|adds|argued|argues|"
    r"noted|notes|wrote|writes|explained|insisted|contended|recalled|acknowledged|conceded|warned|claimed|claims|"
    r"announced|suggested|predicted|believes|thinks|(?:told|tells)\s+(?:me|us|him|her|them|reporters|journalists|"
    r"(?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,3}|(?:the|a|an)\s+[a-z]+))"
    r"(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|later|earlier|then|at\s+the\s+time)|"
    r"\s+(?:in|on|at|during)\s+(?:a|an|the|his|her|its|their)\s+[^,;:\"\u201c\u201d]{1,40}?(?=,))?,\s+(?=[a-z])")
_ACCORDING_BEFORE = re.compile(rf"^\s*(?:But\s+|And\s+)?[Aa]ccording\s+to\s+(?P<who>[^,;:\"\u201c\u201d]{{2,90}}?),\s+")
# "Hawaii, as one of Mr. Obama's advisers pointed out, rarely gets ...": the sentence is the statement.
_AS_ASIDE = re.compile(rf"^[^,;:]{{3,}}?,\s+as\s+(?P<who>{NAME}|{_DESCRIPTION}|{_OPENING_DESCRIPTION}|{_PRONOUN_SUBJECT})\s+"
                       r"(?:has\s+|had\s+)?(?:said|says|noted|notes|pointed\s+out|points\s+out|put\s+it|puts\s+it|argued|argues|"
                       r"explained|explains|observed|wrote|writes|reported|reports),\s+(?=[a-z])")
_AS_BEFORE = re.compile(rf"^\s*(?:But\s+|And\s+)?As\s+(?P<who>{NAME}|{_DESCRIPTION}|{_PRONOUN_SUBJECT})\s+(?:has\s+|had\s+|once\s+|often\s+)?"
                        r"(?:said|says|noted|notes|put\s+it|puts\s+it|argued|argues|wrote|writes|explained|explains|pointed\s+out|"
                        r"told\s+[^,;:\"\u201c\u201d]{1,40}?)(?:\s+(?:in|on|at|to|during|last|this|earlier)\b[^,;:\"\u201c\u201d]{0,80})?,\s+(?=[\w\"\u201c])")
_ACCORDING_AFTER = re.compile(rf"(?:,|\s[\u2014\u2013]|\s--)\s+according\s+to\s+(?P<who>[^,;:\"\u201c\u201d]{{2,90}}?)(?:[.!?]?\s*$|,)")
# Where the statement stops: a quotation after a colon or semicolon, a dash, ", he said", "and later".
_STOP = re.compile(r":|;|\s[\u2014\u2013]\s|\s--\s|\u2014|,\s+(?:although|though|even\s+though|whereas)\b|,\s+(?:he|she|they|[A-Z][\w'’\-]+)\s+(?:said|says|added|adds)\b|"
                   r",\s+according\s+to\b|\s+and\s+(?:later|then|subsequently)\s+|,\s+which\s+(?:was|is|were|are|has|have|had)\b|"
                   # another predicate of the speaker: "described the closure as unavoidable but gave no date"
                   r"(?:,?\s+but|,\s+and)\s+(?:also\s+)?(?:gave|left|went|made|took|said|told|did|got|came|sent|kept|held|"
                   r"brought|began|won|lost|[a-z]+ed)\b(?!\s+(?:by|to|that)\b)|,\s+(?:saying|adding|arguing|noting)\b")
QUOTE_MARKS = "\"\u201c\u201d\u2018\u2019'"

# Where, when or how it was said, however long, before "that": "says on its website that", "said at
# a campaign stop in Toledo, Ohio, that", "announced in a statement this month that", "told a meeting
# of Pacific Island leaders that" (not "said in a report that was ...": a relative clause).
_LONG_ADVERBIAL = re.compile(
    r"(?:\s+(?:on|in|at|via|during|after|before|to|through|from|with|over|this|last|earlier|late|early|of)\b"
    r"(?:[^;:.!?\"\u201c\u201d]|[\"\u201c][^\"\u201c\u201d]{1,40}[\"\u201d]){0,80}?)"  # 'on NBC's "Meet the Press" that'

    r",?\s+that,?\s+(?!(?:is|was|were|are|has|have|had|would|will|can|could|may|might|should|must|does|did|do)\b)")
# "which he said were accompanied by ...", "what the senators said was ...": the rest of the clause is said
_RELATIVE_SPEAKER = re.compile(rf"\b(?:which|what|who)\s+(?:{_PRONOUN_SUBJECT}|{NAME}|the\s+[a-z][\w\-]*(?:\s+[a-z][\w\-]*){{0,3}})\s+"
                               r"(?:also\s+|has\s+|have\s+|had\s+)?$")
_AUX_AFTER_THAT = r"(?:is|was|were|are|has|have|had|would|will|can|could|may|might|should|must|does|did|do)\b"

# A word that can be a clause's verb: a statement holds one, a speaker's name or description does not
_VERB_LIKE = re.compile(r"\b(?:is|was|were|are|be|been|has|have|had|would|will|could|can|should|must|may|might|did|does|do|"
                        r"[a-z]+(?:ed|es|s)|[a-z]+n['’]t)\b")

_UNNAMED = re.compile(r"(?:[Tt]hose|[Pp]eople|[Ss]ources|[Ff]riends|[Aa]llies|[Aa]ides|[Oo]fficials)\s+(?:close|familiar|around|briefed)\b|"
                      r"(?:many|some|most|all|several|none)\s+of\s+whom\b")


def _trim(text, start, end):
    """The content without surrounding spaces and the sentence's closing punctuation; None when
    it opens with a quotation mark (a direct quote) or is too short to be a statement."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?"):
        end -= 1
    lead = re.match(r"(?:and|but)\s+(?:that\s+)?", text[start:end])
    if lead:  # '... "must be total" and that had to be ...': the statement after the joint
        start += lead.end()
    content = text[start:end]
    if content and content[0] in "\"\u201c" and not _quoted_opening(content):
        return None
    if not content or content[0] in "\u201d\u2018\u2019'" or len(content.split()) < 3 or (start and text[start - 1].isalnum()):
        return None
    for opening, closing in (("\u201c", "\u201d"),):
        if content.count(opening) != content.count(closing):  # a quotation cut in two: stop before it
            cut = content.rfind(opening) if content.count(opening) > content.count(closing) else content.find(closing)
            return _trim(text, start, start + cut) if cut > 0 else None
    if content.count('"') % 2:
        cut = content.rfind('"')
        return _trim(text, start, start + cut) if cut > 0 else None
    return start, end


def _quoted_opening(content: str) -> bool:
    """'"a bomb" had gone off in New York': a quotation opening the content, closed, with three or more
    words of the writer's after it (a statement in part quoted, not a direct quote)."""
    closing = {"\"": "\"", "\u201c": "\u201d"}[content[0]]
    close = content.find(closing, 1)
    if close < 0 or re.match(r"[\s,]*(?:and|but|or)\b", content[close + 1:]):
        return False  # '"the wall must go" and that the council ...': the quotation, then another statement
    return len(re.findall(r"[\w'’\-]+", content[close + 1:])) >= 3


def _after_attribution(sentence: str, original: str = ""):
    """_AFTER_ATTRIBUTION.search, tried only where it can start (a comma, the end of a blanked
    quotation ending with a comma: '"is ...," X said'): the same leftmost match, without trying
    every position of a long sentence."""
    if not _VERB_HERE.search(sentence, max(0, len(sentence) - 400)):
        return None  # no reporting verb near the end: no attribution closes the sentence
    for start in re.finditer(r",\s|\s{3,}", sentence):
        if original and start.group().isspace() and not re.search(r"[,!?][\"\u201d]\s*$", original[:start.end()]):
            continue  # 'said it was "resolutely opposed" to the test and warned': no attribution after it
        match = _AFTER_ATTRIBUTION.match(sentence, start.start())
        if match:
            return match
    return None


def _how(who: str) -> str:
    """How a speaker is given: a name, a pronoun, a nominal ("the spokesman") or a description."""
    if re.fullmatch(_PRONOUN_SUBJECT, who):
        return "pronoun"
    if re.fullmatch(NOMINALS, who, re.I):
        return "nominal"
    return "name" if _clean_name(who) and who[:1].isupper() and not re.match(r"(?:The|A|An)\s+[a-z]", who) else "description"


def _content_end(text, masked, start, sentence_end):
    after = start
    opening = re.match(r"\s*(?:that\s+)?", masked[start:sentence_end]).end() + start
    while True:
        stops = [m.start() for m in (_STOP.search(masked, after, sentence_end), _NEXT_ACT.search(masked, after, sentence_end)) if m]
        stop = min(stops) if stops else sentence_end
        # "said that in 1998, Clinton allowed ...": the comma closes an introductory phrase, not the statement
        if (stop < sentence_end and masked[stop] == "," and after == start and _INTRODUCTORY_ANY_CASE.match(masked, opening)
                and len(masked[opening:stop].split()) <= 6 and not re.search(r"[,;:]", masked[opening:stop])):
            after = stop + 1
            continue
        # a stop found in the blank where a quotation was ('they want "justice," but pledged'): after it
        blank = stop
        while blank < sentence_end and masked[blank].isspace():
            blank += 1
        while blank > stop and masked[blank - 1] == text[blank - 1]:
            blank -= 1
        return blank


def _subject(before: str, offset: int):
    for how, pattern in _SUBJECTS:
        match = pattern.search(before[-400:])
        if match:
            who = match.group("who")
            shift = offset + max(0, len(before) - 400)
            if how == "name" and (not _clean_name(who) or re.fullmatch(r"[A-Z][a-z]+(?:ed|ing)", who) and not name_gender(who)):
                continue  # not "Chastened" nor "Speaking" opening a sentence
            return how, who, (shift + match.start("who"), shift + match.end("who"))
    return None


def _coordinated_subject(masked: str, start: int, verb: int):
    """Who speaks with the verb at `verb`: the subject right before it, or after "and"/"but" the
    sentence's ("Schultz supported Democrats, and said ...", "Varga criticized ... and called for ...")."""
    if re.search(r"(?:,\s*|\s)(?:and|but)\s+(?:[a-z]+ly\s+|also\s+|then\s+|has\s+|had\s+|have\s+)?$", masked[start:verb]):
        return _sentence_subject(masked, start, verb)
    return _subject(masked[start:verb], start)


def _sentence_subject(masked: str, start: int, end: int):
    """The subject opening the sentence, for "..., saying that": "Kirby responded ..., saying"."""
    match = _OPENING_SUBJECT.match(masked, start, end)
    if match and (match.group("pronoun") or _clean_name(match.group("name"))):
        group = "pronoun" if match.group("pronoun") else "name"
        return group, match.group(group), (match.start(group), match.end(group))
    opening = re.match(rf"\s*(?:(?:On|In|At|Last|Earlier|Later)\s[^,]{{1,40}},\s+)?", masked[start:end])
    verb = re.compile(r"\s(?:[a-z]+ed|[a-z]+s|spoke|went|took|made|gave|sent|wrote|said|told)\b").search(masked, start + opening.end(), end)
    return _subject(masked[start:verb.start() + 1], start) if verb else None


def find_reported(text: str) -> list[tuple[int, int, tuple]]:
    """(start, end, (how, who, mention span)) of each reported statement, in order."""
    masked = _masked(text)
    ends = _sentence_ends(text)
    found, lines = _transcript_lines(text), []
    lines = [(f[0], f[1]) for f in found]
    start = 0
    for sentence_end in list(ends) + [len(text)]:
        if sentence_end <= start:
            continue
        if not any(s <= sentence_end and start <= e for s, e in lines):
            found.extend(_in_sentence(text, masked, start, sentence_end))
        start = sentence_end
    return sorted(found)


def _transcript_lines(text: str):
    """A transcript's lines 'PENCE: Well, look, ...' (or '"PENCE: ...' with its mark never closed):
    each line's words, said by the name before the colon."""
    found, offset = [], 0
    for paragraph in text.split("\n"):
        match = transcript_line(paragraph)
        if match:
            span = _trim(text, offset + match.end(), offset + len(paragraph.rstrip()))
            if span:
                found.append((*span, ("name", match.group("who"), (offset + match.start("who"), offset + match.end("who")))))
        offset += len(paragraph) + 1
    return found


# Verbs of speech acts whose object is what was said ("Clinton criticized the plan as a giveaway",
# "Trump called for a ban", "Obama urged Congress to act"): the content runs from the object on.
_ACT_VERBS = (
    r"exhorted|exhorts|implored|implores|encouraged|encourages|criticized|criticizes|criticised|attacked|attacks|blasted|blasts|slammed|slams|praised|praises|defended|defends|"
    r"denied|denies|rejected|rejects|dismissed|dismisses|questioned|questions|condemned|condemns|denounced|denounces|"
    r"accused|accuses|blamed|blames|urged|urges|called\s+for|calls\s+for|called\s+on|calls\s+on|called|calls|cited|cites|"
    r"mentioned|mentions|described|describes|proposed|proposes|endorsed|endorses|opposed|opposes|welcomed|welcomes|"
    r"applauded|hailed|mocked|mocks|ridiculed|challenged|challenges|disputed|disputes|pointed\s+to|points\s+to|"
    r"pointed\s+out|points\s+out|referred\s+to|refers\s+to|highlighted|highlights|touted|touts|discussed|discusses|"
    r"talked\s+about|talks\s+about|spoke\s+(?:about|of)|speaks\s+(?:about|of)|complained\s+about|complains\s+about|"
    r"warned\s+(?:of|about|against)|warns\s+(?:of|about|against)|asked|asks|demanded|demands|pledged|pledges|"
    r"promised|promises|vowed|vows|threatened|threatens|announced|announces|unveiled|unveils|outlined|outlines|"
    r"acknowledged|acknowledges|conceded|concedes|admitted|admits|confirmed|confirms|predicted|predicts|"
    r"raised\s+(?:questions|concerns|doubts)\s+about|lamented|laments|decried|decries|disparaged|insulted|"
    r"recommended|recommends|reiterated|repeated|stressed|emphasized|emphasised|suggested|suggests|"
    r"touted|invoked|invokes|echoed|echoes|addressed|addresses|cautioned\s+against|argued\s+for|argues\s+for"
)
# The same acts in progress ("is calling for", "was questioning") or as a participle after the
# subject's clause (", accusing her of ...").
_ACT_GERUNDS = (
    r"criticizing|criticising|attacking|blasting|slamming|praising|defending|denying|rejecting|dismissing|questioning|"
    r"condemning|denouncing|accusing|blaming|urging|calling\s+for|calling\s+on|calling|citing|mentioning|describing|"
    r"proposing|endorsing|opposing|welcoming|mocking|ridiculing|challenging|disputing|pointing\s+to|pointing\s+out|"
    r"referring\s+to|highlighting|touting|discussing|talking\s+about|speaking\s+(?:about|of)|complaining\s+about|"
    r"warning\s+(?:of|about|against)|demanding|pledging|promising|vowing|threatening|announcing|acknowledging|"
    r"conceding|admitting|confirming|predicting|raising\s+(?:questions|concerns|doubts)\s+about|lamenting|decrying|"
    r"bragging\s+about|boasting\s+about|suggesting|stressing|emphasizing|invoking|echoing|asking|pleading\s+for"
)
_EXPRESSED = (r"(?:expressed|expresses|voiced|voices|raised|raises|aired)\s+(?:\w+\s+){0,2}?(?:concerns?|misgivings|doubts|"
              r"skepticism|scepticism|support|opposition|frustration|anger|outrage|alarm|regret|confidence|hope|worries)\s+"
              r"(?:about|over|for|of|with|at|that)|(?:brags|bragged|boasts|boasted)\s+about|made\s+the\s+case\s+(?:for|against|that)")
# Where the speaker's next act begins, the statement ends: "called the plan 'outrageous' and called
# for ...", ", even suggesting ...", ", but he said ...", "and Democrats accused ..." (not "were ordered
# by Zelensky and carried out by ...", a passive).
_NEXT_ACT = re.compile(
    rf"\s+(?:and|but)\s+(?:has\s+|have\s+|had\s+|also\s+|then\s+|later\s+)?(?:{_ACT_VERBS}|{REPORTING_VERBS}|encouraged)\b(?!\s+(?:\w+\s+)?by\b)|"
    rf",\s+(?:even\s+|also\s+|then\s+|while\s+)?(?:{_ACT_GERUNDS}|saying|adding|encouraging|arguing|insisting|claiming)\b|"
    r",\s+but\s+(?!that\b)|"
    r"(?:\s+and|,)\s+[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?\s+(?:[a-z]+ed|said|says)\b")  # ", Clinton restricted ..."
_ACT_HERE = re.compile(rf"\b(?P<verb>{_ACT_VERBS}|{_EXPRESSED})\b|(?P<progressive>\b(?:is|are|was|were|has\s+been|have\s+been)\s+"
                       rf"(?:also\s+|now\s+|once\s+again\s+|again\s+|still\s+)?)(?P<gerund>{_ACT_GERUNDS})\b|"
                       rf"(?P<participle>,\s+)(?P<gerund2>{_ACT_GERUNDS})\b")


_INFINITIVE = re.compile(r"(?:promise|pledge|vow|threaten|urge|ask|demand|propose|call|decline|refuse|exhort|implore|encourage)", re.I)  # "vowed to ..."
# An introductory phrase is no statement: "During his years in office, Mr. Obama said, ...".
_INTRODUCTORY = re.compile(r"(?:[A-Z][a-z]+ing|Back|During|Like|Unlike|In|At|On|After|Before|With|Without|For|From|Since|As|When|While|"
                           r"Despite|Although|Though|If|Asked|Once|Until|Under|Over|Through|Throughout|Amid|Among|By|To)\b")

_INTRODUCTORY_ANY_CASE = re.compile(_INTRODUCTORY.pattern.replace("[A-Z][a-z]+ing|", ""), re.I)  # "in 1998, ..."


def _introductory(text, span) -> bool:
    """An introductory phrase ("Speaking at the meeting on Monday"), not a clause: no comma and no
    auxiliary in it ("Shifting monsoon patterns could affect a billion people" is a statement)."""
    return (bool(span) and bool(_INTRODUCTORY.match(text, span[0])) and "," not in text[span[0]:span[1]]
            and not _AUXILIARY_WORD.search(text, span[0], span[1]))


_AUXILIARY_WORD = re.compile(r"\b(?:is|was|were|are|has|have|had|would|will|could|can|should|must|may|might|did|does|do)\b")


def _fits(span, subject, found) -> bool:
    """A statement beside those found, or inside one whose content holds its speaker ("X said Y denied Z")."""
    return all(span[1] <= f[0] or span[0] >= f[1] or (f[0] <= subject[2][0] and span[1] <= f[1]) for f in found)


def _speech_act(text, masked, start, end):
    """'X criticized/urged/called for/cited ...': the object and what follows, as said by the subject."""
    found = []
    for verb in _ACT_HERE.finditer(masked, start, end):
        if verb.group("progressive") is not None or verb.group("participle") is not None:
            before = masked[start:verb.start()]
            after = verb.end() + re.match(r"\s*(?:that\s+)?", masked[verb.end():end]).end()
            if not re.match(r"[\w\"\u201c]", masked[after:after + 1]) or _NOT_OPENING.match(masked, after) and not re.match(
                    r"(?:him|them|us|me|to)\b", masked[after:], re.I):
                continue
            subject = (_subject(before, start) if verb.group("progressive") is not None
                       else _sentence_subject(masked, start, verb.start()))
            if not subject:
                continue
            span = _trim(text, after, _content_end(text, masked, after, end))
            if span and _fits(span, subject, found):
                found.append((*span, subject))
            continue
        if re.search(r"\b(?:the|a|an|with|his|her|their|its|of|these|those|such|new|any|no|to|was|were|is|are|be|been|being|[a-z]+'s)\s+$",
                     masked[max(start, verb.start() - 20):verb.start()], re.I):
            continue  # a noun or a passive ("the calls", "was questioned"), not what the subject said
        after = verb.end() + re.match(r"\s*", masked[verb.end():end]).end()
        when = re.match(r"(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today)\s+|"
                        r"(?:last|this)\s+(?:week|month|year)\s+", masked[after:end])
        after += when.end() if when else 0  # "announced on Friday the arrest of ..."
        if not re.match(r"[\w\"\u201c]", masked[after:after + 1]) or _NOT_OPENING.match(masked, after) and not (
                re.match(r"(?:him|them|us|me)\b", masked[after:], re.I) or re.match(r"(?:not\s+)?to\s", masked[after:]) and _INFINITIVE.match(verb.group("verb"))):
            continue
        subject = _coordinated_subject(masked, start, verb.start())
        if not subject:
            continue
        span = _trim(text, after, _content_end(text, masked, after, end))
        if span and verb.group("verb") in ("called", "calls") and re.match(
                r"(?:an?|the)\s+(?:[\w\-]+\s+){0,3}?(?:meeting|vote|election|session|halt|conference|strike|"
                r"hearing|summit|referendum|truce|ceasefire|recess|timeout|time-out|audible)\b", text[span[0]:span[1]]):
            continue  # "called an emergency meeting" is no saying; "called him a liar", "called the plan a disaster" are
        if span and _fits(span, subject, found):
            found.append((*span, subject))
    return found


_HEADLINE = re.compile(rf"^\s*(?P<who>{NAME})(?:\s+on\s+[^:\n]{{1,40}})?:\s+(?=\S)|"  # "Obama on Climate Change: ..."
                       rf"^\s*(?:[A-Z][^,:\n]{{1,60}},\s+)?(?P<who2>{NAME})\s+(?:{'|'.join(sorted(w.title() for w in HEADLINE_VERBS))})\s+(?=[A-Z])")

# "Poll: ...", "Analysis: ...": a headline's label, no speaker (a poll's findings are not speech)
_NOT_HEADLINE_SPEAKERS = {"Poll", "Polls", "Survey", "Study", "Report", "Analysis", "Opinion", "Editorial", "Review", "Watch",
                          "Video", "Exclusive", "Breaking", "Update", "Live", "Timeline", "Explainer", "Fact", "Photos",
                          "Latest", "The"}

_HEADLINE_AFTER = re.compile(r"^\s*(?P<content>[A-Z][^\n]+?),\s+(?P<who>(?:[A-Z][\w'’\-.]*\s+){0,5}[A-Z][\w'’\-.]*)\s+"
                             r"(?:Says|Said|Warns|Claims|Insists|Argues|Tells\s+[A-Z][\w'’\-]*)\.?\s*$")


def _in_sentence(text, masked, start, end):
    sentence = masked[start:end]
    if not sentence.strip():
        return []
    headline = _HEADLINE.match(sentence)
    line = sentence.strip()
    group = "who" if headline and headline.group("who") else "who2"
    if headline and "\n" not in line and len(line) <= 200 and _clean_name(headline.group(group)) \
            and not headline.group(group).isupper() and (group == "who2" or not line.endswith(".") or not text[:start].strip()  # the article's title line
                 and re.search(rf"\b{re.escape(headline.group(group).split()[-1])}\b", text[end:])) \
            and headline.group(group).split()[0] not in _NOT_HEADLINE_SPEAKERS:
        span = _trim(text, start + headline.end(), end)  # a headline "Pat Caddell: Democrats ...", "Sanders Vows To ..."
        if span:
            return [(*span, ("name", headline.group(group), (start + headline.start(group), start + headline.end(group))))]

    after = _HEADLINE_AFTER.match(sentence)
    if after and "\n" not in line and len(line) <= 200:  # a headline "Trump Could Address Clean Energy, Lindsey Graham Says."
        span = _trim(text, start + after.start("content"), start + after.end("content"))
        who = after.group("who")
        if span:
            return [(*span, (_how(who), who, (start + after.start("who"), start + after.end("who"))))]

    def speaker(match, group):
        """(how the speaker is named, the name, where it stands in the text)."""
        who = match.group(group)
        return _how(who), who, (start + match.start(group), start + match.end(group))

    match = _ACCORDING_BEFORE.match(sentence)
    if match:
        span = _trim(text, start + match.end(), _content_end(text, masked, start + match.end(), end))
        return [(*span, speaker(match, "who"))] if span else []
    match = _ACCORDING_AFTER.search(sentence)
    if match:
        span = _trim(text, start, start + match.start())
        pieces = [(*span, speaker(match, "who"))] if span else []
        rest = re.match(r"\s*(?:and|but)\s+(?=\w)", sentence[match.end():])
        if pieces and rest:  # "A, according to the budget office, and the top 10 percent paid ...": a second piece
            after = start + match.end() + rest.end()
            more = _trim(text, after, _content_end(text, masked, after, end))
            if more:
                pieces.append((*more, speaker(match, "who")))
        return pieces
    match = _AS_BEFORE.match(sentence)
    if match:  # "As Ms. Simonyan put it in a statement in July, RT is ..."
        after = start + match.end()
        span = _trim(text, after, _content_end(text, masked, after, end))
        if span:
            return [(*span, speaker(match, "who"))]
    match = _AS_ASIDE.match(sentence)
    if match:
        span = _trim(text, start, end)
        if span:
            return [(*span, speaker(match, "who"))]
    match = _MID_ATTRIBUTION.search(sentence)
    if match and not re.search(r"[\"\u201c\u201d]", sentence[:match.start("comma")]):
        # "Lenox was a juggernaut, Mr. Clarke said, until ...": the words before the attribution and
        # those after it, each a piece of the statement; "The museum, Mr. Obama said, would make ..."
        # and "Back in Virginia, he said, he decided ...": only the part after is a statement.
        pieces = []
        span = _trim(text, start, start + match.start("comma"))
        if span and not _introductory(text, span) and not re.fullmatch(
                r"(?:The|A|An|This|That|These|Those|His|Her|Its|Their|Our|My)(?:\s+[\w'’\-]+){1,3}", text[span[0]:span[1]]):
            pieces.append((*span, speaker(match, "who")))  # not a subject alone: "The new wall, she said, would ..."
        after = start + match.end()
        rest = _trim(text, after, _content_end(text, masked, after, end))
        if rest:
            pieces.append((*rest, speaker(match, "who")))
        if pieces:
            return pieces
    match = _after_attribution(sentence, text[start:end])
    if match:
        cut = start + match.start()
        blank = len(sentence[match.start():]) - len(sentence[match.start():].lstrip())
        quotation = text[cut:cut + blank].strip()
        if blank and quotation[:1] in "\"\u201c":  # 'Oz is "smart as hell," X wrote': through the quotation
            cut += blank
            while cut > start and text[cut - 1].isspace():
                cut -= 1
        span = _trim(text, start, cut)
        if span and text[span[0]] in QUOTE_MARKS:
            span = None  # '"You squeezed employees" to drive up ..., she said': a quotation the writer carries on
        if span and not _introductory(text, span) and not re.search(r"[\"\u201c\u201d]", masked[start:start + match.start()]):
            return [(*span, speaker(match, "who" if match.group("who") else "who2"))]
    found = []
    for verb in _VERB_HERE.finditer(masked, start, end):
        if re.search(r"\b(?:the|a|an|with|his|her|their|its|of|these|those|such|new|any|no|to|[a-z]+'s)\s+$", masked[max(start, verb.start() - 20):verb.start()], re.I):
            continue  # a noun ("with claims", "the reports", "to say"), not a verb
        after = verb.end()
        rest = masked[after:end]
        told_whom = False
        if _TELLING.search(verb.group("verb")):
            obj = (re.match(rf"\s+{_OBJECT}\s+[\"\u201c][^\"\u201c\u201d]{{1,40}}[\"\u201d](?=\s+that\s)", text[after:end])  # 'told MSNBC's "Morning Joe" that'
                   or re.match(rf"\s+{_OBJECT}(?=[\s,])", rest))
            if obj:
                after += obj.end()
                told_whom = True
        adverbial = re.match(_ADVERBIAL, masked[after:end])
        after += adverbial.end() if adverbial else 0
        if told_whom:  # "tells his supporters at a Michigan rally to ..."
            place = re.match(r"\s+(?:at|during|in|on)\s+(?:a|an|the|his|her|their)\s+[^,;:.\"\u201c\u201d]{1,50}?(?=\s+to\s)", masked[after:end])
            after += place.end() if place else 0
        if adverbial and adverbial.end() and re.match(rf"\s*that\s+{_AUX_AFTER_THAT}", text[after:end]):
            continue  # "said in a report that was published ...": a relative clause, nothing said
        that = re.match(r"\s*,?\s*that(?:,(?!\s*[\"\u201c]))?\s+", text[after:end]) or _LONG_ADVERBIAL.match(text[after:end])
        if that:
            after += that.end()
        else:
            if text[after + re.match(r"\s*,?\s*", text[after:end]).end():][:1] in QUOTE_MARKS:
                continue  # 'says, "Don't shoot," until ...': the words said are the quotation's
            gap = re.match(r"\s*,?\s*", masked[after:end])
            after += gap.end()
            relative = (re.match(rf"{_AUX_AFTER_THAT}\s+(?!not\b)\w", masked[after:end])
                        and _RELATIVE_SPEAKER.search(masked, max(start, verb.start() - 80), verb.start()))
            if (_NOT_OPENING.match(masked, after) and not (told_whom and re.match(r"to\s", masked[after:])) and not relative
                    or not re.match(r"[\w\"\u201c]", masked[after:after + 1])):
                continue  # but "told his advisers to figure out ..." is what he told them
            if not verb.group("verb").startswith(("sa", "tel", "tol", "wr", "add", "arg", "warn", "claim", "insist",
                                                  "not", "believ", "think", "thought", "is ", "are ", "was ", "were ",
                                                  "tweet", "post", "repl", "respond", "declar", "testif", "recall", "conced",
                                                  "admit", "acknowledg", "explain", "stress", "emphasi", "suggest", "predict",
                                                  "assert", "contend", "maintain", "reiterat", "conclud", "confirm", "hope",
                                                  "fear", "worr", "expect", "agree", "indicat", "signal")) and not (
                    verb.group("verb").startswith(("announc", "report", "reveal", "confirm", "declar"))
                    and re.match(r"(?:he|she|it|they|we)\s+(?:would|will|was|were|had|has|have|is|are|could|planned|plans)\b", masked[after:end])):
                continue  # "found the money", "announced a plan": without "that", only saying verbs
        if text[after:after + 1] in QUOTE_MARKS and not _quoted_opening(text[after:end]):
            if not masked[after:after + 1].isspace():
                continue  # a direct quotation: drafted as a quote
            after += len(masked[after:end]) - len(masked[after:end].lstrip())  # and what follows it: '"..." and that ...'

        subject = _coordinated_subject(masked, start, verb.start())
        if not subject:
            continue
        span = _trim(text, after, _content_end(text, masked, after, end))
        if (span and re.search(r",[\"\u201d']?\s*$", text[start:verb.start()]) and not _VERB_LIKE.search(text, *span)
                and masked[start:subject[2][0]].strip()):  # (not "Ivanka Trump, the ... daughter, noted the rule ...")
            continue  # '..., said one GOP source in the room.': what follows the verb is who said it
        if span and _fits(span, subject, found):
            found.append((*span, subject))
    acts = _speech_act(text, masked, start, end)
    for act in acts:
        if _fits(act[:2], act[2], found) and all(act[:2] != f[:2] for f in found):
            found.append(act)
    found.sort()
    gerund = _GERUND.search(masked, start, end)
    if gerund and (not found or (masked[gerund.start()] == "," or re.search(r"\b(?:by|from|after|while)$", masked[start:gerund.start()]))
                   and all(f[1] <= gerund.start() for f in found)):  # "..., aside from saying he wants ..."
        if gerund and text[gerund.end():gerund.end() + 1] not in QUOTE_MARKS:
            named = re.search(rf"(?P<who>{NAME})$", masked[start:gerund.start()]) if masked[gerund.start()] != "," else None
            if named and _clean_name(named.group("who")):  # "footage of Donald Trump saying it shows ..."
                subject = ("name", named.group("who"), (start + named.start("who"), start + named.end("who")))
            else:
                subject = _sentence_subject(masked, start, gerund.start())
            span = _trim(text, gerund.end(), _content_end(text, masked, gerund.end(), end)) if subject else None
            if span and all(span[:2] != f[:2] for f in found):
                found.append((*span, subject))
    return sorted(found)


_APPOSED_NAME = re.compile(rf",\s+(?P<who>{NAME}),")


def _named_in_apposition(text, found, people):
    """'The state's campaign chairman, Phil Lovas, said' and 'in Washington, Marc H. Morial, the chief
    executive ..., told': the person named between commas after a description or a place speaks."""
    how, who, span = found
    if how not in ("description", "name", "nominal") or (how == "name" and people.find(_clean_name(who) or "")):
        return found
    match = _APPOSED_NAME.match(text, span[1])
    if match and _clean_name(match.group("who")) and people.find(_clean_name(match.group("who"))):
        return "name", match.group("who"), (match.start("who"), match.end("who"))
    return found


def draft_reported(text: str, quotations=()) -> list[Quotation]:
    """Each reported statement as a `paraphrase`, its speaker resolved like a quote's, marked for review.
    `quotations`, the article's drafted quotes, give the speakers "he" and "she" may refer to."""
    speakers = [q.speaker for q in quotations if q.speaker and q.confidence >= 0.6]
    gender_of = genders(text)
    drafted = []
    people = people_of(text)
    for start, end, found in find_reported(text):
        found = _named_in_apposition(text, found, people)
        quote = Quotation(start, end, text[start:end], kind="paraphrase")
        resolve_speaker(text, quote, found, speakers, None, gender_of)
        if found[0] == "description" and _UNNAMED.match(found[1]):  # "people familiar with the talks": nobody to name
            quote.speaker, quote.confidence = None, min(quote.confidence, 0.3)
            quote.comments = [f'an unnamed source ("{found[1]}"); fill in or delete']
        if quote.speaker and quote.mention and quote.speaker[0].isupper():
            _describe_speaker(text, quote)
        quote.venue = _venue(text[max(0, found[2][0] - 150):start])
        quote.confidence = min(quote.confidence, 0.6)  # below a quote's 0.9: the span is a guess
        quote.comments.append("reported speech (paraphrase): check that these words are what the speaker said, "
                              "where they begin and end")
        drafted.append(quote)
    return drafted
