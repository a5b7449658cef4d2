"""Find and load partner packages: descriptors checked, paths kept inside the package, tables read once."""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

import pandas as pd

from generator.load.activities import ACTIVITIES_RESOURCE, ACTIVITY_FIELDS, ACTIVITY_SCHEMA_FILE, activity_schema
from generator.load.agenda import AGENDA_FOLDER, OBSERVATION_SCHEMA_FILE, Agenda, observation_fields
from generator.load.cells import Cells, CellsLayout, TextTable, read_cells
from generator.load.descriptors import read_descriptor
from generator.load.metadata import (
    Contributor,
    DescriptorReader,
    Ignored,
    Licence,
    PartnerDetails,
    Source,
    web_address,
)
from generator.problems import WARNING, Problem, relative
from generator.load.lines import FileLayout

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_DATA_FILE_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 1000


@dataclass(frozen=True)
class DataFile:
    """One observations file of a partner package, with every cell as the text the partner wrote."""

    resource: str
    path: Path
    shown_as: str  # the path people see in messages: relative to the project root
    text: TextTable | None = field(compare=False, repr=False)  # None when the file cannot be read as CSV at all
    layout: FileLayout = field(compare=False, repr=False)
    unreadable: Problem | None = None  # why `text` is None, when it is known before frictionless runs
    # The records as pyarrow read them, when the file was read that way: the structure check reuses them.
    cells: Cells | None = field(default=None, compare=False, repr=False)

    @cached_property
    def table(self) -> pd.DataFrame | None:
        """The cells as pandas text columns, for the stages after validation; built when first asked for."""
        return None if self.text is None else self.text.frame()


@dataclass(frozen=True)
class PartnerPackage:
    """A partner's package as the later stages read it: its tables, and what its descriptor says of it, typed and
    with every optional property given its default (see `metadata`)."""

    slug: str
    folder: Path
    descriptor: dict = field(repr=False)  # as written; only the history of releases reads it, for its resources
    files: tuple[DataFile, ...]  # the observations files
    title: str  # the descriptor's title, else the slug
    activity_files: tuple[DataFile, ...] = ()  # activities.csv (load/activities.py), if the package has one
    description: str = ""
    version: str = ""
    created: str = ""
    homepage: str = ""
    licences: tuple[Licence, ...] = ()
    sources: tuple[Source, ...] = ()
    contributors: tuple[Contributor, ...] = ()
    details: PartnerDetails = PartnerDetails()

    @property
    def homepage_url(self) -> str | None:
        return web_address(self.homepage)


def partner_folders(datapackages: Path) -> list[Path]:
    """Every partner folder, in a stable order; the agenda and hidden folders are not partners."""
    if not datapackages.is_dir():
        return []
    return sorted(
        folder for folder in datapackages.iterdir()
        if folder.is_dir() and folder.name != AGENDA_FOLDER and not folder.name.startswith((".", "_"))
    )


