"""Validation never crashes, whatever a partner commits, and never refuses a package that is valid.

Hypothesis writes random bytes, mutated copies of real observations and mutated descriptors into a partner's
folder of a temporary project. Every example is validated in-process; a few of them, chosen after the run
for the different problems they raised, also through `python -m generator validate`, which is slow to start.

The examples are the same on every run (`derandomize`), so a pull request fails for its own change and not
for a new random draw, and a failure is reported as found, not shrunk, to keep the file within a minute.
Set FUZZ_EXPLORE=1 to draw new examples and shrink failures while working on the validator, and
FUZZ_EXAMPLES=1000 to draw more of them.

Each crash hypothesis has found is kept below as a plain test of its input. A new one goes there marked
xfail(strict=True) until generator/ is fixed, and the properties set its inputs aside meanwhile (an `assume`
in the strategy, or a `reject()` for the exception it raises), so that they keep testing everything else.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from generator.problems import Report
from generator.load.project import Project
from generator.validate import validate_project

ROOT = Path(__file__).resolve().parent.parent
AGENDA = ROOT / "datapackages" / "common-agenda"
SLUG = "youthworks"
EXAMPLE = ROOT / "datapackages" / SLUG
PARTNERS = sorted(folder for folder in (ROOT / "datapackages").iterdir()
                  if (folder / "observations.csv").is_file())

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 60))
CLI_RUNS = 2  # per property: a run of the command costs seconds, an in-process validation a tenth of one
EXPLORE = bool(os.environ.get("FUZZ_EXPLORE"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not EXPLORE,
    # Shrinking a failure can take minutes at a tenth of a second an example: CI reports the example as found.
    phases=list(Phase) if EXPLORE else [Phase.explicit, Phase.reuse, Phase.generate],
    database=None,  # failures are kept in this file, not in a .hypothesis folder in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

OBSERVATIONS_BYTES = (EXAMPLE / "observations.csv").read_bytes()
HEADER_BYTES, *ROW_BYTES = OBSERVATIONS_BYTES.splitlines(keepends=True)
DESCRIPTOR = json.loads((EXAMPLE / "datapackage.json").read_text(encoding="utf-8"))


# A project to write examples into --------------------------------------------------------------------------


def new_project(parent: Path) -> Path:
    """The example agenda and YouthWorks' package, laid out as tests/test_validation_cases.py lays out a case."""
    root = Path(tempfile.mkdtemp(dir=parent))
    shutil.copytree(AGENDA, root / "datapackages" / "common-agenda")
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(EXAMPLE, root / "datapackages" / SLUG)
    return root


def write_package(root: Path, observations: bytes | None = None, descriptor: bytes | None = None) -> None:
    """The partner's package as the example has it, with the given observations or descriptor instead."""
    folder = root / "datapackages" / SLUG
    (folder / "observations.csv").write_bytes(OBSERVATIONS_BYTES if observations is None else observations)
    (folder / "datapackage.json").write_bytes(
        (EXAMPLE / "datapackage.json").read_bytes() if descriptor is None else descriptor)


def validate(root: Path) -> Report:
    """Validate in-process; a crash fails the example, and so does a problem a partner could not act on."""
    report = validate_project(Project(root)).report
    for problem in report.problems:
        assert problem.rule and problem.message and problem.hint, problem
        assert not Path(problem.file).is_absolute(), problem
        assert problem.line is None or problem.line >= 1, problem
        assert problem.column is None or problem.column >= 1, problem
    return report


