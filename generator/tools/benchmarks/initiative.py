"""A generated initiative for the build benchmark: any number of indicators and observations, valid throughout.

The example agenda's units and dimensions, more geographies (a county and its districts), and indicators cloned
from the example's (so each has a real unit, direction, baseline and target) under new ids, stewarded by a few
generated partners. Each series is one geography's total or one group of one dimension, over consecutive years
of one kind of period (calendar or school years), with a level, a trend and noise, so trends say something.
Written into a temporary folder by the benchmark; never committed.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from generator.load.agenda import AGENDA_FOLDER, read_agenda
from generator.load.boundaries import boundary_files
from generator.load.project import Project
from generator.tools.scaffold import new_partner

REPOSITORY = Path(__file__).resolve().parents[3]
PARTNERS = 4
DISTRICTS = 24
LAST_YEAR = 2024


def in_one_language(project: Project) -> None:
    """The example's mkdocs.yml with only its default language, and its agenda without translations: the generated
    and imported initiatives have texts in one language, and the benchmark's goals are for such a site."""
    import yaml

    config = yaml.safe_load((REPOSITORY / "mkdocs.yml").read_text(encoding="utf-8"))
    config.get("extra", {}).pop("alternate", None)
    project.mkdocs_yml.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    descriptor_path = project.agenda_folder / "datapackage.json"
    if descriptor_path.is_file():
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        descriptor["resources"] = [item for item in descriptor["resources"] if item["name"] != "translations"]
        descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (project.agenda_folder / "translations.csv").unlink(missing_ok=True)
    for translated in project.site_src.rglob("*.es.md"):
        translated.unlink()


def write_initiative(root: Path, indicators: int, observations: int, seed: int = 0) -> Project:
    """A project at `root` of `indicators` indicators and about `observations` observations, split over partners."""
    rng = np.random.default_rng(seed)
    shutil.copytree(REPOSITORY / "datapackages" / AGENDA_FOLDER, root / "datapackages" / AGENDA_FOLDER)
    shutil.copytree(REPOSITORY / "site_src", root / "site_src")
    project = Project(root)
    in_one_language(project)
    agenda_folder = project.agenda_folder
    example = read_agenda(agenda_folder)
    slugs = [f"partner-{number}" for number in range(1, PARTNERS + 1)]
    for slug in slugs:
        new_partner(project, slug, title=f"Generated Partner {slug[-1]}")

    area = example.area
    districts = [f"district-{number:02d}" for number in range(1, DISTRICTS + 1)]
    _rewrite_csv(agenda_folder / "geographies.csv", ["id", "name", "kind", "parent"],
                 [[area, example.geographies[area].name, "county", ""],
                  *([district, f"District {district[-2:]}", "district", area] for district in districts)])
    # The example's boundaries are of geographies the generated initiative does not have: it is measured unmapped.
    for boundaries in boundary_files(agenda_folder):
        boundaries.unlink()
    with (agenda_folder / "indicators.csv").open(encoding="utf-8", newline="") as file:
        templates = list(csv.DictReader(file))
    fields = list(templates[0])
    rows = []
    for number in range(indicators):
        row = dict(templates[number % len(templates)])
        row["id"] = f"{row['id']}-{number + 1:04d}"
        row["title"] = f"{row['title']} ({number + 1})"
        row["steward"] = slugs[number % PARTNERS]
        row["progress_series"] = ""
        rows.append([row[name] for name in fields])
    _rewrite_csv(agenda_folder / "indicators.csv", fields, rows)

    agenda = read_agenda(agenda_folder)
    geographies = [area, *districts]
    per_indicator = max(1, observations // max(indicators, 1))
    header = [field["name"] for field in agenda.observation_schema["fields"]]
    tables: dict[str, list[pa.Table]] = {slug: [] for slug in slugs}
    for indicator in agenda.indicators:
        tables[indicator.steward].append(_indicator_rows(indicator, agenda, geographies, per_indicator, header, rng))
    for slug in slugs:
        path = project.datapackages / slug / "observations.csv"
        table = pa.concat_tables(tables[slug]) if tables[slug] else pa.table({name: [] for name in header})
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(quoting_style="needed", batch_size=1 << 16))
        path.write_bytes(buffer.getvalue())
        descriptor = json.loads((path.parent / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["created"] = "2025-01-01T00:00:00Z"  # fixed, so that two runs give the same site
        (path.parent / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    return project


def _indicator_rows(indicator, agenda, geographies: list[str], rows: int, header: list[str],
                    rng: np.random.Generator) -> pa.Table:
    """About `rows` observations of one indicator: its series over as many consecutive years as fit."""
    breakdowns = [("", "")] + [(dimension, group) for dimension in indicator.dimensions
                               for group in agenda.dimensions_by_id[dimension].groups]
    series = [(geography, dimension, group) for geography in geographies for dimension, group in breakdowns]
    years = int(np.clip(rows // len(series), 3, 30))
    if years * len(series) > rows:
        # Fewer series than the agenda allows, but always the headline (the first).
        others = rng.choice(np.arange(1, len(series)), size=max(0, min(rows // years, len(series)) - 1),
                            replace=False)
        series = [series[index] for index in [0, *sorted(others.tolist())]]
    school_years = indicator.baseline_period is not None and "-" in indicator.baseline_period
    first = LAST_YEAR - years + 1
    labels = [f"{year}-{(year + 1) % 100:02d}" if school_years else str(year) for year in range(first, LAST_YEAR + 1)]
    count = len(series) * years
    unit = agenda.units[indicator.unit]
    low = unit.minimum if unit.minimum is not None else 0.0
    high = unit.maximum if unit.maximum is not None else 500.0
    level = rng.uniform(low + 0.2 * (high - low), low + 0.8 * (high - low), len(series))
    slope = rng.normal(0, 0.01 * (high - low), len(series))
    steps = np.arange(years)
    values = level[:, None] + slope[:, None] * steps + rng.normal(0, 0.005 * (high - low), (len(series), years))
    values = np.clip(values, low, high).ravel()
    values = np.round(values) if unit.integer else np.round(values, indicator.decimals)
    suppressed = rng.random(count) < 0.01
    status = np.where(suppressed, "suppressed", np.where(rng.random(count) < 0.03, "provisional", ""))
    columns = {name: [""] * count for name in header}
    columns["indicator"] = [indicator.id] * count
    columns["period"] = labels * len(series)
    columns["geography"] = [geography for geography, _, _ in series for _ in range(years)]
    for dimension in agenda.dimension_ids:
        columns[dimension] = [group if name == dimension else "" for _, name, group in series for _ in range(years)]
    columns["unit"] = [indicator.unit] * count
    text = [("" if hidden else (f"{value:.0f}" if unit.integer else f"{value:.{indicator.decimals}f}"))
            for value, hidden in zip(values.tolist(), suppressed.tolist())]
    columns["value"] = text
    columns["status"] = status.tolist()
    return pa.table({name: pa.array(columns[name], pa.string()) for name in header})


def _rewrite_csv(path: Path, fields: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(fields)
        writer.writerows(rows)
