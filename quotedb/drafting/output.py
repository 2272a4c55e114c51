"""The draft record file: known speakers looked up, gaps and doubts marked in comments."""

import re
import unicodedata

from .speakers import _split_role, _surname

def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\b(mr|mrs|ms|dr|sen|rep|gov|gen|president|senator|general)\b\.?", " ", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unknown"


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().replace("’", "'").split())


class Registry:
    """Looks drafted names up among the known speakers: full name, alias, then a unique surname."""

    def __init__(self, speakers):
        self.by_name, by_surname = {}, {}
        for speaker in speakers:
            for name in speaker.names:
                self.by_name.setdefault(_key(name), speaker)
                by_surname.setdefault(_surname(name), set()).add(speaker.id)
        self.by_surname = {k: v.pop() for k, v in by_surname.items() if len(v) == 1}
        self.by_id = {speaker.id: speaker for speaker in speakers}

    def find(self, name: str):
        for candidate in (name, _split_role(name)[0]):
            if _key(candidate) in self.by_name:
                return self.by_name[_key(candidate)]
        speaker = self.by_id.get(self.by_surname.get(_surname(name)))
        given = _given(name)
        givens = {_given(known) for known in speaker.names} - {None} if speaker else set()
        if given and givens and given not in givens:
            return None  # "Helen Marsh" is not the registered "Helena Marsh"
        return speaker


def _given(name: str):
    """The given name of a full name ("Helen" of "Mayor Helen Marsh"), or None for a surname alone."""
    words = _split_role(name)[0].split()
    words = [w for w in words if w.strip(".").lower() not in {"mr", "mrs", "ms", "dr", "miss"} and w[:1].isupper()]
    return _key(words[0]) if len(words) > 1 else None


def _yaml(value) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def draft_record(text, published, outlet, speakers=(), title=None, author=None, url=None) -> str:
    """A draft record file for `text`, ready for review, with gaps and doubts marked in comments."""
    registry = Registry(speakers)
    from . import draft_quotations
    from .reported import draft_reported

    quotations = draft_quotations(text, published)
    title = title or next((line.strip("# *").strip() for line in text.splitlines() if line.strip()), "FILL-ME")
    attributed = [q for q in quotations if q.speaker or q.kind == "full"]
    attributed = sorted(attributed + draft_reported(text, quotations), key=lambda q: q.start)
    unattributed = [q for q in quotations if not (q.speaker or q.kind == "full")]
    new_speakers, seen, lines = {}, set(), []
    lines += [
        "# yaml-language-server: $schema=../../schema/article.schema.json",
        "# DRAFT made by `python -m quotedb draft`: review every quote against the article.",
        "# Look first at the lowest confidence. FILL-ME marks a gap the build refuses until filled.",
        "article:",
        f"  title: {_yaml(title)}",
        f"  outlet: {_yaml(outlet)}",
        f"  author: {_yaml(author)}" if author else "  # author: FILL-ME or delete",
        f"  published: {published.isoformat()}",
        f"  url: {_yaml(url)}" if url else "  # url: FILL-ME when known",
        "  language: en  # the drafter reads English; where a speaker spoke another language, add translated_from",
        "quotes:",
    ]
    for quote in attributed:
        speaker = registry.find(quote.speaker) if quote.speaker else None
        if speaker:
            speaker_id, comment = speaker.id, ""
        elif quote.speaker and quote.confidence >= 0.6 and quote.speaker[0].isupper():
            speaker_id = slugify(quote.speaker)
            new_speakers.setdefault(speaker_id, quote.speaker)
            comment = "  # NEW: add to speakers.yml (see the end of this file)"
        else:
            speaker_id = "FILL-ME"
            comment = f"  # who? the draft found {_yaml(quote.speaker)}" if quote.speaker else "  # who?"
        key = (speaker_id, quote.text)
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"  # confidence {quote.confidence:.1f}" + ("".join(f"; {c}" for c in quote.comments)))
        lines.append(f"  - speaker: {speaker_id}{comment}")
        known_names = {_key(n) for n in (speaker.names if speaker else [quote.speaker or ""])}
        if quote.spelled_as and speaker_id != "FILL-ME" and _key(quote.spelled_as) != _key(speaker.name if speaker else quote.speaker or ""):
            note = "" if _key(quote.spelled_as) in known_names else "  # add to the speaker's aliases"
            lines.append(f"    spelled_as: {_yaml(quote.spelled_as)}{note}")
        if quote.role:
            lines.append(f"    role: {_yaml(quote.role)}")
        if quote.said:
            lines.append(f"    said: {quote.said}")
            lines.append(f"    said_wording: {_yaml(quote.said_wording)}")
        if quote.venue:
            lines.append(f"    venue: {_yaml(quote.venue)}")
        lines.append(f"    kind: {quote.kind}")
        lines.append(f"    text: {_yaml(quote.text)}")
    if not attributed:
        lines[-1] = "quotes: []  # FILL-ME: no attributed quotation found; add the quotes, or keep no file"
    if new_speakers:
        lines += ["", "# New speakers to add to quotes/speakers.yml (check names; add aliases and a description):"]
        for speaker_id, name in sorted(new_speakers.items()):
            lines += [f"#  - id: {speaker_id}", f"#    name: {_yaml(name)}", "#    kind: person  # or organisation / group"]
    if unattributed:
        lines += ["", "# In quotation marks but with no speaker found (scare quotes?); add any that are quotes:"]
        lines += [f"#   {_yaml(q.text)}" for q in unattributed]
    return "\n".join(lines) + "\n"
