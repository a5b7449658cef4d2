"""Reproducible and incremental builds: the same inputs give the same bytes, and a change re-renders only what
depends on it (counted by the build itself, never timed); and the build benchmark runs and reports."""

from __future__ import annotations

import csv
import filecmp
import io
import json
import shutil
from pathlib import Path

import pytest

from generator import api
from generator.load.project import Project
from conftest import REPO, run_indicators


def files_under(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def assert_identical(first: Path, second: Path) -> None:
    names = files_under(first)
    assert names == files_under(second)
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert not mismatch and not errors, mismatch[:10]


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> tuple[Path, api.BuildResult]:
    """A copy of the example with one build, its own chart cache filled from nothing (`site`, `docs` and `build`
    inside the copy): drawing every chart is most of a build, so the tests share this one and copy it to change."""
    root = tmp_path_factory.mktemp("first-build")
    for name in ("datapackages", "site_src"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    result = api.build(Project(root), root / "site", docs_dir=root / "docs")
    assert result.ok and result.cache_hits["charts"] == 0
    return root, result


def test_two_builds_without_a_shared_cache_write_identical_files(first_build, tmp_path):
    root, first = first_build
    # No cache at all: every chart image is drawn again, so an image that depends on more than its spec shows.
    second = api.build(Project(root), tmp_path / "two" / "site", docs_dir=tmp_path / "two" / "docs", cache=False)
    assert first.ok and second.ok
    assert first.cache_misses["charts"] == second.cache_misses["charts"] > 0
    assert second.cache_hits["charts"] == 0
    assert_identical(root / "docs", tmp_path / "two" / "docs")
    assert_identical(root / "site", tmp_path / "two" / "site")
    pngs = [name for name in files_under(root / "site")
            if name.startswith("indicators/") and name.endswith(".png")]
    assert pngs and all((root / "site" / name[:-4]).with_suffix(".svg").is_file() for name in pngs)
    assert not any(name.endswith("sparkline.png") for name in pngs)


def test_trends_computed_and_charted_a_part_of_the_indicators_at_a_time_are_those_computed_at_once(
        first_build, tmp_path, monkeypatch):
    from generator import pipeline
    from generator.compute.observations import observations_table

    root, first = first_build
    # The example's 16 indicators in six parts, not at once as first_build made them (fewer than INDICATORS_PER_PART).
    monkeypatch.setattr(pipeline, "INDICATORS_PER_PART", 3)
    validated = api.validate(Project(root))
    observations = observations_table(validated.packages, validated.agenda)
    positions = observations.groupby("indicator", sort=False, observed=True).indices
    cut = list(pipeline._parts_of(observations, positions, list(positions)))
    assert len(cut) == 6 and sum(len(part) for part in cut) == len(observations)
    parts = api.build(Project(root), tmp_path / "parts" / "site", docs_dir=tmp_path / "parts" / "docs", cache=False)
    assert parts.ok
    assert_identical(root / "docs", tmp_path / "parts" / "docs")
    assert_identical(root / "site", tmp_path / "parts" / "site")


def test_a_change_to_one_value_recomputes_and_re_renders_only_its_indicator(first_build, tmp_path):
    # The shared first build, copied with its chart cache: this test changes the project.
    shutil.copytree(first_build[0], tmp_path / "project", symlinks=True)
    project_copy, first = Project(tmp_path / "project"), first_build[1]
    site, docs = project_copy.root / "site", project_copy.root / "docs"
    assert first.ok
    # Each language's tree has its own images (their words differ): docs/ for English, docs-es/ beside it.
    trees = [docs, docs.with_name("docs-es")]
    images = {tree / name: tree.joinpath(name).read_bytes() for tree in trees for name in files_under(tree)
              if name.startswith("indicators/") and name.endswith(".svg")}
    assert first.cache_misses["charts"] == len(images)

    path = project_copy.datapackages / "youthworks" / "observations.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    changed = next(row for row in rows if row["value"] and row["geography"] == "cedar-river-county"
                   and not any(row[dimension] for dimension in ("race_ethnicity", "sex", "income")))
    changed["value"] = str(int(float(changed["value"])) + 7)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    youthworks = {row["indicator"] for row in rows}

    second = api.build(project_copy, site, docs_dir=docs)
    assert second.ok and second.cache_hits["site"] == 0
    # Only the indicator whose rows changed has its trends and charts computed again; the others are reused.
    assert second.cache_misses["indicators"] == 1
    assert second.cache_hits["indicators"] == first.cache_misses["indicators"] - 1 > 0
    redrawn = {path for path, data in images.items() if path.read_bytes() != data}
    assert redrawn and {path.parent.name for path in redrawn} == {changed["indicator"]}
    assert {path.parent.parent.parent for path in redrawn} == set(trees)
    assert second.cache_misses["charts"] == len(redrawn)
    assert second.cache_hits["charts"] == len(images) - len(redrawn)
    others = [path for path in images if path.parent.name not in youthworks]
    assert others and all(path.read_bytes() == images[path] for path in others)

    # What was reused is what computing everything again gives, byte for byte.
    fresh = api.build(project_copy, tmp_path / "fresh" / "site", docs_dir=tmp_path / "fresh" / "docs", cache=False)
    assert fresh.ok and fresh.cache_hits == {"site": 0, "indicators": 0, "charts": 0}
    assert_identical(docs, tmp_path / "fresh" / "docs")
    assert_identical(trees[1], tmp_path / "fresh" / "docs-es")

    # Nothing changed since: the build has nothing to do, and says so.
    third = api.build(project_copy, site, docs_dir=docs)
    assert third.ok and third.cache_hits["site"] == 1 and third.timings["validate"] == 0
    assert third.report.warnings == second.report.warnings

    # A change to the published site is noticed: the next build rebuilds it.
    (site / "index.html").write_text("edited by hand", encoding="utf-8")
    fourth = api.build(project_copy, site, docs_dir=docs)
    assert fourth.cache_hits["site"] == 0 and fourth.cache_misses["charts"] == 0
    assert (site / "index.html").read_text(encoding="utf-8") != "edited by hand"


def test_bench_builds_a_tiny_generated_initiative_and_writes_json(tmp_path):
    output = tmp_path / "bench.json"
    result = run_indicators(tmp_path, "bench", "--scales", "generated", "--indicators", "4", "--observations",
                            "300", "--doubling", "2", "--doubling-rounds", "2", "--work", str(tmp_path),
                            "--json", str(output))
    assert result.returncode == 0, result.stderr
    summary = json.loads(output.read_text(encoding="utf-8"))
    stages = ["load", "validate", "compute", "charts", "history", "downloads", "pages", "mkdocs", "images"]
    assert summary["stages"] == stages
    runs = {(row["scale"], row["kind"]): row for row in summary["rows"]}
    kinds = ("build", "kept", "rebuild", "1 change")
    assert set(runs) == {(scale, kind) for scale in ("example", "generated") for kind in kinds} \
        | {("doubling-n", "build"), ("doubling-2n", "build")}, "the example is always built: it is the baseline"
    assert [runs[(scale, "build")]["indicators"] for scale in ("generated", "doubling-n", "doubling-2n")] == [4, 2, 4]
    for row in summary["rows"]:
        assert set(row["seconds"]) == {*stages, "total"} and row["peak_mb"] > 0 and row["observations"] > 0
        assert row["cpu_seconds"] > 0 and set(row["stage_cpu_seconds"]) == {*stages, "total"}
        assert all(0 <= row["stage_user_cpu_seconds"][stage] <= row["stage_cpu_seconds"][stage] + 0.001
                   for stage in stages)
    assert runs[("generated", "build")]["cache_misses"]["charts"] > 0
    assert runs[("generated", "build")]["cache_misses"]["indicators"] == 0, "as published: nothing kept"
    kept = runs[("generated", "kept")]
    assert kept["cache_misses"]["indicators"] == 4 and kept["cache_misses"]["charts"] > 0, "cold again, keeping"
    assert runs[("generated", "rebuild")]["cache_hits"]["site"] == 1
    changed = runs[("generated", "1 change")]
    assert changed["cache_misses"]["indicators"] == 1 and changed["cache_hits"]["indicators"] == 3
    assert runs[("example", "build")]["times_baseline"] == 1.0 and changed["times_baseline"] > 0
    assert set(summary["doubling_ratio"]) == set(summary["doubling_cpu_ratio"]) \
        == set(summary["doubling_user_cpu_ratio"]) == {*stages, "total"}
    rounds = summary["doubling_rounds"]
    assert [len(rounds[scale]) for scale in ("doubling-n", "doubling-2n")] == [2, 2]
    assert all(round_["cache_hits"]["site"] == 0 for scale in rounds for round_ in rounds[scale]), "each round is cold"
    least = runs[("doubling-n", "build")]
    assert least["seconds"]["compute"] == min(round_["seconds"]["compute"] for round_ in rounds["doubling-n"])
    assert "doubling (2N / N seconds, least of 2 builds each)" in result.stdout
    assert "doubling (2N / N CPU seconds, least of 2 builds each)" in result.stdout
    assert "doubling (2N / N user CPU seconds, least of 2 builds each)" in result.stdout
    assert "generated" in result.stdout
    assert not list(tmp_path.glob("build-benchmark-*")), "the generated projects are removed"


def test_build_no_cache_as_the_publishing_workflow_keeps_nothing_for_a_next_build(project_copy):
    result = run_indicators(project_copy.root, "build", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert (project_copy.root / "site" / "index.html").is_file()
    kept = project_copy.build_folder / "cache"
    assert not (kept / "indicators").exists() and not (kept / "builds").exists(), "no trends, charts or stamp kept"
    again = run_indicators(project_copy.root, "build")
    assert again.returncode == 0 and "Built" in again.stderr
    assert (kept / "indicators").is_dir() and (kept / "builds").is_dir(), "a build without the option keeps them"
