"""The inspect file: the table counts, hash and size Datasette would work out at start-up,
precomputed beside the database and used by `serve`. A site started with it must give the same
counts as one that counts for itself, and figures for another build are never used."""

import asyncio
import json
import os
import shutil
import sqlite3
import sys

import pytest

from conftest import RECORDS, ROOT, run_build
from quotedb import __main__ as command
from quotedb import site

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import write_corpus  # noqa: E402


class Client:
    """Datasette's own client on the site, started with or without inspect data."""

    def __init__(self, db_path, inspect_data=None):
        self.datasette = site.datasette(db_path, inspect_data=inspect_data)
        self.loop = asyncio.new_event_loop()

    def get(self, path):
        return self.loop.run_until_complete(self.datasette.client.get(path))

    def json(self, path):
        response = self.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()

    def close(self):
        self.loop.close()


@pytest.fixture(scope="module", params=["seed", "generated"])
def built(request, tmp_path_factory):
    """A database built by build_db.py from real record files: the seed, and a generated corpus."""
    directory = tmp_path_factory.mktemp("inspect")
    records = RECORDS
    if request.param == "generated":
        records = directory / "records"
        write_corpus(records, 3000)
    path = directory / "quotes.db"
    result = run_build(records, "--output", path)
    assert result.returncode == 0, result.stderr
    return path


def true_counts(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")]
    return {table: conn.execute(f"select count(*) from [{table}]").fetchone()[0] for table in tables}


def test_inspect_file_holds_every_table_count_the_hash_and_size(built):
    path = site.write_inspect_file(built)
    assert path == built.with_name("quotes.db.inspect.json")
    data = json.loads(path.read_text())
    entry = data["quotes"]
    assert {table: value["count"] for table, value in entry["tables"].items()} == true_counts(built)
    assert None not in [value["count"] for value in entry["tables"].values()]
    assert entry["size"] == built.stat().st_size
    from datasette.inspect import inspect_hash
    assert entry["hash"] == inspect_hash(built)
    assert site.inspect_is_current(built, path)


PAGES = [
    "/quotes/quotes.json?_size=1",
    "/quotes/quotes.json?_size=1&kind=full",
    "/quotes/quotes.json?_size=1&_search=said",
    "/quotes/speakers.json?_size=1",
    "/quotes/articles.json?_size=1",
]


def test_a_site_started_with_the_inspect_file_gives_the_same_counts(built):
    inspect_data = site.inspect_data(built)
    with_file, without = Client(built, inspect_data), Client(built)
    try:
        counts = true_counts(built)
        for page in PAGES:
            assert (with_file.json(page)["filtered_table_rows_count"]
                    == without.json(page)["filtered_table_rows_count"]), page
        assert with_file.json("/quotes/quotes.json?_size=1")["filtered_table_rows_count"] == counts["quotes"]
        database = with_file.json("/quotes.json")
        assert {t["name"]: t["count"] for t in database["tables"]} == {
            t["name"]: t["count"] for t in without.json("/quotes.json")["tables"]}
        listed = {t["name"]: t["count"] for t in database["tables"]}
        assert listed["quotes"] == counts["quotes"] and listed["speakers"] == counts["speakers"]
        home, home_without = with_file.get("/").text, without.get("/").text
        assert f"{counts['quotes']:,}</strong> quotes" in home
        assert home.count("<strong>") == home_without.count("<strong>")
        assert with_file.json("/.json")["quotes"]["hash"] == inspect_data["quotes"]["hash"]
        assert with_file.json("/.json")["quotes"]["tables_count"] == without.json("/.json")["quotes"]["tables_count"]
    finally:
        with_file.close()
        without.close()


def test_an_inspect_file_of_another_build_is_not_used(built, tmp_path):
    copy = tmp_path / "quotes.db"
    shutil.copy(built, copy)
    inspect_file = site.write_inspect_file(copy)
    assert site.current_inspect_file(copy) == inspect_file
    written = inspect_file.stat().st_mtime_ns
    # A rebuild renames a new file into place: same size perhaps, another modification time.
    status = copy.stat()
    os.utime(copy, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    assert not site.inspect_is_current(copy, inspect_file)
    assert site.current_inspect_file(copy) == inspect_file
    assert inspect_file.stat().st_mtime_ns != written and site.inspect_is_current(copy, inspect_file)
    # Counts made for other contents are refused whatever the file says.
    data = json.loads(inspect_file.read_text())
    data["quotes"]["size"] += 1
    inspect_file.write_text(json.dumps(data))
    assert not site.inspect_is_current(copy, inspect_file)
    inspect_file.write_text("not json")
    assert not site.inspect_is_current(copy, inspect_file)
    assert not site.inspect_is_current(copy, tmp_path / "missing.json")


def test_serve_writes_the_inspect_file_and_passes_it_to_datasette(built, tmp_path, monkeypatch):
    copy = tmp_path / "quotes.db"
    shutil.copy(built, copy)
    seen = []
    from quotedb import serving

    monkeypatch.setattr(serving, "serve", lambda *arguments: seen.append(arguments) or 0)
    assert command.main(["serve", str(copy), "--port", "8123"]) == 0
    inspect_file = site.inspect_path(copy)
    assert site.inspect_is_current(copy, inspect_file)
    assert seen[-1] == (str(copy), "127.0.0.1", 8123, inspect_file, None)
    assert command.main(["serve", str(copy), "--no-inspect", "--workers", "3"]) == 0
    assert seen[-1] == (str(copy), "127.0.0.1", 8001, None, 3)
