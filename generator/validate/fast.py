"""Structure and types of a large CSV file, checked a column at a time: the problems frictionless finds, faster.

frictionless reads a file a row at a time in Python: a million rows take it a quarter of a minute or more. This
path finds the same Problems, in the same order and at the same rows, from whole columns at once:

- frictionless itself opens the file: it detects the encoding and the dialect, finds the header row and matches
  its labels with the schema, so the header's errors are its own;
- pyarrow reads the records (`cells.read_cells`), cut exactly as Python's csv module cuts them;
- each column is compared with what frictionless surely accepts there (a plain number, a filled cell); the few
  distinct values left over are read by frictionless's own cell reader of the field;
- only the rows found wanting become frictionless Rows, which list their errors as frictionless lists them.
  Each of these rows has at least one error, so no more than ERROR_LIMIT of them are ever built.

Where the shortcut cannot vouch for the file (another encoding or dialect, a header below the first line, a quote
that never closes, a header frictionless refuses, a schema with keys), `structure.table_problems` does the work.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from frictionless import FrictionlessException, Resource, Schema
from frictionless.resources import TableResource
from frictionless.table.row import Row, create_cell_handlers

from generator.load.cells import Cells, CellsLayout, Column, read_cells
from generator.problems import Problem
from generator.validate.structure import ERROR_LIMIT, file_problems, table_problems

# What Python's Decimal surely reads once frictionless has stripped the cell: digits with at most one dot, an
# optional sign and exponent. Anything else ("1,234", "12%", "NaN", "1_000", " 5\n", "") is asked of frictionless.
PLAIN_NUMBER = r"^[ \t]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t]*$"
_NUMBER_OPTIONS = {"bare_number", "group_char", "decimal_char"}


def fast_table_problems(path: Path, schema: dict, root: Path, partner: str | None = None,
                        table: Cells | None = None) -> list[Problem]:
    """Exactly what `structure.table_problems` finds in one CSV file read against `schema`, found faster.

    `table` is the file as `cells.read_cells` read it, if it has been read already.
    """
    opened = _open(path, schema)
    if opened is None:
        return table_problems(path, schema, root, partner)
    cells = table if table is not None else read_cells(path)
    handlers = create_cell_handlers(opened.fields)  # frictionless's own readers of each column's cells
    if (cells is None or [label.strip() for label in cells.header] != opened.labels
            or len(handlers) != len(cells.columns)):
        return table_problems(path, schema, root, partner)
    errors = _errors(opened.header_errors, cells, handlers)
    return file_problems(errors, path, schema, root, partner, CellsLayout(path, cells))


class _Opened:
    """What frictionless makes of the file's start: its labels, the header's errors and the field of each column."""

    def __init__(self, resource: TableResource):
        self.labels: list[str] = list(resource.labels)
        self.header_errors = list(resource.header.errors)
        self.fields = resource.header.get_expected_fields()


def _open(path: Path, schema: dict) -> _Opened | None:
    """frictionless's view of the file, as `Resource.validate` opens it; None where the fast path cannot follow."""
    try:
        resource = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema))
        resource.to_descriptor(validate=True)
        resource.open()
    except FrictionlessException:
        return None
    try:
        if not isinstance(resource, TableResource) or not _plain(resource) or not resource.labels:
            return None
        return _Opened(resource)
    except FrictionlessException:
        return None
    finally:
        resource.close()


def _plain(resource: TableResource) -> bool:
    """A UTF-8, comma-separated file with its header on line 1 and nothing frictionless would skip or join."""
    dialect = resource.dialect
    control = dialect.get_control("csv")
    schema = resource.schema
    return (
        resource.format == "csv"
        and resource.encoding in ("utf-8", "utf-8-sig")
        and control is not None
        and (control.delimiter, control.quote_char, control.escape_char, control.skip_initial_space)
        == (",", '"', None, False)
        and control.null_sequence is None
        and dialect.header and dialect.header_rows == [1] and dialect.header_case
        and not dialect.comment_char and not dialect.comment_rows and not dialect.skip_blank_rows
        and not schema.primary_key and not schema.foreign_keys
        and not any(field.constraints.get("unique") for field in schema.fields)
    )


def _errors(header_errors: list, cells: Cells, handlers: dict) -> list:
    """frictionless's errors for the file, in its order: the header's, then each row's, cut at ERROR_LIMIT."""
    errors = list(header_errors)
    if cells.row_count + len(cells.odd) and len(errors) >= ERROR_LIMIT:
        return errors[:ERROR_LIMIT]  # frictionless checks its limit after the first row
    for number, row_cells in _rows_with_errors(cells, handlers):
        errors.extend(Row(row_cells, handlers=handlers, row_number=number).errors)
        if len(errors) >= ERROR_LIMIT:
            return errors[:ERROR_LIMIT]
    return errors


def _rows_with_errors(cells: Cells, handlers: dict) -> list[tuple[int, list[str]]]:
    """The first ERROR_LIMIT records frictionless finds an error in, with their cells, in file order."""
    wanting = np.zeros(cells.row_count, dtype=bool)
    for column, handler in zip(cells.columns, handlers.values()):
        bad = _bad_values(column, handler.field, handler.reader)
        if bad.any():
            wanting |= column.where(bad)
    wanting |= _blank_rows(cells.columns, [handler.field for handler in handlers.values()])
    positions = np.flatnonzero(wanting)[:ERROR_LIMIT]
    numbers = cells.record_numbers()[positions]
    found = [(int(number), cells.row(int(position))) for number, position in zip(numbers, positions)]
    found += list(cells.odd[:ERROR_LIMIT])
    return sorted(found, key=lambda record: record[0])[:ERROR_LIMIT]


def _bad_values(column: Column, field, reader) -> np.ndarray:
    """Which of the column's distinct values frictionless finds a type or constraint error in.

    Those frictionless surely accepts are picked out by a vectorised test, the rest asked of frictionless's own
    cell reader for the field.
    """
    values = column.values
    constraints = set(field.constraints)
    plain_string = field.type == "string" and field.format == "default" and constraints <= {"required"}
    if (field.type == "any" and not constraints) or (plain_string and not field.required):
        return np.zeros(len(values), dtype=bool)  # any text is an `any` or a string, and nothing constrains it
    if plain_string:  # only a missing value can break `required`
        doubtful = pc.is_in(values, pa.array(_missing_values(field), values.type))
    elif field.type == "number" and not constraints - {"required"} and not _NUMBER_OPTIONS & set(field.list_defined()):
        doubtful = pc.invert(pc.match_substring_regex(values, PLAIN_NUMBER))
    else:
        doubtful = pa.array(np.ones(len(values), dtype=bool))
    bad = np.zeros(len(values), dtype=bool)
    for position in np.flatnonzero(doubtful.to_numpy(zero_copy_only=False)):
        bad[position] = bool(reader(values[position].as_py())[1])
    return bad


def _blank_rows(columns: tuple[Column, ...], fields: list) -> np.ndarray:
    """Rows whose every cell is a missing value: frictionless reports each as one blank row."""
    blank = np.ones(len(columns[0]) if columns else 0, dtype=bool)
    for column, field in zip(columns, fields):
        missing = _missing_values(field)
        if not missing:
            return np.zeros_like(blank)
        blank &= column.isin(missing)
        if not blank.any():
            break
    return blank


def _missing_values(field) -> list[str]:
    """The values the field reads as missing, as frictionless's cell reader chooses them."""
    if not field.has_defined("missing_values") and field.schema:
        return list(field.schema.missing_values)
    return list(field.missing_values)
