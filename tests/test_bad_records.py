"""Every kind of bad record gives `path:line: field: message`, exit 1, and leaves quotes.db alone."""

import ctypes
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build, write_records, SPEAKERS, ARTICLE

CASES_DIR = Path(__file__).parent / "bad_records"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())


def prepare(case: str, workdir: Path, into="records") -> list[str]:
    """Copy a case's records into workdir/into; return its expected lines, re-rooted."""
    source = CASES_DIR / case / "records"
    target = workdir / into
    shutil.copytree(source, target, dirs_exist_ok=True)
    if not (source / "speakers.yml").exists() and not (source / ".no-speakers").exists():
        shutil.copy(CASES_DIR / "speakers.yml", workdir / "records" / "speakers.yml")
    expected = (CASES_DIR / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line.replace("records/", into + "/") for line in expected]


def previous_database(workdir: Path) -> bytes:
    content = b"SQLite format 3\x00 stands in for the previous good database"
    (workdir / "quotes.db").write_bytes(content)
    return content


def assert_failed_cleanly(result, workdir, before, expected):
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    printed = result.stderr.splitlines()
    for line in expected:
        assert any(p.startswith(line) for p in printed), f"missing {line!r} in:\n{result.stderr}"
    assert (workdir / "quotes.db").read_bytes() == before
    assert sorted(p.name for p in workdir.glob("quotes.db*")) == ["quotes.db"]


@pytest.mark.parametrize("case", CASES)
def test_bad_record(case, tmp_path):
    expected = prepare(case, tmp_path)
    before = previous_database(tmp_path)
    result = run_build("records", "--output", "quotes.db", cwd=tmp_path)
    assert_failed_cleanly(result, tmp_path, before, expected)
    problems = [line for line in result.stderr.splitlines()[:-1] if not line.endswith(" (warning)")]
    assert f"{len(problems)} problem" in result.stderr.splitlines()[-1]


def test_every_problem_is_reported_in_one_run(tmp_path):
    expected = []
    for case in CASES:
        if not list((CASES_DIR / case / "records").glob("speakers.yml")) and not (CASES_DIR / case / "records" / ".no-speakers").exists():
            expected += prepare(case, tmp_path, into=f"records/{case}")
    before = previous_database(tmp_path)
    result = run_build("records", "--output", "quotes.db", cwd=tmp_path)
    assert len(expected) > 20
    assert_failed_cleanly(result, tmp_path, before, expected)


