"""The people an article names, their gender by its own cues, and who "he", "she" or "the
spokesman" most likely is at a given point.

Each person is found by their fullest name ("Dante Chinni", "Sen. Bernie Sanders") and then by
their surname alone ("Chinni said") or a title and surname ("Mr. Obama"). A mention is the
subject of its sentence when it opens it or a verb follows it, and a speaker's when a speech
verb stands next to it. A pronoun goes to the most salient person of its gender: salience adds
up over the mentions before it, each worth more as a subject or a speaker and halved for every
sentence between it and the pronoun (after Lappin and Leass, 1994).
"""

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Optional

from .language import NOT_NAMES, SPEECH_VERBS, TITLES, _sentence_ends
from .names import name_gender

ORGANISATION_WORDS = {
    "show", "house", "party", "committee", "department", "news", "times", "post", "street", "grants",
    "club", "university", "center", "centre", "institute", "foundation", "council", "court", "senate",
    "congress", "campaign", "association", "inc", "company", "fund", "agency", "administration",
    "office", "service", "bureau", "network", "media", "press", "journal", "magazine", "channel",
    "radio", "tv", "states", "york", "city", "county", "state", "republicans", "democrats", "act",
    "caucus", "convention", "debate", "debates", "school", "group", "program", "project", "bank", "police",
    "commission", "union", "league", "force", "forces", "army", "navy", "ministry", "government",
    "corporation", "corp", "llc", "ltd", "organization", "organisation", "federation", "coalition",
    "alliance", "network", "review", "report", "daily", "tribune", "herald", "gazette", "courier",
    "examiner", "observer", "guardian", "telegraph", "monitor", "reuters", "politico", "cnn", "nbc",
    "abc", "cbs", "msnbc", "fox", "npr", "bbc", "twitter", "facebook", "instagram", "youtube", "google",
    "war", "east", "west", "north", "south", "island", "islands", "river", "lake", "mountain", "park",
    "square", "avenue", "road", "hall", "hospital", "church", "stadium", "airport", "station", "bridge",
    "district", "province", "region", "republic", "kingdom", "nations", "union", "valley", "beach",
    "institution", "authority", "board", "panel",
    "museum", "library", "prize", "award", "awards", "cup", "games", "olympics", "series", "summit",
    "plan", "law", "amendment", "treaty", "accord", "deal", "agreement", "poll", "survey",
    "index", "exchange", "market", "markets", "capital", "partners", "holdings", "group", "trust",
}
# Words no person's name holds: times, places, and words of the common language capitalised in
# headlines ("Clinton Breaks With Obama").
PLACES = {
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
    "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine",
    "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska",
    "nevada", "hampshire", "jersey", "mexico", "carolina", "dakota", "ohio", "oklahoma", "oregon",
    "pennsylvania", "rhode", "tennessee", "texas", "utah", "vermont", "virginia", "washington", "wisconsin",
    "wyoming", "america", "britain", "england", "scotland", "wales", "ireland", "france", "germany", "italy",
    "spain", "russia", "ukraine", "china", "japan", "korea", "india", "pakistan", "iran", "iraq", "syria",
    "israel", "egypt", "turkey", "canada", "brazil", "europe", "africa", "asia", "australia", "poland",
    "afghanistan", "libya", "yemen", "cuba", "venezuela", "colombia", "argentina", "chile", "peru", "nigeria",
    "kenya", "burma", "myanmar", "vietnam", "taiwan", "brussels", "london", "paris", "berlin", "moscow",
    "beijing", "tokyo", "chicago", "boston", "philadelphia", "detroit", "atlanta", "miami", "denver",
    "seattle", "dallas", "houston", "ohio", "manhattan", "brooklyn", "hollywood", "pentagon", "kremlin",
    "capitol", "hill", "circuit", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "july", "august", "september",
    "october", "november", "december", "christmas", "easter", "day", "week", "year", "new", "old",
    # parties and nationalities, which stand before a name but are none of it ("Republican Donald Trump")
    "republican", "democrat", "democratic", "libertarian", "independent", "conservative", "liberal", "progressive",
    "labour", "tory", "socialist", "communist", "green", "gop", "american", "british", "english", "french", "german",
    "italian", "spanish", "russian", "ukrainian", "chinese", "japanese", "korean", "indian", "pakistani", "iranian",
    "iraqi", "syrian", "israeli", "palestinian", "egyptian", "turkish", "canadian", "mexican", "brazilian",
    "european", "african", "asian", "australian", "polish", "irish", "scottish", "welsh", "dutch", "belgian",
    "swedish", "norwegian", "danish", "finnish", "greek", "saudi", "afghan", "cuban", "venezuelan", "nigerian",
    "burmese", "vietnamese", "taiwanese", "former", "late", "acting", "interim", "deputy", "assistant",
}
PERSON_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "president", "senator", "candidate", "nominee", "governor", "minister",
    "official", "ambassador", "envoy", "general", "lawmaker", "congressman", "congresswoman", "mayor", "secretary",
    "chairman", "chairwoman", "chair", "businessman", "businesswoman", "billionaire", "leader", "speaker", "director",
    "chief", "commander", "strategist", "adviser", "advisor", "aide", "analyst", "economist", "professor", "lawyer",
    "attorney", "judge", "justice", "mother", "father", "wife", "husband", "daughter", "son", "woman", "man",
    "veteran", "activist", "author", "writer", "reporter", "journalist", "columnist", "host", "anchor", "founder",
    "executive", "ceo", "manager", "officer", "representative", "delegate", "voter", "resident", "student",
    "teacher", "doctor", "physician", "pastor", "priest", "bishop", "actor", "actress", "singer", "star",
    "chancellor", "premier", "diplomat", "operative", "pollster", "consultant", "researcher", "scientist",
    "expert", "scholar", "historian", "commentator", "critic", "donor", "surrogate", "challenger", "incumbent",
    "mogul", "developer", "tycoon", "widow", "widower", "brother", "sister", "republican", "democrat", "politician",
    "governor-elect", "president-elect", "schoolteacher", "nurse", "farmer", "worker", "superintendent", "treasurer", "auditor", "clerk", "inspector", "commissioner", "councillor",
    "councilor", "trustee", "chairperson", "headteacher", "principal", "coach", "captain", "editor", "publisher", "sheriff", "prosecutor", "detective", "owner", "entrepreneur",
}
# Offices: one person holding another is not "the inspector" (kinds of person, "the businessman", may be anyone).
OFFICES = {
    "president", "senator", "governor", "minister", "ambassador", "envoy", "general", "congressman", "congresswoman",
    "mayor", "secretary", "chairman", "chairwoman", "chair", "speaker", "director", "chief", "commander", "judge",
    "justice", "sheriff", "prosecutor", "treasurer", "auditor", "clerk", "inspector", "commissioner", "councillor",
    "councilor", "trustee", "superintendent", "principal", "headteacher", "chancellor", "premier", "editor", "coach",
}
NOT_PEOPLE = {"republican", "republicans", "democrat", "democrats", "democratic", "american", "americans", "gop",
              "white", "black", "congress", "the", "national guard", "north korea", "south korea"}
