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
    "day", "week", "month", "year", "january", "february", "march", "april", "june", "july", "august",
    "september", "october", "november", "december", "institution", "authority", "board", "panel",
    "museum", "library", "prize", "award", "awards", "cup", "games", "olympics", "series", "summit",
    "plan", "bill", "law", "amendment", "treaty", "accord", "deal", "agreement", "poll", "survey",
    "index", "exchange", "market", "markets", "capital", "partners", "holdings", "group", "trust",
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
    person: Person
    subject: bool
    speaker: bool


def _masked(text: str) -> str:
    """The text with what stands inside quotation marks blanked out (names there are not mentions)."""
    return re.sub(r"\u201c[^\u201c\u201d\n]*\u201d|\"[^\"\n]*\"", lambda m: " " * len(m.group(0)), text)


def _organisation(words) -> bool:
    bare = {w.lower().strip(".,'’") for w in words}
    return bool(bare & ORGANISATION_WORDS) or " ".join(words).lower() in NOT_PEOPLE


def gender_word(word: str) -> Optional[str]:
    word = word.lower().strip(".,")
    return "he" if word in MALE_WORDS else "she" if word in FEMALE_WORDS else None


class People:
    """The people of one article and their mentions, in order."""

    def __init__(self, text: str):
        self.text = text
        self.masked = masked = _masked(text)
        self.ends = _sentence_ends(text)
        self.people: list[Person] = []
        by_surname: dict[str, list[Person]] = {}
        mentions = []
        for match in _FULL_NAME.finditer(masked):
            words = match.group(0).split()
            start = match.start()
            while words and (words[0].lower().strip(".") in _LEADING or re.search(r"['’]s$", words[0])):
                start = masked.index(words[1], start + len(words[0])) if len(words) > 1 else match.end()
                words = words[1:]
            titles = [w for w in words[:-1] if w.lower().strip(".") in _TITLE_SET]
            bare = [w for w in words if w.lower().strip(".") not in _TITLE_SET]
            if not bare or _organisation(bare) or (len(bare) < 2 and not titles):
                continue
            if len(bare) == 1 and not any(t.lower().strip(".") in _HONORIFICS or t[0].isupper() for t in titles):
                continue
            surname = bare[-1].strip(".,'’").lower()
            candidates = by_surname.get(surname, [])
            first = bare[0] if len(bare) > 1 else None
            person = None
            if first is None:  # "Mr. Obama": the latest person of that surname
                person = candidates[-1] if candidates else None
            else:
                person = next((p for p in reversed(candidates) if p.name.split()[0] == first), None)
                if person is None and candidates and all(len(p.name.split()) == 1 for p in candidates):
                    person = candidates[-1]
                    person.name = person.printed = " ".join(bare)
            if person is None:
                person = Person(" ".join(bare), surname)
                self.people.append(person)
                by_surname.setdefault(surname, []).append(person)
                gender = name_gender(bare[0]) if len(bare) > 1 else None
                if gender:
                    person.votes[gender] += 4
            if len(bare) >= len(person.name.split()) and (not person.printed or len(words) > len(person.printed.split())):
                person.printed = " ".join(w for w in words if w.lower().strip(".") not in _HONORIFICS)
            for title in titles:
                honorific = _HONORIFICS.get(title.lower().strip("."))
                if honorific:
                    person.votes[honorific] += 6
                person.titled = True
            mentions.append((start, match.end(), person))
        known = "|".join(sorted({re.escape(p.surname) for p in self.people}, key=len, reverse=True))
        if known:
            for match in re.finditer(rf"(?<![\w’'.])(?:{known})(?![\w’'])", masked, re.I):
                if not match.group(0)[0].isupper() or any(s <= match.start() < e for s, e, _ in mentions):
                    continue
                people = by_surname.get(match.group(0).lower(), [])
                latest = {id(m[2]): m[0] for m in sorted(mentions, key=lambda m: m[0]) if m[0] < match.start()}
                earlier = sorted((p for p in people if id(p) in latest), key=lambda p: latest[id(p)])
                person = (earlier or people)[-1] if people else None
                if person:
                    mentions.append((match.start(), match.end(), person))
        for match in re.finditer(r"(?:^|[.!?][\"\u201d’]?\s+|\n)(?P<who>[A-Z][a-z]+)\s+(?P<verb>[a-z]+)\b", masked):
            word = match.group("who")
            if word.lower() in _LEADING or word.lower() in by_surname or any(
                    s <= match.start("who") < e for s, e, _ in mentions):
                continue
            if name_gender(word) and (match.group("verb") not in _NOT_VERBS):  # "Melanie thought ..."
                person = next((p for p in self.people if p.name == word), None)
                if person is None:
                    person = Person(word, word.lower())
                    person.votes[name_gender(word)] += 4
                    self.people.append(person)
                    by_surname.setdefault(word.lower(), []).append(person)
                mentions.append((match.start("who"), match.end("who"), person))
        mentions.sort(key=lambda m: m[0])
        self.mentions = []
        for start, end, person in mentions:
            after = _VERB_AFTER.match(masked, end)
            verb = after.group("verb") if after else ""
            opening = bool(_SENTENCE_OPENING.search(masked[max(0, start - 40):start]))
            subject = opening or bool(verb and verb not in _NOT_VERBS)
            speaker = bool(verb and _SPEECH.match(verb)) or bool(_SAID_BEFORE.search(masked[max(0, start - 60):start]))
            person.spoke = person.spoke or speaker
            self.mentions.append(Mention(start, end, person, subject, speaker))
        self.starts = [m.start for m in self.mentions]
        self._vote_genders()

    def _vote_genders(self):
        """Role words next to a mention ("spokeswoman Ana Ruiz", "Ana Ruiz, his wife,") and the
        first he/she after a mention that opens a sentence, before anyone else is named."""
        masked = self.masked
        for index, mention in enumerate(self.mentions):
            before = re.findall(r"[\w']+", masked[max(0, mention.start - 30):mention.start])[-2:]
            apposition = re.match(r",([^,.;:\n]{1,60}),", masked[mention.end:])
            cues = before + (re.findall(r"[\w']+", apposition.group(1))[:5] if apposition else [])
            for word in cues:
                bare = word.lower()
                if bare not in PRONOUN_WORDS and gender_word(bare) and bare not in _HONORIFICS:
                    mention.person.votes[gender_word(bare)] += 2
            if not mention.subject:
                continue
            following = self.mentions[index + 1].start if index + 1 < len(self.mentions) else len(masked)
            sentence_end = self.ends[min(bisect.bisect_right(self.ends, mention.end), len(self.ends) - 1)] if self.ends else len(masked)
            limit = min(following, mention.end + 300, max(sentence_end, mention.end + 120))
            pronoun = re.compile(r"\b(he|she|his|her)\b", re.I).search(masked, mention.end + (apposition.end() if apposition else 0), limit)
            if pronoun:
                mention.person.pronouns[gender_word(pronoun.group(1))] += 1

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

    def salient(self, position: int, wanted: Optional[str] = None, speakers=(), window: int = 2500) -> Optional[str]:
        """The most salient person mentioned before `position` whose gender is `wanted` (a person
        whose gender the article does not show counts for half, and only one seen speaking or
        with a title)."""
        here = self._sentence(position)
        scores: dict[int, float] = {}
        people = {}
        spoken = {s for s in speakers if s}
        for mention in self.mentions[:bisect.bisect_left(self.starts, position)]:
            if mention.start < position - window:
                continue
            person = mention.person
            distance = here - self._sentence(mention.start)
            weight = 100 + 80 * mention.subject + 50 * mention.speaker
            scores[id(person)] = scores.get(id(person), 0) + weight * 0.5 ** min(distance, 12)
            people[id(person)] = person
        best, best_score = None, 0.0
        for key, score in scores.items():
            person = people[key]
            gender = person.gender
            if wanted and gender and gender != wanted:
                continue
            if gender is None or not wanted:
                if not (person.spoke or person.titled or person.name in spoken or len(person.name.split()) > 1):
                    continue
                if wanted and gender is None:
                    score *= 0.5
            if score > best_score:
                best, best_score = person, score
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
