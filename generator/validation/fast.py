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

from generator.cells import Cells, CellsLayout, read_cells
from generator.problems import Problem
from generator.validation.structure import ERROR_LIMIT, file_problems, table_problems

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
            or len(handlers) != cells.rows.num_columns):
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
    if cells.rows.num_rows + len(cells.odd) and len(errors) >= ERROR_LIMIT:
        return errors[:ERROR_LIMIT]  # frictionless checks its limit after the first row
    for number, row_cells in _rows_with_errors(cells, handlers):
        errors.extend(Row(row_cells, handlers=handlers, row_number=number).errors)
        if len(errors) >= ERROR_LIMIT:
            return errors[:ERROR_LIMIT]
    return errors


def _rows_with_errors(cells: Cells, handlers: dict) -> list[tuple[int, list[str]]]:
    """The first ERROR_LIMIT records frictionless finds an error in, with their cells, in file order."""
    wanting = None
    for position, handler in enumerate(handlers.values()):
        bad = _bad_cells(cells.rows.column(position), handler.field, handler.reader)
        if bad is not None:
            wanting = bad if wanting is None else pc.or_(wanting, bad)
    blank = _blank_rows(cells.rows, [handler.field for handler in handlers.values()])
    if blank is not None:
        wanting = blank if wanting is None else pc.or_(wanting, blank)
    positions = np.flatnonzero(wanting.to_numpy()) if wanting is not None else []
    positions = positions[:ERROR_LIMIT]
    numbers = cells.record_numbers()[positions] if len(positions) else []
    # One slice a row: a `take` would first join each column's chunks into a copy of the whole column.
    found = [(int(number), list(cells.rows.slice(position, 1).to_pylist()[0].values()))
             for number, position in zip(numbers, positions)]
    found += list(cells.odd[:ERROR_LIMIT])
    return sorted(found, key=lambda record: record[0])[:ERROR_LIMIT]


def _bad_cells(column: pa.ChunkedArray, field, reader) -> pa.ChunkedArray | None:
    """Where frictionless finds a type or constraint error in this column, or None if nowhere.

    Each distinct value is judged once: those frictionless surely accepts by a vectorised test, the rest by
    frictionless's own cell reader for the field.
    """
    constraints = set(field.constraints)
    if field.type == "any" and not constraints:
        return None  # any text is an `any`, and nothing constrains it
    plain_string = field.type == "string" and field.format == "default" and constraints <= {"required"}
    if plain_string and not field.required:
        return None  # text is a string
    values = pc.unique(column)
    if plain_string:  # only a missing value can break `required`
        doubtful = values.filter(pc.is_in(values, pa.array(_missing_values(field), values.type)))
    elif field.type == "number" and not constraints - {"required"} and not _NUMBER_OPTIONS & set(field.list_defined()):
        doubtful = values.filter(pc.invert(pc.match_substring_regex(values, PLAIN_NUMBER)))
    else:
        doubtful = values
    bad = [value for value in doubtful.to_pylist() if reader(value)[1]]
    return pc.is_in(column, pa.array(bad, column.type)) if bad else None


def _blank_rows(rows: pa.Table, fields: list) -> pa.ChunkedArray | None:
    """Rows whose every cell is a missing value: frictionless reports each as one blank row."""
    blank = None
    for position, field in enumerate(fields):
        missing = _missing_values(field)
        if not missing:
            return None
        here = pc.is_in(rows.column(position), pa.array(missing, pa.large_string()))
        blank = here if blank is None else pc.and_(blank, here)
        if not pc.any(blank).as_py():
            return None
    return blank


def _missing_values(field) -> list[str]:
    """The values the field reads as missing, as frictionless's cell reader chooses them."""
    if not field.has_defined("missing_values") and field.schema:
        return list(field.schema.missing_values)
    return list(field.missing_values)