MALE_WORDS = {"mr", "sir", "spokesman", "chairman", "congressman", "businessman", "father", "husband", "son",
              "brother", "uncle", "king", "prince", "man", "boy", "grandfather", "nephew", "actor", "widower",
              "dad", "he", "him", "his", "himself", "councilman", "assemblyman", "anchorman", "sportsman",
              "lord", "duke", "emperor", "monk", "priest", "pope", "gentleman", "boyfriend", "fiance", "groom"}
FEMALE_WORDS = {"mrs", "ms", "miss", "madam", "spokeswoman", "chairwoman", "congresswoman", "businesswoman",
                "mother", "wife", "daughter", "sister", "aunt", "queen", "princess", "woman", "girl",
                "grandmother", "niece", "actress", "widow", "mom", "she", "her", "hers", "herself",
                "councilwoman", "assemblywoman", "anchorwoman", "sportswoman", "lady", "dame", "duchess",
                "empress", "nun", "girlfriend", "fiancee", "bride", "mum", "granddaughter", "stepmother"}
PRONOUN_WORDS = {"he", "him", "his", "himself", "she", "her", "hers", "herself"}
_TITLE_SET = {t.lower() for t in TITLES.split("|")}
_HONORIFICS = {"mr": "he", "sir": "he", "mrs": "she", "ms": "she", "miss": "she", "madam": "she", "dame": "she"}
# Words a capitalised run may open with that are not part of a name: "But Anna Berg", "When Trump".
_LEADING = NOT_NAMES | {"during", "despite", "although", "though", "unlike", "like", "under", "over", "among",
                        "against", "without", "within", "across", "about", "through", "until", "via", "per",
                        "dear", "thanks", "even", "only", "just", "perhaps", "maybe", "indeed", "mostly",
                        "former", "late", "then", "both", "neither", "either", "every", "another", "other"}