class CommandSamples:
    """Inputs worth a run of the command: the first to raise each different set of rules, up to `CLI_RUNS`."""

    def __init__(self, parent: Path):
        self.parent = parent
        self.by_rules: dict[frozenset, tuple[dict, bool]] = {}

    def offer(self, files: dict, report: Report) -> None:
        rules = frozenset(problem.rule for problem in report.errors)
        self.by_rules.setdefault(rules, (files, report.valid))

    def run(self) -> None:
        """Each chosen input in a project of its own, all commands at once: exit 0 or 1, as validated, no traceback."""
        # The inputs that broke the most rules, and of those the smallest: the command starts in seconds,
        # but renders every problem, so these exercise the most of it for the least time.
        chosen = [sample for _, sample in sorted(
            self.by_rules.items(), key=lambda item: (-len(item[0]), sum(map(len, item[1][0].values()))))][:CLI_RUNS]
        running = []
        for files, valid in chosen:
            root = new_project(self.parent)
            write_package(root, **files)
            running.append((subprocess.Popen(
                [sys.executable, "-m", "generator", "--project", str(root), "validate"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", cwd=root,
            ), valid, files))
        for process, valid, files in running:
            stdout, stderr = process.communicate(timeout=300)
            shown = f"input {files!r:.300}\nstdout:\n{stdout[-3000:]}\nstderr:\n{stderr[-3000:]}"
            assert "Traceback" not in stdout + stderr, shown
            assert process.returncode == (0 if valid else 1), shown


@pytest.fixture
def samples(tmp_path: Path) -> CommandSamples:
    return CommandSamples(tmp_path)


# Crashes and a hang that hypothesis found, fixed since -----------------------------------------------------


def _with_path(path: str) -> bytes:
    descriptor = json.loads(json.dumps(DESCRIPTOR))
    descriptor["resources"][0]["path"] = path
    return json.dumps(descriptor).encode()


KNOWN_CRASHES = {
    # name: (the datapackage.json, what the validator raised, and where)
    "nul-in-resource-path": (_with_path("observations\u0000.csv"), ValueError,
                             "ValueError: embedded null byte (Path.is_symlink in packages._path_problem)"),
    "resource-name-too-long": (_with_path("a" * 300 + ".csv"), OSError,
                               "OSError: [Errno 36] File name too long (Path.is_symlink in packages._path_problem)"),
    "resource-path-too-long": (_with_path("x/" * 2100 + "observations.csv"), OSError,
                               "OSError: [Errno 36] File name too long (Path.is_symlink in packages._path_problem)"),
    "deeply-nested-json": (b"[" * 100_000 + b"]" * 100_000, RecursionError,
                           "RecursionError from json.loads in descriptors.read_descriptor, which catches only "
                           "JSONDecodeError (the file is 200 kB, under MAX_DESCRIPTOR_BYTES)"),
    "integer-with-5000-digits": (json.dumps(DESCRIPTOR).replace('"1.1.0"', "1" * 5000).encode(), ValueError,
                                 "ValueError: Exceeds the limit (4300 digits) for integer string conversion, from "
                                 "json.loads in descriptors.read_descriptor, which catches only JSONDecodeError"),
}


@pytest.mark.parametrize("name", list(KNOWN_CRASHES))
def test_a_descriptor_that_once_crashed_the_validator_is_reported(name: str, tmp_path: Path):
    root = new_project(tmp_path)
    write_package(root, descriptor=KNOWN_CRASHES[name][0])

    report = validate(root)

    assert not report.valid


# Each raised a KeyError naming the first agreed column the table lacked, from rules.observation_problems: the
# rules ran whenever frictionless reported none of _STRUCTURE_RULES, assuming pandas had read every agreed column.
_DUPLICATE_LABELS = (
    " The row frictionless takes as the header repeats a label, so frictionless reports only its generic 'error' "
    "(matching fields by name ('fieldsMatch': 'equal') requires unique labels in the header)."
)
_BLANK_FIRST_LINE = (
    " frictionless skips the blank line 1 and reads line 2 as the header, without a label problem; pandas "
    "(skip_blank_lines=False in packages._read_table) takes the blank line as the header, one column."
)
KNOWN_CSV_CRASHES = {
    # name: (the observations.csv, why); a spreadsheet saved without its header row is the common way to get here
    "no-header-row": (b"".join(ROW_BYTES[:5]), _DUPLICATE_LABELS),
    "header-with-two-blank-labels": (
        HEADER_BYTES.replace(b"indicator,", b",", 1).replace(b",note", b",") + ROW_BYTES[0], _DUPLICATE_LABELS),
    "header-with-indicator-renamed-to-note": (
        HEADER_BYTES.replace(b"indicator,", b"note,", 1) + ROW_BYTES[0], _DUPLICATE_LABELS),
    # frictionless takes line 2 as the header when line 1 is narrower than the rows below it
    "header-missing-two-commas": (
        HEADER_BYTES.replace(b"geography,", b"geography", 1).replace(b"sex,", b"sex", 1)
        + b"youth-disconnection,2017,cedar-river-county,,Male,,percent,13.2,11.6,14.8,,,estimated,\n"
        + b"youth-disconnection,2023,eastport,,,,percent,12.3,10.4,14.2,,,estimated,\n"
        + b"youth-disconnection,2023,millbrook,,,,percent,10.0,7.6,12.4,,,estimated,\n", _DUPLICATE_LABELS),
    "blank-line-before-the-header": (b"\n" + HEADER_BYTES + ROW_BYTES[0], _BLANK_FIRST_LINE),
    "blank-windows-line-before-the-header": (b"\r\n" + HEADER_BYTES + ROW_BYTES[0], _BLANK_FIRST_LINE),
}


@pytest.mark.parametrize("name", list(KNOWN_CSV_CRASHES))
def test_observations_that_once_crashed_the_validator_are_reported(name: str, tmp_path: Path):
    """These raised KeyError (see the reasons above); now the header is reported as not the agreed one."""
    root = new_project(tmp_path)
    write_package(root, observations=KNOWN_CSV_CRASHES[name][0])

    report = validate(root)

    assert not report.valid
    assert any(problem.line == 1 for problem in report.errors), [problem.message for problem in report.errors]


WIDE_HEADER_COLUMNS = 6_000
WIDE_HEADER_SECONDS = 5


def _validate_and_send(root: Path, sender) -> None:
    sender.send(len(validate_project(Project(root)).report.errors))


# A header with 6,000 empty columns kept validate_project busy for ~17 s (16,384, a spreadsheet's last column:
# minutes): frictionless builds one LabelError per surplus label, each deep-copying the whole header.
def test_a_header_with_thousands_of_empty_columns_is_refused_within_seconds(tmp_path: Path):
    root = new_project(tmp_path)
    write_package(root, observations=HEADER_BYTES.rstrip(b"\n") + b"," * WIDE_HEADER_COLUMNS + b"\n" + ROW_BYTES[0])
    # A child process, so that a validation that takes minutes can be stopped; forked, so it starts at once.
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork() to stop a validation that takes too long")
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_validate_and_send, args=(root, sender))
    child.start()
    try:
        finished = receiver.poll(WIDE_HEADER_SECONDS)
        assert finished, f"validation took more than {WIDE_HEADER_SECONDS} s"
        assert receiver.recv() >= 1
    finally:
        child.kill()
        child.join()


