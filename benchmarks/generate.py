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


def zipf_weights(n, exponent=1.07):
    return list(itertools.accumulate(1 / (rank ** exponent) for rank in range(1, n + 1)))


def make_words(rng, count, low, high):
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(low, high))))
    return sorted(words)


def corpus(quotes, speakers=5000, venues=200, articles=20000, vocabulary=4000, seed=1):
    """Yield (speakers, [(article file name, article, quotes)]) as plain data."""
    rng = random.Random(seed)
    articles = max(1, min(articles, quotes))
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
    speaker_weights = zipf_weights(speakers)
    venue_weights = zipf_weights(venues)
    word_weights = zipf_weights(vocabulary)
    per_article, extra = divmod(quotes, articles)
    files = []
    for a in range(articles):
        published = f"{rng.randint(2000, 2026):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if published > "2026-10-31":
            published = "2026-10-31"
        article = {
            "title": " ".join(rng.choices(vocab, cum_weights=word_weights, k=8)).capitalize(),
            "outlet": outlets[a % len(outlets)],
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
                "role": rng.choice(["minister", "spokesperson", "senator", "chief executive", None]),
                "said": said,
                "venue": rng.choices(venue_names, cum_weights=venue_weights)[0] if rng.random() < 0.7 else None,
                "kind": rng.choice(KINDS),
                "text": f"{' '.join(words).capitalize()} {a}-{q}.",
            }
            if rng.random() < 0.1:
                quote["spelled_as"] = speaker["aliases"][0]
            records.append({k: v for k, v in quote.items() if v is not None})
        files.append((f"{published[:4]}/{published}-{a:06d}.yml", article, records))
    return people, files


def write_corpus(output: Path, quotes: int, format="jsonl", **options):
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
    if format == "jsonl":
        with open(output / "articles.jsonl", "w", encoding="utf-8") as handle:
            for name, article, records in files:
                line = {"id": Path(name).stem, "article": article, "quotes": records}
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return sum(len(r) for _, _, r in files)
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
    return sum(len(r) for _, _, r in files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["jsonl", "yaml"], default="jsonl",
                        help="one JSON lines file (default) or a YAML file per article")
    args = parser.parse_args()
    output = args.output or Path(__file__).parent / "data" / f"quotes-{args.quotes}"
    count = write_corpus(output, args.quotes, format=args.format, seed=args.seed)
    print(f"wrote {count} quotes to {output}")


if __name__ == "__main__":
    main()
