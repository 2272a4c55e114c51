"""Generate a realistic synthetic corpus of quote records for benchmarks.

    python benchmarks/generate.py --quotes 1000000 --output benchmarks/data/quotes-1000000

Writes `speakers.yml` and the articles, as one JSON lines file (the default) or
as one YAML record file per article like quotes/: about 5,000 speakers with Zipf-like frequency, 200 venues, 20,000
articles, dates from 2000 to 2026 with mixed precision, and quote texts of 30-60
words drawn from a Zipf vocabulary of a few thousand words. The same arguments
always give the same files.
"""

import argparse
import itertools
import json
import random
import shutil
from pathlib import Path

SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
KINDS = ["full"] * 6 + ["partial"] * 2 + ["paraphrase"] * 2
# Quotes average about 1.3 reports each (issue 11): the build merges them into appearances.
DEFAULT_REPORTS = 1.3


def zipf_weights(n, exponent=1.07):
    return list(itertools.accumulate(1 / (rank ** exponent) for rank in range(1, n + 1)))


def make_words(rng, count, low, high):
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(low, high))))
    return sorted(words)


def default_articles(quotes):
    """20,000 articles up to a million quotes (50 quotes each at a million), then 50 quotes an article."""
    return max(20000, quotes // 50)


def corpus(quotes, speakers=5000, venues=200, articles=None, vocabulary=4000, seed=1, reports=1.0):
    """(speakers, articles): the speakers as a list, the articles as an iterator of
    (article file name, article, quotes) made one at a time, so that no corpus is ever
    held in memory.

    `quotes` distinct quotes are made. With `reports` above 1.0 some of them are also
    reported, same speaker, same words, same date and venue, by a second or third
    article of another outlet published on or after the first (the role and the
    spelling of the name as that source gives them); `reports` is the average number
    of reports per quote. Repeats are drawn from their own random stream, so the
    first reports are the same whatever `reports` is."""
    rng = random.Random(seed)
    articles = max(1, min(articles or default_articles(quotes), quotes))
    names = make_words(rng, speakers * 2, 2, 4)
    rng.shuffle(names)
    people = [
        {
            "id": f"speaker-{n:05d}",
            "name": f"{names[2 * n].title()} {names[2 * n + 1].title()}",
            "kind": "person" if n % 10 else "organisation",
            "aliases": [names[2 * n + 1].title(), f"{names[2 * n][0].upper()}. {names[2 * n + 1].title()}"],
        }
        for n in range(speakers)
    ]
    venue_names = [f"{w.title()} {kind}" for w, kind in zip(make_words(rng, venues, 2, 3), itertools.cycle(["Summit", "TV", "Council", "Radio", "Forum"]))]
    outlets = [f"The {w.title()} {kind}" for w, kind in zip(make_words(rng, 50, 2, 3), itertools.cycle(["Times", "Post", "Herald", "Wire", "News"]))]
    vocab = make_words(rng, vocabulary, 1, 4)
    return people, _articles(rng, quotes, articles, people, names, venue_names, outlets, vocab, seed, reports)


ROLES = ["minister", "spokesperson", "senator", "chief executive", None]
REPEAT_WINDOW = 5000  # articles a repeat may wait for a later one of another outlet (almost never reached)


def _articles(rng, quotes, articles, people, names, venue_names, outlets, vocab, seed, reports):
    speaker_weights = zipf_weights(len(people))
    venue_weights = zipf_weights(len(venue_names))
    word_weights = zipf_weights(len(vocab))
    per_article, extra = divmod(quotes, articles)
    # Each quote gets k further reports with probability (1 - p) p^k: on average p / (1 - p) = reports - 1.
    again = (reports - 1) / reports if reports > 1 else 0.0
    repeats = random.Random(f"{seed}-reports")
    pending = []  # [article index, published, outlets that reported it, quote, further reports wanted]
    for a in range(articles):
        published = f"{rng.randint(2000, 2026):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if published > "2026-10-31":
            published = "2026-10-31"
        outlet = outlets[a % len(outlets)]
        article = {
            "title": " ".join(rng.choices(vocab, cum_weights=word_weights, k=8)).capitalize(),
            "outlet": outlet,
            "author": f"{rng.choice(names).title()} {rng.choice(names).title()}",
            "published": published,
            "url": f"https://news.example/{published[:4]}/{a:06d}",
        }
        records = []
        for q in range(per_article + (a < extra)):
            speaker = rng.choices(people, cum_weights=speaker_weights)[0]
            precision = rng.random()
            if precision < 0.6:
                said = published
            elif precision < 0.8:
                said = published[:7]
            elif precision < 0.9:
                said = published[:4]
            else:
                said = None
            words = rng.choices(vocab, cum_weights=word_weights, k=rng.randint(30, 60))
            quote = {
                "speaker": speaker["id"],
                "role": rng.choice(ROLES),
                "said": said,
                "venue": rng.choices(venue_names, cum_weights=venue_weights)[0] if rng.random() < 0.7 else None,
                "kind": rng.choice(KINDS),
                "text": f"{' '.join(words).capitalize()} {a}-{q}.",
            }
            if rng.random() < 0.1:
                quote["spelled_as"] = speaker["aliases"][0]
            record = {k: v for k, v in quote.items() if v is not None}
            records.append(record)
            wanted = 0
            while again and repeats.random() < again:
                wanted += 1
            if wanted:
                pending.append([a, published, {outlet}, record, wanted])
        # Earlier quotes this article may report again: published on or after the first report,
        # by an outlet that has not reported them yet.
        waiting = []
        for item in pending:
            first, first_published, seen, record, wanted = item
            if first < a and first_published <= published and outlet not in seen:
                speaker = people[int(record["speaker"].split("-")[1])]
                report = {"speaker": record["speaker"], "role": repeats.choice(ROLES)}
                report |= {k: record[k] for k in ("said", "venue", "kind", "text") if k in record}
                if repeats.random() < 0.1:
                    report["spelled_as"] = speaker["aliases"][repeats.randrange(2)]
                records.append({k: v for k, v in report.items() if v is not None})
                seen.add(outlet)
                item[4] -= 1
                if item[4]:
                    waiting.append(item)
            elif a - first < REPEAT_WINDOW:
                waiting.append(item)
        pending = waiting
        yield f"{published[:4]}/{published}-{a:06d}.yml", article, records


def write_corpus(output: Path, quotes: int, format="jsonl", **options) -> tuple[int, int]:
    """Write the corpus under `output`, one article at a time; return (quotes, reports)."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    people, files = corpus(quotes, **options)
    dump = lambda value: json.dumps(value, ensure_ascii=False)  # JSON strings are YAML strings
    with open(output / "speakers.yml", "w", encoding="utf-8") as handle:
        handle.write("speakers:\n")
        for p in people:
            handle.write(f"  - id: {p['id']}\n    name: {dump(p['name'])}\n    kind: {p['kind']}\n"
                         f"    aliases: {dump(p['aliases'])}\n")
    total = 0
    if format == "jsonl":
        with open(output / "articles.jsonl", "w", encoding="utf-8") as handle:
            for name, article, records in files:
                line = {"id": Path(name).stem, "article": article, "quotes": records}
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
                total += len(records)
        return quotes, total
    for name, article, records in files:
        path = output / name
        path.parent.mkdir(exist_ok=True)
        lines = ["article:"] + [f"  {k}: {dump(v) if k != 'published' else v}" for k, v in article.items()]
        lines.append("quotes:")
        for record in records:
            first = True
            for key, value in record.items():
                lines.append(f"  {'- ' if first else '  '}{key}: {dump(value) if key != 'said' else value}")
                first = False
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        total += len(records)
    return quotes, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["jsonl", "yaml"], default="jsonl",
                        help="one JSON lines file (default) or a YAML file per article")
    parser.add_argument("--reports", type=float, default=DEFAULT_REPORTS,
                        help="average reports per quote: above 1.0, some quotes are reported again, same speaker "
                             "and words, by a later article of another outlet (default %(default)s)")
    args = parser.parse_args()
    output = args.output or Path(__file__).parent / "data" / f"quotes-{args.quotes}"
    quotes, reports = write_corpus(output, args.quotes, format=args.format, seed=args.seed, reports=args.reports)
    print(f"wrote {quotes} quotes in {reports} reports ({reports / quotes:.3f} each) to {output}")


if __name__ == "__main__":
    main()