def load_package(folder: Path, agenda: Agenda, root: Path,
                 fast_from_bytes: int | None = None) -> tuple[PartnerPackage | None, list[Problem]]:
    """The package with its tables read, or None; plus every problem with the descriptor and its paths.

    Files of at least `fast_from_bytes` bytes are read by pyarrow (see `read_cells`); None: never.
    """
    slug = folder.name
    descriptor_path = folder / "datapackage.json"
    shown_as = relative(descriptor_path, root)
    descriptor, problems = read_descriptor(descriptor_path, shown_as, partner=slug)
    if descriptor is None:
        return None, problems

    def problem(rule: str, message: str, hint: str) -> None:
        problems.append(Problem(rule, message, hint, shown_as, partner=slug))

    if not SLUG.match(slug):
        problem("invalid-folder-name", f'The folder name "{slug}" is not a valid partner slug.',
                "Use lower-case letters, digits and hyphens only, as in county-health.")
    if descriptor.get("name") != slug:
        problem("name-mismatch", f'The package "name" is {json.dumps(descriptor.get("name"))}, '
                f'but the folder is "{slug}".', f'Set "name": "{slug}" in datapackage.json.')
    reader = DescriptorReader()
    licences = reader.licences(descriptor)
    if not any(licence.name or licence.path for licence in licences):
        problem("missing-licence", "The package names no licence, so nobody may reuse its data.",
                'Add "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}] '
                "or the licence your organisation agreed with the backbone.")
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        problem("missing-resources", "The package lists no resources.",
                'List your observations file: "resources": [{"name": "observations", "path": "observations.csv", '
                f'"schema": "{OBSERVATION_SCHEMA_FILE}"}}].')
        return None, problems

    files: list[DataFile] = []
    activity_files: list[DataFile] = []
    seen_names: set[str] = set()
    for index, resource in enumerate(resources):
        name = resource.get("name") if isinstance(resource, dict) else None
        label = f'Resource {index + 1} ("{name}")' if name else f"Resource {index + 1}"
        if not isinstance(resource, dict) or not isinstance(name, str) or not name:
            problem("invalid-resource", f"{label} has no name.", 'Give each resource a "name", such as "observations".')
            continue
        if name in seen_names:
            problem("duplicate-resource-name", f'Two resources are named "{name}".', "Give each resource its own name.")
            continue
        seen_names.add(name)
        path_problem = _path_problem(resource.get("path"), folder)
        if path_problem:
            problem("unsafe-path", f"{label}: {path_problem[0]}", path_problem[1])
            continue
        if name == ACTIVITIES_RESOURCE:
            schema_problem = _schema_problem(resource.get("schema"), folder, ACTIVITY_SCHEMA_FILE, activity_schema(),
                                             "activity")
            if schema_problem:
                problem("schema-mismatch", f"{label}: {schema_problem}",
                        f"Copy datapackages/{AGENDA_FOLDER}/{ACTIVITY_SCHEMA_FILE} into your folder unchanged and "
                        f'set "schema": "{ACTIVITY_SCHEMA_FILE}" for the activities resource.')
                continue
            path = folder / resource["path"]
            layout = FileLayout(path)
            table, unreadable = _read_table(path, relative(path, root), slug, layout, list(ACTIVITY_FIELDS))
            if unreadable:
                problems.append(unreadable)
            activity_files.append(DataFile(name, path, relative(path, root),
                                           TextTable.of_frame(table) if table is not None else None, layout,
                                           unreadable))
            continue
        schema_problem = _schema_problem(resource.get("schema"), folder, OBSERVATION_SCHEMA_FILE,
                                         agenda.observation_schema, "observation")
        if schema_problem:
            problem("schema-mismatch", f"{label}: {schema_problem}",
                    f"Copy datapackages/{AGENDA_FOLDER}/{OBSERVATION_SCHEMA_FILE} into your folder unchanged and set "
                    f'"schema": "{OBSERVATION_SCHEMA_FILE}"; ask the backbone if you need a change to it.')
            continue
        path = folder / resource["path"]
        fast = fast_from_bytes is not None and path.stat().st_size >= fast_from_bytes
        cells = read_cells(path) if fast and _comma_separated(path) else None
        layout = CellsLayout(path, cells) if cells is not None else FileLayout(path)
        agreed = observation_fields(agenda)
        unreadable = _header_problem(cells.header, relative(path, root), slug) if cells is not None else None
        text = cells.table(path) if cells is not None and unreadable is None else None
        if text is None and unreadable is None:  # not read by pyarrow, or a file pandas reads by rules of its own
            table, unreadable = _read_table(path, relative(path, root), slug, layout, agreed)
            text = TextTable.of_frame(table) if table is not None else None
        if unreadable:
            problems.append(unreadable)
        files.append(DataFile(name, path, relative(path, root), text, layout, unreadable, cells))
    package = PartnerPackage(
        slug, folder, descriptor, tuple(files),
        title=reader.text(descriptor, "title") or slug,
        activity_files=tuple(activity_files),
        description=reader.text(descriptor, "description"),
        version=reader.text(descriptor, "version"),
        created=reader.text(descriptor, "created"),
        homepage=reader.text(descriptor, "homepage"),
        licences=licences,
        sources=reader.sources(descriptor),
        contributors=reader.contributors(descriptor),
        details=reader.partner_details(descriptor),
    )
    problems.extend(_ignored_problem(ignored, shown_as, slug) for ignored in reader.ignored)
    return package, problems


