"""What a partner sees when their data package is wrong.

The corpus in tests/validation_cases/ holds one folder per bad input (see its README.md); every case is
validated in-process and through the `indicators validate` command. The tests after it cover the shipped
example, the output formats, the exit codes, `indicators new-partner` and files that break in ways the
corpus cannot describe with a single rule.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import run_indicators

from generator.load.project import Project
from generator.validate import validate_project

ROOT = Path(__file__).resolve().parent.parent
AGENDA = ROOT / "datapackages" / "common-agenda"
CASES_DIR = Path(__file__).resolve().parent / "validation_cases"
PARTNER_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

HEADER = ("indicator,period,geography,race_ethnicity,sex,income,unit,value,lower_bound,upper_bound,"
          "numerator,denominator,status,note")
# Valid rows: line 2 to line 6 of observations.csv.
GOOD_ROWS = [
    "youth-disconnection,2023,cedar-river-county,,,,percent,10.6,9.5,11.7,,,estimated,",
    "youth-disconnection,2024,cedar-river-county,,,,percent,10.2,9.2,11.2,,,estimated,",
    "apprenticeship-starts,2024,cedar-river-county,,,,count,86,,,,,,First year of the programme.",
    "apprenticeship-starts,2024,eastport,,Female,,count,31,,,,,,",
    "teen-births,2024,cedar-river-county,Black,,,rate_per_1000,14.2,,,,,,",
]
OBSERVATIONS = "datapackages/test-partner/observations.csv"


# Building projects -----------------------------------------------------------------------------------------


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    """A project with the example agenda and no partner: its stewards are warnings, never errors."""
    root = tmp_path / "project"
    shutil.copytree(AGENDA, root / "datapackages" / "common-agenda")
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture
def no_network(monkeypatch) -> list:
    """Refuse every outgoing connection made in this process, and record the attempts."""
    attempts: list = []

    def refuse(sock, address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"tests make no network connections (tried {address})")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def add_case_partner(root: Path, partner: Path) -> str:
    """Copy a case's partner/ folder into the project; its slug is its valid "name", else test-partner."""
    try:
        name = json.loads((partner / "datapackage.json").read_text(encoding="utf-8")).get("name")
    except (OSError, ValueError, AttributeError):
        name = None
    slug = name if isinstance(name, str) and PARTNER_SLUG.match(name) else "test-partner"
    shutil.copytree(partner, root / "datapackages" / slug)
    return slug