def test_check_mode_validates_without_writing(tmp_path):
    write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "a.yml": ARTICLE})
    result = run_build("records", "--check", "--output", "quotes.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "records are valid: 1 quote (1 report) from 1 article, 2 speakers" in result.stdout
    assert not (tmp_path / "quotes.db").exists()
    prepare("unknown-speaker", tmp_path)
    result = run_build("records", "--check", cwd=tmp_path)
    assert result.returncode == 1 and "unknown speaker" in result.stderr


def test_thousands_of_files_are_all_checked(tmp_path):
    bad = ARTICLE.replace("kind: full", "kind: fulll")
    files = {"speakers.yml": SPEAKERS}
    files.update({f"{n // 100}/{n:04d}.yml": (bad if n % 500 == 7 else ARTICLE.replace("casualties", f"casualties {n}")) for n in range(3000)})
    write_records(tmp_path / "records", files)
    before = previous_database(tmp_path)
    result = run_build("records", "--output", "quotes.db", cwd=tmp_path)
    expected = [f"records/{n // 100}/{n:04d}.yml:9: kind: input should be" for n in range(3000) if n % 500 == 7]
    assert_failed_cleanly(result, tmp_path, before, expected)
    assert "6 problems found" in result.stderr


def test_likely_slips_are_warnings_not_errors(tmp_path):
    other = ARTICLE.replace("vassily-nebenzia", "russian-authorities").replace("    spelled_as: Nabenzia\n", "")
    write_records(tmp_path / "records", {
        "speakers.yml": SPEAKERS,
        "a.yml": ARTICLE,
        "a.txt": "Vasily Nabenzia said: In order to increase the number of casualties they used cluster munitions.",
        "b.yml": other.replace("A test article", "Another"),
        "b.txt": "An article that names nobody.",
    })
    result = run_build("records", "--output", "quotes.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "records/b.yml:6: speaker: no name of 'russian-authorities' appears in the archived article text (warning)",
        "records/b.yml:6: text: the same text is attributed to 'vassily-nebenzia' at records/a.yml:6 (warning)",
    ]
    assert (tmp_path / "quotes.db").exists()


def test_words_typed_inside_quotation_marks_are_a_warning(tmp_path):
    """The site puts a quote in quotation marks itself: marks typed around the words would
    show twice (““…””) in pages and citations."""
    marked = ARTICLE.replace('text: "In order to increase the number of casualties they used cluster munitions,"',
                             "text: '“In order to increase the number of casualties they used cluster munitions,”'")
    lines = '{"id": "2024-01-08-o", "article": {"title": "T", "outlet": "O", "published": "2024-01-07"}, "quotes": [' \
        '{"speaker": "russian-authorities", "kind": "full", "text": "\\"A strike.\\""}, ' \
        '{"speaker": "russian-authorities", "kind": "full", "text": "It was \\"a strike\\"."}, ' \
        '{"speaker": "russian-authorities", "kind": "full", "text": "\\"Iron Dome\\" works as \\"intended\\""}, ' \
        '{"speaker": "russian-authorities", "kind": "full", "text": "\'Cause we were goin\'"}, ' \
        '{"speaker": "russian-authorities", "kind": "full", "text": "»Worte«."}]}\n'
    write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "a.yml": marked, "b.jsonl": lines})
    result = run_build("records", "--output", "quotes.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "records/a.yml:10: text: is inside quotation marks, which the site adds itself: record the words alone (warning)",
        "records/b.jsonl:1: quotes[0].text: is inside quotation marks, which the site adds itself: record the words alone (warning)",
        "records/b.jsonl:1: quotes[4].text: is inside quotation marks, which the site adds itself: record the words alone (warning)",
    ]


def test_a_record_filed_under_another_date_than_published_is_a_warning(tmp_path):
    """quotes/YEAR/YYYY-MM-DD-outlet-short-title.yml: a file name or a year folder that says
    another date than the article's publication is likely a slip in one of them."""
    write_records(tmp_path / "records", {
        "speakers.yml": SPEAKERS,
        "2024/2024-01-07-test-outlet-a.yml": ARTICLE,  # as it should be: no warning
        "2024/2024-01-08-test-outlet-b.yml": ARTICLE.replace("A test article", "B"),
        "2023/2024-01-07-test-outlet-c.yml": ARTICLE.replace("A test article", "C").replace("vassily-nebenzia", "russian-authorities").replace("    spelled_as: Nabenzia\n", ""),
    })
    result = run_build("records", "--output", "quotes.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    misplaced = [line for line in result.stderr.splitlines() if "article.published" in line]
    assert misplaced == [
        "records/2023/2024-01-07-test-outlet-c.yml:4: article.published: 2024-01-07 is not in 2023, the year of the folder the file is in (warning)",
        "records/2024/2024-01-08-test-outlet-b.yml:4: article.published: 2024-01-07 is not the date the file name begins with (2024-01-08) (warning)",
    ]


def test_a_record_refused_for_one_quote_still_has_its_other_quotes_checked_and_warned_of(tmp_path):
    """A curator sees every problem and warning of a file in one run, not some only once
    its other problems are fixed; on a JSON line too."""
    before = previous_database(tmp_path)
    article = ARTICLE.replace('text: "In order to increase the number of casualties they used cluster munitions,"',
                              "text: '“In order to increase the number of casualties they used cluster munitions,”'")
    article += "  - speaker: russian-authorities\n    kind: fulll\n    text: We are #1 in the world\n"
    line = ('{"id": "2024-01-08-o", "article": {"title": "T", "outlet": "O", "published": "2024-01-07"}, "quotes": ['
            '{"speaker": "russian-authorities", "kind": "full", "text": "\\"A strike.\\""}, '
            '{"speaker": "russian-authorities", "kind": "fulll", "text": "Words."}]}\n')
    write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "2024/2024-01-08-test-outlet-a.yml": article,
                                         "b.jsonl": line})
    result = build(tmp_path)
    assert_failed_cleanly(result, tmp_path, before, [
        "records/2024/2024-01-08-test-outlet-a.yml:12: kind: input should be",
        "records/2024/2024-01-08-test-outlet-a.yml:13: text: ends before '#1 in the world'",
        "records/b.jsonl:1: quotes[1].kind: input should be",
        "records/2024/2024-01-08-test-outlet-a.yml:4: article.published: 2024-01-07 is not the date the file name "
        "begins with (2024-01-08) (warning)",
        "records/2024/2024-01-08-test-outlet-a.yml:10: text: is inside quotation marks",
        "records/b.jsonl:1: quotes[0].text: is inside quotation marks",
    ])