def _ignored_problem(ignored: Ignored, shown_as: str, partner: str) -> Problem:
    return Problem("ignored-property", ignored.message,
                   "Write it as the Frictionless standard says (compare with the datapackage.json that "
                   "`indicators new-partner` writes), or remove it.", shown_as, severity=WARNING, partner=partner)


def _path_problem(path: object, folder: Path) -> tuple[str, str] | None:
    """Why a resource path is refused, if it is: only regular CSV files inside the package are read."""
    keep_inside = "Put the CSV file inside your package folder and give its path relative to datapackage.json."
    if not isinstance(path, str) or not path:
        return 'it has no "path" (or lists several).', 'Give one "path", such as "observations.csv".'
    if "://" in path or path.startswith("//"):
        return f'its path "{path}" is a URL, and packages are never fetched from elsewhere.', keep_inside
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute() or re.match(r"^[A-Za-z]:", path):
        return f'its path "{path}" is absolute.', keep_inside
    if any(part == ".." for part in posix.parts):
        return f'its path "{path}" leaves the package folder.', keep_inside
    if any(part.startswith(".") for part in posix.parts):
        return f'its path "{path}" points into a hidden file or folder.', keep_inside
    if posix.suffix.lower() != ".csv":
        return f'its path "{path}" is not a .csv file.', "Save the observations as CSV (UTF-8)."
    if len(path) > 255 or any(len(part) > 100 or not part.isprintable() for part in posix.parts):
        return (f'its path "{path[:60]}…" is too long or holds control characters.',
                "Give the file a short name of letters, digits and hyphens, such as observations.csv.")
    target = folder / path
    try:
        if target.is_symlink() or not target.resolve().is_relative_to(folder.resolve()):
            return f'its path "{path}" is a link.', keep_inside
        if not target.is_file():
            return f'its file "{path}" does not exist.', "Add the file, or correct the path in datapackage.json."
        size = target.stat().st_size
    except (OSError, ValueError) as error:
        return f'its path "{path[:60]}" cannot be read ({error.__class__.__name__}).', keep_inside
    if size > MAX_DATA_FILE_BYTES:
        return (f'its file "{path}" is {size:,} bytes, over the limit of {MAX_DATA_FILE_BYTES:,}.',
                "Split the data into several files, for example one per indicator.")
    return None


