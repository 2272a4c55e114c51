"""The searches of one class, each timed through the site, slowest first: what sets a
class's p95 in bench.py.

    python benchmarks/each_search.py benchmarks/data/bench-10000000-reports-1.3/quotes.db phrase

Serves the database as `./run serve` does, picks the class's searches as bench.py does
(`search_terms`, seed 7, 41 a class), asks for each first page once, in turn, as JSON,
and prints the class's p95 and p50, then every search with its milliseconds. How much of
the file the page cache holds moves the figures: read it first (`cat quotes.db >
/dev/null`) for the warm ones.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import Server, percentile, search_path, search_terms  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("classes", nargs="*", default=["phrase"], help="default: phrase")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-class", type=int, default=250 // 6)
    args = parser.parse_args()
    terms = search_terms(args.database, random.Random(args.seed), per_class=args.per_class)
    server = Server(args.database)
    try:
        for kind in args.classes:
            timed = []
            for term in terms[kind]:
                start = time.perf_counter()
                status, _ = server.get(search_path(term))
                timed.append(((time.perf_counter() - start) * 1000, term))
                if status != 200:
                    raise SystemExit(f"{term}: status {status}")
            timed.sort(reverse=True)
            milliseconds = [ms for ms, _ in timed]
            print(f"{kind}: p95 {percentile(milliseconds, 0.95):.0f} ms, p50 {statistics.median(milliseconds):.0f} ms")
            for ms, term in timed:
                print(f"  {ms:7.0f}  {term}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
