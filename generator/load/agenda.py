"""The common agenda: the vision, goals and shared indicators, read from `datapackages/common-agenda/`."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from frictionless import Package

from generator.load.boundaries import read_boundaries
from generator.load.metadata import DescriptorReader, Ignored, Initiative, Licence
from generator.load.translations import NO_TRANSLATIONS, TRANSLATIONS, Translations, translations_from


AGENDA_FOLDER = "common-agenda"
OBSERVATION_SCHEMA_FILE = "observation.schema.json"
# The fields every observation has; the agenda's dimensions sit between `geography` and `unit`.
CORE_FIELDS = ("indicator", "period", "geography")
MEASURE_FIELDS = ("unit", "value", "lower_bound", "upper_bound", "numerator", "denominator", "status", "note")
# In progress_series: no series counts, so the indicator is published without a progress status.
NO_PROGRESS = "none"
STATUS_FLAGS = ("provisional", "estimated", "suppressed", "break_in_series")
# The agenda's tables, each with the columns it must have; a column not listed may be left out.
REQUIRED_COLUMNS = {
    "goals": ("id", "title"),
    "units": ("id", "label"),
    "dimensions": ("id", "label"),
    "groups": ("dimension", "group"),
    "geographies": ("id", "name"),
    "indicators": ("id", "goal", "title", "definition", "unit", "direction", "decimals", "steward"),
}
# Names a dimension's id cannot take: each dimension is a column of observations.csv and trends.csv, beside the
# observation's own fields, the partner and time the observations table adds, and the fields of trends.csv
# (publish.downloads.TREND_FIELD_TYPES, which a test keeps this in step with).
RESERVED_NAMES = frozenset((*CORE_FIELDS, *MEASURE_FIELDS, "partner", "time", "headline", "periods_with_value",
                            "first_period", "last_period", "last_value", "latest_flag", "break_period",
                            "status_words", "base_period", "base_value", "latest_period", "latest_value", "change",
                            "relative_change", "movement", "has_target", "growth_observed", "growth_required",
                            "progress_value", "score", "limit_adjustment", "reason", "trend_periods", "trend_s",
                            "trend_variance", "trend_z", "trend_p_value", "trend_slope_per_year", "trend_confidence",
                            "trend_trend", "trend_verdict"))


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    summary: str = ""


@dataclass(frozen=True)
class Unit:
    id: str
    label: str
    symbol: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    description: str = ""
    groups: tuple[str, ...] = ()
    reference_group: str | None = None  # compared with in equity gaps; None: the best-off group


@dataclass(frozen=True)
class Geography:
    id: str
    name: str
    kind: str = ""
    parent: str = ""
    code: str = ""  # another platform's code for it (an Open SDG GeoCode), by which a boundary file may name it


@dataclass(frozen=True)
class Indicator:
    id: str
    goal: str
    title: str
    definition: str
    unit: str
    direction: str  # "increase" or "decrease": which way is better
    decimals: int
    steward: str
    baseline_period: str | None = None
    target_value: float | None = None
    target_period: str | None = None
    dimensions: tuple[str, ...] = ()
    source: str = ""
    # Which series decide the indicator's status: "total" (the headline) and dimension ids (each dimension's
    # groups are averaged first and count once).
    progress_series: tuple[str, ...] = ("total",)
    limit: float | None = None
    progress_thresholds: tuple[float, float, float] | None = None  # high, medium, low: the agenda's override
    next_update: str = ""

    @property
    def has_target(self) -> bool:
        return self.target_value is not None and self.target_period is not None


@dataclass(frozen=True)
class Agenda:
    name: str
    title: str
    description: str
    licences: tuple[Licence, ...]
    goals: tuple[Goal, ...]
    indicators: tuple[Indicator, ...]
    units: dict[str, Unit]
    dimensions: tuple[Dimension, ...]
    geographies: dict[str, Geography]
    observation_schema: dict
    folder: Path
    version: str = ""
    initiative: Initiative = Initiative()
    # Geography id → its boundary (a GeoJSON Polygon or MultiPolygon) from geographies.geojson: what maps draw.
    boundaries: dict[str, dict] = dataclasses.field(default_factory=dict)
    translations: Translations = NO_TRANSLATIONS  # its texts in the site's other languages

    @property
    def vision(self) -> str:
        return self.initiative.vision

    @property
    def area(self) -> str:
        """The geography of the headline series."""
        return self.initiative.area

    @property
    def fictional(self) -> bool:
        return self.initiative.fictional

    @property
    def display_name(self) -> str:
        """The initiative's name as pages show it: its own, else the agenda's title, else a plain description."""
        return self.initiative.name or self.title or "Shared indicators"

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(dimension.id for dimension in self.dimensions)

    def indicator(self, indicator_id: str) -> Indicator:
        return self.indicators_by_id[indicator_id]

    # Cached: pages and charts look indicators up by id thousands of times on a national agenda.
    @cached_property
    def indicators_by_id(self) -> dict[str, Indicator]:
        return {indicator.id: indicator for indicator in self.indicators}

    @cached_property
    def dimensions_by_id(self) -> dict[str, Dimension]:
        return {dimension.id: dimension for dimension in self.dimensions}

    def indicators_of(self, goal_id: str) -> list[Indicator]:
        return [indicator for indicator in self.indicators if indicator.goal == goal_id]


def read_agenda(folder: Path) -> Agenda:
    """The agenda from its folder, which validation has checked (validate.agenda_rules.check_agenda)."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8-sig"))
    observation_schema = json.loads((folder / OBSERVATION_SCHEMA_FILE).read_text(encoding="utf-8"))
    agenda = agenda_from(folder, descriptor, observation_schema, read_tables(folder / "datapackage.json"))
    return dataclasses.replace(agenda, boundaries=read_boundaries(folder, agenda.geographies))