# (a) Random bytes as observations.csv ----------------------------------------------------------------------

random_bytes = st.one_of(
    st.binary(max_size=2_000),
    # Past the header, so that frictionless and the rules read the rows rather than stopping at line 1.
    st.binary(max_size=2_000).map(lambda data: HEADER_BYTES + data),
    st.text(max_size=500).map(lambda text: HEADER_BYTES + text.encode("utf-8", "surrogatepass")),
)


def test_random_bytes_as_observations_never_crash_the_validator(tmp_path: Path, samples: CommandSamples):
    root = new_project(tmp_path)

    @FUZZ
    @given(data=random_bytes)
    @example(data=b"")
    @example(data=b"\0" * 100)
    @example(data=HEADER_BYTES + b"\xff\xfe")
    @example(data=b'"' + HEADER_BYTES)
    def property(data: bytes):
        write_package(root, observations=data)
        report = validate(root)
        samples.offer({"observations": data}, report)

    property()
    samples.run()


# (b) Mutations of a valid observations.csv -----------------------------------------------------------------

INSERTS = [b",", b'"', b'""', b"\n", b"\r", b"\r\n", b"\0", b"\t", b";", b" ", b"\\", b"'", b"=", b"-", b"%",
           b"\xff", b"\xfe", b"\x80", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\xef\xbb\xbf", "\u00a0".encode(),
           "\u2028".encode(), "é".encode(), b"NaN", b"inf", b"1e400", b"-0", b"0x1F", b"1_000"]


@st.composite
def valid_file(draw) -> bytes:
    """The header and some of YouthWorks' rows, in their order."""
    rows = draw(st.lists(st.sampled_from(range(len(ROW_BYTES))), min_size=1, max_size=12, unique=True))
    return HEADER_BYTES + b"".join(ROW_BYTES[row] for row in sorted(rows))


@st.composite
def mutated_file(draw) -> bytes:
    data = draw(valid_file())
    for _ in range(draw(st.integers(1, 4))):
        data = draw(st.sampled_from(MUTATIONS))(draw, data)
    return data


def _at(draw, data: bytes) -> int:
    return draw(st.integers(0, len(data)))


def _delete(draw, data: bytes) -> bytes:
    start = _at(draw, data)
    return data[:start] + data[start + draw(st.integers(1, 12)):]