def write_partner(root: Path, rows: list[str], slug: str = "test-partner", resources: list[dict] | None = None,
                  files: dict[str, list[str]] | None = None) -> Path:
    """A partner package with observations.csv holding `rows` (and any other CSV files in `files`)."""
    folder = root / "datapackages" / slug
    folder.mkdir(parents=True)
    descriptor = {
        "name": slug,
        "title": "Test Partner",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources or [{"name": "observations", "path": "observations.csv",
                                    "schema": "observation.schema.json"}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    shutil.copyfile(AGENDA / "observation.schema.json", folder / "observation.schema.json")
    for name, lines in {"observations.csv": rows, **(files or {})}.items():
        (folder / name).write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return folder


def indicators(root: Path, *arguments: str, env: dict | None = None, cwd: Path | None = None):
    """Run the `indicators` command on the project, as a partner or the CI workflow would."""
    return run_indicators(root, *arguments, env=env, cwd=cwd)


def validate(root: Path):
    return validate_project(Project(root)).report


def listing(problems) -> str:
    """The problems, one a line, for assertion messages."""
    return "\n".join(f"  {p.rule} {p.location} [{p.field}] {p.message} | {p.hint}" for p in problems) or "  (none)"


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr


# The corpus ------------------------------------------------------------------------------------------------


def _case_params():
    params = []
    for folder in sorted(CASES_DIR.iterdir()):
        if not (folder / "expected.json").is_file():
            continue
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        marks = [pytest.mark.xfail(reason=expected["xfail"], strict=True)] if expected.get("xfail") else []
        params.append(pytest.param(folder, id=folder.name, marks=marks))
    return params


CASES = _case_params()


def test_the_corpus_has_the_agreed_cases():
    names = {param.id for param in CASES}
    assert names >= {
        "wrong-value-type", "value-with-percent-sign", "unknown-indicator", "wrong-unit", "unknown-geography",
        "dimension-not-allowed", "unknown-group-case-and-space", "duplicate-observation-in-one-file",
        "percent-out-of-range", "count-not-whole", "missing-value-without-status", "suppressed-with-value",
        "invalid-period-pattern", "invalid-period-range", "missing-cell", "extra-cell",
        "multi-line-quoted-note-then-error", "invalid-json", "name-mismatch", "missing-licence",
        "unsafe-path-parent-folder", "unsafe-path-url", "schema-mismatch", "descriptor-is-yaml",
    }


def test_every_case_schema_is_a_byte_copy_of_the_agreed_one_except_schema_mismatch():
    agreed = (AGENDA / "observation.schema.json").read_bytes()
    differing = {param.id for param in CASES
                 if (param.values[0] / "partner" / "observation.schema.json").read_bytes() != agreed}
    assert differing == {"schema-mismatch"}


@pytest.mark.parametrize("case", CASES)
def test_case(case: Path, project_root: Path, no_network: list):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    slug = add_case_partner(project_root, case / "partner")
    file = f"datapackages/{slug}/{expected.get('file', 'observations.csv')}"

    report = validate(project_root)

    assert report.valid is False, "the package was accepted"
    found = [p for p in report.errors if p.rule == expected["rule"] and p.file == file
             and p.line == expected["line"] and p.column == expected["column"]]
    assert found, (f"no {expected['rule']} error in {file} at line {expected['line']}, column "
                   f"{expected['column']}; the errors were:\n{listing(report.errors)}")
    problem = found[0]
    for text in expected["message_contains"]:
        assert text in problem.message
    for text in expected.get("message_excludes", []):
        assert text not in problem.message
    for text in expected["hint_contains"]:
        assert text in problem.hint
    assert len(report.errors) == expected.get("error_count", 1), listing(report.errors)
    assert no_network == [], "validation tried to connect to the network"

    result = indicators(project_root, "validate")
    no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert file in result.stdout
    assert f"[{expected['rule']}]" in result.stdout
    if expected["line"] is not None:
        where = f"line {expected['line']}" + (f", column {expected['column']}" if expected["column"] else "")
        assert f"  {where}" in result.stdout


# The shipped example ---------------------------------------------------------------------------------------


def test_the_shipped_example_is_valid():
    report = validate(ROOT)
    assert report.errors == [], listing(report.errors)
    assert len(report.checked_files) == 11  # the agenda, and five partners' observations and activities

    result = indicators(ROOT, "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid: 0 errors" in result.stdout


def test_the_rows_the_tests_start_from_are_valid(project_root: Path):
    write_partner(project_root, GOOD_ROWS)
    report = validate(project_root)
    assert report.errors == [], listing(report.errors)
    assert OBSERVATIONS in report.checked_files


# The acceptance case of the issue: one package, three problems ---------------------------------------------

THREE_PROBLEMS = [
    GOOD_ROWS[0],
    GOOD_ROWS[1].replace(",10.2,", ",abc,"),  # line 3: a value that is not a number
    GOOD_ROWS[2].replace("apprenticeship-starts", "apprenticeship-start"),  # line 4: an unknown indicator
    GOOD_ROWS[3],
    GOOD_ROWS[4],
    GOOD_ROWS[0].replace(",10.6,", ",10.7,"),  # line 7: the observation of line 2 again
]


def test_three_problems_give_three_messages_with_file_line_and_column(project_root: Path):
    write_partner(project_root, THREE_PROBLEMS)

    result = indicators(project_root, "validate")

    no_traceback(result)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    errors = [line for line in lines if " error: " in line]
    assert len(errors) == 3, result.stdout
    assert lines.index(OBSERVATIONS) < lines.index(errors[0])  # the file heads its problems
    assert errors[0].startswith('  line 3, column 8 (value): error: "abc" in column "value" is not a number.')
    assert errors[1].startswith('  line 4, column 1 (indicator): error: "apprenticeship-start" is not a shared')
    assert errors[2].startswith("  line 7, column 1 (indicator): error: The observation of \"youth-disconnection\"")
    assert f"already given at {OBSERVATIONS}:2." in errors[2]
    assert 'How to fix: Did you mean "apprenticeship-starts"?' in result.stdout
    assert "Invalid: 3 errors" in result.stdout


def test_json_output_holds_every_problem_with_its_place(project_root: Path):
    write_partner(project_root, THREE_PROBLEMS)

    result = indicators(project_root, "validate", "--format", "json")

    assert result.returncode == 1
    output = json.loads(result.stdout)
    assert set(output) == {"schema_version", "valid", "error_count", "warning_count", "checked_files", "problems"}
    assert output["valid"] is False
    assert output["error_count"] == 3
    assert OBSERVATIONS in output["checked_files"]
    keys = {"rule", "message", "hint", "file", "line", "column", "field", "severity", "partner"}
    assert all(set(problem) == keys for problem in output["problems"])
    errors = [p for p in output["problems"] if p["severity"] == "error"]
    assert [(p["rule"], p["file"], p["line"], p["column"], p["field"], p["partner"]) for p in errors] == [
        ("type-error", OBSERVATIONS, 3, 8, "value", "test-partner"),
        ("unknown-indicator", OBSERVATIONS, 4, 1, "indicator", "test-partner"),
        ("duplicate-observation", OBSERVATIONS, 7, 1, "indicator", "test-partner"),
    ]
    assert output["warning_count"] == len(output["problems"]) - 3


def test_github_output_annotates_the_lines_and_appends_a_job_summary(project_root: Path, tmp_path: Path):
    write_partner(project_root, THREE_PROBLEMS)
    summary = tmp_path / "summary.md"
    summary.write_text("Output of an earlier step.\n", encoding="utf-8")

    result = indicators(project_root, "validate", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})

    assert result.returncode == 1
    assert (f"::error file={OBSERVATIONS},line=3,title=type-error::line 3, column 8 (value): "
            '"abc" in column "value" is not a number. How to fix: ') in result.stdout
    assert f"::error file={OBSERVATIONS},line=4,title=unknown-indicator::" in result.stdout
    assert f"::error file={OBSERVATIONS},line=7,title=duplicate-observation::" in result.stdout
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("Output of an earlier step.\n")  # appended, not overwritten
    assert "## ❌ Data validation" in written
    assert f"#### `{OBSERVATIONS}`" in written
    assert '| line 3, column 8 (value) | error | `type-error` | "abc" in column "value" is not a number. |' in written


def test_github_output_shows_at_most_ten_annotations_per_file(project_root: Path, tmp_path: Path):
    rows = [f"youth-disconnection,{year},cedar-river-county,,,,percent,n/a,,,,,," for year in range(2010, 2025)]
    write_partner(project_root, rows)
    summary = tmp_path / "summary.md"

    result = indicators(project_root, "validate", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})

    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith(f"::error file={OBSERVATIONS},")]
    assert len(annotations) == 10
    assert annotations[0].startswith(f"::error file={OBSERVATIONS},line=2,title=type-error::")
    assert annotations[-1].startswith(f"::error file={OBSERVATIONS},line=11,title=type-error::")
    assert (f"::notice file={OBSERVATIONS},title=More problems::5 more problems in this file: see the job summary."
            in result.stdout.splitlines())
    # The job summary still lists all fifteen.
    assert summary.read_text(encoding="utf-8").count("| error | `type-error` |") == 15


