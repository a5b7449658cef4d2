"""Each indicator's results kept between builds, so that a change to one partner's data recomputes only what reads it.

An indicator's series trends, its status and its charts (specs and tables) are a function of its own observations,
the common agenda and the generator's code, and of nothing else. Each is stored under a hash of those three in
`build/cache/indicators/`; a build takes what it finds there and computes only the rest, then draws only the
images whose spec is new (`generator.publish.images` keeps those by spec).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.publish.charts import Chart
from generator.compute.trends import IndicatorTrend, SeriesTrend, Trends

FOLDER = "indicators"


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


def salt(agenda_folder: Path, generator_fingerprint: str) -> str:
    """What every indicator's results also depend on: the agenda's files and the generator's code."""
    # pandas' version too: the rows' hashes are pandas'.
    digest = hashlib.sha256(f"generator {generator_fingerprint}\0pandas {pd.__version__}\0".encode())
    for path in sorted(agenda_folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(agenda_folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load(cache: Path, keys: dict[str, str]) -> dict[str, IndicatorResult]:
    """The stored results of the indicators whose key has them; an unreadable entry counts as missing."""
    found = {}
    for indicator_id, key in keys.items():
        try:
            with _path(cache, key).open("rb") as file:
                result = pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            continue
        if isinstance(result, IndicatorResult):
            found[indicator_id] = result
    return found


def store(cache: Path, keys: dict[str, str], results: dict[str, IndicatorResult]) -> None:
    for indicator_id, result in results.items():
        path = _path(cache, keys[indicator_id])
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as file:
            pickle.dump(result, file, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)


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


def _path(cache: Path, key: str) -> Path:
    return cache / FOLDER / key[:2] / f"{key}.pickle"
