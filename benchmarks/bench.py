"""Benchmark quotedb at scale: build time against the raw SQLite floor, search and
facet latency through Datasette's HTTP JSON API, throughput, size, start-up and memory.

    python benchmarks/bench.py --quotes 1000000
    python benchmarks/bench.py --sizes 100000,1000000,10000000 --results growth.jsonl

Generates the synthetic corpus (benchmarks/generate.py) unless it is already
there, builds it with build_db.py, loads the same rows the plainest way SQLite
allows (the floor), writes the inspect file `./run serve` uses, then serves the
database exactly as `./run serve` does (real settings, immutable) on 127.0.0.1 and
measures it. For each size it prints a table, and one JSON line with the figures
(the last line of the output for a single size); `--results` appends the same lines
to a file as each size finishes.
"""

import argparse
import http.client
import itertools
import json
import marshal
import os
import random
import resource
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

from generate import DEFAULT_REPORTS, write_corpus  # noqa: E402


def _load_fts_query():
    """The site's own `fts_query`, so the benchmark counts exactly what the site searches."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("quotedb_search_plugin", ROOT / "plugins" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fts_query


_fts_query = _load_fts_query()


def run_measured(command) -> tuple[float, float, float]:
    """Run a command; return (seconds, peak memory in MB, CPU seconds) of it and the processes
    it starts, summed: proportional set size sampled every 0.1 s (shared pages counted once),
    user and system time of every process it waited for. On a machine shared with other work
    the CPU time moves less than the wall time."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_kb = 0
    while process.poll() is None:
        peak_kb = max(peak_kb, sum(_pss_kb(pid) for pid in _process_tree(process.pid)))
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{process.stderr.read().decode()[-3000:]}")
    return elapsed, peak_kb / 1024, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


def _columns(conn, table):
    return [row[1] for row in conn.execute(f"pragma table_info([{table}])")]


def _dump_rows(conn, sql, path: Path, chunk=20_000) -> int:
    """Write the rows of `sql` to `path` as marshalled lists of `chunk` rows; return how many."""
    cursor, count = conn.execute(sql), 0
    with open(path, "wb") as handle:
        while rows := cursor.fetchmany(chunk):
            marshal.dump(rows, handle)
            count += len(rows)
    return count


def _read_rows(path: Path):
    with open(path, "rb") as handle:
        while True:
            try:
                yield from marshal.load(handle)
            except EOFError:
                return


def raw_floor(database: Path, scratch: Path) -> tuple[float, float, float]:
    """The same rows loaded the plainest way: every quote with its speaker's name and aliases
    and its venue's name in one table, and every appearance (where the database has them) in
    another, each with one executemany in one transaction, then an FTS5 `rebuild` over the
    quotes. Returns (seconds, of which seconds reading the rows back, CPU seconds).

    The rows are first written to a scratch file (not timed) and read back while loading, so
    that no size needs the corpus in memory; reading them back is timed, as the build reads
    its records, and given separately."""
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    quote_columns = [c for c in _columns(source, "quotes")]
    tables = [name for (name,) in source.execute("select name from sqlite_master where type = 'table'")]
    loads = {"quotes": (
        quote_columns + ["speaker", "aliases", "venue_name"],
        f"select {', '.join('q.' + c for c in quote_columns)}, s.name, s.aliases, v.name from quotes q "
        "join speakers s on s.id = q.speaker_id left join venues v on v.id = q.venue_id")}
    if "appearances" in tables:
        appearance_columns = _columns(source, "appearances")
        loads["appearances"] = (appearance_columns, f"select {', '.join(appearance_columns)} from appearances")
    dumps = {}
    for table, (columns, sql) in loads.items():
        dumps[table] = scratch.with_name(f"{scratch.name}.{table}.rows")
        _dump_rows(source, sql, dumps[table])
    source.close()
    indexed = [c for c in ("text", "speaker", "aliases", "role", "venue_name") if c in loads["quotes"][0]]
    read_start = time.perf_counter()
    for path in dumps.values():
        for _ in _read_rows(path):
            pass
    read_s = time.perf_counter() - read_start
    scratch.unlink(missing_ok=True)
    start, cpu_start = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(scratch)
    for table, (columns, _) in loads.items():
        conn.execute(f"create table {table} ({', '.join(('id integer primary key' if c == 'id' else c) for c in columns)})")
    conn.execute(
        f"create virtual table quotes_fts using fts5({', '.join(indexed)}, "
        "content='quotes', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
    )
    with conn:
        for table, (columns, _) in loads.items():
            conn.executemany(f"insert into {table} values ({', '.join('?' * len(columns))})", _read_rows(dumps[table]))
        conn.execute("insert into quotes_fts (quotes_fts) values ('rebuild')")
    conn.close()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    scratch.unlink()
    for path in dumps.values():
        path.unlink()
    return elapsed, read_s, cpu


