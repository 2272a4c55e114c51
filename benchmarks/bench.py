"""Benchmark quotedb at scale: build time against the raw SQLite floor, search and
facet latency through Datasette's HTTP JSON API, throughput, size and memory.

    python benchmarks/bench.py --quotes 1000000

Generates the synthetic corpus (benchmarks/generate.py) unless it is already
there, builds it with build_db.py, loads the same rows the plainest way SQLite
allows (the floor), then serves the database exactly as `./run serve` does (real
settings, immutable) on 127.0.0.1 and measures it. Prints a table, and as its
last line one JSON object with the figures.
"""

import argparse
import http.client
import json
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote as urlquote

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import write_corpus  # noqa: E402


def run_measured(command) -> tuple[float, float]:
    """Run a command; return (seconds, peak memory in MB) of it and the processes it
    starts, summed: proportional set size sampled every 0.1 s (shared pages counted once)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_kb = 0
    while process.poll() is None:
        peak_kb = max(peak_kb, sum(_pss_kb(pid) for pid in _process_tree(process.pid)))
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{process.stderr.read().decode()[-3000:]}")
    return elapsed, peak_kb / 1024


def _process_tree(pid):
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return [pid]
    return [pid] + [p for child in children for p in _process_tree(int(child))]


def _pss_kb(pid) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            return next((int(line.split()[1]) for line in handle if line.startswith("Pss:")), 0)
    except OSError:
        return 0


RAW_SQL = """
select q.id, q.text, q.speaker_id, q.spelled_as, q.role, q.said, q.said_precision, q.said_wording,
  q.year, q.month, q.venue_id, q.reported_via_id, q.kind, q.notes, q.article_id, q.outlet_id,
  q.record_line, s.name, s.aliases, v.name
from quotes q join speakers s on s.id = q.speaker_id left join venues v on v.id = q.venue_id
"""


def raw_floor(database: Path, scratch: Path) -> float:
    """The same rows loaded with one executemany in one transaction, plus an FTS5 rebuild."""
    rows = sqlite3.connect(database).execute(RAW_SQL).fetchall()
    scratch.unlink(missing_ok=True)
    start = time.perf_counter()
    conn = sqlite3.connect(scratch)
    conn.execute(
        "create table quotes (id integer primary key, text, speaker_id, spelled_as, role, said, "
        "said_precision, said_wording, year, month, venue_id, reported_via_id, kind, notes, "
        "article_id, outlet_id, record_line, speaker, aliases, venue)"
    )
    conn.execute(
        "create virtual table quotes_fts using fts5(text, speaker, aliases, role, venue, "
        "content='quotes', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
    )
    with conn:
        conn.executemany(f"insert into quotes values ({', '.join('?' * 20)})", rows)
        conn.execute("insert into quotes_fts (quotes_fts) values ('rebuild')")
    conn.close()
    elapsed = time.perf_counter() - start
    scratch.unlink()
    return elapsed


def vocabulary_connection(database: Path) -> sqlite3.Connection:
    """A read-only connection with `temp.vocab`: every indexed term and how many quotes hold it."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    conn.execute("create virtual table temp.vocab using fts5vocab(main, quotes_fts, 'row')")
    return conn


def search_terms(database: Path, rng: random.Random, per_class: int) -> dict:
    """Distinct real terms of each class, by the number of quotes that contain them.

    Every term is distinct, so no measured request is answered from the site's
    response cache: the latencies are those of searches run for the first time.
    """
    conn = vocabulary_connection(database)
    total = conn.execute("select count(*) from quotes").fetchone()[0]
    vocab = conn.execute("select term, doc from temp.vocab where term glob '[a-z][a-z]*'").fetchall()

    def pick(rows, n):
        terms = [term for term, _ in rows]
        rng.shuffle(terms)
        pairs = [f"{a} {b}" for a, b in zip(terms, reversed(terms)) if a != b]  # both words, any order
        return (terms + pairs)[:n]

    common = pick([r for r in vocab if r[1] >= total * 0.2], per_class)
    mid = pick([r for r in vocab if total * 0.001 <= r[1] <= total * 0.01], per_class)
    rare = pick([r for r in vocab if 1 <= r[1] <= 50], per_class)
    phrases = []
    for (text,) in conn.execute("select text from quotes where id in (%s)" % ",".join(
            str(rng.randint(1, total)) for _ in range(per_class))):
        words = text.split()
        at = rng.randint(0, len(words) - 3)
        phrases.append('"' + " ".join(words[at: at + 2]).strip(".,") + '"')
    speaker = [name for (name,) in conn.execute(f"select name from speakers order by random() limit {per_class}")]
    return {"common": common, "mid": mid, "rare": rare, "phrase": phrases, "speaker": speaker}


