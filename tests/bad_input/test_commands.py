"""Bad input across the commands, table-driven (see tests/support/bad_input.py for the bar)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.bad_input import Case, run_case


def _replace_in(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def spoil(lake: Path) -> None:
        path = lake / relative
        path.write_text(path.read_text().replace(old, new, 1))

    return spoil


def _write(relative: str, text: str) -> Callable[[Path], None]:
    def spoil(lake: Path) -> None:
        (lake / relative).write_text(text)

    return spoil


CASES = [
    Case(
        "prep-missing-raw",
        ["prep", "--raw", "{tmp}/nowhere", "--processed", "{lake}/processed"],
        r"input folder .*nowhere does not exist",
    ),
    Case(
        "prep-zip-not-a-number",
        ["prep", "--raw", "{lake}/published", "--processed", "{lake}/processed"],
        r"16zpallagi\.csv line \d+: column zipcode holds 'ZIP1\d{4}', expected a whole number",
        spoil=_replace_in("published/16zpallagi.csv", "\n36,NY,1", "\n36,NY,ZIP1"),
    ),
    Case(
        "prep-parks-is-html",
        ["prep", "--raw", "{lake}/published", "--processed", "{lake}/processed"],
        r"DPR_Parks_sample\.json is not a JSON array of objects \(it starts with '<html>",
        spoil=_write("published/DPR_Parks_sample.json", "<html>Service Unavailable</html>"),
    ),
    Case(
        "ingest-parks-html-source",
        ["ingest", "parks", "--lake", "{lake}", "--source", "{tmp}/page.json"],
        r"page\.json",
        spoil=lambda lake: (lake.parent / "page.json").write_text("<html>busy</html>"),
    ),
    Case(
        "crawl-missing-lake",
        ["crawl", "raw", "--lake", "{tmp}/no-lake"],
        r"lake root .*no-lake does not exist",
    ),
    Case(
        "sql-syntax-error",
        ["sql", "SELEC * FROM x", "--lake", "{lake}"],
        r"line 1",
    ),
    Case(
        "glue-local-unknown-job",
        ["glue-local", "no_such_job"],
        r"job 'no_such_job' not found",
    ),
    Case(
        "bad-date",
        ["prep", "--raw", "{lake}/published", "--processed", "{lake}/p", "--date", "2019-02-30"],
        r"'2019-02-30' is not a date like 2019-07-04",
        status=2,
    ),
]


@pytest.fixture
def lake(tmp_path: Path, samples_dir: Path) -> Path:
    """A lake with the published files beside its zones, to spoil; ``tmp_path`` is its parent."""
    root = tmp_path / "lake"
    shutil.copytree(samples_dir, root / "published")
    (root / "processed").mkdir()
    return root


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(
    case: Case, lake: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    run_case(case, lake, tmp_path, capfd)
