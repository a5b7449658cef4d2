"""The fast path for large files reports exactly what frictionless reports.

`fast_table_problems` (generator/validate/fast.py) must give the very Problems of `structure.table_problems`:
same rules, words, lines, columns and order. Both run here on every CSV file of the bad-input corpus, on the
files the rules cannot read, on numbers written in every way frictionless accepts or refuses, and on mutated
copies of valid observations drawn by hypothesis. Underneath, `cells.read_cells` must cut a file into the
records Python's csv module cuts it into, whatever pyarrow's block size. Last, `validate_project` gives the same
report whichever path it takes, and the benchmark runs.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator.validate
import generator.validate.fast as fast
from generator.tools.benchmarks.validation import validation_benchmark
from generator.load.cells import CellsLayout, _scan, read_cells
from generator.load.lines import FileLayout
from generator.load.project import Project
from generator.validate import validate_project
from generator.validate.fast import fast_table_problems
from generator.validate.structure import table_problems
from test_validation_cases import CASES_DIR, GOOD_ROWS, HEADER, UNREADABLE, add_case_partner, listing

ROOT = Path(__file__).resolve().parent.parent
AGENDA = ROOT / "datapackages" / "common-agenda"
SCHEMA = json.loads((AGENDA / "observation.schema.json").read_text(encoding="utf-8"))
CASE_FILES = sorted(path for path in CASES_DIR.glob("*/partner/*.csv"))
# The corpus cases frictionless cannot open as a plain UTF-8, comma-separated file: there the fast path hands
# the file to frictionless, and is right by construction.
# An empty file, and a header with two labels blank (so repeated), are among them.
NOT_PLAIN_RULES = {"encoding-error", "source-error", "wrong-delimiter", "unclosed-quote", "empty-file", "blank-label"}
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def both(path: Path, root: Path) -> tuple[list, list]:
    return table_problems(path, SCHEMA, root, "test-partner"), fast_table_problems(path, SCHEMA, root, "test-partner")


def assert_same(path: Path, root: Path) -> None:
    slow, quick = both(path, root)
    assert quick == slow, f"frictionless:\n{listing(slow)}\nfast path:\n{listing(quick)}"


@pytest.fixture
def handed_back(monkeypatch) -> list[Path]:
    """The files the fast path hands back to frictionless."""
    files: list[Path] = []

    def spy(path, *arguments, **options):
        files.append(path)
        return table_problems(path, *arguments, **options)

    monkeypatch.setattr(fast, "table_problems", spy)
    return files


# The corpus ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CASE_FILES, ids=[str(path.relative_to(CASES_DIR)) for path in CASE_FILES])
def test_the_fast_path_agrees_with_frictionless_on_every_corpus_file(path: Path):
    assert_same(path, CASES_DIR)


def test_the_fast_path_reads_the_corpus_files_itself(handed_back: list[Path]):
    """Else the comparison above would test frictionless against itself: only files it cannot open are handed back."""
    for path in CASE_FILES:
        fast_table_problems(path, SCHEMA, CASES_DIR, "test-partner")

    def expected_rule(path: Path) -> str:
        return json.loads((path.parents[1] / "expected.json").read_text(encoding="utf-8"))["rule"]

    assert set(handed_back) <= {path for path in CASE_FILES if expected_rule(path) in NOT_PLAIN_RULES}


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_the_fast_path_agrees_on_files_the_rules_cannot_read(name: str, tmp_path: Path):
    path = tmp_path / "observations.csv"
    path.write_bytes(UNREADABLE[name][0])
    assert_same(path, tmp_path)


# Files shaped in ways the corpus does not show ------------------------------------------------------------

ROWS = "\n".join([HEADER, *GOOD_ROWS]) + "\n"
BAD_ROW = GOOD_ROWS[0].replace(",10.6,9.5,", ",n/a,low,")  # two type errors
EDGES = {
    # name: (the file's text, whether frictionless refuses to open it, so that the fast path hands it back)
    "header only": (HEADER + "\n", False),
    "header only, without a line break": (HEADER, False),
    "no line break at the end": (ROWS.rstrip("\n"), False),
    "blank lines at the end": (ROWS + "\n\n\n", False),
    "rows of commas only": (ROWS + "," * 13 + "\n" + ",,,\n", False),
    "carriage returns for line breaks": (ROWS.replace("\n", "\r"), False),
    "a quoted header": (ROWS.replace("indicator,", '"indicator",', 1), False),
    "a byte-order mark and spaces in the header": ("\ufeff" + ROWS.replace(",", " , ", 3), False),
    "the columns in another order": (ROWS.replace("value,lower_bound", "lower_bound,value", 1), False),
    "an extra column": (ROWS.replace("\n", ",x\n"), False),
    "a missing column": ("\n".join(line.rsplit(",", 1)[0] for line in ROWS.splitlines()) + "\n", False),
    "a repeated column": (ROWS.replace("note", "value", 1), True),
    "a stray quote inside a note": (ROWS.replace("First year", 'First "year'), False),
    "text after a closing quote": (ROWS.replace(",First year", ',"First" year'), False),
    "a quoted note over three lines": (ROWS.replace("First year", '"First\r\nyear\nof"'), False),
    "more errors than frictionless counts": ("\n".join([HEADER, *[BAD_ROW] * 600]) + "\n", False),
    "header errors, then more errors than it counts": (
        "\n".join([HEADER.replace("unit", "units"), *[BAD_ROW] * 600]) + "\n", False),
    "a short row among more errors than it counts": (
        "\n".join([HEADER, *[BAD_ROW] * 499, "youth-disconnection,2023", *[BAD_ROW] * 10]) + "\n", False),
}


@pytest.mark.parametrize("name", list(EDGES))
def test_the_fast_path_agrees_with_frictionless_on_files_of_every_shape(name: str, tmp_path: Path,
                                                                         handed_back: list[Path]):
    text, refused = EDGES[name]
    path = tmp_path / "observations.csv"
    path.write_bytes(text.encode("utf-8"))

    assert_same(path, tmp_path)
    assert bool(handed_back) == refused


# Numbers: frictionless strips the cell and hands it to Python's Decimal ---------------------------------------

NUMBERS = [
    "12", "12.5", "+5", "-5", ".5", "5.", "1e3", "1E-3", "-1.5e+2", " 7 ", "\t7", "7\t", "007", "0", "-0",
    "NaN", "nan", "-NaN", "sNaN", "NaN12", "inf", "-Infinity", "INF", "1_000", "١٢", "１２",  # Decimal's
    "", " ", "1,234", "12%", "$5", "n/a", "-", ".", "+", "e3", "1e", "1.2.3", "0x1F", "1 000", "5-", "--5",
    "1e3.5", "Inf inity", "½", "12\n", "\u00a012", "1_", "_1",
]


@pytest.mark.parametrize("number", NUMBERS, ids=[repr(number) for number in NUMBERS])
def test_numbers_are_read_as_frictionless_reads_them(number: str, tmp_path: Path, handed_back: list[Path]):
    cell = f'"{number}"' if any(character in number for character in ',"\n\r') else number
    rows = [GOOD_ROWS[0].replace(",10.6,", f",{cell},"), GOOD_ROWS[3].replace(",31,", f",{cell},")]
    path = tmp_path / "observations.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")

    assert_same(path, tmp_path)
    assert handed_back == []


# Mutated observations --------------------------------------------------------------------------------------

BASE_ROWS = [row.split(",") for row in GOOD_ROWS] + [
    "youth-disconnection,2022,eastport,,Male,,percent,12.1,,,,,,".split(","),
    ["teen-births", "2023", "millbrook", "Hispanic or Latino", "", "", "rate_per_1000", "18.4", "", "", "", "",
     "provisional", '"Revised, see methods."'],
    ["apprenticeship-starts", "2023", "eastport", "", "", "", "count", "22", "", "", "", "", "",
     '"First cohort:\nspring intake"'],
]
VALUES = ["", " ", "x", "1e3", "NaN", "12%", "1,234", "suppressed", "Estimated", "2024-Q5", "2024", "-", '"a,b"',
          '""', '"', "a\nb", "\ufeff", "\x00", "é", "inf", "+5", ".5"]
CHARACTERS = [",", '"', "\n", "\r", "\r\n", " ", "\t", ";", "a", "1", ".", "e", "-", "%", "é", "\ufeff", "\x00"]

mutation = st.one_of(
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(CHARACTERS)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 3)),
    st.tuples(st.just("swap"), st.integers(0, 20), st.integers(0, 15), st.integers(0, 15)),
    st.tuples(st.just("blank"), st.integers(0, 20), st.integers(0, 15)),
    st.tuples(st.just("quote"), st.integers(0, 20), st.integers(0, 15)),
    st.tuples(st.just("cell"), st.integers(0, 20), st.integers(0, 15), st.sampled_from(VALUES)),
    st.tuples(st.just("row"), st.integers(0, 20), st.lists(st.sampled_from(VALUES), max_size=18)),
    st.tuples(st.just("repeat"), st.integers(0, 20)),
)


def mutated(mutations: list[tuple], line_break: str) -> str:
    """The base observations with the mutations applied: first to rows and cells, then to the text."""
    rows = [HEADER.split(","), *[list(row) for row in BASE_ROWS]]
    for kind, *what in mutations:
        if kind in ("swap", "blank", "quote", "cell") and rows[what[0] % len(rows)]:
            row = rows[what[0] % len(rows)]
            column = what[1] % len(row)
            if kind == "swap":
                other = what[2] % len(row)
                row[column], row[other] = row[other], row[column]
            elif kind == "blank":
                row[column] = ""
            elif kind == "quote":
                row[column] = f'"{row[column]}"'
            else:
                row[column] = what[2]
        elif kind == "row":
            rows.insert(1 + what[0] % len(rows), list(what[1]))
        elif kind == "repeat":
            rows.append(list(rows[1 + what[0] % (len(rows) - 1)]))
    text = "".join(",".join(row) + line_break for row in rows)
    for kind, *what in mutations:
        at = int(what[0] * len(text)) if kind in ("insert", "delete") else 0
        if kind == "insert":
            text = text[:at] + what[1] + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + what[1]:]
    return text


@FUZZ
@given(mutations=st.lists(mutation, min_size=1, max_size=5), line_break=st.sampled_from(["\n", "\r\n", "\r"]))
def test_the_fast_path_agrees_with_frictionless_on_mutated_observations(mutations, line_break, tmp_path: Path):
    path = tmp_path / "observations.csv"
    path.write_bytes(mutated(mutations, line_break).encode("utf-8"))
    assert_same(path, tmp_path)


# Reading: the records of Python's csv module, whatever pyarrow's block size --------------------------------


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(text=st.lists(st.sampled_from([",", '"', "\n", "\r", "\r\n", " ", "a", "é"]), max_size=400).map("".join),
       block_bytes=st.sampled_from([64, 97, 256, 1 << 20]), byte_order_mark=st.booleans())
def test_read_cells_cuts_records_as_pythons_csv_module(text: str, block_bytes: int, byte_order_mark: bool):
    text = "x,y,z\n" + text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "observations.csv"
        path.write_bytes((("\ufeff" if byte_order_mark else "") + text).encode("utf-8"))
        cells = read_cells(path, block_bytes)
        records = list(csv.reader(io.StringIO(text, newline="")))
        lines = len(path.open(encoding="utf-8", newline="").readlines())
        assert _scan(path, path.stat().st_size, chunk_bytes=block_bytes) == (_ends_inside_quotes(text), lines)
        if cells is None:
            assert _ends_inside_quotes(text), "read_cells refused a file whose quotes all close"
            return
        width = len(cells.header)
        read = {int(number): cells.row(position) for position, number in enumerate(cells.record_numbers())}
        read.update(dict(cells.odd))
        # Python reads an empty line as a record without cells, pyarrow as one of blank cells: the same blank row.
        assert [cells.header, *(read[number] for number in sorted(read))] == [
            record or [""] * width for record in records]
        assert sorted(read) == list(range(2, len(records) + 1))
        # The lines and columns problems are reported at, worked out from the cells, are FileLayout's.
        layout, file_layout = CellsLayout(path, cells), FileLayout(path)
        assert [layout.line(number) for number in range(len(records) + 3)] == [
            file_layout.line(number) for number in range(len(records) + 3)]
        assert [layout.column(name, 99) for name in ["x", "y", "z", "w"]] == [
            file_layout.column(name, 99) for name in ["x", "y", "z", "w"]]


def _ends_inside_quotes(text: str) -> bool:
    """Whether Python's csv module is still inside a quoted value at the end: it would swallow one more record."""
    records = list(csv.reader(io.StringIO(text + "\nlast,record\n", newline="")))
    return records[-1] != ["last", "record"]


