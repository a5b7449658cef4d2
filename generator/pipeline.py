"""The build as named steps, each a function of what the steps before it returned, handing plain data on.

    load       a fingerprint of the inputs: a build whose inputs and outputs are as the last build left them stops here
    validate   the agenda and packages → Validated (invalid data stop the build here, publishing nothing)
    compute    the one observations table, and each indicator's trends
    charts     each indicator's chart specs, tables and descriptions, and the specs of the images to draw
    history    the data releases, from the repository's history
    downloads  the open data files (the packages' zips made in a thread from the start of validate)
    pages      the Markdown pages and each chart's spec file: each language's docs folder
    mkdocs     the site, from those docs folders, into a folder beside the published one
    images     the headline charts and sparklines, drawn by other processes from the start of validate to here, put
               in that folder, which then replaces the published site

Every step that keeps results between builds keeps them in the one store of `generator.cache`, under a key of
everything they are made from: an indicator's trends and charts under a hash of its rows, the agenda and the
generator's code (so a change to one partner's data recomputes only the indicators it touches; `generator.reuse`);
images under their spec; a data release under its commit; the last build under all of its inputs (`generator.reuse`).
"""

from __future__ import annotations

import gc
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from generator import STAGES
from generator.cache import Store
from generator.compute.observations import IndicatorRows, observations_table
from generator.compute.trends import combined_trends, compute_trends, scoreboard, scoreboards_by_goal
from generator.history.releases import collect_updates
from generator.load.packages import partner_folders
from generator.load.project import Project
from generator.problems import Report
from generator.publish import charts as charting, images
from generator.publish.downloads import OTHER_DOWNLOADS, iter_downloads, zipped_package
from generator.publish.pages import Download, SiteContent, iter_pages, navigation
from generator.publish.languages import (N_, Language, LanguageError, site_languages, speaking, translated_agenda,
                                         translated_packages)
from generator.publish.site import (SiteError, SiteTree, WrittenFile, add_late_files, hand_written_pages, language_docs,
                                    read_narratives, site_src_files, staged_site, write_docs, write_files)
from generator.reuse import (agenda_salt, generator_fingerprint, indicator_keys, input_fingerprint, last_build,
                             merged, remember_build, results_of, store_results, stored_results)
from generator.validate import validate_project

SPARKLINE = "sparkline"  # an indicator's sparkline.svg, beside its page

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    report: Report
    site_dir: Path | None = None  # None when the data were invalid and nothing was published
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    # CPU seconds per stage: the build process's own, and those of the processes it waited for in the stage (the
    # image-drawing processes in images, git in history). On a shared machine steadier than `timings`, and apart
    # from what other stages draw at the same time.
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    # The part of `cpu_seconds` the kernel spent for the stage: mostly handing it memory and page cache, whose cost
    # on a virtual machine depends on what the host has done with its memory more than on the stage's work.
    system_seconds: dict[str, float] = field(default_factory=dict)
    # Per cache ("site": the whole build, "indicators": an indicator's trends and charts, "charts": chart images),
    # how many items were reused and how many made.
    cache_hits: dict[str, int] = field(default_factory=dict)
    cache_misses: dict[str, int] = field(default_factory=dict)
    image_workers_peak_mb: float = 0.0  # the largest peak memory of the processes that drew chart images

    @property
    def ok(self) -> bool:
        return self.site_dir is not None


