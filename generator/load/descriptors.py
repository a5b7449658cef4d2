"""Reading package descriptors safely: a broken file becomes a Problem with its line and column."""

from __future__ import annotations

import json
from pathlib import Path

from generator.problems import Problem

MAX_DESCRIPTOR_BYTES = 1_000_000


def read_descriptor(path: Path, shown_as: str, partner: str | None = None) -> tuple[dict | None, list[Problem]]:
    """The parsed `datapackage.json`, or None and the problem that stopped it being read."""

    def problem(rule: str, message: str, hint: str, line=None, column=None) -> Problem:
        return Problem(rule, message, hint, shown_as, line, column, partner=partner)

    if not path.is_file():
        twin = next((twin for twin in (path.with_suffix(".yaml"), path.with_suffix(".yml")) if twin.exists()), None)
        if twin is not None:
            return None, [Problem(
                "descriptor-not-json",
                f"The package descriptor is written in YAML ({twin.name}).",
                "Write it as datapackage.json: the generator reads only JSON descriptors, so the file would be ignored.",
                shown_as.rsplit("/", 1)[0] + "/" + twin.name if "/" in shown_as else twin.name,
                partner=partner,
            )]
        return None, [problem(
            "missing-descriptor",
            "There is no datapackage.json in this folder.",
            "Run `indicators new-partner SLUG` to scaffold a package, or add a datapackage.json that lists your files.",
        )]
    if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
        return None, [problem(
            "descriptor-too-large",
            f"datapackage.json is {path.stat().st_size:,} bytes; descriptors are at most {MAX_DESCRIPTOR_BYTES:,}.",
            "Keep the data in CSV files and list them as resources; the descriptor only describes them.",
        )]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return None, [problem(
            "descriptor-encoding",
            f"datapackage.json is not UTF-8 (byte 0x{error.object[error.start]:02x} at line {line}).",
            "Save the file as UTF-8.",
            line,
        )]
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [problem(
            "invalid-json",
            f"datapackage.json is not valid JSON: {error.msg}.",
            "The mistake is at this place or just before it: a missing comma at the end of the previous line, or a "
            "missing quote, is the usual cause.",
            error.lineno,
            error.colno,
        )]
    except (ValueError, RecursionError) as error:  # thousands of digits in a number, thousands of nested brackets
        return None, [problem(
            "invalid-json", f"datapackage.json cannot be read: {error}.",
            "Write numbers and text as a datapackage.json written by `indicators new-partner` does.", 1, 1,
        )]
    if not isinstance(descriptor, dict):
        return None, [problem(
            "invalid-descriptor",
            "datapackage.json must hold a JSON object ({ … }).",
            "Start from the descriptor that `indicators new-partner` writes.",
            1,
            1,
        )]
    return descriptor, []
