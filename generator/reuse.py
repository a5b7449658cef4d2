"""What one build keeps for the next, and how the next finds it, in the store of `generator.cache`.

A build whose inputs (packages, site_src, mkdocs.yml, the data releases' history, the generator itself) and outputs
are as the last build left them stops at load (`input_fingerprint`, `last_build`); otherwise each indicator's trends
and charts are taken from the store when a hash of its rows, the agenda and the generator's code finds them
(`indicator_keys`, `stored_results`), and only the others are computed.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator import __version__
from generator.cache import Store
from generator.compute.trends import IndicatorTrend, SeriesTrend, Trends
from generator.history.releases import history_fingerprint
from generator.load.project import Project
from generator.problems import Report
from generator.publish.charts import Chart

GENERATOR = Path(__file__).resolve().parent
# The store's kinds of entry kept here (images keep theirs: `generator.publish.images`).
BUILDS, INDICATORS = "builds", "indicators"


def input_fingerprint(project: Project, site_dir: Path, docs_dir: Path) -> str:
    """A hash of every input of a build into `site_dir` via `docs_dir`, and of the generator that builds it."""
    digest = hashlib.sha256()
    digest.update(f"{generator_fingerprint()}\0{site_dir}\0{docs_dir}\0".encode())
    for folder in (project.datapackages, project.site_src):
        if folder.is_dir():
            _hash_files(digest, project.root, [path for path in folder.rglob("*") if path.is_file()])
    if project.mkdocs_yml.is_file():
        _hash_files(digest, project.root, [project.mkdocs_yml])
    digest.update(f"history {history_fingerprint(project.root)}\0".encode())
    return digest.hexdigest()


@functools.cache
def generator_fingerprint() -> str:
    """A hash of the generator's version and source, not only its version number: an edited generator must not
    reuse what an older one made."""
    digest = hashlib.sha256(f"generator {__version__}\0".encode())
    sources = [path for path in GENERATOR.rglob("*") if path.suffix in {".py", ".j2", ".md", ".css", ".js"}]
    _hash_files(digest, GENERATOR, sources)
    return digest.hexdigest()


def output_state(folders: list[Path]) -> str | None:
    """A hash of the names, sizes and modification times of the files under `folders`; None if one is missing."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            return None
        for directory, names, files in os.walk(folder):
            names.sort()
            for name in sorted(files):
                stat = os.stat(os.path.join(directory, name))
                digest.update(f"{directory}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def last_build(store: Store, inputs: str, outputs: list[Path]) -> Report | None:
    """The validation report of the last build of these inputs when the folders it wrote are as it left them."""
    stamp = store.load(BUILDS, inputs)
    if not isinstance(stamp, dict) or stamp.get("outputs") != output_state(outputs):
        return None
    return stamp.get("report")


def remember_build(store: Store, inputs: str, outputs: list[Path], report: Report) -> None:
    store.save(BUILDS, inputs, {"outputs": output_state(outputs), "report": report})


def _hash_files(digest, root: Path, paths: list[Path]) -> None:
    for path in sorted(paths):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")


@dataclass(frozen=True)
class IndicatorResult:
    """What a build derives from one indicator's observations."""

    series: tuple[SeriesTrend, ...]
    trend: IndicatorTrend
    dimensions_used: tuple[str, ...]
    charts: tuple[Chart, ...]
    specs: dict[str, str]  # image key → static spec as JSON, the sparkline's included


def indicator_keys(observations: pd.DataFrame, salt: str) -> dict[str, str]:
    """Indicator id → a hash of its rows (every column, in order) and of `salt` (the agenda's and generator's)."""
    if observations.empty:
        return {}
    # One hash per row over every column, by pandas in one pass; then each indicator hashes its rows' hashes.
    rows = pd.util.hash_pandas_object(observations, index=False).to_numpy()
    keys = {}
    for indicator_id, positions in observations.groupby("indicator", sort=False, observed=True).indices.items():
        digest = hashlib.sha256(f"{salt}\0{indicator_id}\0".encode())
        digest.update(rows[positions].tobytes())
        keys[indicator_id] = digest.hexdigest()
    return keys


def agenda_salt(agenda_folder: Path, generator_fingerprint: str) -> str:
    """What every indicator's results also depend on: the agenda's files and the generator's code."""
    # pandas' version too: the rows' hashes are pandas'.
    digest = hashlib.sha256(f"generator {generator_fingerprint}\0pandas {pd.__version__}\0".encode())
    for path in sorted(agenda_folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(agenda_folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stored_results(store: Store, keys: dict[str, str]) -> dict[str, IndicatorResult]:
    """The stored results of the indicators whose key has them; an unreadable entry counts as missing."""
    found = {}
    for indicator_id, key in keys.items():
        result = store.load(INDICATORS, key)
        if isinstance(result, IndicatorResult):
            found[indicator_id] = result
    return found


def store_results(store: Store, keys: dict[str, str], results: dict[str, IndicatorResult]) -> None:
    for indicator_id, result in results.items():
        store.save(INDICATORS, keys[indicator_id], result)


def results_of(trends: Trends, charts: dict[str, list[Chart]], specs: dict[str, str],
               indicator_ids) -> dict[str, IndicatorResult]:
    """The results of a build's computed indicators, to store."""
    specs_by_indicator: dict[str, dict[str, str]] = {}
    for key, spec in specs.items():
        specs_by_indicator.setdefault(key.split("/")[1], {})[key] = spec
    return {indicator_id: IndicatorResult(
        series=tuple(trends.series_of(indicator_id)),
        trend=trends.indicators[indicator_id],
        dimensions_used=trends.dimensions_used.get(indicator_id, ()),
        charts=tuple(charts.get(indicator_id, ())),
        specs=specs_by_indicator.get(indicator_id, {}),
    ) for indicator_id in indicator_ids}


def merged(computed: Trends, reused: dict[str, IndicatorResult]) -> Trends:
    """One Trends of the indicators computed now and those reused, in the order computing them all would give."""
    if not reused:
        return computed
    series = [*computed.series, *(trend for result in reused.values() for trend in result.series)]
    with_rows = sorted({*computed.dimensions_used, *reused})
    order = {indicator_id: position for position, indicator_id in enumerate(with_rows)}
    series.sort(key=lambda trend: order[trend.indicator])  # stable: each indicator's own order is kept
    used = {**computed.dimensions_used, **{key: result.dimensions_used for key, result in reused.items()}}
    return Trends(
        series=tuple(series),
        indicators={**computed.indicators, **{key: result.trend for key, result in reused.items()}},
        dimensions_used={indicator_id: used[indicator_id] for indicator_id in order},
    )
