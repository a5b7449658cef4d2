"""Writing: the agenda (`datapackages/common-agenda/`) and the partner package (`datapackages/<partner>/`), each a
Frictionless package with the schemas the generator reads, written in full beside the old ones and then swapped in.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

from generator.importers.open_sdg.agenda import ImportedAgenda
from generator.importers.open_sdg.data_files import map_unique
from generator.importers.open_sdg.licence import attribution_statement
from generator.importers.open_sdg.mapping import OBSERVATION_FIELDS_AFTER, OBSERVATION_FIELDS_BEFORE, MappedFile
from generator.load.agenda import AGENDA_FOLDER, OBSERVATION_SCHEMA_FILE
from generator.load.agenda_schema import agenda_resources, observation_schema
from generator.load.boundaries import boundary_files
from generator.load.translations import TRANSLATIONS

TRANSLATIONS_FILE = f"{TRANSLATIONS}.csv"
from generator.tools.agenda import AgendaTables, Merged, dimension_order, merge_agendas, write_activity_schema

def write_packages(target: Path, partner: str, agenda: ImportedAgenda, mapped: list[MappedFile], licence: dict,
                   area_name: str, partner_title: str, source: Path, today: date,
                   merge_into: AgendaTables | None = None) -> Merged | None:
    """Both folders written in full beside the old ones, then swapped in: a failure leaves the old ones.

    With `merge_into` (the agenda in place, when it is a real one), the imported agenda is merged into it
    (`tools.agenda.merge_agendas`: an `AgendaClash` writes nothing) rather than written over it.
    """
    datapackages = target / "datapackages"
    datapackages.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=datapackages))
    merged = None
    try:
        agenda_folder, partner_folder = staging / AGENDA_FOLDER, staging / partner
        agenda_folder.mkdir()
        partner_folder.mkdir()
        created = f"{today.isoformat()}T00:00:00Z"
        _write_agenda(agenda_folder, agenda, partner, licence, area_name, created)
        order = agenda.dimension_order
        if merge_into is not None:
            merged = merge_agendas(merge_into, AgendaTables.read(agenda_folder), partner,
                                   f"datapackages/{AGENDA_FOLDER}", f"the import of {source.name}")
            shutil.rmtree(agenda_folder)
            merged.tables.write(agenda_folder)
            # They stay: an import brings none. (Its own texts are then shown untranslated in other languages.)
            kept = [*boundary_files(datapackages / AGENDA_FOLDER), datapackages / AGENDA_FOLDER / TRANSLATIONS_FILE]
            for path in kept:
                if path.is_file():
                    shutil.copyfile(path, agenda_folder / path.name)
            order = dimension_order(merged.tables)
        shutil.copyfile(agenda_folder / OBSERVATION_SCHEMA_FILE, partner_folder / OBSERVATION_SCHEMA_FILE)
        rows = _write_observations(partner_folder / "observations.csv", mapped, order)
        _write_partner(partner_folder, partner, partner_title, licence, source, created, rows, agenda)
        for folder in (agenda_folder, partner_folder):
            final = datapackages / folder.name
            if final.exists():
                old = staging / (folder.name + ".old")
                final.rename(old)
            folder.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return merged


def _write_agenda(folder: Path, agenda: ImportedAgenda, partner: str, licence: dict, area_name: str,
                  created: str) -> None:
    descriptor = {
        "name": AGENDA_FOLDER,
        "title": f"{area_name}: Sustainable Development Goals",
        "description": f"The Sustainable Development Goals and the indicators that measure them for {area_name}, "
                       "imported from an Open SDG data repository. " + attribution_statement(licence),
        "version": "1.0.0",
        "created": created,
        "licenses": [licence],
        "initiative": {
            "name": f"{area_name} SDG indicators",
            "fictional": False,
            "vision": f"Progress of {area_name} towards the 17 Sustainable Development Goals, indicator by "
                      "indicator, from the national reporting data.",
            "area": agenda.area,
            "backbone": "",
            "contact": "",
            "data_licence": licence["name"],
        },
        "resources": agenda_resources(),
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    schema = observation_schema(agenda.dimensions)
    (folder / OBSERVATION_SCHEMA_FILE).write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
    write_activity_schema(folder)
    indicator_rows = [{
        "id": item.id, "goal": item.goal, "title": item.title, "definition": item.definition, "unit": item.unit,
        "direction": item.direction, "decimals": item.decimals, "baseline_period": item.baseline_period,
        "target_value": _plain_number(item.target_value), "target_period": item.target_period,
        "dimensions": " ".join(item.dimensions), "steward": partner, "source": item.source,
        "progress_series": item.progress_series, "limit": _plain_number(item.limit), "progress_thresholds": "",
        "next_update": item.next_update,
    } for item in agenda.indicators]
    tables = {"goals": agenda.goals, "units": agenda.units, "dimensions": agenda.dimensions,
              "groups": agenda.groups, "geographies": agenda.geographies, "indicators": indicator_rows}
    for resource in agenda_resources():
        fields = [described["name"] for described in resource["schema"]["fields"]]
        _write_csv(folder / resource["path"], fields, tables[resource["name"]])


def _plain_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in fields})


def _csv_cell(text: str) -> str:
    """A cell as CSV writes it: quoted when it holds a comma, a quote or a line break."""
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


# Ids, periods and numbers never need quotes; the other fields may.
_PLAIN_FIELDS = {"indicator", "period", "geography", "unit", "value", "lower_bound", "upper_bound", "numerator",
                 "denominator", "status"}


def _write_observations(path: Path, mapped: list[MappedFile], dimension_order: list[str]) -> int:
    """observations.csv in the agreed field order, built a file at a time: most dimension cells are blank."""
    fields = [*OBSERVATION_FIELDS_BEFORE, *dimension_order, *OBSERVATION_FIELDS_AFTER]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(",".join(fields) + "\n")
        for item in mapped:
            frame = item.observations
            if frame.empty:
                continue
            line = None
            blanks = 0
            for position, name in enumerate(fields):
                if name in frame.columns:
                    cells = frame[name] if name in _PLAIN_FIELDS else map_unique(frame[name], _csv_cell)
                    prefix = "," * (blanks + (position > 0))
                    line = cells if line is None else line + prefix + cells
                    blanks = 0
                elif position == 0:
                    raise ValueError("the indicator column is always written")
                else:
                    blanks += 1
            line = line + "," * blanks
            file.write("\n".join(line) + "\n")
            rows += len(frame)
    return rows


def _write_partner(folder: Path, partner: str, title: str, licence: dict, source: Path, created: str, rows: int,
                   agenda: ImportedAgenda) -> None:
    attribution = attribution_statement(licence)
    descriptor = {
        "name": partner,
        "title": title,
        "description": f"Every observation of the Open SDG data repository {source.name}, in the agreed observation "
                       f"schema. {attribution}",
        "version": "1.0.0",
        "created": created,
        "licenses": [licence],
        "contributors": [{"title": title, "role": "publisher"}],
        "sources": [{"title": f"Open SDG data repository {source.name} (data/ and meta/)"}],
        "partner": {"sector": "Official statistics",
                    "activities": "Publishes the national data on the Sustainable Development Goal indicators."},
        "resources": [{"name": "observations", "path": "observations.csv", "format": "csv", "mediatype": "text/csv",
                       "encoding": "utf-8", "schema": OBSERVATION_SCHEMA_FILE}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    with_data = sum(indicator.has_data for indicator in agenda.indicators)
    readme = (
        f"# {title}: partner data package\n\n"
        f"Imported from the Open SDG data repository `{source.name}` by `indicators import open-sdg`.\n"
        "Do not edit `observations.csv` by hand: change the source and import it again.\n\n"
        f"- `observations.csv`: {rows:,} observations of {with_data} shared indicators.\n"
        "- `observation.schema.json`: a copy of the agenda's observation schema.\n"
        "- `datapackage.json`: the package, its licence and its source.\n\n"
        f"## Licence\n\n{attribution}\n"
    )
    (folder / "README.md").write_text(readme, encoding="utf-8")
