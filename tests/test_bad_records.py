"""Every kind of bad record gives `path:line: field: message`, exit 1, and leaves quotes.db alone."""

import shutil
from pathlib import Path

import pytest

from conftest import run_build, write_records, SPEAKERS, ARTICLE

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
    assert f"{len(result.stderr.splitlines()) - 1} problem" in result.stderr.splitlines()[-1]


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
    assert "records are valid: 1 quotes from 1 articles, 2 speakers" in result.stdout
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