def test_warnings_are_said_when_the_build_fails_too(tmp_path):
    """A curator fixing the problems sees the slips in the same run, after them."""
    write_records(tmp_path / "records", {
        "speakers.yml": SPEAKERS,
        "a.yml": ARTICLE,
        "a.txt": "An article that names nobody.",
        "b.yml": ARTICLE.replace("A test article", "Another").replace("spelled_as: Nabenzia", "spelled_as: Nobody"),
    })
    result = run_build("records", "--output", "quotes.db", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(": ")[0] for line in result.stderr.splitlines()] == [
        "records/b.yml:7", "records/a.yml:6", "1 problem found; nothing written."]
    assert result.stderr.splitlines()[1] == (
        "records/a.yml:6: speaker: no name of 'vassily-nebenzia' appears in the archived article text (warning)")


def obeying_file_permissions():
    """A preexec_fn after which even root cannot read a file chmod 000 (it drops the
    capabilities that override file permissions); None for anyone else."""
    if os.geteuid() != 0:
        return None

    def drop_capabilities():
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "cannot drop a capability")

    return drop_capabilities


def build(workdir, timeout=120):
    return subprocess.run(
        [sys.executable, str(ROOT / "build_db.py"), "records", "--output", "quotes.db"],
        cwd=workdir, capture_output=True, text=True, timeout=timeout, preexec_fn=obeying_file_permissions(),
    )


def other_quote(text):
    return ARTICLE.replace("In order to increase the number of casualties they used cluster munitions,", text)


@pytest.mark.skipif(sys.platform != "linux", reason="drops Linux capabilities to make files unreadable")
def test_an_unreadable_folder_file_or_archived_text_is_an_error(tmp_path):
    records = write_records(tmp_path / "records", {
        "speakers.yml": SPEAKERS,
        "2023/a.yml": ARTICLE,
        "2024/b.yml": other_quote("Second."),
        "2024/b.txt": "Nabenzia said it.",
        "2025/c.yml": other_quote("Third."),
        "d.yml": other_quote("Fourth."),
    })
    before = previous_database(tmp_path)
    unreadable = [records / "2024" / "b.txt", records / "2025", records / "d.yml"]
    for path in unreadable:
        path.chmod(0)
    try:
        result = build(tmp_path)
    finally:
        for path in unreadable:
            path.chmod(0o755)
    assert_failed_cleanly(result, tmp_path, before, [
        "records/2024/b.txt: cannot read the archived text: Permission denied",
        "records/2025: cannot read the folder: Permission denied",
        "records/d.yml: cannot read the file: Permission denied",
    ])
    assert "3 problems found; nothing written." in result.stderr


