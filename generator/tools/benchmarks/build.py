"""How fast a whole build is, stage by stage, at three scales: the example, the UK's data, a generated initiative.

    indicators bench [--scales example,uk,generated] [--indicators 2000] [--observations 5000000]
                     [--doubling 100] [--doubling-rounds 3] [--json FILE]

Each scale is a temporary project (a copy of the example; the UK's Open SDG data imported; or an initiative
written by `generator.tools.benchmarks.initiative`), built in a fresh Python process of its own (`python -m
generator.tools.benchmarks.build run PROJECT`), which reports the seconds of each stage and its own peak memory:
first as the publishing workflow builds, cold and keeping nothing (`indicators build --no-cache`; the build row),
then cold again keeping its results for the next build (the kept row: a first build on a partner's machine). Each
is then built again in another fresh process twice: unchanged (the rebuild row), and after one value of one
partner's file is changed (the "1 change" row: what a merged pull request costs once the caches are warm). The
doubling rows build generated initiatives of N and 2N indicators (observations in proportion) and print each
stage's ratio, which should stay at or under 2. A ratio of two times is as noisy as both: each of the two is built
cold several times, in turns (N, 2N, N, 2N, …), and each stage's ratio is that of its least seconds and of its least
CPU seconds over the rounds, since what other work on the machine does to a build only ever adds to its time.

The baseline, measured in the same run so that a shared, noisy machine does not mislead: the example
initiative's first build. Each row's total is also given as a multiple of it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator import STAGES

SCALES = ("example", "uk", "generated")
# build: cold, keeping nothing, as the publishing workflow builds (`indicators build --no-cache`); kept: cold again,
# keeping its results for the next build, as a first build on a partner's or a developer's machine does; then the
# builds that reuse them.
KINDS = ("build", "kept", "rebuild", "1 change")
BASELINE = "example"
REPOSITORY = Path(__file__).resolve().parents[3]
# The UK's Open SDG data, in the folder `shared/` kept beside the project's (see its README).
UK_SOURCE = REPOSITORY.parent / "shared" / "real-data" / "uk-sdg"


def build_benchmark(scales: tuple[str, ...] = SCALES, indicators: int = 2000, observations: int = 5_000_000,
                    doubling: int | None = 100, uk_source: Path = UK_SOURCE, work: Path | None = None,
                    echo: bool = True, doubling_rounds: int = 3) -> dict:
    """Build each scale three times (fresh, unchanged, one value changed) in fresh processes, and the doubling
    pair cold `doubling_rounds` times each; the measurements, printed if `echo`."""
    say = print if echo else (lambda *args, **kwargs: None)
    rows: list[dict] = []
    notes: list[str] = []
    rounds: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(dir=work, prefix="build-benchmark-") as folder:
        folder = Path(folder)
        plans = []
        for scale in scales:
            if scale == "uk" and not uk_source.is_dir():
                notes.append(f"uk: skipped, {uk_source} does not exist (the UK's Open SDG data; see README).")
                continue
            plans.append((scale, indicators, observations))
        if doubling:
            per_indicator = max(1, observations // max(indicators, 1))
            plans += [("doubling-n", doubling, doubling * per_indicator),
                      ("doubling-2n", 2 * doubling, 2 * doubling * per_indicator)]
        if BASELINE not in scales:
            plans.insert(0, (BASELINE, 0, 0))
        prepared_doubling = {}
        for scale, count, size in plans:
            root = folder / scale
            say(f"{scale}: preparing …", flush=True)
            prepared = _prepare(scale, root, count, size, uk_source)
            if scale.startswith("doubling"):
                prepared_doubling[scale] = prepared
                continue
            for kind in KINDS:
                say(f"{scale}: {kind} …", flush=True)
                if kind == "1 change":
                    change_one_value(root)
                elif kind == "kept":
                    _remove_what_builds_made(root)  # cold again: the first build drew its images into the store
                rows.append({"scale": scale, "kind": kind, **prepared,
                             **_run_in_subprocess(root, cache=kind != "build")})
        for number in range(1, doubling_rounds + 1 if prepared_doubling else 1):
            for scale in prepared_doubling:
                say(f"{scale}: build, round {number} of {doubling_rounds} …", flush=True)
                _remove_what_builds_made(folder / scale)  # each round's build is cold
                rounds.setdefault(scale, []).append(_run_in_subprocess(folder / scale, cache=False))
        rows += [{"scale": scale, "kind": KINDS[0], **prepared, **_least(rounds[scale])}
                 for scale, prepared in prepared_doubling.items()]
    summary = {"stages": list(STAGES), "rows": rows, "notes": notes, "cpus": os.cpu_count(),
               "doubling_rounds": rounds}
    builds = {row["scale"]: row for row in rows if row["kind"] == "build"}
    baseline = builds[BASELINE]["seconds"]["total"]
    for row in rows:
        row["times_baseline"] = round(row["seconds"]["total"] / baseline, 2) if baseline else None
    if "doubling-n" in builds and "doubling-2n" in builds:
        small, large = builds["doubling-n"], builds["doubling-2n"]
        summary["doubling_ratio"] = {stage: _ratio(large["seconds"][stage], small["seconds"][stage])
                                     for stage in (*STAGES, "total")}
        summary["doubling_cpu_ratio"] = {stage: _ratio(large["stage_cpu_seconds"][stage],
                                                       small["stage_cpu_seconds"][stage])
                                         for stage in (*STAGES, "total")}
        # Linux divides a process's CPU time between user and kernel by what it finds at each clock tick (4 ms), so
        # the user seconds of a stage shorter than a tenth of a second say little (the load stage's: 15 to 21 ms).
        summary["doubling_user_cpu_ratio"] = {stage: _ratio(large["stage_user_cpu_seconds"][stage],
                                                            small["stage_user_cpu_seconds"][stage], shortest=0.1)
                                              for stage in (*STAGES, "total")}
    if echo:
        print(benchmark_table(summary))
    return summary


def benchmark_table(summary: dict) -> str:
    """One table: a row per scale and kind of build, seconds per stage, the total and peak memory."""
    head = f"{'scale':<12} {'build':<8} {'indicators':>10} {'observations':>12} {'import':>8} " + " ".join(
        f"{stage:>8}" for stage in STAGES) + f" {'total s':>8} {'× base':>7} {'CPU s':>7} {'peak MB':>8}" \
        + f" {'workers MB':>10}" \
        + f" {'indicators':>14} {'images':>15}"
    lines = [head, "-" * len(head)]
    # Cold builds first: a publishing workflow keeps no cache, so every merge is one.
    for row in sorted(summary["rows"], key=lambda row: KINDS.index(row["kind"])):
        seconds = row["seconds"]
        reused = f"{row['cache_hits'].get('indicators', 0)} kept/{row['cache_misses'].get('indicators', 0)} new"
        images = f"{row['cache_hits'].get('charts', 0)} kept/{row['cache_misses'].get('charts', 0)} new"
        imported = row["import_seconds"] if row["kind"] == KINDS[0] else 0.0
        lines.append(f"{row['scale']:<12} {row['kind']:<8} {row['indicators']:>10,} {row['observations']:>12,} "
                     + f"{imported:>8.2f} "
                     + " ".join(f"{seconds.get(stage, 0.0):>8.2f}" for stage in STAGES)
                     + f" {seconds['total']:>8.2f} {row['times_baseline'] or 0:>7.2f} {row['cpu_seconds']:>7.1f}"
                     + f" {row['peak_mb']:>8.0f}"
                     + f" {row['workers_peak_mb']:>10.0f} {reused:>14} {images:>15}")
    if "doubling_ratio" in summary:
        least = f"least of {len(summary['doubling_rounds']['doubling-n'])} builds each"
        ratios = summary["doubling_ratio"]
        lines.append(f"doubling (2N / N seconds, {least}): "
                     + ", ".join(f"{stage} {ratios[stage]}" for stage in ratios))
        for name, words in (("doubling_cpu_ratio", "CPU seconds"), ("doubling_user_cpu_ratio", "user CPU seconds")):
            ratios = summary[name]
            lines.append(f"doubling (2N / N {words}, {least}): "
                         + ", ".join(f"{stage} {ratios[stage]}" for stage in ratios))
    lines.append("import: the Open SDG import of the UK's data, before its first build (not in the total); "
                 "load: reading and hashing the inputs; validate: loading and validating the packages; charts: the "
                 "Vega-Lite specs, tables and descriptions; history: the data releases; images: the wait, after "
                 "MkDocs, for the processes that draw the headline charts' SVG and PNG and the sparklines "
                 "(vl-convert), which start with validate, and putting them in the site. "
                 f"× base: the total over the {BASELINE} build's in this run. CPU s: the build's and its image "
                 "processes' CPU seconds (each stage's too in the JSON, and the doubling ratios of both: a stage's "
                 "seconds include what the image processes take of the machine while it runs, its CPU seconds "
                 "only its own work; the images' CPU seconds are the drawing processes'; user CPU seconds leave out "
                 "the kernel's, mostly handing the build memory and page cache, which on a virtual machine cost "
                 "what the host makes them cost: one stage of one build took 0.2 to 0.9 s of them, build to build; None "
                 "for a stage of under 0.1 s, which Linux's clock ticks divide too coarsely). "
                 "peak MB: the build process; workers MB: the largest image-drawing "
                 "process (0: none ran). indicators: trends and charts kept from the cache or computed; images: "
                 "chart images kept or drawn.")
    lines += summary.get("notes", [])
    return "\n".join(lines)


def _prepare(scale: str, root: Path, indicators: int, observations: int, uk_source: Path) -> dict:
    """Write the scale's project at `root`; its size in indicators and observations."""
    import shutil

    from generator.load.agenda import read_agenda
    from generator.load.project import Project
    from generator.tools.benchmarks.initiative import in_one_language

    imported = 0.0
    if scale == "example":
        root.mkdir(parents=True)
        for name in ("datapackages", "site_src"):
            shutil.copytree(REPOSITORY / name, root / name)
        shutil.copyfile(REPOSITORY / "mkdocs.yml", root / "mkdocs.yml")
    elif scale == "uk":
        from generator.importers import import_open_sdg

        root.mkdir(parents=True)
        shutil.copytree(REPOSITORY / "site_src", root / "site_src")
        in_one_language(Project(root))
        started = time.perf_counter()
        import_open_sdg(uk_source, root, "ons")
        imported = time.perf_counter() - started
    else:
        from generator.tools.benchmarks.initiative import write_initiative

        write_initiative(root, indicators, observations)
    project = Project(root)
    lines = sum(_count_lines(path) - 1 for path in project.datapackages.glob("*/observations.csv"))
    return {"indicators": len(read_agenda(project.agenda_folder).indicators), "observations": lines,
            "import_seconds": round(imported, 3)}


