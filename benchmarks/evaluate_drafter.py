"""Measure the drafter on PolNeAR's annotated dev articles (../shared/polnear-dev/).

    python benchmarks/evaluate_drafter.py [--corpus ../shared/polnear-dev] [--show-errors]

Gold direct quotes are the annotated Content spans that start with a quotation
mark (each piece of a split quote counted on its own); drafted direct quotes are
the drafter's `full` quotations. A drafted and a gold span match when they
overlap by at least half of the shorter one. Speaker accuracy is over matched
pairs: correct when the drafted speaker shares a name word with the annotated
Source or, where the Source is "he" or "the spokesman", with the name it refers to
(the last annotated Source before it that names someone).
Where an article has two annotators, the first (by file name) is used. Prints a
summary; the last line is JSON.
"""

import argparse
import csv
import datetime
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotedb.drafting import TITLES, draft_quotations  # noqa: E402

QUOTE_MARKS = "\"\u201c\u201d'\u2018"
TITLE_WORDS = {t.lower() for t in TITLES.split("|")}


@dataclass
class GoldQuote:
    start: int
    end: int
    source: tuple  # (start, end) or ()
    source_text: str
    referent: str = ""  # for "he" or "the spokesman": the last annotated source with a name


def read_annotations(path: Path, text: str) -> list[GoldQuote]:
    spans, events = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, *ranges = parts[1].replace(";", " ").split(" ")
            numbers = list(map(int, ranges))
            spans[parts[0]] = (label, list(zip(numbers[::2], numbers[1::2])))
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    named_sources = sorted(
        (ranges[0][0], " ".join(text[s:e] for s, e in ranges))
        for label, ranges in spans.values()
        if label == "Source" and ranges and _has_name(" ".join(text[s:e] for s, e in ranges))
    )
    quotes = []
    for event in events:
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
            if text[start:end].lstrip()[:1] in QUOTE_MARKS and text[start:end].lstrip()[:1] != "'":
                quotes.append(GoldQuote(start, end, source_span, source_text, referent))
    return quotes


def _has_name(source: str) -> bool:
    """A source that names someone: a capitalised word that is not only the sentence's first word."""
    words = source.split()
    return any(w[:1].isupper() for w in words[1:]) or (len(words) == 1 and words[0].lower() not in {"he", "she", "they", "it", "i", "we"} and words[0][:1].isupper())


def overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def name_words(name: str) -> set:
    words = {w.strip(".,'’\"").lower() for w in re.split(r"[\s\-]+", name or "")}
    return {w for w in words if len(w) > 1 and w not in TITLE_WORDS and w not in {"the", "of", "and", "mr", "mrs", "ms"}}


def evaluate(corpus: Path, show_errors=False):
    metadata = {row["filename"]: row for row in csv.DictReader(open(corpus / "metadata.tsv", encoding="utf-8"), delimiter="\t")}
    drafted_total = gold_total = drafted_matched = gold_matched = pairs = speakers_right = exact = 0
    for name in sorted(metadata):
        text_path = corpus / "text" / f"{name}.txt"
        annotations = sorted((corpus / "attributions").glob(f"{name}_*.ann"))
        if not text_path.exists() or not annotations:
            continue
        text = text_path.read_text(encoding="utf-8")
        published = datetime.date.fromisoformat(metadata[name]["publication_date"])
        gold = read_annotations(annotations[0], text)
        drafted = [q for q in draft_quotations(text, published) if q.kind == "full"]
        drafted_total += len(drafted)
        gold_total += len(gold)
        matched_gold = set()
        for quote in drafted:
            span = (quote.start, quote.end)
            candidates = [(overlap(span, (g.start, g.end)), i) for i, g in enumerate(gold)]
            candidates = [(o, i) for o, i in candidates if o >= 0.5 * min(span[1] - span[0], gold[i].end - gold[i].start)]
            if not candidates:
                if show_errors:
                    print(f"FP {name}: {text[quote.start:quote.end][:90]!r}")
                continue
            drafted_matched += 1
            _, index = max(candidates)
            matched_gold.add(index)
            g = gold[index]
            exact += text[quote.start:quote.end].strip(QUOTE_MARKS + " ,.") == text[g.start:g.end].strip(QUOTE_MARKS + " ,.\n")
            pairs += 1
            right = bool(name_words(quote.speaker) & (name_words(g.source_text) | name_words(g.referent)))
            speakers_right += right
            if show_errors and not right:
                print(f"SPEAKER {name}: drafted {quote.speaker!r}, annotated {g.source_text!r}: {text[quote.start:quote.end][:60]!r}")
        gold_matched += len(matched_gold)
        if show_errors:
            for i, g in enumerate(gold):
                if i not in matched_gold:
                    print(f"FN {name}: {text[g.start:g.end][:90]!r}")
    precision = drafted_matched / drafted_total if drafted_total else 0.0
    recall = gold_matched / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": len(metadata), "gold_direct_quotes": gold_total, "drafted_direct_quotes": drafted_total,
        "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
        "exact_span_share": round(exact / pairs, 3) if pairs else 0.0,
        "speaker_accuracy": round(speakers_right / pairs, 3) if pairs else 0.0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "polnear-dev")
    parser.add_argument("--show-errors", action="store_true", help="list misses, false alarms and wrong speakers")
    args = parser.parse_args()
    started = time.perf_counter()
    result = evaluate(args.corpus, args.show_errors)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(f"{result['articles']} articles, {result['gold_direct_quotes']} annotated direct quotes, "
          f"{result['drafted_direct_quotes']} drafted")
    print(f"quote spans: precision {result['precision']}, recall {result['recall']}, F1 {result['f1']}")
    print(f"speaker accuracy (matched quotes): {result['speaker_accuracy']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
