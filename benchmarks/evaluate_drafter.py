"""Measure the drafter on PolNeAR's annotated dev articles (../shared/polnear-dev/).

    python benchmarks/evaluate_drafter.py [--corpus ../shared/polnear-dev] [--show-errors]

Gold direct quotes are the annotated Content spans that start with a quotation
mark (each piece of a split quote counted on its own); drafted direct quotes are
the drafter's `full` quotations. A drafted and a gold span match when they
overlap by at least half of the shorter one.

Speaker accuracy is over matched pairs, in honest parts:
- named: the annotated Source names someone ("Sen. Tim Kaine", "Clinton"); right
  only when the drafted speaker is that person (its surname is in the Source and,
  when both give a first name, the first names agree), or is the Source word for
  word ("Police officials", "the IMF": groups a capitalised word makes "named").
- described: the Source is a pronoun or description ("he", "the spokesman");
  right when the drafted speaker is the person it refers to, labelled by hand
  once for the dev split (--labels, default benchmarks/polnear_dev_speakers.tsv;
  article, event id and name, no text). Sources the article never names ("-")
  and sources with no label are counted but not scored.
A drafted pronoun or description ("he", "the company") is never right.
`speaker_accuracy` is the old, kinder figure kept for comparison: right when the
drafted speaker shares any word with the Source or, for a pronoun, with the last
annotated Source before it that names someone (the drafter's own guess).
Each figure comes with a 95% interval from resampling the articles (bootstrap,
2,000 draws, fixed seed), so a change of a point can be told from noise.

Reported speech is measured the same way on the annotated Content spans that do not
start with a quotation mark (nor NYT's '' marks) against the drafter's `paraphrase`
records (`paraphrase_*` figures); its pronoun and description sources have no hand
labels, so only its named sources are scored.

Where an article has two annotators, the first (by file name) is used. Prints a
summary; the last line is JSON.
"""

import argparse
import csv
import datetime
import json
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotedb.drafting import TITLES, draft_quotations, draft_reported  # noqa: E402

QUOTE_MARKS = "\"\u201c\u201d'\u2018"
TITLE_WORDS = {t.lower() for t in TITLES.split("|")}
LABELS = ROOT / "benchmarks" / "polnear_dev_speakers.tsv"
NOT_NAME_WORDS = {"he", "she", "they", "it", "i", "we", "you", "the", "a", "an", "his", "her", "their", "my",
                  "our", "its", "which", "who", "that", "this", "said", "one"}
LINK_WORDS = {"de", "da", "van", "von", "der", "bin", "al", "la", "le", "of", "the", "and", "ki-moon"}
DRAWS = 2000


@dataclass
class GoldQuote:
    start: int
    end: int
    source: tuple  # (start, end) or ()
    source_text: str
    referent: str = ""  # for "he" or "the spokesman": the last annotated source with a name (old figure)
    event: str = ""  # the annotation's event id ("E12")
    direct: bool = True  # the span starts with a quotation mark


def read_annotations(path: Path, text: str, paraphrases=False) -> list[GoldQuote]:
    """The annotated Content spans that start with a quotation mark (with `paraphrases`: those
    that do not), one per piece, with their Source."""
    spans, events = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, *ranges = parts[1].replace(";", " ").split(" ")
            numbers = list(map(int, ranges))
            spans[parts[0]] = (label, list(zip(numbers[::2], numbers[1::2])))
        elif line.startswith("E") and len(parts) >= 2:
            events.append((parts[0], dict(arg.split(":", 1) for arg in parts[1].split())))
    named_sources = sorted(
        (ranges[0][0], " ".join(text[s:e] for s, e in ranges))
        for label, ranges in spans.values()
        if label == "Source" and ranges and _has_name(" ".join(text[s:e] for s, e in ranges))
    )
    quotes = []
    for event_id, event in events:
        content = spans.get(event.get("Content"))
        if not content:
            continue
        source = spans.get(event.get("Source"), (None, []))[1]
        source_span = (source[0][0], source[-1][1]) if source else ()
        source_text = " ".join(text[s:e] for s, e in source)
        referent = ""
        if source_span and not _has_name(source_text):
            earlier = [name for start, name in named_sources if start < source_span[0]]
            referent = earlier[-1] if earlier else ""
        for start, end in content[1]:
            first = text[start:end].lstrip()[:1]
            direct = first in QUOTE_MARKS and first != "'"
            wanted = first not in QUOTE_MARKS if paraphrases else direct  # ''NYT quotes'' are neither
            if wanted and text[start:end].strip():
                quotes.append(GoldQuote(start, end, source_span, source_text, referent, event_id, direct))
    return quotes