def change_one_value(root: Path) -> None:
    """Move the first number in the value column of the first partner's data file by one step of its last digit,
    towards the middle of any range (down from 1 or more, else up), in place."""
    import csv

    from generator.load.project import Project

    path = sorted(Project(root).datapackages.glob("*/observations.csv"))[0]
    data = path.read_bytes()
    header_end = data.index(b"\n") + 1
    header = next(csv.reader([data[:header_end].decode("utf-8")]))
    column = header.index("value")
    start = header_end
    while start < len(data):
        end = data.index(b"\n", start) + 1 if b"\n" in data[start:] else len(data)
        cells = next(csv.reader([data[start:end].decode("utf-8")]))
        if len(cells) == len(header) and _is_number(cells[column]):  # a whole row on one line
            text = cells[column]
            decimals = len(text.split(".")[1]) if "." in text else 0
            step = 10.0 ** -decimals
            cells[column] = f"{float(text) + (-step if float(text) >= 1 else step):.{decimals}f}"
            line = io.StringIO()
            csv.writer(line, lineterminator="\n").writerow(cells)
            path.write_bytes(data[:start] + line.getvalue().encode("utf-8") + data[end:])
            return
        start = end
    raise RuntimeError(f"{path} has no value to change")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _count_lines(path: Path) -> int:
    with path.open("rb") as file:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))