def test_a_fifo_or_broken_link_named_like_a_record_or_archive_is_an_error_not_a_hang(tmp_path):
    records = write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "b.yml": ARTICLE, "d.yml": other_quote("D.")})
    os.mkfifo(records / "a.yml")
    os.mkfifo(records / "b.txt")
    (records / "c.yml").mkdir()  # a folder named like a record is a folder, and read as one
    (records / "d.txt").symlink_to(records / "missing.txt")
    before = previous_database(tmp_path)
    result = build(tmp_path, timeout=60)
    assert_failed_cleanly(result, tmp_path, before, [
        "records/a.yml: cannot read the file: is a FIFO, not a regular file",
        "records/b.txt: cannot read the archived text: is a FIFO, not a regular file",
        "records/d.txt: cannot read the archived text: No such file or directory",
    ])
    assert "3 problems found" in result.stderr


def test_what_is_skipped_is_said(tmp_path):
    outside = write_records(tmp_path / "elsewhere", {"c.yml": other_quote("Linked.")})
    records = write_records(tmp_path / "records", {
        "speakers.yml": SPEAKERS,
        "a.yml": ARTICLE,
        "b.YML": other_quote("Upper-case extension."),
        ".hidden/d.yml": other_quote("In a hidden folder."),
        ".e.yml": other_quote("A hidden file."),
        ".gitkeep": "",
        "notes.md": "not a record",
    })
    (records / "linked").symlink_to(outside, target_is_directory=True)
    (records / "f.yml").symlink_to(write_records(tmp_path / "target", {"f.yml": other_quote("A linked file.")}) / "f.yml")
    result = build(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "built quotes.db: 2 quotes (2 reports) from 2 articles" in result.stdout
    assert result.stderr.splitlines() == [
        "records/.e.yml: skipped: a hidden file (warning)",
        "records/.hidden: skipped: a hidden folder (warning)",
        "records/b.YML: skipped: record file names end in lower-case .yml, .yaml or .jsonl (warning)",
        "records/linked: skipped: a symbolic link to a folder (not followed) (warning)",
    ]


def test_a_file_name_that_is_no_article_id_is_refused(tmp_path):
    write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "Bad Name <img src=x>.yml": ARTICLE})
    before = previous_database(tmp_path)
    result = build(tmp_path)
    assert_failed_cleanly(result, tmp_path, before, [
        "records/Bad Name <img src=x>.yml: the file name is the article's id: lower-case letters and digits joined by -",
    ])