def build(project: Project, site_dir: Path | None = None, *, docs_dir: Path | None = None,
          progress: Progress | None = None, cache: bool = True) -> BuildResult:
    """Validate, compute, chart, write pages and downloads, run MkDocs. Invalid data publish nothing.

    With `cache`, a build whose inputs (packages, site_src, mkdocs.yml, the generator itself) and outputs are as
    the last build left them does nothing, and each step takes what it kept before from the store in `build/cache`
    (then prunes what the build did not use). Without it, everything is made again.
    """
    say = progress or (lambda stage: None)
    timings: dict[str, float] = {}
    cpu_seconds: dict[str, float] = {}
    system_seconds: dict[str, float] = {}
    clock, (user_clock, system_clock) = time.perf_counter(), _cpu_clock()

    def done(stage: str) -> None:
        """The time since the last step ended is `stage`'s (added to it: the images are started, then waited for)."""
        nonlocal clock, user_clock, system_clock
        now, (user_now, system_now) = time.perf_counter(), _cpu_clock()
        timings[stage] = timings.get(stage, 0.0) + now - clock
        cpu_seconds[stage] = cpu_seconds.get(stage, 0.0) + user_now - user_clock + system_now - system_clock
        system_seconds[stage] = system_seconds.get(stage, 0.0) + system_now - system_clock
        clock, user_clock, system_clock = now, user_now, system_now

    target = (site_dir or project.default_site_dir).resolve()
    docs = (docs_dir or project.build_folder / "docs").resolve()
    store = Store(project.build_folder / "cache", reuse=cache)
    say("Reading the inputs")
    inputs = input_fingerprint(project, target, docs)
    try:
        languages = site_languages(project.mkdocs_yml)
    except LanguageError as error:
        raise SiteError(str(error)) from None
    outputs = [target, *(language_docs(docs, language) for language in languages)]
    previous = last_build(store, inputs, outputs)
    done("load")
    if previous is not None:
        timings.update({stage: 0.0 for stage in STAGES if stage not in timings})
        for spent in (cpu_seconds, system_seconds):
            spent.update({stage: 0.0 for stage in STAGES if stage not in spent})
        return BuildResult(previous, target, timings, cpu_seconds, system_seconds, {"site": 1}, {"site": 0})

    # The images are drawn by other processes from here until MkDocs has run, which needs only their paths: Vega's
    # bundle while the packages are validated (on one core: the other was idle), then each chart as soon as its
    # spec is made. Without the cache every image is drawn again, into the same store.
    # So are the packages' zips for download, in a thread (`downloads.zipped_package`).
    with images.Drawing(store, expected=_expected_images(project, languages), javascript=True) as drawing, \
            _Zipping(partner_folders(project.datapackages)) as zipping:
        say("Validating packages")
        validated = validate_project(project)
        done("validate")
        if not validated.report.valid:
            return BuildResult(validated.report, None, timings, cpu_seconds, system_seconds)
        try:
            docs_made = _make_docs(project, validated, languages, docs, store, drawing, zipping, say, done)
        finally:
            gc.unfreeze()  # what the steps froze (`_keep_out_of_collections`) is collected as usual from here on
        report = validated.report
        del validated
        # Only now, with the packages, tables, trends and charts the docs were made from gone: MkDocs holds every
        # page of a national site, and with both at once the build's memory peaked here.
        gc.collect()
        say("Building the site with MkDocs")
        with staged_site(project, docs_made.trees, target, docs_made.data_time) as staging:
            done("mkdocs")
            say("Waiting for the chart images")
            pictures = drawing.wait()
            add_late_files(staging, docs_made.trees)
    if cache:
        remember_build(store, inputs, outputs, report)
        store.prune()
    done("images")
    return BuildResult(report, target, timings, cpu_seconds, system_seconds,
                       {"site": 0, "indicators": docs_made.reused, "charts": pictures.hits},
                       {"site": 1 if store.reuse else 0, "indicators": docs_made.computed, "charts": pictures.misses},
                       pictures.workers_peak_mb)


class _Zipping:
    """Each partner folder zipped for download (`downloads.zipped_package`) in a thread, from the start of validation.

    A build stopped early does not wait for the zips: the one being made is finished and thrown away.
    """

    def __init__(self, folders: list[Path]) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zipping")
        self._zips = {folder.name: self._thread.submit(zipped_package, folder) for folder in folders}

    def zipped(self) -> dict[str, bytes]:
        return {slug: zipping.result() for slug, zipping in self._zips.items()}

    def __enter__(self) -> _Zipping:
        return self

    def __exit__(self, *exception) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)


def _expected_images(project: Project, languages: tuple[Language, ...]) -> int:
    """About how many images the build will draw, two an indicator in each language: counted from the lines of the
    agenda's list of indicators, as the drawing starts before the agenda is read."""
    try:
        with (project.agenda_folder / "indicators.csv").open("rb") as file:
            return 2 * len(languages) * max(sum(1 for _ in file) - 1, 0)
    except OSError:
        return 0


@dataclass(frozen=True)
class _DocsMade:
    trees: tuple[SiteTree, ...]  # one per language, each naming the images it is still waiting for
    data_time: int
    reused: int  # indicators whose trends and charts were taken from the store
    computed: int