# Exit codes and usage errors -------------------------------------------------------------------------------


def test_a_path_that_does_not_exist_is_a_usage_error(project_root: Path):
    result = indicators(project_root, "validate", "/no/such/path")
    assert result.returncode == 2
    assert "/no/such/path does not exist" in result.stderr
    no_traceback(result)


def test_an_unknown_format_is_a_usage_error(project_root: Path):
    result = indicators(project_root, "validate", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_a_folder_without_an_agenda_is_a_usage_error(tmp_path: Path):
    result = indicators(tmp_path, "validate")
    assert result.returncode == 2
    assert "no common agenda" in result.stderr


# A new partner ---------------------------------------------------------------------------------------------


def test_new_partner_creates_a_package_that_validates(project_root: Path):
    result = indicators(project_root, "new-partner", "test-org")

    assert result.returncode == 0, result.stdout + result.stderr
    folder = project_root / "datapackages" / "test-org"
    assert sorted(path.name for path in folder.iterdir()) == [
        "README.md", "activities.csv", "activity.schema.json", "datapackage.json", "observation.schema.json",
        "observations.csv"]
    report = validate(project_root)
    assert report.errors == [], listing(report.errors)
    assert "datapackages/test-org/observations.csv" in report.checked_files
    assert "datapackages/test-org/activities.csv" in report.checked_files
    assert "`activities.csv`" in (folder / "README.md").read_text(encoding="utf-8")
    # The command the message suggests works, run from the project folder.
    assert "`indicators validate datapackages/test-org`" in result.stdout
    assert indicators(project_root, "validate", "datapackages/test-org").returncode == 0


def test_new_partner_refuses_a_slug_that_is_taken(project_root: Path):
    assert indicators(project_root, "new-partner", "test-org").returncode == 0
    (project_root / "datapackages" / "test-org" / "observations.csv").write_text(HEADER + "\n" + GOOD_ROWS[0] + "\n")

    result = indicators(project_root, "new-partner", "test-org")

    assert result.returncode == 1
    assert "datapackages/test-org already exists; choose another slug or edit it." in result.stderr
    assert GOOD_ROWS[0] in (project_root / "datapackages" / "test-org" / "observations.csv").read_text()


def test_new_partner_refuses_an_invalid_slug(project_root: Path):
    result = indicators(project_root, "new-partner", "Bad Slug")

    assert result.returncode == 1
    assert '"Bad Slug" is not a valid partner slug' in result.stderr
    assert "lower-case letters, digits and hyphens" in result.stderr
    assert sorted(path.name for path in (project_root / "datapackages").iterdir()) == ["common-agenda"]
    no_traceback(result)


# One broken file never hides the others --------------------------------------------------------------------


def test_a_broken_file_does_not_hide_the_problems_of_the_other_file(project_root: Path):
    write_partner(
        project_root,
        [*GOOD_ROWS[:2], GOOD_ROWS[2] + ",an extra cell"],  # line 4 has fifteen cells
        resources=[
            {"name": "observations", "path": "observations.csv", "schema": "observation.schema.json"},
            {"name": "health", "path": "health.csv", "schema": "observation.schema.json"},
        ],
        files={"health.csv": [GOOD_ROWS[4], GOOD_ROWS[4].replace("teen-births", "teen-birth").replace("Black", "")]},
    )

    report = validate(project_root)

    assert [(p.rule, p.file, p.line) for p in report.errors] == [
        ("extra-cell", OBSERVATIONS, 4),
        ("unknown-indicator", "datapackages/test-partner/health.csv", 3),
    ], listing(report.errors)


def test_a_broken_package_does_not_hide_the_problems_of_another_package(project_root: Path):
    broken = project_root / "datapackages" / "aaa-broken"
    write_partner(project_root, GOOD_ROWS, slug="aaa-broken")
    (broken / "datapackage.json").write_text('{"name": "aaa-broken",\n  "licenses": [}\n', encoding="utf-8")
    write_partner(project_root, [GOOD_ROWS[0].replace("cedar-river-county", "cedar-river")])

    report = validate(project_root)

    assert [(p.rule, p.file, p.line) for p in report.errors] == [
        ("invalid-json", "datapackages/aaa-broken/datapackage.json", 2),
        ("unknown-geography", OBSERVATIONS, 2),
    ], listing(report.errors)


# A URL is never fetched ------------------------------------------------------------------------------------


def test_a_url_resource_is_refused_and_never_fetched(project_root: Path):
    requests: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def handle(self):
            requests.append(self.client_address[0])
            super().handle()

        def do_GET(self):
            body = ("\n".join([HEADER, *GOOD_ROWS]) + "\n").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/observations.csv"
        write_partner(project_root, GOOD_ROWS, resources=[
            {"name": "observations", "path": url, "schema": "observation.schema.json"}])

        report = validate(project_root)
        result = indicators(project_root, "validate")
    finally:
        server.shutdown()
        server.server_close()

    assert [(p.rule, p.file) for p in report.errors] == [("unsafe-path", "datapackages/test-partner/datapackage.json")]
    assert f'its path "{url}" is a URL, and packages are never fetched from elsewhere.' in report.errors[0].message
    assert result.returncode == 1
    assert requests == [], "the validator fetched the URL"


# Files the rules cannot read -------------------------------------------------------------------------------

# Each file below also holds an unknown indicator, so whatever the validator makes of the file it must not
# call it valid, and it must never crash.
UNKNOWN = GOOD_ROWS[0].replace("youth-disconnection", "no-such-indicator")
SOUND = "\n".join([HEADER, *GOOD_ROWS, UNKNOWN]) + "\n"
UNREADABLE = {
    # name: (the file's bytes, the rule, its line, words of the message the partner sees)
    "saved-with-semicolons": (SOUND.replace(",", ";").encode(), "wrong-delimiter", 1,
                              "separated by semicolons, not commas"),
    "saved-with-tabs": (SOUND.replace(",", "\t").encode(), "wrong-delimiter", 1, "separated by tabs, not commas"),
    "saved-as-windows-1252": (SOUND.replace("First year", "First year – provisional").encode("cp1252"),
                              "encoding-error", 4, "Byte 0x96 on line 4 is not UTF-8"),
    "quote-never-closed": (SOUND.replace(",First year", ',"First year').encode(), "unclosed-quote", 4,
                           "A double quote opened on line 4 is never closed"),
    # Spaces after the commas of the header are read away, as frictionless does, and the rules still run.
    "header-with-spaces-after-commas": (SOUND.replace(HEADER, HEADER.replace(",", ", "), 1).encode(),
                                        "unknown-indicator", len(GOOD_ROWS) + 2,
                                        '"no-such-indicator" is not a shared indicator'),
}


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_a_file_the_rules_cannot_read_is_reported_not_accepted_or_crashed(name: str, project_root: Path):
    folder = write_partner(project_root, GOOD_ROWS)
    data, rule, line, words = UNREADABLE[name]
    (folder / "observations.csv").write_bytes(data)

    result = indicators(project_root, "validate")
    no_traceback(result)
    assert result.returncode == 1, result.stdout
    report = validate(project_root)
    assert [(problem.rule, problem.file, problem.line) for problem in report.errors] == [(rule, OBSERVATIONS, line)], \
        listing(report.errors)
    assert words in report.errors[0].message
    assert f"line {line}" in result.stdout and f"[{rule}]" in result.stdout


@pytest.mark.parametrize("variant", ["utf-8 with a byte-order mark", "Windows line endings", "no final newline"])
def test_a_spreadsheet_export_of_sound_rows_is_valid(variant: str, project_root: Path):
    folder = write_partner(project_root, GOOD_ROWS)
    text = "\n".join([HEADER, *GOOD_ROWS]) + "\n"
    data = {
        "utf-8 with a byte-order mark": ("\ufeff" + text).encode(),
        "Windows line endings": text.replace("\n", "\r\n").encode(),
        "no final newline": text.rstrip("\n").encode(),
    }[variant]
    (folder / "observations.csv").write_bytes(data)

    report = validate(project_root)

    assert report.errors == [], listing(report.errors)
