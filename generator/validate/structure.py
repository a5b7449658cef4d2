"""Structure and types, checked by frictionless, reported as Problems at physical lines."""

from __future__ import annotations

from pathlib import Path

from frictionless import Resource, Schema, validate

from generator.compute.periods import PERIOD_FORMS
from generator.load.lines import FileLayout
from generator.problems import Problem, relative

# frictionless stops counting at this many errors a file; a partner fixes the first ones first anyway.
ERROR_LIMIT = 1000
# A message quotes at most this many characters of a cell or a label, so that a huge one cannot flood the report.
QUOTE_LIMIT = 80

_TYPE_HINTS = {
    "number": "Write a plain number with a dot for decimals and no thousands separator, % sign or text "
    "(for example 1234.5). If the value is withheld, leave the cell blank and set the status to suppressed.",
    "integer": "Write a whole number with no decimals, separators or text (for example 12).",
    "boolean": "Write true or false.",
}

_HINTS = {
    "missing-cell": "The row has fewer cells than the header: a comma is missing or the row was cut short.",
    "extra-cell": "The row has more cells than the header: put double quotes around a value that contains a comma.",
    "blank-row": "Delete the empty row.",
    "blank-label": "Give every column a name in the header row.",
    "duplicate-label": "Two columns have the same name: rename or delete one.",
    "extra-label": "This column is not in the agreed observation schema: delete it or rename it to an agreed field.",
    "missing-label": "Add this column to the header; leave its cells blank if you have nothing to put in them.",
    "incorrect-label": "Rename the column to the agreed field name.",
    "encoding-error": "Save the file as UTF-8 (in a spreadsheet: Save as › CSV UTF-8).",
    "unique-error": "Each value in this column must be unique: remove or rename the duplicate.",
    "primary-key": "Each row must have a unique key: remove the duplicate row.",
    "foreign-key": "This value must exist in the table it refers to: correct it or add it there first.",
    "source-error": "The file cannot be read as CSV: check it opens in a text editor.",
    "scheme-error": "Refer to a file inside the package folder by its relative path.",
    "format-error": "Save the data as CSV.",
}


def frictionless_problems(descriptor_path: Path, root: Path, partner: str | None = None) -> list[Problem]:
    """Everything frictionless finds in a whole package (the agenda's own foreign keys included)."""
    report = validate(str(descriptor_path), limit_errors=ERROR_LIMIT)
    return _problems(report, descriptor_path.parent, root, partner, {})


def table_problems(path: Path, schema: dict, root: Path, partner: str | None = None) -> list[Problem]:
    """Everything frictionless finds in one CSV file read against the agreed schema."""
    resource = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema))
    report = resource.validate(limit_errors=ERROR_LIMIT)
    return _problems(report, path.parent, root, partner, {field["name"]: field for field in schema["fields"]})


def file_problems(errors, path: Path, schema: dict, root: Path, partner: str | None = None,
                  layout: FileLayout | None = None) -> list[Problem]:
    """frictionless's errors in the CSV file at `path`, as Problems at the physical lines `layout` finds."""
    fields = {field["name"]: field for field in schema["fields"]}
    layout = layout or FileLayout(path)
    return [_table_problem(error, layout, relative(path, root), partner, fields) for error in errors]


def _problems(report, folder: Path, root: Path, partner: str | None, fields: dict) -> list[Problem]:
    problems = [_descriptor_problem(error, folder, root, partner) for error in report.errors]
    for task in report.tasks:
        # `place` is the resource's path as the descriptor gives it, relative to the package folder.
        data_path = folder / task.place if task.place else folder
        layout = FileLayout(data_path)
        file = relative(data_path, root)
        problems.extend(_table_problem(error, layout, file, partner, fields) for error in task.errors)
    return problems


def _descriptor_problem(error, folder: Path, root: Path, partner: str | None) -> Problem:
    return Problem(
        error.type,
        error.message + ".",
        "Compare datapackage.json with the one `indicators new-partner` writes.",
        relative(folder / "datapackage.json", root),
        partner=partner,
    )


def _table_problem(error, layout: FileLayout, file: str, partner: str | None, fields: dict) -> Problem:
    details = error.to_dict()
    field_name = details.get("fieldName") or details.get("label") or None
    record = details.get("rowNumber")
    if record is None and details.get("rowNumbers"):
        record = details["rowNumbers"][0]
    message, hint = _words(error.type, details, fields)
    return Problem(
        rule=error.type,
        message=message,
        hint=hint,
        file=file,
        line=layout.line(record),
        column=layout.column(field_name, details.get("fieldNumber")),
        field=field_name,
        partner=partner,
    )


def clip(text: object) -> str:
    """Text as a message quotes it: its first QUOTE_LIMIT characters, and "…" when there were more."""
    text = str(text)
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"


def _words(rule: str, details: dict, fields: dict) -> tuple[str, str]:
    """The message and the hint, in the partner's terms: no record numbers, patterns or Python lists."""
    field_name = details.get("fieldName") or details.get("label") or ""
    name = clip(field_name)
    cell = clip(details.get("cell"))
    note = details.get("note") or ""
    field = fields.get(field_name, {})
    agreed = ", ".join(fields) if fields else ""
    if rule == "type-error":
        kind = field.get("type") or (note.split('"')[1].split("/")[0] if '"' in note else "value")
        return (f'"{cell}" in column "{name}" is not a {kind}.',
                _TYPE_HINTS.get(kind, "Correct the value to the column's type."))
    if rule == "constraint-error":
        constraints = field.get("constraints", {})
        if "required" in note:
            return f'Column "{name}" is empty, and it must have a value.', "Fill in this cell: every observation needs it."
        if "enum" in note and constraints.get("enum"):
            allowed = ", ".join(constraints["enum"])
            return (f'"{cell}" is not an allowed value of column "{name}".',
                    f"Use exactly one of: {allowed}; or leave the cell blank.")
        if "pattern" in note and field_name.endswith("period"):
            return (f'"{cell}" in column "{name}" is not a period.',
                    f"Write {PERIOD_FORMS}.")
        return f'"{cell}" in column "{name}" breaks the rule {note}.', "Correct the value so that it meets the rule."
    if rule == "missing-cell":
        return (f'The row stops before column "{name}": it has {len(details.get("cells") or [])} cells and the header '
                "has more.", _HINTS[rule])
    if rule == "extra-cell":
        return (f'The row has more cells than the header: "{cell}" is one too many.', _HINTS[rule])
    if rule == "blank-row":
        return "The row is blank.", _HINTS[rule]
    if rule == "missing-label":
        return (f'The header has no column "{name}".',
                "Add the column, or rename the column that holds it, so that the header has every agreed field: "
                f"{agreed}.")
    if rule == "extra-label":
        return (f'The column "{name}" is not an agreed field.',
                f"Rename it to the agreed field it holds, or delete it. The agreed fields are: {agreed}.")
    return details.get("message", rule) + ".", _HINTS.get(rule, "See the frictionless documentation for this error.")