def distinct_searches(database: Path, rng: random.Random, count: int) -> list:
    """Many different two-word searches, for throughput that no cache can help."""
    conn = vocabulary_connection(database)
    words = [t for (t,) in conn.execute("select term from temp.vocab where term glob '[a-z][a-z]*' and doc > 100")]
    return [search_path(f"{rng.choice(words)} {rng.choice(words)}") for _ in range(count)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The site as `./run serve` runs it, on a free loopback port."""

    def __init__(self, database: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "quotedb", "serve", str(database), "--port", str(self.port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                status, _ = self.get("/-/versions.json")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("the server did not start")

    def get(self, path, conn=None):
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        if own:
            conn.close()
        return response.status, body

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]


def search_path(term):
    return f"/quotes/quotes.json?_search={urlquote(term)}"


def measure_search(server, terms):
    """One sequential request per term, classes interleaved: latencies in ms per class."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    latencies = {kind: [] for kind in terms}
    errors, counts = 0, []
    for index in range(max(len(v) for v in terms.values())):
        for kind, values in terms.items():
            if index >= len(values):
                continue
            start = time.perf_counter()
            status, body = server.get(search_path(values[index]), conn)
            latencies[kind].append((time.perf_counter() - start) * 1000)
            if status != 200:
                errors += 1
            else:
                counts.append(json.loads(body).get("filtered_table_rows_count"))
    conn.close()
    return latencies, errors, counts


def measure_throughput(server, paths, connections=10, seconds=10.0):
    done, errors = [0], [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(offset):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        n = offset
        while time.perf_counter() < stop_at:
            try:
                status, _ = server.get(paths[n % len(paths)], conn)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            with lock:
                done[0] += 1
                errors[0] += status != 200
            n += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - start), errors[0], done[0]


def measure_facet_page(server, requests=40):
    """The quotes table page with its default facets; `_bench=N` makes each URL new to the cache."""
    status, body = server.get("/quotes/quotes.json")
    timed_out = json.loads(body).get("facets_timed_out", []) if status == 200 else ["(error)"]
    latencies = []
    for n in range(requests):
        start = time.perf_counter()
        status, _ = server.get(f"/quotes/quotes?_bench={n}")
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies, timed_out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=250, help="sequential search requests, all distinct (at least 200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the concurrent run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true",
                        help="measure the site on the database built by an earlier run (no build, no floor)")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    corpus = DATA / f"quotes-{args.quotes}"
    if not (corpus / "speakers.yml").exists():
        print(f"generating {args.quotes} quotes in {corpus}...", file=sys.stderr)
        write_corpus(corpus, args.quotes)
    database = DATA / f"bench-{args.quotes}" / "quotes.db"  # named quotes.db: Datasette paths stay /quotes/...
    database.parent.mkdir(parents=True, exist_ok=True)

    if args.reuse and database.exists():
        build_s = raw_build_s = peak_rss_mb = float("nan")
    else:
        print("building...", file=sys.stderr)
        build_s, peak_rss_mb = run_measured([sys.executable, "build_db.py", str(corpus), "--output", str(database)])
        print("raw floor...", file=sys.stderr)
        raw_build_s = raw_floor(database, database.with_name("raw-floor.db"))
    terms = search_terms(database, rng, per_class=max(args.requests, 200) // 5)

    print("serving and measuring...", file=sys.stderr)
    server = Server(database)
    try:
        server.get(search_path("warm up the operating system's page cache"))
        latencies, search_errors, counts = measure_search(server, terms)
        # The same mix of 50 searches over and over, as popular searches repeat on a real site.
        mix = [search_path(values[i]) for values in terms.values() for i in range(10)]
        rps, load_errors, load_requests = measure_throughput(server, mix, seconds=args.seconds)
        uncached = distinct_searches(database, rng, 20000)
        rps_uncached, uncached_errors, _ = measure_throughput(server, uncached, seconds=args.seconds)
        facet_latencies, facets_timed_out = measure_facet_page(server)
    finally:
        server.stop()

    every = [ms for values in latencies.values() for ms in values]
    result = {
        "quotes": args.quotes,
        "build_s": round(build_s, 1),
        "raw_build_s": round(raw_build_s, 1),
        "build_vs_raw": round(build_s / raw_build_s, 2),
        "search_p50_ms": round(statistics.median(every), 1),
        "search_p95_ms": round(percentile(every, 0.95), 1),
        "search_p95_ms_by_class": {k: round(percentile(v, 0.95), 1) for k, v in latencies.items()},
        "search_requests": len(every),
        "search_errors": search_errors,
        "search_rps": round(rps, 1),
        "search_rps_errors": load_errors,
        "search_rps_uncached": round(rps_uncached, 1),
        "search_rps_uncached_errors": uncached_errors,
        "facet_page_p95_ms": round(percentile(facet_latencies, 0.95), 1),
        "facets_timed_out": facets_timed_out,
        "counts_shown": all(c is not None for c in counts),
        "db_mb": round(database.stat().st_size / 2**20, 1),
        "peak_rss_mb": round(peak_rss_mb, 1),
    }
    rows = [
        ("quotes", f"{args.quotes:,}"),
        ("build (validate, normalize, FTS, indexes, ANALYZE)", f"{build_s:.1f} s"),
        ("raw floor (executemany + FTS5 rebuild)", f"{raw_build_s:.1f} s"),
        ("build / raw floor", f"{result['build_vs_raw']}x"),
        ("peak memory of the build (its processes summed, PSS)", f"{peak_rss_mb:.0f} MB"),
        ("database size", f"{result['db_mb']} MB"),
        ("search p50 / p95, each search run once (all classes)", f"{result['search_p50_ms']} / {result['search_p95_ms']} ms"),
    ] + [(f"  search p95, {k} terms", f"{v} ms") for k, v in result["search_p95_ms_by_class"].items()] + [
        ("search errors", f"{search_errors} of {len(every)}"),
        ("search requests/s at 10 connections, 50 searches repeated", f"{rps:.1f} ({load_errors} errors of {load_requests})"),
        ("search requests/s at 10 connections, every search new", f"{rps_uncached:.1f} ({uncached_errors} errors)"),
        ("table page with facets p95", f"{result['facet_page_p95_ms']} ms"),
        ("facets timed out", ", ".join(facets_timed_out) or "none"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