def agenda_from(folder: Path, descriptor: dict, observation_schema: dict, tables: dict[str, list[dict]]) -> Agenda:
    """The agenda from its descriptor, observation schema and tables (`read_tables`), as validation has checked
    them: every table and every column of REQUIRED_COLUMNS is there; another column left out is blank throughout."""
    groups: dict[str, list[str]] = {}
    for row in tables["groups"]:
        groups.setdefault(row["dimension"], []).append(row["group"])
    return Agenda(
        **agenda_metadata(descriptor)[0],
        goals=tuple(Goal(row["id"], row["title"], row.get("summary") or "") for row in tables["goals"]),
        indicators=tuple(_indicator(row) for row in tables["indicators"]),
        units={row["id"]: _unit(row) for row in tables["units"]},
        dimensions=tuple(
            Dimension(row["id"], row["label"], row.get("description") or "", tuple(groups.get(row["id"], ())),
                      row.get("reference_group") or None)
            for row in tables["dimensions"]
        ),
        geographies={
            row["id"]: Geography(row["id"], row["name"], row.get("kind") or "", row.get("parent") or "",
                                 row.get("code") or "")
            for row in tables["geographies"]
        },
        observation_schema=observation_schema,
        folder=folder,
        translations=translations_from(tables.get(TRANSLATIONS, [])),
    )


def agenda_metadata(descriptor: dict) -> tuple[dict, list[Ignored]]:
    """The agenda's properties read from its descriptor, typed (see `metadata`), and those of the wrong type, which
    are left out: validation reports them (agenda_rules.check_agenda)."""
    reader = DescriptorReader()
    properties = dict(
        name=reader.text(descriptor, "name") or AGENDA_FOLDER,
        title=reader.text(descriptor, "title"),
        description=reader.text(descriptor, "description"),
        version=reader.text(descriptor, "version"),
        licences=reader.licences(descriptor),
        initiative=reader.initiative(descriptor),
    )
    return properties, reader.ignored


def observation_fields(agenda: Agenda) -> list[str]:
    return [field["name"] for field in agenda.observation_schema.get("fields", [])]


def read_tables(descriptor_path: Path) -> dict[str, list[dict]]:
    """Each of the agenda's tables (and its optional translations) that its descriptor lists, as rows of the values frictionless read."""
    package = Package(str(descriptor_path))
    return {
        name: [row.to_dict() for row in package.get_resource(name).read_rows()]
        for name in (*REQUIRED_COLUMNS, TRANSLATIONS) if package.has_resource(name)
    }


def progress_thresholds(text: str | None) -> tuple[float, float, float] | None:
    """The three numbers of `progress_thresholds` (high, medium, low); None when blank or not three numbers."""
    try:
        high, medium, low = (float(part) for part in (text or "").split())
    except ValueError:
        return None
    return high, medium, low


def _indicator(row: dict) -> Indicator:
    target = row.get("target_value")
    return Indicator(
        id=row["id"],
        goal=row["goal"],
        title=row["title"],
        definition=row["definition"],
        unit=row["unit"],
        direction=row["direction"],
        decimals=int(row["decimals"]),
        steward=row["steward"],
        baseline_period=row.get("baseline_period"),
        target_value=float(target) if target is not None else None,
        target_period=row.get("target_period"),
        dimensions=tuple((row.get("dimensions") or "").split()),
        source=row.get("source") or "",
        progress_series=_progress_series(row.get("progress_series")),
        limit=float(row["limit"]) if row.get("limit") is not None else None,
        progress_thresholds=progress_thresholds(row.get("progress_thresholds")),
        next_update=row.get("next_update") or "",
    )


def _progress_series(text: str | None) -> tuple[str, ...]:
    """The series counted towards the status; "none" counts none, so the indicator gets no status."""
    selectors = tuple((text or "total").split())
    return () if selectors == (NO_PROGRESS,) else selectors


def _unit(row: dict) -> Unit:
    def number(value):
        return float(value) if value is not None else None

    return Unit(row["id"], row["label"], row.get("symbol") or "", number(row.get("minimum")),
                number(row.get("maximum")), bool(row.get("integer")))