def _has_name(source: str) -> bool:
    """The old test of a source naming someone: a capitalised word that is not only the first word."""
    words = source.split()
    return any(w[:1].isupper() for w in words[1:]) or (len(words) == 1 and words[0].lower() not in {"he", "she", "they", "it", "i", "we"} and words[0][:1].isupper())


def names_someone(source: str) -> bool:
    """The Source names someone: one of its parts (split at commas and brackets) holds a capitalised
    word that is not a title, pronoun, determiner or possessive, and does not open with a determiner.
    "He", "The letter", "said", "Obama's former campaign strategist" and "a narrator in the Clinton
    ad" do not; "Flynn, a top Trump surrogate,", "The New York Times" and "Scott's niece, state Del.
    Marcia Price" do."""
    for part in re.split(r"[,;()]", source or ""):
        words = part.split()
        if not words:
            continue
        if words[0].lower() in {"a", "an", "the", "his", "her", "their", "its", "one", "my", "our"}:
            if all(word[:1].isupper() for word in words[1:]):  # "The New York Times", "the IMF"
                return len(words) > 1
            continue
        if any(not re.search(r"['’]s$", word) for word in words if person_words(word)):
            return True
    return False


def person_words(name: str) -> list:
    """The capitalised words of a name, without titles, pronouns and determiners, in order."""
    words = []
    parts = re.split(r"[\s,;()]+", name or "")
    for index, word in enumerate(parts):
        bare = re.sub(r"['’]s$", "", word.strip(".,'’\"“”:")).lower()
        surname = (len(parts) == 2 and index == 1 and parts[0][:1].isupper()  # "Charlie King": a surname, not a title
                   and parts[0].strip(".").lower() not in TITLE_WORDS | NOT_NAME_WORDS)
        if word[:1].isupper() and bare and (bare not in TITLE_WORDS or surname) and bare not in NOT_NAME_WORDS:
            words.append(bare)
    if not words and (name or "").split() and name.split()[-1][:1].isupper():  # "Mr. King"
        last = name.split()[-1].strip(".,'’\"“”:").lower()
        words = [last] if last not in NOT_NAME_WORDS else []
    return words


def is_name(speaker) -> bool:
    """A drafted speaker that is a name: every word capitalised but linking words ("Bill de Blasio");
    "he", "the company" and "Trump's campaign manager" are not."""
    words = (speaker or "").split()
    return bool(words) and words[0].lower() not in NOT_NAME_WORDS and all(
        w[:1].isupper() or w.lower() in LINK_WORDS or not w[:1].isalpha() for w in words)


def same_person(drafted, reference: str) -> bool:
    """The drafted name is the reference's person: its surname is among the reference's name words
    and, when the drafted name gives a first name, the name word before that surname in the
    reference (initials skipped) is none or the same ("Bill Clinton" is not "Hillary Clinton")."""
    if not is_name(drafted):
        return False
    mine = person_words(drafted)
    for alternative in reference.split("|"):
        theirs = person_words(alternative)
        if not mine or not theirs:
            continue
        if len(theirs) == 1 and len(mine) > 1:  # a label giving one name, first or last
            if theirs[0] in mine:
                return True
            continue
        if mine[-1] not in theirs:
            continue
        before = [w for w in theirs[:theirs.index(mine[-1])] if len(w.strip(".")) > 1]
        if len(mine) == 1 or not before or before[-1] == mine[0] or before[-1] in mine[:-1]:
            return True
    return False


def same_words(drafted, source: str) -> bool:
    """The drafted speaker is the annotated Source word for word (but a leading determiner and the
    case), or the part of it before its first comma (an aside): "Police officials" for "Police
    officials", "the IMF" for "The IMF", "Younger black voters" for "Younger black voters, in
    particular,". A group the Source names this way can be right though it is no person's name
    (same_person asks for one)."""
    def words(name):
        found = re.findall(r"[\w'’.\-]+", (name or "").lower())
        return found[1:] if found[:1] in (["the"], ["a"], ["an"]) else found
    head = (source or "").split(",")[0]  # "Younger black voters, in particular," names "Younger black voters"
    return bool(words(drafted)) and words(drafted) in (words(source), words(head))


def overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def name_words(name: str) -> set:
    words = {w.strip(".,'’\"").lower() for w in re.split(r"[\s\-]+", name or "")}
    return {w for w in words if len(w) > 1 and w not in TITLE_WORDS and w not in {"the", "of", "and", "mr", "mrs", "ms"}}


def read_labels(path: Path) -> dict:
    labels = {}
    if path and path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                article, event, name = line.split("\t")
                labels[(article, event)] = name.strip()
    return labels


def match(drafted, gold):
    """Pairs (drafted index, gold index): each drafted span with the gold span it overlaps most, when
    they overlap by half of the shorter."""
    pairs = []
    for d, (start, end) in enumerate(drafted):
        candidates = [(overlap((start, end), (g.start, g.end)), i) for i, g in enumerate(gold)]
        candidates = [(o, i) for o, i in candidates if o >= 0.5 * min(end - start, gold[i].end - gold[i].start)]
        if candidates:
            pairs.append((d, max(candidates)[1]))
    return pairs


COUNTS = ("drafted", "gold", "drafted_matched", "gold_matched", "pairs", "exact", "old_right",
          "named", "named_right", "described", "described_right", "unscored")


def score(name, text, drafted, gold, labels, show_errors=False, what="quote"):
    """Counts for one article: spans matched, and speakers right in each part."""
    counts = dict.fromkeys(COUNTS, 0)
    counts["drafted"], counts["gold"] = len(drafted), len(gold)
    pairs = match([(q.start, q.end) for q in drafted], gold)
    matched = {d for d, _ in pairs}
    counts["drafted_matched"], counts["gold_matched"] = len(matched), len({g for _, g in pairs})
    for d, g in pairs:
        quote, gq = drafted[d], gold[g]
        counts["pairs"] += 1
        counts["exact"] += text[quote.start:quote.end].strip(QUOTE_MARKS + " ,.") == text[gq.start:gq.end].strip(QUOTE_MARKS + " ,.\n")
        counts["old_right"] += bool(name_words(quote.speaker) & (name_words(gq.source_text) | name_words(gq.referent)))
        if names_someone(gq.source_text):
            part, reference = "named", gq.source_text
        else:
            part, reference = "described", labels.get((name, gq.event), "-")
            if reference == "-":
                counts["unscored"] += 1
                continue
        right = same_person(quote.speaker, reference) or (part == "named" and same_words(quote.speaker, reference))
        counts[part] += 1
        counts[part + "_right"] += right
        if show_errors and not right:
            print(f"SPEAKER {name}: {what} drafted {quote.speaker!r}, annotated {gq.source_text!r}"
                  + (f" ({reference})" if part == "described" else "") + f": {text[quote.start:quote.end][:60]!r}")
    if show_errors:
        for d, quote in enumerate(drafted):
            if d not in matched:
                print(f"FP {name}: {what} {text[quote.start:quote.end][:90]!r}")
        found = {g for _, g in pairs}
        for i, gq in enumerate(gold):
            if i not in found:
                print(f"FN {name}: {what} {text[gq.start:gq.end][:90]!r}")
    return counts


def figures(articles: list) -> dict:
    """The figures from per-article counts."""
    total = {key: sum(a[key] for a in articles) for key in COUNTS}
    precision = total["drafted_matched"] / total["drafted"] if total["drafted"] else 0.0
    recall = total["gold_matched"] / total["gold"] if total["gold"] else 0.0
    share = lambda part, whole: total[part] / total[whole] if total[whole] else 0.0  # noqa: E731
    return {
        "precision": precision, "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "exact_span_share": share("exact", "pairs"),
        "speaker_accuracy": share("old_right", "pairs"),
        "speaker_accuracy_named": share("named_right", "named"),
        "speaker_accuracy_described": share("described_right", "described"),
        "speaker_accuracy_honest": (total["named_right"] + total["described_right"]) / (total["named"] + total["described"])
        if total["named"] + total["described"] else 0.0,
    }


