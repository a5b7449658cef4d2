"""Bad and good inputs the corpus in tests/validation_cases/ cannot hold as one partner folder on disk.

Two partners' packages at once, a symbolic link made at run time (git stores links awkwardly), a size
limit lowered for the test, and inputs that are valid, where the corpus only holds rejected ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_indicators

import generator.load.packages
from generator.load.project import Project
from generator.validate import validate_project

ROOT = Path(__file__).resolve().parent.parent
AGENDA = ROOT / "datapackages" / "common-agenda"

# The corpus's sound rows and its project without partners: one definition, in test_validation_cases.
from test_validation_cases import GOOD_ROWS, HEADER, OBSERVATIONS, project_root  # noqa: E402, F401
from test_validation_cases import write_partner as write_case_partner  # noqa: E402

DESCRIPTOR = "datapackages/test-partner/datapackage.json"


def write_partner(root: Path, rows: list[str], slug: str = "test-partner", path: str = "observations.csv") -> Path:
    """The corpus's partner package, with its one resource at `path` (observations.csv is written either way)."""
    return write_case_partner(root, rows, slug, resources=[
        {"name": "observations", "path": path, "schema": "observation.schema.json"}])


def validate(root: Path, *paths: Path):
    return validate_project(Project(root), list(paths) or None).report


def indicators(root: Path, *arguments: str):
    return run_indicators(root, *arguments)


def listing(problems) -> str:
    return "\n".join(f"  {p.rule} {p.location} [{p.field}] {p.message} | {p.hint}" for p in problems) or "  (none)"


def symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target)
    except (OSError, NotImplementedError) as error:  # Windows without the privilege to make links
        pytest.skip(f"cannot make a symbolic link here: {error}")


# The same observation in two partners' packages ------------------------------------------------------------


def test_an_observation_given_by_two_partners_names_both_places(project_root: Path):
    write_partner(project_root, GOOD_ROWS[:2], slug="other-partner")
    write_partner(project_root, [GOOD_ROWS[2], GOOD_ROWS[0].replace(",10.6,", ",10.9,")])

    report = validate(project_root)

    other = "datapackages/other-partner/observations.csv"
    assert sorted((p.rule, p.file, p.line, p.column, p.partner) for p in report.errors) == [
        ("duplicate-observation", other, 2, 1, "other-partner"),
        ("duplicate-observation", OBSERVATIONS, 3, 1, "test-partner")], listing(report.errors)
    mine = next(problem for problem in report.errors if problem.file == OBSERVATIONS)
    theirs = next(problem for problem in report.errors if problem.file == other)
    assert ('The observation of "youth-disconnection" for 2023, cedar-river-county (total) is also given by '
            f"other-partner at {other}:2.") in mine.message
    assert f"is also given by test-partner at {OBSERVATIONS}:3." in theirs.message
    assert 'Only one partner may publish each observation: agree with "other-partner"' in mine.hint

    result = indicators(project_root, "validate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert OBSERVATIONS in result.stdout and "datapackages/other-partner/observations.csv:2" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validating_the_second_partner_alone_still_finds_the_observation_of_the_first(project_root: Path):
    write_partner(project_root, GOOD_ROWS[:2], slug="other-partner")
    folder = write_partner(project_root, [GOOD_ROWS[0]])

    report = validate(project_root, folder)

    assert [(p.rule, p.file, p.line) for p in report.errors] == [
        ("duplicate-observation", OBSERVATIONS, 2)], listing(report.errors)


def test_validating_the_first_partner_alone_still_finds_the_observation_of_the_second(project_root: Path):
    first = write_partner(project_root, GOOD_ROWS[:2], slug="other-partner")
    write_partner(project_root, [GOOD_ROWS[0]])

    report = validate(project_root, first)

    assert [(p.rule, p.file) for p in report.errors] == [
        ("duplicate-observation", "datapackages/other-partner/observations.csv")], listing(report.errors)
    assert f"also given by test-partner at {OBSERVATIONS}:2" in report.errors[0].message


# Paths that lead out of the package ------------------------------------------------------------------------


def test_a_resource_that_is_a_link_to_a_file_outside_the_package_is_refused_unread(project_root: Path,
                                                                                     tmp_path: Path):
    secret = tmp_path / "outside.csv"
    secret.write_text("\n".join([HEADER, "secret-indicator,2024,secret-place,,,,count,1,,,,,,"]) + "\n")
    folder = write_partner(project_root, GOOD_ROWS)
    (folder / "observations.csv").unlink()
    symlink(folder / "observations.csv", secret)

    report = validate(project_root)

    assert [(p.rule, p.file, p.line, p.partner) for p in report.errors] == [
        ("unsafe-path", DESCRIPTOR, None, "test-partner")], listing(report.errors)
    assert 'Resource 1 ("observations"): its path "observations.csv" is a link.' == report.errors[0].message
    assert "inside your package folder" in report.errors[0].hint
    assert all("secret" not in p.message for p in report.problems), "the linked file was read"
    assert OBSERVATIONS not in report.checked_files


def test_a_resource_in_a_linked_folder_outside_the_package_is_refused(project_root: Path):
    write_partner(project_root, GOOD_ROWS, slug="other-partner")
    folder = write_partner(project_root, GOOD_ROWS, path="data/observations.csv")
    symlink(folder / "data", project_root / "datapackages" / "other-partner")

    report = validate(project_root)

    assert [(p.rule, p.file) for p in report.errors] == [("unsafe-path", DESCRIPTOR)], listing(report.errors)
    assert 'its path "data/observations.csv" is a link.' in report.errors[0].message


def test_a_file_over_the_size_limit_is_refused_with_both_sizes(project_root: Path, monkeypatch):
    folder = write_partner(project_root, GOOD_ROWS)
    size = (folder / "observations.csv").stat().st_size
    monkeypatch.setattr(generator.load.packages, "MAX_DATA_FILE_BYTES", size - 1)

    report = validate(project_root)

    assert [(p.rule, p.file, p.partner) for p in report.errors] == [
        ("unsafe-path", DESCRIPTOR, "test-partner")], listing(report.errors)
    assert (f'its file "observations.csv" is {size:,} bytes, over the limit of {size - 1:,}.'
            in report.errors[0].message)
    assert "Split the data into several files" in report.errors[0].hint


def test_a_file_exactly_at_the_size_limit_is_read(project_root: Path, monkeypatch):
    folder = write_partner(project_root, GOOD_ROWS)
    monkeypatch.setattr(generator.load.packages, "MAX_DATA_FILE_BYTES", (folder / "observations.csv").stat().st_size)

    report = validate(project_root)

    assert report.errors == [], listing(report.errors)


# Files with no observations ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [HEADER + "\n", HEADER, HEADER + "\r\n", "\ufeff" + HEADER + "\n"],
                         ids=["with newline", "without newline", "windows newline", "byte-order mark"])