def _make_docs(project: Project, validated, languages: tuple[Language, ...], docs: Path, store: Store,
               drawing: images.Drawing, zipping: _Zipping, say: Progress, done: Callable[[str], None]) -> _DocsMade:
    """Compute, chart and write each language's docs folder (pages, downloads; the images `drawing` is drawing are
    named, to be put in after MkDocs): every step between validating and MkDocs."""
    agenda, packages = validated.agenda, validated.packages
    _keep_out_of_collections()

    say("Computing trends")
    observations = observations_table(packages, agenda)
    # What every indicator's results depend on besides its own rows: the agenda and the generator's code.
    salt = agenda_salt(project.agenda_folder, generator_fingerprint())
    # Without reuse nothing is kept, so the rows are not hashed.
    keys = indicator_keys(observations, salt) if store.reuse else {}
    reused = stored_results(store, keys)
    # Only the indicators without stored results are computed and charted; the others are taken as stored.
    by_indicator = IndicatorRows.of(observations, agenda.dimension_ids, {})
    to_compute = [indicator_id for indicator_id in by_indicator.positions if indicator_id not in reused]
    # A part of the indicators at a time, each charted as soon as its trends are computed: the images are drawn on
    # the other core from the first part's charts on, not only once every trend is computed.
    parts, charts, specs = [], {}, {}
    for part_rows in _parts_of(observations, by_indicator.positions, to_compute):
        say("Computing trends")
        part = compute_trends(part_rows, agenda)
        _keep_out_of_collections()
        done("compute")
        say("Drawing charts")
        part_charts, part_specs = _chart_specs(replace(by_indicator, dimensions=part.dimensions_used), part, agenda,
                                               drawing)
        charts.update(part_charts)
        specs.update(part_specs)
        parts.append(part)
        done("charts")
    computed = combined_trends(parts, agenda)
    trends = merged(computed, reused)
    by_indicator = replace(by_indicator, dimensions=dict(trends.dimensions_used))
    store_results(store, keys, results_of(computed, charts, specs, [key for key in keys if key not in reused]))
    for indicator_id, result in reused.items():
        charts[indicator_id] = list(result.charts)
        for key, spec in result.specs.items():
            drawing.draw(key, spec, png=_has_png(key))
        specs.update(result.specs)
    sparklines = {key.split("/")[1] for key in specs if not _has_png(key)}
    reused_count = len(reused)
    del specs, reused  # the images' specs, the largest thing no later stage reads
    # Another language's charts say the same in its words: made again each build (their images are in the store
    # under their specs, like any other).
    agendas = {language.code: translated_agenda(agenda, language, languages[0]) for language in languages}
    charts_in = {languages[0].code: charts}
    for language in languages[1:]:
        with speaking(language):
            charts_in[language.code] = _chart_specs(by_indicator, trends, agendas[language.code], drawing,
                                                    folder=language.folder)[0]
    done("charts")
    say("Reading the data releases")
    updates = collect_updates(project.root, agenda, packages, store=store, salt=salt)
    done("history")
    say("Writing downloads")
    downloads = write_files(docs / "data", iter_downloads(by_indicator, trends, agenda, packages, zipping.zipped()))
    done("downloads")
    say("Writing pages")
    content = SiteContent(
        agenda=agenda,
        packages=packages,
        observations=observations,
        trends=trends,
        scoreboard=scoreboard(trends, [indicator.id for indicator in agenda.indicators]),
        goal_scoreboards=scoreboards_by_goal(trends, agenda),
        charts=charts,
        sparklines=sparklines,
        downloads=_download_list(downloads, observations),
        narratives=read_narratives(project.site_src),
        updates=updates,
        report=validated.report,
        default_language=languages[0],
    )
    trees = []
    images_drawn = drawing.files()
    for language in languages:
        tree = language_docs(docs, language)
        with speaking(language):
            translated = replace(content, agenda=agendas[language.code],
                                 packages=translated_packages(packages, agenda.translations, language, languages[0]),
                                 charts=charts_in[language.code])
            files = _write_pages(translated, tree)
            nav = navigation(agendas[language.code], packages, updates is not None,
                             hand_written_pages(project.site_src, languages))
        if language.is_default:
            files.update({f"data/{path}": found.path for path, found in downloads.items()})
        late = _images_of(images_drawn, language, languages)
        write_docs(tree, site_src_files(project.site_src, language, languages), files, late)
        trees.append(SiteTree(language, tree, nav, late=late))
    done("pages")
    return _DocsMade(tuple(trees), _data_time(packages, agenda), reused_count, len(keys) - reused_count)


def _write_pages(content: SiteContent, docs: Path) -> dict[str, Path]:
    """A language's pages and chart specs written into its docs folder, as it comes: the paths written."""
    pages = write_files(docs, ((path, text.encode("utf-8")) for path, text in iter_pages(content)))
    specs = write_files(docs, ((f"indicators/{chart.indicator}/{chart.name}.vl.json", chart.spec_json.encode("utf-8"))
                               for indicator_charts in content.charts.values() for chart in indicator_charts))
    return {path: found.path for path, found in {**pages, **specs}.items()}