_NAME_WORD = r"[A-Z][\w'’\-]*[a-z][\w'’\-]*"  # "Anna", "McLenney", "O'Brien", not "NBC" nor "A."
_FULL_NAME = re.compile(
    rf"(?<![\w’'.])(?:(?:{TITLES})\.?\s+)?(?:{_NAME_WORD}|[A-Z]\.)(?:\s+(?:[A-Z]\.\s+)*(?:(?:de|da|van|von|der|bin|al|la|le)\s+)?"
    rf"(?:{_NAME_WORD}))+|(?<![\w’'])(?:Mr|Mrs|Ms|Dr|Miss)\.?\s+{_NAME_WORD}")
_VERB_AFTER = re.compile(
    r"(?:,[^,.;:\"\u201c\u201d]{1,90},)?\s*(?:\([^)]{1,30}\)\s*)?(?:also\s+|later\s+|then\s+|has\s+|had\s+|have\s+|is\s+|was\s+|"
    r"would\s+|will\s+|did\s+|does\s+|largely\s+|repeatedly\s+|quickly\s+|first\s+|recently\s+)?(?P<verb>[a-z][a-z'’]+)\b")
_NOT_VERBS = {"and", "or", "of", "in", "at", "to", "for", "with", "on", "from", "by", "as", "who", "which", "that",
              "the", "a", "an", "but", "nor", "than", "into", "onto", "about", "after", "before", "while", "during",
              "since", "because", "if", "when", "where", "whose", "whom", "under", "over", "between", "against",
              "among", "through", "across", "per", "via", "both", "its", "his", "her", "their", "our", "my"}
_SPEECH = re.compile(rf"^(?:{SPEECH_VERBS})$")
_SAID_BEFORE = re.compile(rf"\b(?:{SPEECH_VERBS}|according to)\s+(?:[\w’'.\-]+\s+){{0,6}}?$")
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?:][\"\u201d’)]?\s+|\n\s*)(?:(?:But|And|So|Yet|Still|Now|Then|Meanwhile|Instead)\s+)?$")


@dataclass
class Person:
    name: str  # the fullest name the article gives, without title ("Dante Chinni")
    surname: str
    votes: dict = field(default_factory=lambda: {"he": 0, "she": 0})  # titles, role words, given name
    pronouns: dict = field(default_factory=lambda: {"he": 0, "she": 0})  # he/she after a mention: a tie-breaker
    printed: str = ""  # the fullest name with its title as printed ("Councillor Priya Nair")
    titled: bool = False  # seen with a title (Mr., Sen., President)
    spoke: bool = False  # seen next to a speech verb, or as a quote's speaker
    roles: set = field(default_factory=set)  # words of its titles and appositions ("president", "mayor")

    @property
    def gender(self) -> Optional[str]:
        for votes in (self.votes, self.pronouns):
            if votes["he"] != votes["she"]:
                return "he" if votes["he"] > votes["she"] else "she"
        return None


@dataclass
class Mention:
    start: int
    end: int
    people: list  # the person meant; several when a bare surname is shared ("Clinton")
    subject: bool = False
    speaker: bool = False
    weight: int = 100  # a possessive pronoun counts for less
    new: bool = False  # the person's first mention by full name


