"""The Python API: each CLI verb is a function here, usable from a notebook or a test.

    validate(project)            -> Validated (agenda, packages, report)
    build(project, site_dir)     -> BuildResult (report, and the paths written when valid)
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from generator import STAGES, buildcache, incremental
from generator.publish import charts as charting, images
from generator.publish.downloads import OTHER_DOWNLOADS, iter_downloads
from generator.compute.observations import IndicatorRows, observations_table
from generator.publish.pages import Download, SiteContent, iter_pages, navigation
from generator.load.project import Project
from generator.publish.site import WrittenFile, build_site, hand_written_pages, read_narratives, write_docs, write_files
from generator.compute.trends import compute_trends, scoreboard, scoreboards_by_goal
from generator.history.releases import collect_updates
from generator.validate import Validated, validate_project
from generator.problems import Report

__all__ = ["Project", "validate", "build", "BuildResult"]

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    report: Report
    site_dir: Path | None = None  # None when the data were invalid and nothing was published
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    # Per cache ("site": the whole build, "indicators": an indicator's trends and charts, "charts": chart images),
    # how many items were reused and how many made.
    cache_hits: dict[str, int] = field(default_factory=dict)
    cache_misses: dict[str, int] = field(default_factory=dict)
    image_workers_peak_mb: float = 0.0  # the largest peak memory of the processes that drew chart images

    @property
    def ok(self) -> bool:
        return self.site_dir is not None


def validate(project: Project, paths: list[Path] | None = None) -> Validated:
    return validate_project(project, paths)




def build(project: Project, site_dir: Path | None = None, *, docs_dir: Path | None = None,
          progress: Progress | None = None, cache: bool = True) -> BuildResult:
    """Validate, compute, chart, write pages and downloads, run MkDocs. Invalid data publish nothing.

    With `cache`, a build whose inputs (packages, site_src, mkdocs.yml, the generator itself) and outputs are as
    the last build left them does nothing, and chart images whose spec is unchanged come from `build/cache`.
    """
    say = progress or (lambda stage: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def done(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    target = (site_dir or project.default_site_dir).resolve()
    docs = (docs_dir or project.build_folder / "docs").resolve()
    cache_folder = project.build_folder / "cache"
    say("Reading the inputs")
    inputs = buildcache.input_fingerprint(project, target, docs)
    previous = buildcache.last_build(cache_folder, inputs, [target, docs]) if cache else None
    done("load")
    if previous is not None:
        timings.update({stage: 0.0 for stage in STAGES if stage not in timings})
        return BuildResult(previous, target, timings, {"site": 1}, {"site": 0})

    docs_made = _make_docs(project, docs, cache_folder, cache, say, done, timings)
    if docs_made.nav is None:
        return docs_made.result
    # Only now, with the tables, trends and charts the docs were made from gone: MkDocs holds every page of a
    # national site, and with both at once the build's memory peaked here.
    gc.collect()
    say("Building the site with MkDocs")
    build_site(project, docs, target, docs_made.nav, docs_made.data_time)
    if cache:
        buildcache.remember_build(cache_folder, inputs, [target, docs], docs_made.result.report)
    done("mkdocs")
    return replace(docs_made.result, site_dir=target)


@dataclass(frozen=True)
class _DocsMade:
    result: BuildResult  # with no site yet
    nav: list | None  # None when the data were invalid and no docs were written
    data_time: int = 0


def _make_docs(project: Project, docs: Path, cache_folder: Path, cache: bool, say: Progress,
               done: Callable[[str], None], timings: dict[str, float]) -> _DocsMade:
    """Validate, compute, chart and write the docs folder (pages, downloads, images): every stage before MkDocs."""
    say("Validating packages")
    validated = validate_project(project)
    done("validate")
    if not validated.report.valid:
        return _DocsMade(BuildResult(validated.report, None, timings), None)
    agenda, packages = validated.agenda, validated.packages

    say("Computing trends")
    observations = observations_table(packages, agenda)
    keys, reused = {}, {}
    # What every indicator's results depend on besides its own rows: the agenda and the generator's code.
    salt = incremental.salt(project.agenda_folder, buildcache.generator_fingerprint())
    if cache:
        keys = incremental.indicator_keys(observations, salt)
        reused = incremental.load(cache_folder, keys)
    # Only the indicators without stored results are computed and charted; the others are taken as stored.
    changed = observations[~observations["indicator"].isin(list(reused))] if reused else observations
    computed = compute_trends(changed, agenda)
    trends = incremental.merged(computed, reused)
    by_indicator = IndicatorRows.of(observations, agenda.dimension_ids, trends.dimensions_used)
    done("compute")

    say("Drawing charts")
    charts, specs = _chart_specs(by_indicator, computed, agenda)
    if cache:
        incremental.store(cache_folder, keys, incremental.results_of(computed, charts, specs,
                                                                     [key for key in keys if key not in reused]))
    for indicator_id, result in reused.items():
        charts[indicator_id] = list(result.charts)
        specs.update(result.specs)
    done("charts")

    say("Drawing chart images")
    # Without the cache every image is drawn again, into the same folder: a build holds none of them in memory.
    pictures = images.render_images(specs, cache_folder, png={key for key in specs if not key.endswith("/sparkline")},
                                    reuse=cache)
    reused_count = len(reused)
    del specs, reused  # the images' specs, the largest thing no later stage reads
    assets = {
        "assets/javascripts/vega.js": images.javascript_bundle(cache_folder).encode("utf-8"),
    }
    done("images")

    say("Writing downloads and pages")
    downloads = write_files(docs / "data", iter_downloads(by_indicator, trends, agenda, packages))
    content = SiteContent(
        agenda=agenda,
        packages=packages,
        observations=observations,
        trends=trends,
        scoreboard=scoreboard(trends, [indicator.id for indicator in agenda.indicators]),
        goal_scoreboards=scoreboards_by_goal(trends, agenda),
        charts=charts,
        sparklines={key.split("/")[1] for key in pictures.svgs if key.endswith("/sparkline")},
        downloads=_download_list(downloads, observations),
        narratives=read_narratives(project.site_src),
        updates=collect_updates(project.root, agenda, packages, cache=cache_folder if cache else None, salt=salt),
        report=validated.report,
    )
    pages = write_files(docs, ((path, text.encode("utf-8")) for path, text in iter_pages(content)))
    write_docs(docs, project.site_src, {**{path: written.path for path, written in pages.items()},
                                        **{f"data/{path}": written.path for path, written in downloads.items()},
                                        **pictures.files(), **assets})
    done("pages")

    nav = navigation(content, hand_written_pages(project.site_src))
    result = BuildResult(validated.report, None, timings,
                         {"site": 0, "indicators": reused_count, "charts": pictures.hits},
                         {"site": 1 if cache else 0, "indicators": len(keys) - reused_count if cache else 0,
                          "charts": pictures.misses}, pictures.workers_peak_mb)
    return _DocsMade(result, nav, _data_time(packages, agenda))


def _chart_specs(by_indicator: IndicatorRows, trends, agenda) -> tuple[dict[str, list], dict[str, str]]:
    """The charts of each indicator `trends` has rows of, and the static spec of every chart and sparkline by its
    image key, as JSON (`charts.spec_text`)."""
    charts = {}
    specs = {}
    for indicator_id in trends.dimensions_used:
        indicator = agenda.indicators_by_id.get(indicator_id)
        if indicator is None:
            continue
        rows = by_indicator.rows(indicator_id)
        charts[indicator.id] = charting.indicator_charts(indicator, rows, trends.series_of(indicator.id), agenda)
        for chart in charts[indicator.id]:
            specs[f"indicators/{indicator.id}/{chart.name}"] = charting.spec_text(chart.static_spec)
        sparkline = charting.sparkline_spec(indicator, rows, agenda)
        if sparkline is not None:
            specs[f"indicators/{indicator.id}/sparkline"] = charting.spec_text(sparkline)
    return charts, specs


def _download_list(downloads: dict[str, WrittenFile], observations: pd.DataFrame) -> list[Download]:
    """The downloads the data page lists; per-indicator files are linked from their own pages instead."""
    titles = {
        "observations.csv": ("Every observation of every partner, one row each", len(observations)),
        "trends.csv": ("The computed trend of every series", None),
        "trends.json": ("The computed trend of every series and every indicator, as JSON", None),
        "datapackage.json": ("All of the above as one Frictionless data package", None),
    }

    def listed(path: str, title: str, rows: int | None = None) -> Download:
        return Download(path, title, downloads[path].size, rows, downloads[path].sha256)

    found = [listed(path, title, rows) for path, (title, rows) in titles.items()]
    found += [listed(path, f"The common agenda's {path.split('/')[1][:-4]} table", downloads[path].lines - 1)
              for path in downloads if path.startswith("agenda/")]
    found += [listed(path, "A partner's package, exactly as submitted and validated")
              for path in downloads if path.endswith(".zip")]
    found += [listed(path, title) for path, title in OTHER_DOWNLOADS.items() if path in downloads]
    counts = observations["indicator"].value_counts()
    found += [listed(path, "One indicator's observations", int(counts.get(path[len("indicators/"):-4], 0)))
              if path.endswith(".csv") else listed(path, "One indicator's observations, series trends and status")
              for path in downloads if path.startswith("indicators/")]
    return found


def _data_time(packages, agenda) -> int:
    """The newest `created` date among the packages: the site's date, so unchanged data give an unchanged site."""
    stamps = []
    for created in [package.created for package in packages]:
        try:
            stamp = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            continue
        # A date without a time zone (2024-03-01) is taken as UTC, so that it compares with one that has one.
        stamps.append(stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=timezone.utc))
    return int(max(stamps, default=datetime(2000, 1, 1, tzinfo=timezone.utc)).timestamp())