def _remove_what_builds_made(root: Path) -> None:
    import shutil

    from generator.load.project import Project

    project = Project(root)
    for folder in (project.build_folder, project.default_site_dir):
        shutil.rmtree(folder, ignore_errors=True)


def _least(measurements: list[dict]) -> dict:
    """Builds of one project as one measurement: each stage's least seconds and least CPU seconds, each apart (other
    work on the machine only ever adds to them), and the largest peak memory."""
    least = dict(measurements[0])
    for key in ("seconds", "stage_cpu_seconds", "stage_user_cpu_seconds"):
        least[key] = {name: min(measured[key][name] for measured in measurements) for name in least[key]}
    least["cpu_seconds"] = min(measured["cpu_seconds"] for measured in measurements)
    for key in ("peak_mb", "workers_peak_mb"):
        least[key] = max(measured[key] for measured in measurements)
    return least


def _run_in_subprocess(root: Path, cache: bool = True) -> dict:
    # Nothing an earlier build or the preparation wrote is still being written to disk while this build is timed.
    os.sync()
    command = [sys.executable, "-m", "generator.tools.benchmarks.build", "run", str(root),
               *(() if cache else ("--no-cache",))]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPOSITORY, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"building {root.name} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _ratio(large: float, small: float, shortest: float = 0.005) -> float | None:
    """large / small, or None when `small` is too short to measure well."""
    return round(large / small, 2) if small > shortest else None