def _insert(draw, data: bytes) -> bytes:
    start = _at(draw, data)
    inserted = draw(st.one_of(st.sampled_from(INSERTS), st.binary(min_size=1, max_size=6),
                              st.text(min_size=1, max_size=6).map(lambda text: text.encode("utf-8", "surrogatepass"))))
    return data[:start] + inserted + data[start:]


def _replace(draw, data: bytes) -> bytes:
    start = _at(draw, data)
    return data[:start] + draw(st.sampled_from(INSERTS)) + data[start + 1:]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _duplicate_line(draw, data: bytes) -> bytes:
    lines = _lines(data)
    line = draw(st.sampled_from(lines))
    lines.insert(draw(st.integers(0, len(lines))), line if line.endswith(b"\n") else line + b"\n")
    return b"".join(lines)


def _delete_line(draw, data: bytes) -> bytes:
    lines = _lines(data)
    del lines[draw(st.integers(0, len(lines) - 1))]
    return b"".join(lines)


def _swap_lines(draw, data: bytes) -> bytes:
    lines = _lines(data)
    first, second = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[first], lines[second] = lines[second], lines[first]
    return b"".join(lines)


def _drop_comma(draw, data: bytes) -> bytes:
    commas = [match.start() for match in re.finditer(b",", data)]
    if not commas:
        return data
    at = draw(st.sampled_from(commas))
    return data[:at] + data[at + 1:]


def _add_commas(draw, data: bytes) -> bytes:
    start = _at(draw, data)
    return data[:start] + b"," * draw(st.sampled_from([1, 2, 14, 5_000])) + data[start:]


def _quote(draw, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 2))):
        start = _at(draw, data)
        data = data[:start] + b'"' + data[start:]
    return data


def _long_line(draw, data: bytes) -> bytes:
    start = _at(draw, data)
    filler = draw(st.sampled_from([b"9", b"x", b" ", b'"', b"\xc3\xa9"]))
    return data[:start] + filler * draw(st.sampled_from([5_000, 30_000, 150_000])) + data[start:]


def _truncate(draw, data: bytes) -> bytes:
    return data[:_at(draw, data)]


def _line_endings(draw, data: bytes) -> bytes:
    return data.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r", b"\n\n", b"\r\r\n"])))


MUTATIONS = [_delete, _insert, _replace, _duplicate_line, _delete_line, _swap_lines, _drop_comma, _add_commas,
             _quote, _long_line, _truncate, _line_endings]


def test_mutated_observations_never_crash_the_validator(tmp_path: Path, samples: CommandSamples):
    root = new_project(tmp_path)

    @FUZZ
    @given(data=mutated_file())
    @example(data=HEADER_BYTES + ROW_BYTES[0].replace(b",86,", b",8\x006,"))
    @example(data=HEADER_BYTES + ROW_BYTES[0].rstrip(b"\n") + b"x" * 300_000 + b"\n")
    @example(data=HEADER_BYTES + b'"' + ROW_BYTES[0] + ROW_BYTES[1])
    @example(data=HEADER_BYTES + ROW_BYTES[0] + ROW_BYTES[0])
    # Over a megabyte, where validation reads with pyarrow rather than pandas' own parser, with a short row.
    @example(data=HEADER_BYTES + ROW_BYTES[0].rstrip(b"\n") + b"x" * 1_100_000 + b"\n"
             + ROW_BYTES[1].replace(b",,,,,,", b",,,,,", 1))
    def property(data: bytes):
        write_package(root, observations=data)
        report = validate(root)
        samples.offer({"observations": data}, report)

    property()
    samples.run()


# (c) Mutations of a valid datapackage.json -----------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
resource_paths = st.one_of(
    st.sampled_from(["observations.csv", "./observations.csv", "Observations.CSV", "observations.csv ",
                     "datapackage.json", "observation.schema.json", ".", "", "/", "\\observations.csv",
                     "observations.csv/", "~/observations.csv", "file:observations.csv", "%2e%2e/secret.csv",
                     "observations.csv?x=1", "C:observations.csv", "..\\observations.csv"]),
    st.text(max_size=30).map(lambda text: text + ".csv"),
    st.lists(st.sampled_from(["observations.csv", "..", ".", "x", ""]), min_size=1, max_size=4).map("/".join),
)
# Where a mutation lands, as keys from the descriptor's top: the places the validator reads.
PLACES = [("name",), ("title",), ("licenses",), ("licenses", 0), ("licenses", 0, "name"), ("resources",),
          ("resources", 0), ("resources", 0, "name"), ("resources", 0, "path"), ("resources", 0, "schema"),
          ("resources", 0, "format"), ("resources", 0, "encoding"), ("resources", 0, "dialect"), ("partner",),
          ("created",), ("version",)]