def test_a_header_with_no_rows_is_a_valid_package_with_nothing_to_publish_yet(data: str, project_root: Path):
    folder = write_partner(project_root, [])
    (folder / "observations.csv").write_bytes(data.encode("utf-8"))

    report = validate(project_root)

    assert report.errors == [], listing(report.errors)
    assert OBSERVATIONS in report.checked_files


def test_an_empty_file_is_never_accepted_or_crashed(project_root: Path):
    """The corpus case empty-file holds the message a partner should see; this is the floor beneath it."""
    folder = write_partner(project_root, [])
    (folder / "observations.csv").write_bytes(b"")

    report = validate(project_root)
    result = indicators(project_root, "validate")

    assert [(p.file, p.line) for p in report.errors] == [(OBSERVATIONS, None)], listing(report.errors)
    assert "empty" in report.errors[0].message
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# A partner's text is plain text ----------------------------------------------------------------------------

PLAIN_TEXT_NOTES = {
    "html": "<script>alert(1)</script>",
    "formula": '"=HYPERLINK(""https://example.org/"",""Click here"")"',
    "formula-unquoted": "=1+1",
    "at-sign": "@SUM(A1:A2)",
    "plus-and-minus": "+44 figures -- see the report",
    "markdown-and-html-entity": "**bold** [link](javascript:alert(1)) &amp; <b>",
}


@pytest.mark.parametrize("name", list(PLAIN_TEXT_NOTES))
def test_markup_or_a_formula_in_a_note_is_valid_plain_text(name: str, project_root: Path):
    """Notes are published as text, escaped where they are shown: refusing markup would only hide the risk."""
    rows = list(GOOD_ROWS)
    rows[2] = rows[2].replace("First year of the programme.", PLAIN_TEXT_NOTES[name])
    write_partner(project_root, rows)

    report = validate(project_root)

    assert report.errors == [], listing(report.errors)
    assert OBSERVATIONS in report.checked_files


# Months ------------------------------------------------------------------------------------------------------


def test_monthly_observations_are_valid_and_a_month_not_begun_yet_is_reported(project_root):
    from datetime import date

    today = date.today()
    next_month = f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"
    if next_month.endswith(f"-{(int(next_month[:4]) + 1) % 100:02d}"):
        next_month = next_month[:5] + "M" + next_month[5:]  # a month that reads as a school year: 2011-M12
    rows = [
        "youth-disconnection,2023-01,cedar-river-county,,,,percent,10.6,,,,,,",
        "youth-disconnection,2023-02,cedar-river-county,,,,percent,10.4,,,,,,",
        "youth-disconnection,2000-M01,cedar-river-county,,,,percent,12.0,,,,,,",
        f"youth-disconnection,{next_month},cedar-river-county,,,,percent,10.1,,,,,,",
    ]
    write_partner(project_root, rows)
    problems = validate(project_root).errors
    assert [(problem.rule, problem.line, problem.column) for problem in problems] == [("future-period", 5, 2)], \
        listing(problems)
    assert f"The period {next_month} has not begun yet" in problems[0].message