# The whole validation, either way --------------------------------------------------------------------------

SAME_REPORT_CASES = [  # one of each way a file reaches the rules: sound, broken, blank rows, lines, two files
    "blank-row", "empty-rows-left-by-a-spreadsheet", "extra-cell", "missing-column", "wrong-value-type",
    "multi-line-quoted-note-then-error", "duplicate-observation-across-files", "not-utf8",
]


@pytest.mark.parametrize("case", [name for name in SAME_REPORT_CASES if (CASES_DIR / name).is_dir()])
def test_validate_project_reports_the_same_on_either_path(case: str, tmp_path: Path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(AGENDA, root / "datapackages" / "common-agenda")
    add_case_partner(root, CASES_DIR / case / "partner")

    reports = {}
    for name, threshold in {"fast": 0, "frictionless": 1 << 60}.items():
        monkeypatch.setattr(generator.validate, "FAST_PATH_BYTES", threshold)
        reports[name] = validate_project(Project(root)).report

    assert reports["fast"].problems == reports["frictionless"].problems, (
        f"fast:\n{listing(reports['fast'].problems)}\nfrictionless:\n{listing(reports['frictionless'].problems)}")
    assert reports["fast"].checked_files == reports["frictionless"].checked_files


# The benchmark ---------------------------------------------------------------------------------------------


def test_the_benchmark_validates_a_generated_valid_package(tmp_path: Path):
    summary = validation_benchmark(rows=2000, work=tmp_path, primary_key=False, echo=False)

    assert [result["validator"] for result in summary["results"]] == ["ours", "ours-structure", "frictionless"]
    for result in summary["results"]:
        assert result["rows"] == 2000
        assert result["errors"] == 0, result
        assert result["seconds"] > 0 and result["peak_mb"] > 0
    assert summary["speed_ratio"] > 0
    assert list(tmp_path.iterdir()) == [], "the benchmark left its temporary project behind"


@pytest.mark.parametrize("case", ["multi-line-quoted-note-then-error", "duplicate-observation-in-one-file"])
def test_the_later_stages_get_the_same_table_from_either_path(case: str, tmp_path: Path, monkeypatch):
    """The build reads `DataFile.table`: pyarrow's codes must give back exactly the text pandas reads."""
    root = tmp_path / "project"
    shutil.copytree(AGENDA, root / "datapackages" / "common-agenda")
    add_case_partner(root, CASES_DIR / case / "partner")

    tables = {}
    for name, threshold in {"fast": 0, "frictionless": 1 << 60}.items():
        monkeypatch.setattr(generator.validate, "FAST_PATH_BYTES", threshold)
        (package,) = validate_project(Project(root)).packages
        tables[name] = [file.table for file in package.files]
        assert (package.files[0].cells is not None) == (name == "fast")

    for fast_table, pandas_table in zip(tables["fast"], tables["frictionless"]):
        pd.testing.assert_frame_equal(fast_table, pandas_table)
