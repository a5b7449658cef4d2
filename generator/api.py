"""The Python API: each CLI verb is a function here, usable from a notebook or a test.

    validate(project)            -> Validated (agenda, packages, report)
    build(project, site_dir)     -> BuildResult (report, and the paths written when valid)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from generator import charts as charting, images
from generator.downloads import OTHER_DOWNLOADS, build_downloads, sha256
from generator.observations import observations_table
from generator.pages import Download, SiteContent, navigation, render_pages
from generator.project import Project
from generator.site import build_site, hand_written_pages, read_narratives, write_docs
from generator.trends import compute_trends, scoreboard, scoreboards_by_goal
from generator.updates import collect_updates
from generator.validation import Validated, validate_project
from generator.problems import Report

__all__ = ["Project", "validate", "build", "BuildResult"]

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    report: Report
    site_dir: Path | None = None  # None when the data were invalid and nothing was published
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def ok(self) -> bool:
        return self.site_dir is not None


def validate(project: Project, paths: list[Path] | None = None) -> Validated:
    return validate_project(project, paths)


def build(project: Project, site_dir: Path | None = None, *, docs_dir: Path | None = None,
          progress: Progress | None = None) -> BuildResult:
    """Validate, compute, chart, write pages and downloads, run MkDocs. Invalid data publish nothing."""
    say = progress or (lambda stage: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def done(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    say("Validating packages")
    validated = validate_project(project)
    done("validate")
    if not validated.report.valid:
        return BuildResult(validated.report, None, timings)
    agenda, packages = validated.agenda, validated.packages

    say("Computing trends")
    observations = observations_table(packages, agenda)
    trends = compute_trends(observations, agenda)
    done("compute")

    say("Drawing charts")
    by_indicator = {key: rows for key, rows in observations.groupby("indicator", sort=False)}
    charts = {}
    specs = {}
    for indicator in agenda.indicators:
        rows = by_indicator.get(indicator.id)
        if rows is None:
            continue
        charts[indicator.id] = charting.indicator_charts(indicator, rows, trends.series_of(indicator.id), agenda)
        for chart in charts[indicator.id]:
            specs[f"indicators/{indicator.id}/{chart.name}.svg"] = chart.static_spec
        headline = rows[(rows["geography"] == agenda.area) & (rows[list(agenda.dimension_ids)] == "").all(axis=1)]
        if headline["value"].notna().sum() >= 2:
            specs[f"indicators/{indicator.id}/sparkline.svg"] = charting.sparkline_spec(indicator, headline)
    svgs = images.render_svgs(specs)
    assets = {
        "assets/javascripts/vega.js": images.javascript_bundle(project.build_folder / "cache").encode("utf-8"),
    }
    done("charts")

    say("Writing downloads and pages")
    downloads = build_downloads(observations, trends, agenda, packages)
    content = SiteContent(
        agenda=agenda,
        packages=packages,
        observations=observations,
        trends=trends,
        scoreboard=scoreboard(trends, [indicator.id for indicator in agenda.indicators]),
        goal_scoreboards=scoreboards_by_goal(trends, agenda),
        charts=charts,
        sparklines={path.split("/")[1] for path in svgs if path.endswith("sparkline.svg")},
        downloads=_download_list(downloads, observations),
        narratives=read_narratives(project.site_src),
        updates=collect_updates(project.root, agenda, packages),
        report=validated.report,
    )
    pages = render_pages(content)
    files = {**{f"data/{path}": data for path, data in downloads.items()},
             **{path: svg.encode("utf-8") for path, svg in svgs.items()}, **assets}
    docs = docs_dir or project.build_folder / "docs"
    write_docs(docs, project.site_src, pages, files)
    done("pages")

    say("Building the site with MkDocs")
    target = site_dir or project.default_site_dir
    nav = navigation(content, hand_written_pages(project.site_src))
    build_site(project, docs, target, nav, _data_time(packages, agenda))
    done("mkdocs")
    return BuildResult(validated.report, target, timings)


def _download_list(downloads: dict[str, bytes], observations: pd.DataFrame) -> list[Download]:
    """The downloads the data page lists; per-indicator files are linked from their own pages instead."""
    titles = {
        "observations.csv": ("Every observation of every partner, one row each", len(observations)),
        "trends.csv": ("The computed trend of every series", None),
        "trends.json": ("The computed trend of every series and every indicator, as JSON", None),
        "datapackage.json": ("All of the above as one Frictionless data package", None),
    }
    listed = [Download(path, title, len(downloads[path]), rows, sha256(downloads[path]))
              for path, (title, rows) in titles.items()]
    listed += [Download(path, f"The common agenda's {path.split('/')[1][:-4]} table", len(data),
                        data.count(b"\n") - 1, sha256(data)) for path, data in downloads.items()
               if path.startswith("agenda/")]
    listed += [Download(path, "A partner's package, exactly as submitted and validated", len(data), None, sha256(data))
               for path, data in downloads.items() if path.endswith(".zip")]
    listed += [Download(path, title, len(downloads[path]), None, sha256(downloads[path]))
               for path, title in OTHER_DOWNLOADS.items() if path in downloads]
    counts = observations["indicator"].value_counts()
    listed += [Download(path, "One indicator's observations" if path.endswith(".csv") else
                        "One indicator's observations, series trends and status", len(data),
                        int(counts.get(path[len("indicators/"):-4], 0)) if path.endswith(".csv") else None,
                        sha256(data))
               for path, data in downloads.items() if path.startswith("indicators/")]
    return listed


def _data_time(packages, agenda) -> int:
    """The newest `created` date among the packages: the site's date, so unchanged data give an unchanged site."""
    stamps = []
    for created in [package.created for package in packages]:
        try:
            stamps.append(datetime.fromisoformat(created.replace("Z", "+00:00")))
        except ValueError:
            continue
    newest = max(stamps, default=datetime(2000, 1, 1, tzinfo=timezone.utc))
    if newest.tzinfo is None:
        newest = newest.replace(tzinfo=timezone.utc)
    return int(newest.timestamp())