def vocabulary_connection(database: Path) -> sqlite3.Connection:
    """A read-only connection with `temp.vocab`: every indexed term and how many quotes hold it."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    conn.execute("create virtual table temp.vocab using fts5vocab(main, quotes_fts, 'row')")
    return conn


def vocabulary(database: Path) -> list:
    """Every indexed word (letters first, no numbers) with the number of quotes holding it.
    Reads the whole index: read it once per database."""
    conn = vocabulary_connection(database)
    return conn.execute("select term, doc from temp.vocab where term glob '[a-z][a-z]*'").fetchall()


WORST_CASE = "common phrase"  # a class of its own, left out of the figures for every class together


def search_terms(database: Path, rng: random.Random, per_class: int, vocab=None) -> dict:
    """Distinct real terms of each class, by the number of quotes that contain them.

    Every term is distinct, so no measured request is answered from the site's
    response cache: the latencies are those of searches run for the first time.
    """
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    total = conn.execute("select count(*) from quotes").fetchone()[0]
    top = conn.execute("select max(id) from quotes").fetchone()[0]
    vocab = vocab if vocab is not None else vocabulary(database)

    def pick(rows, n):
        terms = [term for term, _ in rows]
        rng.shuffle(terms)
        pairs = [f"{a} {b}" for a, b in zip(terms, reversed(terms)) if a != b]  # both words, any order
        return (terms + pairs)[:n]

    common_rows = [r for r in vocab if r[1] >= total * 0.2]
    common = pick(common_rows, per_class)
    mid = pick([r for r in vocab if total * 0.001 <= r[1] <= total * 0.01], per_class)
    # Words in at most 50 quotes; from a few million quotes on every word of the generated vocabulary
    # is in more, and the rarest words there are taken instead (how rare is in the figures).
    rare_rows = [r for r in vocab if 1 <= r[1] <= 50]
    if len(rare_rows) < per_class:
        rare_rows = sorted(vocab, key=lambda r: (r[1], r[0]))[:per_class]
    rare = pick(rare_rows, per_class)
    phrases = set()
    for quote_id in rng.sample(range(1, top + 1), per_class * 3):  # distinct quotes, then distinct phrases
        row = conn.execute("select text from quotes where id = ?", [quote_id]).fetchone()
        if row is None:
            continue
        words = row[0].split()
        at = rng.randint(0, len(words) - 3)
        phrases.add('"' + " ".join(w.strip(".,;:!?") for w in words[at: at + 2]) + '"')
    # The worst case on its own: a phrase of two common words (the same word twice included),
    # whose count checks the word positions in most quotes.
    common_words = sorted(term for term, _ in common_rows)
    common_phrases = sorted({f'"{rng.choice(common_words)} {rng.choice(common_words)}"'
                             for _ in range(per_class * 3)}) if common_words else []
    names = [name for (name,) in conn.execute("select name from speakers order by name")]
    speaker = rng.sample(names, min(per_class, len(names)))
    words = [term for term, doc in vocab if doc > 100]
    two_words = sorted({f"{a} {b}" for a, b in zip(rng.sample(words, per_class * 2), rng.sample(words, per_class * 2)) if a != b})
    # Drawn from the distinct phrases, not the first in alphabetical order: the generated
    # vocabulary is ranked alphabetically, so those all began with the commonest words.
    phrases = rng.sample(sorted(phrases), min(per_class, len(phrases)))
    terms = {"common": common, "mid": mid, "rare": rare, "phrase": phrases,
             "speaker": speaker, "two words": rng.sample(two_words, min(per_class, len(two_words))),
             WORST_CASE: rng.sample(common_phrases, min(per_class, len(common_phrases)))}
    seen = set()  # a search in two classes would be answered from the response cache the second time
    terms = {kind: [term for term in values if not (term in seen or seen.add(term))] for kind, values in terms.items()}
    return {kind: values for kind, values in terms.items() if values}


def distinct_searches(database: Path, rng: random.Random, count: int, exclude=(), vocab=None) -> list:
    """Different two-word searches, none seen before, for throughput that no cache can help."""
    vocab = vocab if vocab is not None else vocabulary(database)
    words = [term for term, doc in vocab if doc > 100]
    seen, paths = set(exclude), []
    while len(paths) < count:
        path = search_path(f"{rng.choice(words)} {rng.choice(words)}")
        if path not in seen:
            seen.add(path)
            paths.append(path)
    return paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PLAIN_METADATA = {"databases": {"quotes": {"tables": {"quotes": {"fts_table": "quotes_fts", "fts_pk": "id"}}}}}


def _why_not_served(database: Path) -> str:
    """What `python -m quotedb serve` says of a file it refuses (its output is not kept)."""
    sys.path.insert(0, str(ROOT))
    from quotedb.serving import check_database

    try:
        check_database(database)
    except ValueError as problem:
        return f": cannot serve {database}: {problem}"
    return ""


class Server:
    """The site as `./run serve` runs it, on a free loopback port (`inspect=False`: without the
    inspect file, so Datasette counts every table on the first request); with `plain`,
    Datasette 0.65.5 alone on the same file and settings, with only `fts_table` set.

    `startup_s` is the time from starting the process to the first answer of the home page,
    `/`, the first page a visitor asks for; a thread samples the memory of the server's
    processes (PSS, summed) every 0.2 s while it runs."""

    def __init__(self, database: Path, plain=False, inspect=True):
        self.port = free_port()
        if plain:
            metadata = database.with_name("plain-metadata.json")
            metadata.write_text(json.dumps(PLAIN_METADATA))
            sys.path.insert(0, str(ROOT))
            from quotedb.site import setting_options
            command = [sys.executable, "-m", "datasette", "serve", "-i", str(database), "--metadata", str(metadata),
                       "--port", str(self.port), *setting_options()]
        else:
            command = [sys.executable, "-m", "quotedb", "serve", str(database), "--port", str(self.port)]
            if not inspect:
                command.append("--no-inspect")
        start = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.memory_kb, self.peak_memory_kb, self._sampling = 0, 0, True
        self._sampler = threading.Thread(target=self._sample_memory, daemon=True)
        self._sampler.start()
        deadline = time.time() + 1200
        while time.time() < deadline and self.process.poll() is None:
            try:
                status, _ = self.get("/")
                if status == 200:
                    self.startup_s = time.perf_counter() - start
                    time.sleep(0.3)
                    self.startup_memory_kb = self.memory_kb
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit(f"the server did not start{'' if plain else _why_not_served(database)}")

    def _sample_memory(self):
        while self._sampling:
            self.memory_kb = sum(_pss_kb(pid) for pid in _process_tree(self.process.pid))
            self.peak_memory_kb = max(self.peak_memory_kb, self.memory_kb)
            time.sleep(0.2)

    def get(self, path, conn=None, headers=False):
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        if own:
            conn.close()
        if headers:
            return response.status, body, response.headers
        return response.status, body

    def stop(self):
        self._sampling = False
        self.process.terminate()
        self.process.wait(timeout=30)


def percentile(values, fraction):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]


def search_path(term):
    return f"/quotes/quotes.json?_search={urlquote(term)}"


def measure_search(server, terms, index_count, suffix=""):
    """One sequential request per term, classes interleaved: latencies in ms per class, errors,
    wrong or missing counts (against the index), timed-out facets and windowed facets seen."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    latencies = {kind: [] for kind in terms}
    errors, wrong_counts, timed_out, windowed = 0, 0, set(), 0
    for index in range(max(len(v) for v in terms.values())):
        for kind, values in terms.items():
            if index >= len(values):
                continue
            start = time.perf_counter()
            status, body = server.get(search_path(values[index]) + suffix, conn)
            latencies[kind].append((time.perf_counter() - start) * 1000)
            if status != 200:
                errors += 1
                continue
            data = json.loads(body)
            wrong_counts += data.get("filtered_table_rows_count") != index_count(values[index])
            timed_out.update(data.get("facets_timed_out", []))
            windowed += any(f.get("exact") is False for f in data.get("facet_results", {}).values())
    conn.close()
    return latencies, errors, wrong_counts, sorted(timed_out), windowed


