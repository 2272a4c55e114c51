"""Hostile requests against the site as it is served, timed, with the server's memory.

    python benchmarks/attack.py --database benchmarks/data/bench-1000000/quotes.db

Each request is one that once ran far past the time limit or grew the server by
gigabytes (issue 12). Prints, for each, the status, the seconds it took and the
server's memory after it: all its processes summed (PSS, shared pages split between
them) and the largest one alone (RSS); the last line is JSON. Targets: every answer
within 3 s, the server under 300 MB.
"""

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import quote as urlquote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import Server, _process_tree, _pss_kb  # noqa: E402

ATTACKS = [
    "/quotes.json?sql=" + urlquote("select count(*) from quotes where randomblob(200000000) is not null"),
    "/quotes/quotes.json?_where=" + urlquote("randomblob(900000000) is not null"),
    "/quotes.json?sql=" + urlquote("select length(hex(zeroblob(499000000)))"),
    "/quotes.json?sql=" + urlquote("select length(group_concat(text)) from quotes"),
    "/quotes.json?sql=" + urlquote("select count(*) from quotes a, quotes b"),
    "/quotes.json?sql=" + urlquote("with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"),
    "/quotes.json?sql=" + urlquote("select text from quotes order by text desc limit 1"),
    "/quotes.json?sql=" + urlquote("select fts_query(printf('%.*c', 400000, 'a'))"),
    "/quotes/quotes.json?" + "&".join(["_facet=speaker_id"] * 200),
    "/quotes/quotes.json?_facet=text&_facet=notes&_facet=role&_facet=said_wording&_facet=spelled_as",
    "/quotes/quotes.json?_search=" + urlquote(" ".join(["a*"] * 200)),
]


def rss_mb(pid) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:")) / 1024
    except OSError:
        return 0.0


def memory_mb(server) -> tuple[float, float]:
    """The server's processes' PSS summed, and the largest RSS of one of them, in MB."""
    pids = _process_tree(server.process.pid)
    return sum(_pss_kb(pid) for pid in pids) / 1024, max(rss_mb(pid) for pid in pids)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True)
    args = parser.parse_args()
    server = Server(args.database)
    results = []
    try:
        start_mb, _ = memory_mb(server)
        for path in ATTACKS:
            start = time.perf_counter()
            try:
                status, _ = server.get(path)
            except OSError as error:
                status = f"no answer ({error})"
            seconds = round(time.perf_counter() - start, 2)
            total_mb, largest_mb = memory_mb(server)
            results.append({"path": path[:100], "status": status, "seconds": seconds,
                            "server_mb": round(total_mb), "largest_process_mb": round(largest_mb)})
    finally:
        server.stop()
    for result in results:
        print(f"{result['status']:>4} {result['seconds']:6.2f} s {result['server_mb']:5} MB "
              f"(largest process {result['largest_process_mb']} MB)  {result['path']}")
    print(json.dumps({"server_start_mb": round(start_mb), "slowest_s": max(r["seconds"] for r in results),
                      "largest_mb": max(r["server_mb"] for r in results), "requests": results}))


if __name__ == "__main__":
    main()