@functools.lru_cache(maxsize=16)
def _masked(text: str) -> str:
    """The text with its quotations (as `find_quotations` reads them, mixed marks and all) blanked
    out: names there are not mentions, verbs there are not the writer's."""
    from .quotations import find_quotations

    chars = list(text)
    for quote in find_quotations(text):
        if text[quote.end - 1] in "\"\u201d" and text[quote.start] in "\"\u201c":  # closed, and not a headline's ‘...’
            chars[quote.start:quote.end] = " " * (quote.end - quote.start)
    return "".join(chars)


def _not_name_word(word: str) -> bool:
    bare = word.lower().strip(".,'’")
    return (bare in ORGANISATION_WORDS or bare in PLACES or bare in _NOT_VERBS or bare in NOT_NAMES or bare in _TITLE_SET
            or bare in PERSON_NOUNS)


def _organisation(words) -> bool:
    return any(_not_name_word(w) for w in words) or " ".join(words).lower() in NOT_PEOPLE


HEADLINE_VERBS = {
    "says", "said", "tells", "told", "calls", "slams", "hammers", "goes", "wants", "urges", "blasts", "warns", "rips",
    "defends", "denies", "backs", "asks", "rejects", "attacks", "vows", "pledges", "admits", "claims", "praises",
    "accuses", "hits", "unveils", "launches", "endorses", "leads", "wins", "loses", "makes", "takes", "gets", "sees",
    "plans", "explores", "sings", "rules", "breaks", "meets", "joins", "quits", "faces", "fires", "signs", "vetoes",
}


def _breaks_name(word: str) -> bool:
    """A capitalised word no name goes on past: "After", "With", a headline's "Says" or "Goes"."""
    bare = word.lower().strip(".,'’")
    return bare in _NOT_VERBS or bare in NOT_NAMES or bare in HEADLINE_VERBS


def gender_word(word: str) -> Optional[str]:
    word = word.lower().strip(".,")
    return "he" if word in MALE_WORDS else "she" if word in FEMALE_WORDS else None


_PRONOUN = re.compile(r"\b(?:he|she|him|his|her|himself|herself)\b", re.I)
# A surname run into a noun phrase before another name: "Clinton spokesman Brian Fallon".
_MODIFIER = re.compile(r"(?:\s+(?![a-z]+(?:ed|s)\b)[a-z][\w\-]*){1,3}\s+[A-Z][\w'’\-]+\s+[A-Z][\w'’\-]+")
SALIENCE = {"recency": 100, "subject": 80, "speaker": 50, "new": 60, "possessive": 50, "unknown": 0.5}


