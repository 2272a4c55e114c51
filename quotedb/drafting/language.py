"""Words and patterns the drafter reads an article with: speech verbs, titles, names, sentences."""

import bisect
import functools
import re


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
    "summed up|told CNN|wondered|wonders|went on to say|concluded|concludes|began|begins|opined|"
    "spoke|speaks|repeated|repeats|agreed|agrees|interjected|interrupted|muttered|murmured|sighed|laughed|answered|"
    "answers|objected|protested|begged|advised|bragged|confided|elaborated|clarified|confirmed|confirms|assured|reminded"
)
_VERB = rf"(?:{SPEECH_VERBS})"
TITLES = (
    "Mr|Mrs|Ms|Miss|Dr|Sen|Senator|Rep|Representative|Gov|Governor|Gen|General|Lt|Col|Sgt|Prof|"
    "Rev|President|Vice President|Secretary|Ambassador|Judge|Justice|Mayor|Chancellor|Prime Minister|"
    "Minister|Speaker|Leader|Chairman|Chairwoman|Commissioner|Director|Pope|King|Queen|Prince|Princess|"
    "Councillor|Councilor|Councilman|Councilwoman"
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
    "though", "although", "whereas", "unless", "until", "whether", "despite", "during", "amid", "like", "unlike",
}
PRONOUNS = {"he": "he", "she": "she", "they": "they", "him": "he", "her": "she"}
NOMINALS = (
    r"the (?:[a-z]+ )?(?:spokesman|spokeswoman|spokesperson|president|senator|candidate|nominee|"
    r"governor|minister|official|ambassador|envoy|general|lawmaker|congressman|congresswoman|"
    r"mayor|secretary|chairman|chairwoman|campaign|businessman|billionaire|former [a-z]+|"
    r"democrat|republican|leader|speaker|director|chief|commander|prime minister)"
)

ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "st", "jr", "sr",
                 "prof", "rev", "sgt", "capt", "maj", "adm", "u.s", "d.c", "no", "vs", "inc", "corp", "co"}


@functools.lru_cache(maxsize=16)
def _sentence_ends(text: str) -> tuple:
    """Offsets where sentences end: after . ! ? (and a closing mark) before a capital, and at line ends."""
    ends = [m.start() for m in re.finditer(r"\n", text)]
    for match in re.finditer(r"[.!?](?:''|[\"\u201d\u2019)])?(?=\s+[A-Z\"\u201c(])", text):
        word = text[max(0, match.start() - 12): match.start() + 1].split()[-1] if match.start() else ""
        word = word.lstrip("(\"\u201c").rstrip(".").lower()
        if text[match.start()] == "." and (word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        ends.append(match.end())
    return tuple(sorted(set(ends)))


def _sentence_bounds(text, start, end, ends=None):
    """The sentence around [start, end): from the sentence end before it to the next one after."""
    ends = ends if ends is not None else _sentence_ends(text)
    left = bisect.bisect_right(ends, start) - 1
    left = ends[left] if left >= 0 else 0
    right_index = bisect.bisect_right(ends, end)  # a quote ending "...?" does not end the sentence
    right = ends[right_index] if right_index < len(ends) else len(text)
    return left, right


_PASSIVE_VERBS = r"(?:described|characterized|characterised|called|labeled|labelled|dubbed|termed|branded)"
_PASSIVE = re.compile(rf"\b{_PASSIVE_VERBS}\s+(?:as\s+)?$")