def intervals(articles: list, draws=DRAWS) -> dict:
    """95% bootstrap intervals of each figure, resampling whole articles."""
    rng = random.Random(13)
    samples = {}
    for _ in range(draws):
        drawn = [articles[rng.randrange(len(articles))] for _ in articles]
        for key, value in figures(drawn).items():
            samples.setdefault(key, []).append(value)
    return {key: [round(sorted(values)[int(0.025 * draws)], 3), round(sorted(values)[int(0.975 * draws) - 1], 3)]
            for key, values in samples.items()}


def summary(articles: list, prefix="") -> dict:
    total = {key: sum(a[key] for a in articles) for key in COUNTS}
    result = {prefix + key: round(value, 3) for key, value in figures(articles).items()}
    result[prefix + "counts"] = {key: total[key] for key in ("gold", "drafted", "pairs", "named", "described", "unscored")}
    result[prefix + "intervals"] = {prefix + k: v for k, v in intervals(articles).items()} if articles else {}
    return result


def evaluate(corpus: Path, show_errors=False, labels_path: Path = LABELS):
    metadata = {row["filename"]: row for row in csv.DictReader(open(corpus / "metadata.tsv", encoding="utf-8"), delimiter="\t")}
    labels = read_labels(labels_path)
    quotes, paraphrases = [], []
    for name in sorted(metadata):
        text_path = corpus / "text" / f"{name}.txt"
        annotations = sorted((corpus / "attributions").glob(f"{name}_*.ann"))
        if not text_path.exists() or not annotations:
            continue
        text = text_path.read_text(encoding="utf-8")
        published = datetime.date.fromisoformat(metadata[name]["publication_date"])
        drafts = draft_quotations(text, published)
        drafted = [q for q in drafts if q.kind == "full"]
        quotes.append(score(name, text, drafted, read_annotations(annotations[0], text), labels, show_errors))
        reported = draft_reported(text, drafts)
        gold_reported = read_annotations(annotations[0], text, paraphrases=True)
        paraphrases.append(score(name, text, reported, gold_reported, labels, show_errors, what="paraphrase"))
    result = {"articles": len(metadata), **summary(quotes), **summary(paraphrases, prefix="paraphrase_")}
    result["gold_direct_quotes"] = result["counts"]["gold"]
    result["drafted_direct_quotes"] = result["counts"]["drafted"]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "polnear-dev")
    parser.add_argument("--labels", type=Path, default=LABELS, help="hand labels of pronoun and description sources")
    parser.add_argument("--show-errors", action="store_true", help="list misses, false alarms and wrong speakers")
    args = parser.parse_args()
    started = time.perf_counter()
    result = evaluate(args.corpus, args.show_errors, args.labels)
    result["seconds"] = round(time.perf_counter() - started, 1)
    ci = result["intervals"]
    counts = result["counts"]

    ci.update(result["paraphrase_intervals"])

    def line(key):
        return f"{result[key]} [{ci[key][0]}, {ci[key][1]}]"

    print(f"{result['articles']} articles, {result['gold_direct_quotes']} annotated direct quotes, "
          f"{result['drafted_direct_quotes']} drafted, {counts['pairs']} matched (95% intervals over articles)")
    print(f"quote spans: precision {line('precision')}, recall {line('recall')}, F1 {line('f1')}")
    print(f"speaker accuracy, source named ({counts['named']}): {line('speaker_accuracy_named')}")
    print(f"speaker accuracy, source a pronoun or description, against hand labels ({counts['described']}; "
          f"{counts['unscored']} never named, not scored): {line('speaker_accuracy_described')}")
    print(f"speaker accuracy, both: {line('speaker_accuracy_honest')}")
    print(f"speaker accuracy, old measure (shares a word; pronouns guessed): {line('speaker_accuracy')}")
    pc = result["paraphrase_counts"]
    print(f"reported speech: {pc['gold']} annotated, {pc['drafted']} drafted, {pc['pairs']} matched; precision "
          f"{line('paraphrase_precision')}, recall {line('paraphrase_recall')}, F1 {line('paraphrase_f1')}; "
          f"speaker accuracy, source named ({pc['named']}): {line('paraphrase_speaker_accuracy_named')}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