def measure_build(root: Path, cache: bool = True) -> dict:
    """Build the project at `root` in this process (`cache`: as `api.build`); its stage times, cache counts and peak
    memory."""
    from generator import api
    from generator.memory import peak_mb
    from generator.load.project import Project

    started = time.perf_counter()
    result = api.build(Project(root), cache=cache)
    total = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"the benchmark's project at {root} is not valid")
    seconds = {stage: round(result.timings.get(stage, 0.0), 3) for stage in STAGES}
    seconds["total"] = round(total, 3)
    stage_cpu = {stage: round(result.cpu_seconds.get(stage, 0.0), 3) for stage in STAGES}
    stage_cpu["total"] = round(sum(result.cpu_seconds.values()), 3)
    stage_user = {stage: round(result.cpu_seconds.get(stage, 0.0) - result.system_seconds.get(stage, 0.0), 3)
                  for stage in STAGES}
    stage_user["total"] = round(sum(result.cpu_seconds.values()) - sum(result.system_seconds.values()), 3)
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the build and of its image-drawing processes: on a shared machine, steadier than the clock.
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return {"seconds": seconds, "cpu_seconds": round(cpu, 2), "stage_cpu_seconds": stage_cpu,
            "stage_user_cpu_seconds": stage_user, "peak_mb": round(peak_mb(), 1),
            "workers_peak_mb": round(result.image_workers_peak_mb, 1),
            "cache_hits": result.cache_hits, "cache_misses": result.cache_misses}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.tools.benchmarks.build", description=__doc__.split("\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    run = verbs.add_parser("run", help="build one project in this process and print its measurements as JSON")
    run.add_argument("project", type=Path)
    run.add_argument("--no-cache", action="store_true", help="build as `indicators build --no-cache`")
    arguments = parser.parse_args(argv)
    print(json.dumps(measure_build(arguments.project, cache=not arguments.no_cache)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