def _images_of(files: dict[str, Path], language: Language, languages: tuple[Language, ...]) -> dict[str, Path]:
    """The images drawn for `language`'s tree (their keys start with its folder), by their path in that tree."""
    others = tuple(other.folder for other in languages if other.folder and other is not language)
    if language.folder:
        return {path[len(language.folder):]: found for path, found in files.items()
                if path.startswith(language.folder)}
    return {path: found for path, found in files.items() if not path.startswith(others)} if others else files


def _cpu_clock() -> tuple[float, float]:
    """CPU seconds so far of this process and of the processes it started and has waited for: in user space, and
    in the kernel."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + children.ru_utime, own.ru_stime + children.ru_stime


def _keep_out_of_collections() -> None:
    """Leave what the build holds so far (packages, tables, trends: kept to its end) out of Python's cycle
    collections. Each full collection visits every object alive, so with a national initiative's millions of them
    a step's time grew faster than its work; `build` undoes this before MkDocs."""
    gc.freeze()


def _chart_specs(by_indicator: IndicatorRows, trends, agenda, drawing: images.Drawing,
                 folder: str = "") -> tuple[dict[str, list], dict[str, str]]:
    """The charts of each indicator `trends` has rows of, and the static spec of each image the build draws (the
    charts that have one, and the sparklines) by its image key, as JSON (`charts.spec_text`); each image is handed
    to `drawing` as soon as its spec is made. `folder`: the language's tree the images are drawn for."""
    charts = {}
    specs = {}
    for indicator_id in trends.dimensions_used:
        indicator = agenda.indicators_by_id.get(indicator_id)
        if indicator is None:
            continue
        rows = by_indicator.rows(indicator_id)
        charts[indicator.id] = charting.indicator_charts(indicator, rows, trends.series_of(indicator.id), agenda)
        made = {f"{folder}indicators/{indicator.id}/{chart.name}": charting.spec_text(chart.static_spec)
                for chart in charts[indicator.id] if chart.has_image}
        sparkline = charting.sparkline_spec(indicator, rows, agenda)
        if sparkline is not None:
            made[f"{folder}indicators/{indicator.id}/{SPARKLINE}"] = charting.spec_text(sparkline)
        for key, spec in made.items():
            drawing.draw(key, spec, png=_has_png(key))
        specs.update(made)
    return charts, specs


# Indicators computed and charted at a time (`_parts_of`): enough that the work on a part is worth its overhead,
# few enough that the first part's images start soon.
INDICATORS_PER_PART = 50
PARTS = 8


def _parts_of(table: pd.DataFrame, positions: dict[str, np.ndarray], ids: list[str]) -> Iterator[pd.DataFrame]:
    """The rows of the indicators `ids` (`positions`: each indicator's rows in `table`), a part of the indicators
    at a time (about a PARTS-th, at least INDICATORS_PER_PART), each part's rows in the table's order: the whole
    table in one part when it is small and every indicator is asked for; one part without rows when none is.

    The first part is INDICATORS_PER_PART indicators, the least: no image is drawn until its charts are made.
    """
    size = max(INDICATORS_PER_PART, -(-len(ids) // PARTS))
    if len(ids) == len(positions) and len(ids) <= size:
        yield table
        return
    cuts = [0, *range(INDICATORS_PER_PART, len(ids), size), len(ids)]
    for start, end in zip(cuts, cuts[1:]):
        part = ids[start:end]
        yield table.take(np.sort(np.concatenate([positions[key] for key in part])) if part else [])


def _has_png(image_key: str) -> bool:
    """A chart's image has a PNG too (a page's share image); a sparkline is only ever shown as SVG."""
    return not image_key.endswith(f"/{SPARKLINE}")


def _download_list(downloads: dict[str, WrittenFile], observations: pd.DataFrame) -> list[Download]:
    """The downloads the data page lists; per-indicator files are linked from their own pages instead."""
    # The titles are translated where the data page shows them (each language's page).
    titles = {
        "observations.csv": (N_("Every observation of every partner, one row each"), len(observations)),
        "trends.csv": (N_("The computed trend of every series"), None),
        "trends.json": (N_("The computed trend of every series and every indicator, as JSON"), None),
        "activities.csv": (N_("Every partner's activities: what, who, when, toward which goals and indicators"),
                           downloads["activities.csv"].lines - 1),
        "datapackage.json": (N_("All of the above as one Frictionless data package"), None),
    }

    def listed(path: str, title: str, rows: int | None = None) -> Download:
        return Download(path, title, downloads[path].size, rows, downloads[path].sha256)

    found = [listed(path, title, rows) for path, (title, rows) in titles.items()]
    found += [listed(path, N_("A table of the common agenda"), downloads[path].lines - 1)
              for path in downloads if path.startswith("agenda/")]
    found += [listed(path, N_("A partner's package, exactly as submitted and validated"))
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