def _schema_problem(schema: object, folder: Path, file_name: str, agreed: dict, what: str) -> str | None:
    """Why a resource's schema is refused, if it is: it must be the agreed `what` schema, as the file `file_name`
    beside the descriptor or written inline."""
    if schema == file_name:
        schema_path = folder / file_name
        if schema_path.is_symlink() or not schema_path.is_file():
            return f"its schema file {file_name} is missing."
        try:
            schema = json.loads(schema_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return f"its schema file {file_name} is not valid JSON."
    if not isinstance(schema, dict):
        return f'its "schema" is not "{file_name}".'
    if schema != agreed:
        return f"its schema differs from the agreed {what} schema."
    return None


def _read_table(path: Path, shown_as: str, partner: str, layout: FileLayout,
                agreed: list[str]) -> tuple[pd.DataFrame | None, Problem | None]:
    """Every cell as text, blank kept blank (no NaN guessing), so the rules see what the partner wrote.

    A file that is empty, not UTF-8, not comma-separated, has columns without a name or a quote that never closes
    is refused here with its line: frictionless describes the first and the columns without a name in its own
    terms, guesses its way around the second and third and reads the last as one long cell.
    """
    def problem(rule: str, message: str, hint: str, line: int | None) -> tuple[None, Problem]:
        return None, Problem(rule, message, hint, shown_as, line, partner=partner)

    data = path.read_bytes()
    if not data:
        return problem("empty-file", "The file is empty: it has no header row and no observations.",
                       f"Write the header row on line 1 ({','.join(agreed)}), then one observation a line; or "
                       "remove the resource from datapackage.json until you have data.", None)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return problem("encoding-error",
                       f"Byte 0x{data[error.start]:02x} on line {line} is not UTF-8: the file was saved in another "
                       "encoding.",
                       "Save the file as UTF-8 (in a spreadsheet: Save as › CSV UTF-8 (comma delimited)).", line)
    header = text.split("\n", 1)[0]
    if header.count(",") >= MAX_COLUMNS:
        # frictionless's work grows with the square of the header's width: refuse before it runs.
        return problem("too-many-columns", f"The header has {header.count(',') + 1:,} columns.",
                       "Keep the agreed columns only (the header of observation.schema.json); delete the empty "
                       "columns a spreadsheet may have added.", 1)
    if "," not in header and (";" in header or "\t" in header):
        separator = "semicolons" if ";" in header else "tabs"
        return problem("wrong-delimiter", f"The columns are separated by {separator}, not commas.",
                       "Save the file as CSV with commas (in a spreadsheet: CSV UTF-8 (comma delimited)).", 1)
    try:
        header_cells = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        header_cells = []  # pandas and frictionless describe it
    blank_labels = _header_problem(header_cells, shown_as, partner)
    if blank_labels:
        return None, blank_labels
    try:
        with warnings.catch_warnings():
            # A row longer than the header: pandas warns that it drops cells, which validation reports as extra
            # cells, with their line.
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                                skip_blank_lines=False, index_col=False, engine="c")
    except pd.errors.ParserError as error:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(error))
        if unclosed:
            line = layout.line(int(unclosed[1]) + 1)
            return problem("unclosed-quote",
                           f"A double quote opened on line {line} is never closed, so the rest of the file would "
                           "be read as one cell.",
                           'Close the quote or remove it: only a value holding a comma or a line break goes '
                           'between double quotes ("like, this").', line)
        return None, None  # frictionless describes the broken structure
    except pd.errors.EmptyDataError:
        return None, None
    # Spaces around header names are not part of them: frictionless reads "indicator, period" the same way.
    table.columns = [str(column).strip() for column in table.columns]
    return table, None


def _header_problem(header: list[str], shown_as: str, partner: str) -> Problem | None:
    """Columns without a name in the header row: frictionless reports two of them only as an error of its own."""
    blank = [number for number, label in enumerate(header, start=1) if not label.strip()]
    if not blank:
        return None
    trailing = blank == list(range(len(header) - len(blank) + 1, len(header) + 1))
    if len(blank) == 1:
        where = f"Column {blank[0]} of the header (line 1) has no name."
    elif trailing:
        where = (f"The header (line 1) ends with {len(blank):,} columns without a name: columns {blank[0]} to "
                 f"{blank[-1]}.")
    else:
        where = ("Columns " + ", ".join(str(number) for number in blank[:10]) + (", …" if len(blank) > 10 else "")
                 + " of the header (line 1) have no name.")
    hint = ("Delete the commas at the end of line 1, and at the end of the other lines if they have them too: a "
            "spreadsheet adds empty columns when cells beside the table were once used." if trailing else
            "Give the column its agreed field name, or delete the column from every line.")
    return Problem("blank-label", where, hint, shown_as, 1, blank[0], partner=partner)


def _comma_separated(path: Path) -> bool:
    """Whether `_read_table` would take the header for comma-separated, as far as its first line tells."""
    with path.open("rb") as file:
        first = file.readline()
    try:
        header = first.decode("utf-8-sig").split("\n", 1)[0]
    except UnicodeDecodeError:
        return False
    return "," in header or not (";" in header or "\t" in header)