_DELETE = object()  # a value that removes the key it is set at


@st.composite
def mutated_descriptor(draw) -> bytes:
    descriptor = json.loads(json.dumps(DESCRIPTOR))
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(PLACES))
        value = draw(resource_paths if place[-1] == "path" else st.one_of(json_values, st.just(_DELETE)))
        _set(descriptor, place, value)
    text = json.dumps(descriptor, indent=draw(st.sampled_from([None, 2])), ensure_ascii=draw(st.booleans()))
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # and sometimes the text itself, as a hand edit breaks it
        for _ in range(draw(st.integers(1, 3))):
            data = draw(st.sampled_from([_delete, _insert, _replace, _truncate, _quote, _drop_comma]))(draw, data)
    return data



def _set(descriptor: dict, place: tuple, value) -> None:
    """Set the value at `place` (or delete it), wherever the places above it still lead."""
    container = descriptor
    for key in place[:-1]:
        if isinstance(container, dict) and isinstance(key, str) and key in container:
            container = container[key]
        elif isinstance(container, list) and isinstance(key, int) and key < len(container):
            container = container[key]
        else:
            return
    key = place[-1]
    if isinstance(container, dict) and isinstance(key, str):
        if value is _DELETE:
            container.pop(key, None)
        else:
            container[key] = value
    elif isinstance(container, list) and isinstance(key, int) and key < len(container):
        if value is _DELETE:
            del container[key]
        else:
            container[key] = value


def test_mutated_descriptors_never_crash_the_validator(tmp_path: Path, samples: CommandSamples):
    root = new_project(tmp_path)

    @FUZZ
    @given(data=mutated_descriptor())
    @example(data=b"")
    @example(data=b"null")
    @example(data=b'{"name": "youthworks", "resources": "observations.csv"}')
    @example(data=b'{"name": "youthworks", "resources": [null, 1, "x", []]}')
    @example(data=_with_path("../youthworks/observations.csv"))
    def property(data: bytes):
        write_package(root, descriptor=data)
        report = validate(root)
        samples.offer({"descriptor": data}, report)

    property()
    samples.run()


# (d) Valid packages are never refused ----------------------------------------------------------------------


def _example_rows() -> tuple[list[str], list[dict]]:
    """Every row of the shipped example's packages, as cells by column name."""
    rows: list[dict] = []
    header: list[str] = []
    for folder in PARTNERS:
        with (folder / "observations.csv").open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            header = list(reader.fieldnames or [])
            rows.extend(reader)
    return header, rows


COLUMNS, VALID_ROWS = _example_rows()


@st.composite
def valid_package(draw) -> bytes:
    """Some of the example's rows, in any order, with the columns in any order, as a spreadsheet saves them."""
    chosen = draw(st.lists(st.sampled_from(range(len(VALID_ROWS))), max_size=40, unique=True))
    columns = draw(st.permutations(COLUMNS))
    output = io.StringIO()
    writer = csv.writer(output, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(columns)
    writer.writerows([VALID_ROWS[row][column] for column in columns] for row in chosen)
    text = output.getvalue()
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no newline after the last row
    return (draw(st.sampled_from(["", "\ufeff"])) + text).encode("utf-8")


def test_valid_rows_in_any_order_and_any_column_order_are_never_refused(tmp_path: Path, samples: CommandSamples):
    root = new_project(tmp_path)

    @FUZZ
    @given(data=valid_package())
    @example(data=(",".join(reversed(COLUMNS)) + "\n").encode())
    def property(data: bytes):
        write_package(root, observations=data)
        report = validate(root)
        assert report.errors == [], "\n".join(f"{p.rule} {p.location} {p.message}" for p in report.errors)
        samples.offer({"observations": data}, report)

    property()
    samples.run()


def test_the_valid_rows_come_from_every_example_partner():
    assert len(PARTNERS) == 5 and len(VALID_ROWS) > 1_000
    assert COLUMNS[0] == "indicator" and len(COLUMNS) == 14
