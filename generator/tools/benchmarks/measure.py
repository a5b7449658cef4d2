"""One measurement of the validation benchmark, run in a fresh process that holds nothing but what it measures.

    python -m generator.tools.benchmarks.measure VALIDATOR PROJECT [--primary-key FIELD,FIELD,...]

prints one line of JSON: the seconds the validation took (imports excluded), its CPU seconds, the rows it read,
the errors it found and the process's peak resident memory. `generator.tools.benchmarks.validation` starts it once
per validator; it imports only the validator it is told to run.

frictionless imports much of what it uses (its plugins, chardet, jsonschema, …) on first use rather than on
import: every validator here uses it, so each first validates one small file of the agenda with frictionless,
and that start-up is reported apart (`first_use_seconds`), as imports are left out. It is worth knowing: with
PYTHONDONTWRITEBYTECODE set, as on some CI machines, those modules are compiled from source on every start.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from generator.memory import peak_mb
from generator.load.project import Project

PARTNER = "benchmark-partner"
VALIDATORS = {
    "ours": "ours: validate_project, every rule",
    "ours-structure": "ours: fast_table_problems only",
    "frictionless": "frictionless: validate",
    "frictionless-primary-key": "frictionless: validate, primary key",
}


def measure(validator: str, root: Path, primary_key: list[str] | None = None) -> dict:
    """Run `validator` on the benchmark project at `root` in this process, and say how it went."""
    project = Project(root)
    data = project.datapackages / PARTNER / "observations.csv"
    schema = json.loads((project.agenda_folder / "observation.schema.json").read_text(encoding="utf-8"))
    if validator == "ours":
        from generator.validate import validate_project

        def run() -> int:
            return len(validate_project(project).report.errors)
    elif validator == "ours-structure":
        from generator.validate.fast import fast_table_problems

        def run() -> int:
            return len(fast_table_problems(data, schema, root, PARTNER))
    else:
        from frictionless import Resource, Schema

        if validator == "frictionless-primary-key":
            schema = {**schema, "primaryKey": primary_key}

        def run() -> int:
            table = Resource(path=data.name, basepath=str(data.parent), schema=Schema.from_descriptor(schema))
            return len(table.validate().flatten(["type"]))

    started = time.perf_counter()
    _first_use(project)
    first_use = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    errors = run()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    rows = _count_rows(data)
    return {
        "validator": validator,
        "rows": rows,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "rows_per_second": round(rows / seconds),
        "peak_mb": round(peak_mb(), 1),
        "errors": errors,
        "first_use_seconds": round(first_use, 3),
    }


def _first_use(project: Project) -> None:
    """What frictionless does once per process before it validates anything: import its plugins and helpers."""
    from frictionless import Resource

    Resource(path="geographies.csv", basepath=str(project.agenda_folder)).validate()


def _count_rows(path: Path) -> int:
    with path.open("rb") as file:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b"")) - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.tools.benchmarks.measure", description=__doc__.split("\n")[0])
    parser.add_argument("validator", choices=list(VALIDATORS))
    parser.add_argument("project", type=Path)
    parser.add_argument("--primary-key", default="", help="the key fields, comma-separated")
    arguments = parser.parse_args(argv)
    key = [field for field in arguments.primary_key.split(",") if field]
    print(json.dumps(measure(arguments.validator, arguments.project, key)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
