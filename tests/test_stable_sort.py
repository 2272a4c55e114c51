"""Sorted tables page through every row once, in an order SQLite reads from an index
(plugins/stable_sort.py)."""

import sqlite3

import pytest

from conftest import SiteClient, follow_next, loaded_plugin

VALUES = ["x", "y", None, "z", "y", "y", None, "x", "z", "y"] * 4  # many equal values, and nulls


@pytest.fixture(scope="module")
def ties(tmp_path_factory):
    """A database with a rowid table and a table with a key, each with the same ties."""
    path = tmp_path_factory.mktemp("ties") / "ties.db"
    conn = sqlite3.connect(path)
    conn.executescript("create table plain (a text, b text); create index plain_a on plain (a);"
                       "create table keyed (id integer primary key, a text); create index keyed_a on keyed (a);")
    conn.executemany("insert into plain values (?, ?)", [(value, str(n)) for n, value in enumerate(VALUES)])
    conn.executemany("insert into keyed (a) values (?)", [(value,) for value in VALUES])
    conn.commit()
    conn.close()
    client = SiteClient(path)
    yield client
    client.close()


@pytest.mark.parametrize("table", ["plain", "keyed"])
@pytest.mark.parametrize("size", [1, 3, 4])
def test_pages_of_a_sort_give_every_row_once_in_the_order_of_its_index(ties, table, size):
    for sort, descending in (("_sort", False), ("_sort_desc", True)):
        rows = follow_next(ties, f"/ties/{table}.json?{sort}=a&_size={size}")
        keys = [row[0] for row in rows]  # rowid or id, 1 to 40
        assert sorted(keys) == list(range(1, len(VALUES) + 1)), (sort, keys)
        # by the value (nulls first ascending, last descending, as SQLite sorts), then the key the same way
        order = sorted(keys, key=lambda key: (VALUES[key - 1] is not None, VALUES[key - 1] or "", key),
                       reverse=descending)
        assert keys == order, sort


@pytest.mark.parametrize("first_page", [True, False])
def test_a_descending_sort_reads_its_pages_from_the_index(client, seed_conn, first_page):
    """`kind desc, id` would sort all the quotes of the last kind shown for each page (a
    million at ten million quotes); `kind desc, id desc` reads the index on kind backwards.
    Datasette's own SQL for the page goes through the plugin as it does on the site."""
    plugin = loaded_plugin("stable_sort.py")
    path = "/quotes/quotes.json?_sort_desc=kind&_size=3" + ("" if first_page else "&_next=full,12")
    query = client.json(path)["query"]  # the SQL as Datasette wrote it, before the plugin
    ran = [plugin.in_page_order(query["sql"], "kind", "id", descending=True)]
    assert ran[0].endswith(" order by kind desc, id desc limit 4")
    plan = " ".join(row[3] for row in seed_conn.execute("explain query plan " + ran[0], query["params"]))
    assert "TEMP B-TREE" not in plan and "kind" in plan, plan
    if not first_page:
        assert "(kind = :p1 and ((id < :p0)))" in ran[0]


def test_sql_typed_on_the_sql_page_is_run_as_written(client, seed_conn):
    """Even SQL written exactly as Datasette writes a next page of a descending sort: only a
    table page's own query is read in index order."""
    sql = ("select id, kind from quotes where (kind < :p1 or kind is null or (kind = :p1 and ((id > :p0)))) "
           "order by kind desc, id limit 4")
    rows = client.json("/quotes.json?sql=" + sql.replace(" ", "+") + "&p0=3&p1=paraphrase&_shape=array")
    assert rows == [dict(zip(("id", "kind"), row)) for row in seed_conn.execute(sql, {"p0": 3, "p1": "paraphrase"})]


@pytest.mark.parametrize("table", ["quotes", "speakers", "articles", "appearances", "outlets", "venues", "facet_counts"])
def test_every_table_of_the_site_pages_every_row_once_by_any_column(client, seed_conn, table):
    columns = [row[1] for row in seed_conn.execute(f"pragma table_info([{table}])")]
    total = seed_conn.execute(f"select count(*) from [{table}]").fetchone()[0]
    for sort in ["", *(f"&{way}={column}" for column in columns for way in ("_sort", "_sort_desc"))]:
        if table == "facet_counts" and sort.endswith("=value"):  # numbers and text: refused, not paged wrong
            assert "facet_counts can be sorted by rowid, column, count only" in client.get(
                f"/quotes/{table}.json?{sort[1:]}").json()["error"]
            continue
        rows = follow_next(client, f"/quotes/{table}.json?_size=7&_shape=objects{sort}")
        keys = [row.get("rowid", row.get("id")) if table != "facet_counts" else (row["column"], row["value"])
                for row in rows]
        assert len(keys) == len(set(keys)) == total, (table, sort)


@pytest.mark.parametrize("sort", ["_sort=kind", "_sort_desc=kind", "_sort_desc=said", "_sort_desc=language"])
def test_a_csv_stream_of_a_sort_gives_every_row_once_in_order(client, seed_conn, sort):
    """A stream asks for its next chunks without `_next` in the URL: each is still read in
    the same order as the first."""
    import csv
    import io

    column = sort.split("=")[1]
    answer = client.get(f"/quotes/quotes.csv?_stream=on&{sort}&_size=5&_col={column}")
    assert answer.status_code == 200
    ids = [int(row["id"]) for row in csv.DictReader(io.StringIO(answer.text))]
    direction = " desc" if "_desc" in sort else ""
    expected = [row[0] for row in seed_conn.execute(f"select id from quotes order by {column}{direction}, id{direction}")]
    assert ids == expected


def test_a_where_that_quotes_the_condition_on_equal_values_changes_nothing(client, seed_conn):
    where = "text != '(kind = :p1 and ((id > :p0)))'"
    rows = follow_next(client, f"/quotes/quotes.json?_sort_desc=kind&_size=7&_where={where}")
    assert [row[0] for row in rows] == [row[0] for row in seed_conn.execute(
        "select id from quotes order by kind desc, id desc")]


def test_view_and_edit_sql_gives_the_sql_the_page_was_read_with(client, seed_conn):
    from html import unescape
    from urllib.parse import parse_qs, urlparse

    page = client.get("/quotes/appearances?_sort_desc=published&_size=3&_next=2024-01-07,20")
    link = unescape(page.text.split("View and edit SQL")[0].rsplit('href="', 1)[1].split('"')[0])
    asked = parse_qs(urlparse(link).query)
    sql, params = asked.pop("sql")[0], {name: values[0] for name, values in asked.items()}
    assert "id desc limit" in sql and "((id < :p0))" in sql
    shown = [row[0] for row in seed_conn.execute(sql, params)][:3]
    assert shown == [row[0] for row in client.json("/quotes/appearances.json?_sort_desc=published&_size=3"
                                                    "&_next=2024-01-07,20")["rows"]]
