"""Load test: 50 concurrent connections for 30 s over a mix of pages, loopback only.

    python benchmarks/load_test.py --database benchmarks/data/bench-1000000/quotes.db

Serves the database as `./run serve` does and sends a mix of searches, faceted
table pages, canned queries, speaker pages and row pages. Reports requests,
errors (anything but 200, with what the first 20 failed pages said) and latency
percentiles; the last line is JSON.
"""

import argparse
import http.client
import json
import random
import re
import sqlite3
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote as urlquote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import Server, percentile  # noqa: E402


def request_mix(database: Path, rng: random.Random) -> list[str]:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    total = conn.execute("select max(id) from quotes").fetchone()[0]
    texts = [t for (t,) in conn.execute(
        "select text from quotes where id in (%s)" % ",".join(str(rng.randint(1, total)) for _ in range(40)))]
    words = [w.strip(".,") for t in texts for w in t.split()[:6]]
    speakers = [s for (s,) in conn.execute("select id from speakers order by random() limit 20")]
    paths = []
    for n in range(400):
        kind = n % 8
        word = rng.choice(words)
        if kind in (0, 1):
            paths.append(f"/quotes/quotes.json?_search={urlquote(word)}")
        elif kind == 2:
            paths.append(f"/quotes/quotes?_search={urlquote(word)}")
        elif kind == 3:
            paths.append(f"/quotes/quotes?speaker_id={rng.choice(speakers)}")
        elif kind == 4:
            paths.append(f"/quotes/search.json?q={urlquote(word)}&_shape=array")
        elif kind == 5:
            paths.append(f"/quotes/quotes/{rng.randint(1, total)}")
        elif kind == 6:
            paths.append(f"/speaker/{rng.choice(speakers)}")
        else:
            paths.append(f"/quotes/quotes_per_month.json?speaker={rng.choice(speakers)}&_shape=array")
    return paths


def _first_words(body: bytes) -> str:
    """What an error page says, briefly: its JSON "error", else the start of its text."""
    try:
        return str(json.loads(body).get("error"))[:160]
    except (ValueError, AttributeError):
        return " ".join(re.sub(rb"<[^>]*>", b" ", body).decode("utf-8", "replace").split())[:160]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--uncached", action="store_true",
                        help="make every request's URL new, so the response cache never answers")
    args = parser.parse_args()
    paths = request_mix(args.database, random.Random(3))
    server = Server(args.database)
    latencies, statuses, failed = [], {}, {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + args.seconds

    def worker(offset):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        n = offset
        while time.perf_counter() < stop_at:
            path = paths[n % len(paths)]
            if args.uncached:
                path += f"{'&' if '?' in path else '?'}_load={offset}-{n}"
            start = time.perf_counter()
            try:
                status, body = server.get(path, conn)
            except (OSError, http.client.HTTPException) as error:
                status, body = type(error).__name__, b""
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
                if status != 200 and path not in failed and len(failed) < 20:
                    failed[path] = f"{status} after {latencies[-1]:.0f} ms: {_first_words(body)}"
            n += 7

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    errors = sum(count for status, count in statuses.items() if status != 200)
    result = {
        "uncached": args.uncached,
        "connections": args.connections, "seconds": args.seconds, "requests": len(latencies),
        "errors": errors, "statuses": {str(k): v for k, v in statuses.items()},
        "rps": round(len(latencies) / args.seconds, 1),
        "p50_ms": round(percentile(latencies, 0.5), 1), "p99_ms": round(percentile(latencies, 0.99), 1),
        "failed": failed,
    }
    for path, what in failed.items():
        print(f"failed: {path}: {what}")
    print(f"{result['requests']} requests in {args.seconds:.0f} s over {args.connections} connections: "
          f"{errors} errors, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
