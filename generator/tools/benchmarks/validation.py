"""How fast validation is: one generated partner package of many observations, validated by us and by frictionless.

    python -m generator.tools.benchmarks.validation --rows 1000000 --json out.json

The package is written into a temporary project (a copy of the example agenda and one partner), valid in every
respect, so every validator reads every row and reports nothing. Each validator then runs in a fresh Python
process of its own (`generator.tools.benchmarks.measure`), which reports the seconds the validation took (imports
excluded), the CPU seconds (the machine may be busy with other work) and its own peak resident memory, so that
no measurement inherits another's memory. What frictionless does once per process on first use (importing its
plugins and helpers) is measured apart, in the column "start s".
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generator.load.agenda import AGENDA_FOLDER, Agenda, read_agenda
from generator.tools.benchmarks.measure import PARTNER, VALIDATORS
from generator.load.project import Project
from generator.tools.scaffold import new_partner

REPOSITORY = Path(__file__).resolve().parents[3]
LAST_YEAR = 2024
# Per year a series can hold a calendar year, a school year and four quarters: six periods.
PERIODS_PER_YEAR = 6
NOTES = ("", "Survey estimate.", '"Revised, see the methods page."')  # the last needs its quotes in CSV
STATUSES = ("", "estimated", "provisional", "suppressed", "break_in_series")
STATUS_SHARES = (0.85, 0.07, 0.05, 0.02, 0.01)


def validation_benchmark(rows: int = 1_000_000, work: Path | None = None, primary_key: bool = True,
                         echo: bool = True) -> dict:
    """Generate a valid package of `rows` observations and time our validator and frictionless on it.

    `work` is the folder for the temporary project (the system's temporary folder when None); the project is
    removed afterwards. With `primary_key`, frictionless also runs with the key fields as a primary key, which is
    how it would find duplicate observations (the slowest run). Returns the measurements; prints them if `echo`.
    """
    with tempfile.TemporaryDirectory(dir=work, prefix="validation-benchmark-") as folder:
        root = Path(folder) / "project"
        started = time.perf_counter()
        data = write_benchmark_project(root, rows)
        generated = time.perf_counter() - started
        key = ["indicator", "period", "geography", *read_agenda(Project(root).agenda_folder).dimension_ids]
        runs = ["ours", "ours-structure", "frictionless", *(["frictionless-primary-key"] if primary_key else [])]
        results = {name: _measure_in_subprocess(name, root, key) for name in runs}
        size = data.stat().st_size
    ours, theirs = results["ours"], results["frictionless"]
    summary = {
        "rows": rows,
        "file_bytes": size,
        "generated_seconds": round(generated, 2),
        "results": list(results.values()),
        "speed_ratio": round(ours["rows_per_second"] / theirs["rows_per_second"], 1),
        "memory_ratio": round(ours["peak_mb"] / theirs["peak_mb"], 2),
    }
    if echo:
        print(benchmark_table(summary))
    return summary


def benchmark_table(summary: dict) -> str:
    """The measurements as a small text table, with the ratios of ours to frictionless under it."""
    lines = [f"{summary['rows']:,} observations, {summary['file_bytes'] / 1e6:,.1f} MB of CSV "
             f"(generated in {summary['generated_seconds']} s)",
             f"{'validator':<38} {'rows':>10} {'seconds':>8} {'CPU s':>6} {'rows/s':>11} {'peak MB':>8} {'errors':>6} "
             f"{'start s':>7}"]
    for result in summary["results"]:
        lines.append(f"{VALIDATORS[result['validator']]:<38} {result['rows']:>10,} {result['seconds']:>8.2f} "
                     f"{result['cpu_seconds']:>6.2f} {result['rows_per_second']:>11,} {result['peak_mb']:>8.0f} "
                     f"{result['errors']:>6} {result['first_use_seconds']:>7.2f}")
    lines.append(f"validate_project / frictionless validate: {summary['speed_ratio']}x the rows per second, "
                 f"{summary['memory_ratio']}x the peak memory")
    return "\n".join(lines)


def _measure_in_subprocess(validator: str, root: Path, key: list[str]) -> dict:
    command = [sys.executable, "-m", "generator.tools.benchmarks.measure", validator, str(root),
               "--primary-key", ",".join(key)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPOSITORY, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"measuring {validator} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# The package -----------------------------------------------------------------------------------------------


def write_benchmark_project(root: Path, rows: int, seed: int = 0) -> Path:
    """A project with the example agenda and one valid partner package of `rows` observations; the CSV's path.

    Every row is a real combination of the agenda's indicators, geographies, groups and units, every key is
    unique, values lie in their unit's range with bounds around them, and a few are suppressed or annotated.
    """
    shutil.copytree(REPOSITORY / "datapackages" / AGENDA_FOLDER, root / "datapackages" / AGENDA_FOLDER)
    shutil.copyfile(REPOSITORY / "mkdocs.yml", root / "mkdocs.yml")
    project = Project(root)
    folder = new_partner(project, PARTNER, title="Benchmark Partner")
    path = folder / "observations.csv"
    path.write_bytes(observations_csv(read_agenda(project.agenda_folder), rows, np.random.default_rng(seed)))
    return path


def observations_csv(agenda: Agenda, rows: int, rng: np.random.Generator) -> bytes:
    """`rows` valid observations as CSV bytes, built a column at a time (no Python loop over rows)."""
    fields = [field["name"] for field in agenda.observation_schema["fields"]]
    series = _series(agenda)
    years = max(LAST_YEAR - 1999, -(-rows // (len(series) * PERIODS_PER_YEAR)))
    periods = _periods(LAST_YEAR - years + 1, LAST_YEAR)
    chosen = np.sort(rng.choice(len(series) * len(periods), size=rows, replace=False))  # no key twice
    of_series, of_period = np.divmod(chosen, len(periods))

    columns = {"period": _pick(periods, of_period)}
    for position, name in enumerate(["indicator", "geography", *agenda.dimension_ids]):
        labels = sorted({one[position] for one in series})
        number = {label: index for index, label in enumerate(labels)}
        columns[name] = _pick(labels, np.array([number[one[position]] for one in series])[of_series])
    unit = np.array([agenda.indicators_by_id[one[0]].unit for one in series])[of_series]
    units = sorted(agenda.units)
    columns["unit"] = _pick(units, np.searchsorted(units, unit))
    columns.update(_measures(unit, agenda, rng))
    columns["note"] = _pick(NOTES, rng.choice(len(NOTES), size=rows, p=[0.97, 0.02, 0.01]))

    header = ",".join(fields) + "\n"
    if not rows:
        return header.encode()
    # Each line is its cells joined by commas, ending in a comma before an empty last cell: that comma becomes
    # the line break, and the lines' bytes, one after the other, are the file.
    lines = pc.binary_join_element_wise(*[columns[name] for name in fields], pa.array([""] * rows), ",")
    lengths = pc.binary_length(lines).to_numpy()
    body = np.frombuffer(lines.buffers()[2], dtype=np.uint8)[: lengths.sum()].copy()
    body[np.cumsum(lengths) - 1] = ord("\n")
    return header.encode() + body.tobytes()


def _pick(values, index: np.ndarray) -> pa.Array:
    """values[index], as a pyarrow text column."""
    return pa.DictionaryArray.from_arrays(pa.array(index, pa.int32()), pa.array(values, pa.string())).cast(pa.string())


def _series(agenda: Agenda) -> list[tuple[str, ...]]:
    """Every (indicator, geography, then a group or blank for each dimension) the agenda allows."""
    result = []
    for indicator in agenda.indicators:
        combinations: list[tuple[str, ...]] = [()]
        for dimension in agenda.dimensions:
            groups = ("", *dimension.groups) if dimension.id in indicator.dimensions else ("",)
            combinations = [(*before, group) for before in combinations for group in groups]
        result.extend((indicator.id, geography, *groups)
                      for geography in agenda.geographies for groups in combinations)
    return result


def _periods(first_year: int, last_year: int) -> list[str]:
    periods = []
    for year in range(first_year, last_year + 1):
        periods += [str(year), f"{year}-{(year + 1) % 100:02d}", *(f"{year}-Q{quarter}" for quarter in range(1, 5))]
    return periods


def _measures(unit: np.ndarray, agenda: Agenda, rng: np.random.Generator) -> dict[str, pa.Array]:
    """value, bounds, numerator, denominator and status: in range, bounds around the value, a few suppressed."""
    rows = len(unit)
    counts = np.isin(unit, [name for name, one in agenda.units.items() if one.integer])
    rates = unit == "rate_per_1000"
    value = np.where(counts, rng.integers(0, 500, rows),
                     np.round(np.where(rates, rng.uniform(1, 60, rows), rng.uniform(2, 98, rows)), 1))
    spread = np.round(rng.uniform(0.3, 2.0, rows), 1)
    lower = np.round(np.maximum(value - spread, 0), 1)
    upper = np.round(np.where(rates, value + spread, np.minimum(value + spread, 100)), 1)
    status = rng.choice(len(STATUSES), size=rows, p=STATUS_SHARES)
    published = status != STATUSES.index("suppressed")
    with_bounds = ~counts & published & (rng.random(rows) < 0.4)
    with_counts = ~counts & ~rates & published & (rng.random(rows) < 0.2)
    denominator = rng.integers(100, 5000, rows)

    def text(numbers: np.ndarray, keep: np.ndarray) -> pa.Array:
        return pc.if_else(pa.array(keep), pc.cast(pa.array(numbers), pa.string()), "")

    return {
        "value": text(value, published),
        "lower_bound": text(lower, with_bounds),
        "upper_bound": text(upper, with_bounds),
        "numerator": text(np.round(value / 100 * denominator).astype(np.int64), with_counts),
        "denominator": text(denominator, with_counts),
        "status": _pick(STATUSES, status),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.tools.benchmarks.validation",
                                     description="Validate a generated package with our validator and with "
                                                 "frictionless, and compare rows per second and peak memory.")
    parser.add_argument("--rows", type=int, default=1_000_000, help="observations to generate (default 1,000,000)")
    parser.add_argument("--work", type=Path, help="folder for the temporary project (default: the system's)")
    parser.add_argument("--no-primary-key", action="store_true",
                        help="skip the frictionless run with a primary key (the slowest)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the measurements to FILE as JSON")
    arguments = parser.parse_args(argv)
    summary = validation_benchmark(arguments.rows, arguments.work, primary_key=not arguments.no_primary_key)
    if arguments.json:
        arguments.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