def test_a_comment_that_cuts_plain_prose_short_is_refused(tmp_path):
    """YAML would read `text: We are #1 in the world` as "We are": never published cut,
    nor a title, role, date wording, note or description; a comment after a name, a date
    or an id is fine."""
    before = previous_database(tmp_path)
    speakers = SPEAKERS.replace("    kind: group\n", "    kind: group  # an id-like value\n"
                                "    description: Russia's #1 source\n").replace(
        "    kind: person\n", "    kind: person\n    description:  # to write\n") + (
        "  - {id: flow-speaker, name: Flow Speaker, kind: person, description: Russia's\n"
        "     #1 diplomat at the UN\n    }\n")  # in braces a value goes on whatever the indentation
    article = ARTICLE.replace(
        'text: "In order to increase the number of casualties they used cluster munitions,"',
        "text: We are #1 in the world",
    ).replace("spelled_as: Nabenzia", "spelled_as: Nabenzia  # a comment after a name is fine")
    article = article.replace("title: A test article", "title: We are #1 again").replace(
        "said: 2023-12-31", "said: 2023-12-31  # a comment after a date is fine\n    role: the party's #2\n"
        "    said_wording: on 31 December #late")
    article += ('  - speaker: russian-authorities\n    kind: full\n    text: "Quoted, so whole."  # fine too\n'
                "    role:  # nothing cut: no value\n    notes: ~  # nor here\n    venue: Studio #4\n")
    article += ("  - speaker: russian-authorities\n    kind: full\n    translated_from: ru\n"
                "    text: 'We are number one'\n    original_text: Мы номер #1\n    notes: see #4\n"
                "    same_as:\n      article: b\n      starts: We are #1\n")
    article += ("  - speaker: russian-authorities\n    kind: full\n    said_wording: 10:30 #local time\n"
                "    text: They are\n      #1 in the league\n    notes: Said twice\n    # a comment of its own\n"
                "  - speaker: russian-authorities\n    kind: full\n    text: So are\n      \t #2 in the cup\n"
                "    role: #2 on the party list\n")
    write_records(tmp_path / "records", {"speakers.yml": speakers, "a.yml": article})
    result = build(tmp_path)
    cut = "which YAML reads as a comment: put the value in quotes, with the words after # inside them if they belong to it"
    assert_failed_cleanly(result, tmp_path, before, [
        f"records/speakers.yml:10: description: ends before '#1 source', {cut}",
        f"records/a.yml:2: article.title: ends before '#1 again', {cut}",
        f"records/a.yml:9: role: ends before '#2', {cut}",
        f"records/a.yml:10: said_wording: ends before '#late', {cut}",
        f"records/a.yml:12: text: ends before '#1 in the world', {cut}",
        f"records/a.yml:18: venue: ends before '#4', {cut}",
        f"records/a.yml:23: original_text: ends before '#1', {cut}",
        f"records/a.yml:24: notes: ends before '#4', {cut}",
        f"records/a.yml:27: same_as.starts: ends before '#1', {cut}",
        f"records/a.yml:30: said_wording: ends before '#local time', {cut}",  # 10:30 stays text
        f"records/a.yml:32: text: ends before '#1 in the league', {cut}",  # it would have gone on
        f"records/a.yml:38: text: ends before '#2 in the cup', {cut}",  # a tab before the #
        "records/a.yml:39: role: is empty: YAML reads '#2 on the party list' as a comment; if it is the value, "
        "put it in quotes, and if it is a comment, leave a space after the #",
        f"records/speakers.yml:12: description: ends before '#1 diplomat at the UN', {cut}",
    ])
    # those problems, the unknown article b and the count: the other comments are fine
    assert len(result.stderr.splitlines()) == 16, result.stderr


def test_raw_line_separators_keep_the_words_exactly(tmp_path):
    texts = ["We said \u2028 more words.", "One \u2029two,\u2028 three \u2028four."]
    article = ARTICLE.replace('"In order to increase the number of casualties they used cluster munitions,"', texts[0])
    article += f'  - speaker: russian-authorities\n    kind: full\n    text: "{texts[1]}"\n'
    write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "a.yml": article})
    result = build(tmp_path)
    assert result.returncode == 0, result.stderr
    stored = sqlite3.connect(tmp_path / "quotes.db").execute(
        "select text, record_line from quotes join appearances on appearances.quote_id = quotes.id order by record_line")
    assert stored.fetchall() == [(texts[0], 6), (texts[1], 11)]


def test_names_differing_only_by_spacing_are_one_outlet_or_venue(tmp_path):
    article = ARTICLE.replace("said: 2023-12-31", "said: 2023-12-31\n    venue: UN  Security Council")
    other = other_quote("Second.").replace("Test Outlet", " Test\u00a0Outlet").replace(
        "said: 2023-12-31", "said: 2023-12-31\n    venue: UN Security Council\n    reported_via: Test  Outlet")
    write_records(tmp_path / "records", {"speakers.yml": SPEAKERS, "a.yml": article, "b.yml": other})
    result = build(tmp_path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / "quotes.db")
    assert conn.execute("select name from outlets").fetchall() == [("Test Outlet",)]
    assert conn.execute("select name from venues").fetchall() == [("UN Security Council",)]
    assert conn.execute("select count(distinct venue_id), count(distinct first_outlet_id), count(*) from quotes").fetchone() == (1, 1, 2)