class People:
    """The people of one article and their mentions (by name and by he/she), in order."""

    def __init__(self, text: str):
        self.text = text
        self.masked = masked = _masked(text)
        self.ends = _sentence_ends(text)
        self.people: list[Person] = []
        self.by_surname: dict[str, list[Person]] = {}
        named = self._full_names(masked) 
        named += self._surnames(masked, named)
        named += self._given_names(masked, named)
        named.sort(key=lambda m: m.start)
        for index, mention in enumerate(named):
            after = _VERB_AFTER.match(masked, mention.end)
            verb = after.group("verb") if after else ""
            opening = bool(_SENTENCE_OPENING.search(masked[max(0, mention.start - 40):mention.start]))
            mention.subject = opening or bool(verb and verb not in _NOT_VERBS)
            mention.speaker = bool(verb and _SPEECH.match(verb)) or bool(_SAID_BEFORE.search(masked[max(0, mention.start - 60):mention.start]))
            if mention.speaker and len(mention.people) == 1:
                mention.people[0].spoke = True
        self._vote_genders(named)
        self.prominence: dict[int, int] = {}
        for mention in named:
            if len(mention.people) == 1:
                self.prominence[id(mention.people[0])] = self.prominence.get(id(mention.people[0]), 0) + 1
        self.mentions: list[Mention] = []
        self.starts: list[int] = []
        pronouns = [m for m in _PRONOUN.finditer(masked)]
        queue = sorted([(m.start, m) for m in named] + [(p.start(), p) for p in pronouns], key=lambda item: item[0])
        for start, item in queue:
            if isinstance(item, Mention):
                self._add(item)
                continue
            word = item.group(0).lower()
            wanted = gender_word(word)
            person = self._resolve(start, wanted)
            if person is None:
                continue
            possessive = word in ("his", "her")
            after = _VERB_AFTER.match(masked, item.end())
            verb = after.group("verb") if after and word in ("he", "she") else ""
            mention = Mention(start, item.end(), [person], subject=bool(verb and verb not in _NOT_VERBS),
                              speaker=bool(verb and _SPEECH.match(verb)), weight=SALIENCE["possessive"] if possessive else 100)
            self._add(mention)

    def _add(self, mention: Mention):
        self.mentions.append(mention)
        self.starts.append(mention.start)

    def _person(self, bare, first_name_gender=True) -> Person:
        surname = bare[-1].strip(".,'’").lower()
        person = Person(" ".join(bare), surname)
        self.people.append(person)
        self.by_surname.setdefault(surname, []).append(person)
        gender = name_gender(bare[0]) if (len(bare) > 1 or first_name_gender) else None
        if gender:
            person.votes[gender] += 4
        return person

    def _full_names(self, masked) -> list:
        mentions = []
        for match in _FULL_NAME.finditer(masked):
            run = [(m.start() + match.start(), m.group(0)) for m in re.finditer(r"\S+", match.group(0))]
            segment = []
            for word in run + [(None, None)]:  # a headline's run "Hillary Clinton Goes After Donald Trump": two names
                if word[1] is None or _breaks_name(word[1]):
                    if segment:
                        self._full_name(masked, segment, mentions)
                    segment = []
                else:
                    segment.append(word)
        return mentions

    def _full_name(self, masked, words, mentions):
        """One name of a run of capitalised words, as a mention: its person found or made."""
        while words and (words[0][1].lower().strip(".") in _LEADING or re.search(r"['’]s$", words[0][1])
                         or (len(words) > 1 and re.fullmatch(r"[A-Z][a-z]+(?:ing|ed|ly)", words[0][1]) and not name_gender(words[0][1]))):
            words = words[1:]  # "But Anna Berg", "NBC’s Dante Chinni", "Injecting Clinton"
        if not words:
            return
        last = re.sub(r"['’]s?$", "", words[-1][1])  # "Donald Trump's plan": a mention all the same,
        possessive = last != words[-1][1]  # but of less weight, as a pronoun's "his"
        words[-1] = (words[-1][0], last)
        cut = max((i + 1 for i, (_, w) in enumerate(words[:-1]) if _not_name_word(w)), default=0)
        if len(words) - cut >= 3 and not name_gender(words[cut][1]) and name_gender(words[cut + 1][1]):
            cut += 1  # "Treasurer Martin Aldous": a role capitalised at the sentence's start
        prefix, bare = [w for _, w in words[:cut]], [w for _, w in words[cut:]]
        titles = [w for w in prefix if w.lower().strip(".") in _TITLE_SET]
        given = len(bare) >= 2 and name_gender(bare[0]) and not any(_breaks_name(w) for w in bare)
        if not bare or (_organisation(bare) and not given) or (len(bare) < 2 and not titles):  # "Lena Park" is a person
            return
        start = words[cut][0] if cut < len(words) else words[0][0]
        start = words[0][0] if titles and prefix and prefix[-1] in titles else start
        end = words[-1][0] + len(words[-1][1])
        if len(bare) == 1 and _MODIFIER.match(masked, end):
            return  # "President Obama campaign aide Ann Lee": the name that follows is meant
        surname = bare[-1].strip(".,'’").lower()
        candidates = self.by_surname.get(surname, [])
        first = bare[0] if len(bare) > 1 else None
        new = False
        if first is None:  # "Mr. Obama": the latest person of that surname
            person = candidates[-1] if candidates else None
        else:
            person = next((p for p in reversed(candidates) if p.name.split()[0] == first), None)
            if person is None and candidates and all(len(p.name.split()) == 1 for p in candidates):
                person = candidates[-1]
                person.name = person.printed = " ".join(bare)
                new = True
        if person is None:
            person, new = self._person(bare, first_name_gender=False), True
        if len(bare) >= len(person.name.split()) and (not person.printed or len(words) > len(person.printed.split())):
            person.printed = " ".join(w for w in (titles[-1:] if titles and prefix[-1] in titles else []) + bare
                                      if w.lower().strip(".") not in _HONORIFICS)
        for title in titles:
            honorific = _HONORIFICS.get(title.lower().strip("."))
            if honorific:
                person.votes[honorific] += 6
            person.titled = True
        person.roles.update(w.lower().strip(".,") for w in prefix)
        for word in re.findall(r"[\w'’\-]+", masked[max(0, start - 40):start])[-3:]:  # "County treasurer Martin Aldous"
            if word.lower() in PERSON_NOUNS:
                person.roles.add(word.lower())
                person.titled = person.titled or word.lower() in OFFICES
        apposition = re.match(r",\s+([^,.;:\n]{1,80}),", masked[end:])
        if apposition:
            person.roles.update(w.lower() for w in re.findall(r"[\w'’\-]+", apposition.group(1)))
        mentions.append(Mention(start, end, [person], new=new and len(bare) > 1,
                                weight=SALIENCE["possessive"] if possessive else 100))

    def _surnames(self, masked, named) -> list:
        """Bare surnames of people named in full: every person who bears it, when several do."""
        known = "|".join(sorted({re.escape(p.surname) for p in self.people}, key=len, reverse=True))
        if not known:
            return []
        taken = [(m.start, m.end) for m in named]
        mentions = []
        for match in re.finditer(rf"(?<![\w’'.])(?:{known})(?![\w’'])", masked, re.I):
            if not match.group(0)[0].isupper() or any(s <= match.start() < e for s, e in taken):
                continue
            if _MODIFIER.match(masked, match.end()) and re.match(r"\s+[a-z]", masked[match.end():]):
                nxt = _MODIFIER.match(masked, match.end())
                if any(match.end() < s <= nxt.end() for s, _ in taken):
                    continue  # "Clinton spokesman Brian Fallon"
            people = self.by_surname.get(match.group(0).lower(), [])
            if len(people) > 1:  # a bare surname is the one the article names most ("Cruz" for Ted, not his father)
                counts = {id(p): sum(1 for m in named if m.people == [p] and m.start < match.start()) for p in people}
                top = max(counts.values())
                if top and list(counts.values()).count(top) == 1:
                    people = [p for p in people if counts[id(p)] == top]
            if people:
                possessive = bool(re.match(r"['’]s?\b", masked[match.end():]))
                mentions.append(Mention(match.start(), match.end(), people, weight=SALIENCE["possessive"] if possessive else 100))
        return mentions

    def _given_names(self, masked, named) -> list:
        """A sentence opened by a known given name alone and a verb ("Melanie thought ...") or a
        single capitalised word and a speech verb ("McLenney said ...")."""
        taken = [(m.start, m.end) for m in named]
        mentions = []
        for match in re.finditer(r"(?:^|[.!?][\"\u201d’]?\s+|\n)[\"\u201c]?(?P<who>[A-Z][a-z]+(?:[A-Z][a-z]+)?)\s+(?P<verb>[a-z]+)\b", masked):
            word, verb = match.group("who"), match.group("verb")
            if word.lower() in _LEADING or _not_name_word(word) or word.lower() in self.by_surname or any(
                    s <= match.start("who") < e for s, e in taken) or verb in _NOT_VERBS:
                continue
            if not (name_gender(word) or _SPEECH.match(verb)):
                continue
            person = next((p for p in self.people if p.name == word), None) or self._person([word])
            mentions.append(Mention(match.start("who"), match.end("who"), [person]))
        return mentions

    def _vote_genders(self, named):
        """Role words next to a mention ("spokeswoman Ana Ruiz", "Ana Ruiz, his wife,") and the
        first he/she after a mention that opens a sentence, before anyone else is named."""
        masked = self.masked
        for index, mention in enumerate(named):
            if len(mention.people) != 1:
                continue
            person = mention.people[0]
            before = re.findall(r"[\w']+", masked[max(0, mention.start - 30):mention.start])[-2:]
            apposition = re.match(r",([^,.;:\n]{1,60}),", masked[mention.end:])
            cues = before + (re.findall(r"[\w']+", apposition.group(1))[:5] if apposition else [])
            for word in cues:
                bare = word.lower()
                if bare not in PRONOUN_WORDS and gender_word(bare) and bare not in _HONORIFICS:
                    person.votes[gender_word(bare)] += 2
            if not mention.subject:
                continue
            following = named[index + 1].start if index + 1 < len(named) else len(masked)
            sentence_end = self.ends[min(bisect.bisect_right(self.ends, mention.end), len(self.ends) - 1)] if self.ends else len(masked)
            limit = min(following, mention.end + 300, max(sentence_end, mention.end + 120))
            pronoun = re.compile(r"\b(he|she|his|her)\b", re.I).search(masked, mention.end + (apposition.end() if apposition else 0), limit)
            if pronoun:
                person.pronouns[gender_word(pronoun.group(1))] += 1

    def gender(self, name: str) -> Optional[str]:
        person = self.find(name)
        return person.gender if person else None

    def find(self, name: str) -> Optional[Person]:
        words = [w for w in (name or "").split() if w.lower().strip(".") not in _TITLE_SET]
        if not words:
            return None
        surname = words[-1].strip(".,'’").lower()
        found = [p for p in self.people if p.surname == surname]
        exact = [p for p in found if p.name.split()[0] == words[0]]
        return (exact or found or [None])[-1]

    def _sentence(self, offset: int) -> int:
        return bisect.bisect_right(self.ends, offset)

    def _resolve(self, position: int, wanted: Optional[str] = None, speakers=(), role: str = "", window: int = 2500):
        here = self._sentence(position)
        scores: dict[int, float] = {}
        people = {}
        spoken = {s for s in speakers if s}
        for mention in self.mentions[:bisect.bisect_left(self.starts, position)][::-1]:
            if mention.start < position - window:
                break
            distance = here - self._sentence(mention.start)
            weight = mention.weight + SALIENCE["subject"] * mention.subject + SALIENCE["speaker"] * mention.speaker
            weight += SALIENCE["new"] * mention.new
            for person in mention.people:
                scores[id(person)] = scores.get(id(person), 0) + weight * 0.5 ** min(distance, 12)
                people[id(person)] = person
        holding = [key for key in scores if role and role in people[key].roles]
        if holding:
            scores = {key: scores[key] for key in holding}
        elif role in OFFICES:  # "the state inspector" is not the treasurer named before
            scores = {key: score for key, score in scores.items() if not (people[key].roles & OFFICES)}
        best, best_score = None, 0.0
        for key, score in scores.items():
            person = people[key]
            score += 0.01 * self.prominence.get(key, 0)  # a tie ("Cruz" for Ted or Rafael) goes to the one named more
            gender = person.gender
            if wanted and gender and gender != wanted:
                continue
            if (gender is None or not wanted) and not holding:
                if not (person.spoke or person.titled or person.name in spoken):
                    continue
                if wanted and gender is None:
                    score *= SALIENCE["unknown"]
            if score > best_score:
                best, best_score = person, score
        return best

    def salient(self, position: int, wanted: Optional[str] = None, speakers=(), role: str = "") -> Optional[str]:
        """The most salient person mentioned before `position` whose gender is `wanted` (a person
        whose gender the article does not show counts for half, and only one seen speaking or
        with a title); with `role` ("president"), one the article gives that role if any."""
        best = self._resolve(position, wanted, speakers, role)
        return (best.printed or best.name) if best else None


@functools.lru_cache(maxsize=16)
def people_of(text: str) -> People:
    return People(text)


def genders(text: str) -> dict:
    """Each named person's gender by the article's cues: full name and (when no one else has it)
    surname -> "he" / "she"."""
    result, surnames = {}, {}
    for person in people_of(text).people:
        if person.gender:
            result[person.name.lower()] = person.gender
            result.setdefault(" ".join(person.name.lower().split()[-2:]), person.gender)
            surnames.setdefault(person.surname, set()).add(person.gender)
    result.update({s: g.pop() for s, g in surnames.items() if len(g) == 1 and s not in result})
    return result