def deep_page_paths(database: Path, terms, depth=10_000):
    """For each search with more than `depth` matches, the page that starts after `depth` rows."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    conn.create_function("fts_query", 1, _fts_query)
    paths = []
    for term in terms:
        row = conn.execute("select rowid from quotes_fts where quotes_fts match fts_query(?) order by rowid desc "
                           "limit 1 offset ?", [term, depth - 1]).fetchone()
        if row:
            paths.append(search_path(term) + f"&_next={row[0]},{row[0]}")
    return paths


def measure_throughput(server, paths, connections=10, seconds=10.0, repeat=True):
    """Requests per second at `connections` connections, errors, requests, and how many were
    answered from the response cache. Without `repeat`, each path is sent once at most."""
    done, errors, hits = [0], [0], [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    shared = iter(itertools.cycle(paths) if repeat else paths)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        while time.perf_counter() < stop_at:
            with lock:
                path = next(shared, None)
            if path is None:
                break
            try:
                status, _, headers = server.get(path, conn, headers=True)
                hit = headers.get("x-quotedb-cache") == "hit"
            except (OSError, http.client.HTTPException):
                status, hit = 0, False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            with lock:
                done[0] += 1
                errors[0] += status != 200
                hits[0] += hit
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - start), errors[0], done[0], hits[0]


def measure_pages(server, paths):
    """Latencies in ms of `paths`, one after another, and how many did not answer 200."""
    latencies, errors = [], 0
    for path in paths:
        start = time.perf_counter()
        status, _ = server.get(path)
        latencies.append((time.perf_counter() - start) * 1000)
        errors += status != 200
    return latencies, errors


def corpus_path(quotes: int, reports: float) -> Path:
    return DATA / (f"quotes-{quotes}" if reports == 1.0 else f"quotes-{quotes}-reports-{reports:g}")


def bench_size(args, quotes: int) -> dict:
    """Every figure for one size of corpus; prints them as a table and returns them."""
    rng = random.Random(args.seed)
    corpus = corpus_path(quotes, args.reports)
    if not (corpus / "speakers.yml").exists():
        print(f"generating {quotes} quotes ({args.reports:g} reports each on average) in {corpus}...", file=sys.stderr)
        write_corpus(corpus, quotes, reports=args.reports)
    suffix = "" if args.reports == 1.0 else f"-reports-{args.reports:g}"
    database = DATA / f"bench-{quotes}{suffix}" / "quotes.db"  # named quotes.db: Datasette paths stay /quotes/...
    database.parent.mkdir(parents=True, exist_ok=True)

    if args.reuse and database.exists():
        build_s = raw_build_s = raw_read_s = peak_rss_mb = build_cpu_s = raw_cpu_s = float("nan")
    else:
        print(f"[{quotes}] building...", file=sys.stderr)
        build_s, peak_rss_mb, build_cpu_s = run_measured(
            [sys.executable, "build_db.py", str(corpus), "--output", str(database)])
        print(f"[{quotes}] raw floor...", file=sys.stderr)
        raw_build_s, raw_read_s, raw_cpu_s = raw_floor(database, database.with_name("raw-floor.db"))
        print(f"[{quotes}] build {build_s:.1f} s ({build_cpu_s:.1f} s CPU), peak {peak_rss_mb:.0f} MB; "
              f"floor {raw_build_s:.1f} s ({raw_cpu_s:.1f} s CPU, reading back {raw_read_s:.1f} s)", file=sys.stderr)
    print(f"[{quotes}] inspect file...", file=sys.stderr)
    sys.path.insert(0, str(ROOT))
    from quotedb import site

    start = time.perf_counter()
    site.write_inspect_file(database)
    inspect_s = time.perf_counter() - start
    quick = {"quotes": quotes, "reports_per_quote": args.reports, "build_s": round(build_s, 1),
             "build_cpu_s": round(build_cpu_s, 1), "peak_rss_mb": round(peak_rss_mb, 1), "raw_build_s": round(raw_build_s, 1),
             "raw_cpu_s": round(raw_cpu_s, 1), "raw_read_s": round(raw_read_s, 1),
             "db_mb": round(database.stat().st_size / 2**20, 1), "inspect_s": round(inspect_s, 1)}
    if args.skip_serving:
        print(json.dumps(quick), file=sys.stderr)
        return {**quick, "build_vs_raw": round(build_s / raw_build_s, 2),
                "build_vs_raw_cpu": round(build_cpu_s / raw_cpu_s, 2), "load_average": os.getloadavg()[0],
                "commit": args.label, "serving": "not measured (--skip-serving)"}
    print(f"[{quotes}] choosing searches...", file=sys.stderr)
    vocab = vocabulary(database)
    terms = search_terms(database, rng, per_class=max(args.requests, 200) // 6, vocab=vocab)
    counter = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    counter.create_function("fts_query", 1, _fts_query)
    reports_count = None
    if "appearances" in [name for (name,) in counter.execute("select name from sqlite_master where type = 'table'")]:
        reports_count = counter.execute("select count(*) from appearances").fetchone()[0]
    quote_rows = counter.execute("select count(*) from quotes").fetchone()[0]

    def index_count(term):
        return counter.execute("select count(*) from quotes_fts where quotes_fts match fts_query(?)", [term]).fetchone()[0]

    every_term = [term for values in terms.values() for term in values]
    deep = deep_page_paths(database, every_term)
    mix = [search_path(values[i]) for kind, values in terms.items() if kind != WORST_CASE
           for i in range(min(10, len(values)))]
    uncached = distinct_searches(database, rng, 20000, exclude=[search_path(t) for t in every_term], vocab=vocab)
    figures = {}
    # Start-up without the inspect file first, so that the measured site starts as `./run serve` does.
    print(f"[{quotes}] start-up without the inspect file...", file=sys.stderr)
    cold = Server(database, inspect=False)
    startup_without_inspect_s = cold.startup_s
    cold.stop()
    for name in (["quotedb", "plain"] if args.plain else ["quotedb"]):
        print(f"[{quotes}] serving ({name}) and measuring...", file=sys.stderr)
        server = Server(database, plain=name == "plain")
        # Plain Datasette takes seconds per common search: measure it on fewer of the same searches.
        share = {k: v[: args.plain_requests // 6] for k, v in terms.items()} if name == "plain" else terms
        try:
            server.get(search_path("warm up the operating system's page cache"))
            latencies, errors, wrong_counts, timed_out, windowed = measure_search(server, share, index_count)
            deep_latencies, deep_errors = measure_pages(server, deep if name == "quotedb" else deep[:20])
            facet_latencies, facet_errors = measure_pages(server, [f"/quotes/quotes?_bench={n}" for n in range(40)])
            # The same mix over and over, as popular searches repeat on a real site; then every search new.
            rps, rps_errors, rps_requests, rps_hits = measure_throughput(server, mix, seconds=args.seconds)
            new_rps, new_errors, new_requests, new_hits = measure_throughput(
                server, uncached, seconds=args.seconds, repeat=False)
        finally:
            server.stop()
        every = [ms for kind, values in latencies.items() if kind != WORST_CASE for ms in values]
        figures[name] = {
            "startup_s": round(server.startup_s, 2),
            "server_startup_mb": round(server.startup_memory_kb / 1024, 1),
            "server_peak_mb": round(server.peak_memory_kb / 1024, 1),
            "search_p50_ms": round(statistics.median(every), 1),
            "search_p95_ms": round(percentile(every, 0.95), 1),
            "search_p95_ms_by_class": {k: round(percentile(v, 0.95), 1) for k, v in latencies.items()},
        "rare_words_in_at_most": max((index_count(t) for t in share.get("rare", [])), default=None),
            "search_requests": sum(len(values) for values in latencies.values()),
            "search_errors": errors,
            "search_wrong_counts": wrong_counts,
            "searches_with_windowed_facets": windowed,
            "facets_timed_out": timed_out,
            "deep_page_p95_ms": round(percentile(deep_latencies, 0.95), 1) if deep_latencies else None,
            "deep_pages": len(deep_latencies),
            "deep_page_errors": deep_errors,
            "facet_page_p95_ms": round(percentile(facet_latencies, 0.95), 1),
            "facet_page_errors": facet_errors,
            "search_rps": round(rps, 1),
            "search_rps_errors": rps_errors,
            "search_rps_cache_hits": rps_hits,
            "search_rps_new": round(new_rps, 1),
            "search_rps_new_errors": new_errors,
            "search_rps_new_requests": new_requests,
            "search_rps_new_cache_hits": new_hits,
        }

    ours = figures["quotedb"]
    result = {
        "quotes": quotes,
        "reports_per_quote": args.reports,
        "quote_rows": quote_rows,
        "appearance_rows": reports_count,
        "build_s": round(build_s, 1),
        "raw_build_s": round(raw_build_s, 1),
        "raw_read_s": round(raw_read_s, 1),
        "build_vs_raw": round(build_s / raw_build_s, 2),
        "build_cpu_s": round(build_cpu_s, 1),
        "raw_cpu_s": round(raw_cpu_s, 1),
        "build_vs_raw_cpu": round(build_cpu_s / raw_cpu_s, 2),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "db_mb": round(database.stat().st_size / 2**20, 1),
        "inspect_s": round(inspect_s, 1),
        "startup_without_inspect_s": round(startup_without_inspect_s, 2),
        **ours,
        "plain_datasette": figures.get("plain"),
        "commit": args.label or subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True,
                                               text=True).stdout.strip()[:100],
        "load_average": os.getloadavg()[0],
    }
    rows = [
        ("quotes", f"{quotes:,} ({quote_rows:,} rows" + (f", {reports_count:,} appearances)" if reports_count else ")")),
        ("build (validate, normalize, FTS, indexes, ANALYZE)", f"{build_s:.1f} s"),
        ("raw floor (executemany + FTS5 rebuild)", f"{raw_build_s:.1f} s (reading the rows back: {raw_read_s:.1f} s)"),
        ("build / raw floor", f"{result['build_vs_raw']}x"),
        ("CPU time: build (its processes summed) / floor", f"{build_cpu_s:.1f} s / {raw_cpu_s:.1f} s = {result['build_vs_raw_cpu']}x"),
        ("peak memory of the build (its processes summed, PSS)", f"{peak_rss_mb:.0f} MB"),
        ("database size", f"{result['db_mb']} MB"),
        ("inspect file (table counts, SHA-256), once per build", f"{inspect_s:.1f} s"),
        ("start-up to the home page, without / with the inspect file", f"{startup_without_inspect_s:.2f} / {ours['startup_s']:.2f} s"),
    ]
    for name, f in figures.items():
        rows += [
            (f"[{name}] server memory after start-up / peak (PSS)", f"{f['server_startup_mb']} / {f['server_peak_mb']} MB"),
            (f"[{name}] search p50 / p95, each search new (every class but the worst case)", f"{f['search_p50_ms']} / {f['search_p95_ms']} ms"),
        ] + [(f"[{name}]   search p95, {k}", f"{v} ms") for k, v in f["search_p95_ms_by_class"].items()] + [
            (f"[{name}] search errors / wrong counts", f"{f['search_errors']} / {f['search_wrong_counts']} of {f['search_requests']}"),
            (f"[{name}] searches with windowed facets / facets timed out", f"{f['searches_with_windowed_facets']} / {', '.join(f['facets_timed_out']) or 'none'}"),
            (f"[{name}] page after 10,000 rows p95", f"{f['deep_page_p95_ms']} ms ({f['deep_pages']} pages, {f['deep_page_errors']} errors)"),
            (f"[{name}] table page with facets p95", f"{f['facet_page_p95_ms']} ms ({f['facet_page_errors']} errors)"),
            (f"[{name}] searches/s at 10 connections, 60 searches repeated", f"{f['search_rps']} ({f['search_rps_errors']} errors, {f['search_rps_cache_hits']} from cache)"),
            (f"[{name}] searches/s at 10 connections, every search new", f"{f['search_rps_new']} ({f['search_rps_new_errors']} errors, {f['search_rps_new_cache_hits']} from cache of {f['search_rps_new_requests']})"),
        ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--sizes", help="a growth run: comma-separated sizes, e.g. 100000,1000000,10000000 "
                                         "(one JSON line each); instead of --quotes")
    parser.add_argument("--reports", type=float, default=DEFAULT_REPORTS,
                        help="average reports per quote in the generated corpus (default %(default)s)")
    parser.add_argument("--results", type=Path, help="append each size's JSON line to this file too")
    parser.add_argument("--label", help="what was measured, kept in the JSON (default: the last commit)")
    parser.add_argument("--requests", type=int, default=250, help="sequential search requests, all distinct (at least 200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the concurrent run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--plain", action="store_true", help="also measure plain Datasette on the same database")
    parser.add_argument("--plain-requests", type=int, default=60, help="sequential searches sent to plain Datasette")
    parser.add_argument("--skip-serving", action="store_true",
                        help="measure the build, the floor and the inspect file only")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the site on the database built by an earlier run (no build, no floor)")
    args = parser.parse_args()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")] if args.sizes else [args.quotes]
    for quotes in sizes:
        result = bench_size(args, quotes)
        line = json.dumps(result)
        print(line, flush=True)
        if args.results:
            with open(args.results, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")


if __name__ == "__main__":
    main()
