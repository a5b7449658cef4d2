"""Import an Open SDG data repository: its indicators become the common agenda, its data one partner package.

An Open SDG data repository (https://open-sdg.org) keeps one CSV per indicator in `data/indicator_<id>.csv`
(`Year`, disaggregation columns, `Units`, `Series`, `GeoCode`, `Observation status`, …, `Value`), the indicator's
metadata as YAML in `meta/<id>.md` (front matter) or `meta/<id>.yml`, and per-indicator settings in
`indicator-config/<id>.yml`, which override the metadata. `import_open_sdg` reads that layout and writes
`datapackages/common-agenda/` and `datapackages/<partner>/` in this project's layout. Nothing is lost silently:
every record of every data file is either imported or reported with its line and the reason
(`ImportResult.files`), and what the metadata could not say is listed in `ImportResult.notes`.

How Open SDG's model maps onto this one is told in the module that does it, in the order the import runs:

    metadata     meta/ and indicator-config/ read as one set of keys per indicator
    data_files   data/indicator_<id>.csv read as text, blank and ragged lines reported; the columns with a role
    geography    the place each row names; the reporting area; the geographies and their parents
    mapping      one file's rows as observations of shared indicators (one per series and unit); dimensions
    periods      Year labels as periods
    statuses     Observation status as status flag and note
    units        unit labels and ids; the facts of units.csv
    agenda       the shared indicators of every file: titles, definitions, sources
    goals        goal ids and titles
    progress     progress settings as direction, baseline, target, limit and counted series
    licence      the source's licence, stated in both packages
    write        the two packages, written in full and swapped in
    reconcile    the accounting of every row and note, and its summary
    text         HTML and Markdown as plain text; slugs
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.importers.open_sdg.agenda import assemble_agenda
from generator.importers.open_sdg.data_files import find_data_files, read_data_file
from generator.importers.open_sdg.geography import Places, geocode_names
from generator.importers.open_sdg.licence import source_licence
from generator.importers.open_sdg.mapping import map_file
from generator.importers.open_sdg.metadata import read_metadata, reporting_area_name
from generator.importers.open_sdg.periods import period_from_year
from generator.importers.open_sdg.reconcile import (
    ImportResult,
    MetadataNote,
    ReportedRow,
    SourceFile,
    reconciliation_text,
    reported_rows_csv,
)
from generator.importers.open_sdg.statuses import status_from_observation_status
from generator.importers.open_sdg.text import plain_text
from generator.importers.open_sdg.write import write_packages
from generator.load.agenda import AGENDA_FOLDER
from generator.load.packages import SLUG

__all__ = ["ImportResult", "MetadataNote", "OpenSdgError", "ReportedRow", "SourceFile", "import_open_sdg",
           "period_from_year", "plain_text", "reconciliation_text", "reported_rows_csv",
           "status_from_observation_status"]


class OpenSdgError(Exception):
    """The source cannot be imported at all (not an Open SDG repository, or a bad partner slug)."""


def import_open_sdg(source: Path, target: Path, partner: str, *, area: str | None = None,
                    title: str | None = None, today: date | None = None) -> ImportResult:
    """Read the Open SDG repository `source`; write the agenda and the partner package `partner` under `target`.

    `target` is a project folder: `target/datapackages/common-agenda/` and `target/datapackages/<partner>/` are
    replaced (both are written in full first, so a failure leaves the old ones in place). `area` names the
    headline geography; `title` the partner; `today` dates the packages and bounds the periods.
    """
    source, target = Path(source), Path(target)
    if not SLUG.match(partner) or partner == AGENDA_FOLDER:
        raise OpenSdgError(f'"{partner}" is not a valid partner slug: use lower-case letters, digits and hyphens, '
                           "as in uk-sdg.")
    if not (source / "data").is_dir() and not (source / "meta").is_dir():
        raise OpenSdgError(f"{source} is not an Open SDG data repository: it has neither data/ nor meta/.")
    today = today or date.today()
    notes: list[MetadataNote] = []
    metadata, metadata_files = read_metadata(source, notes)
    raw_files = [read_data_file(path, source) for path in find_data_files(source, notes)]
    area_name = area or reporting_area_name(metadata)
    places = Places(area_name, geocode_names(raw_files))
    taken = set(metadata) | {raw.indicator for raw in raw_files}  # ids a new indicator may not take
    mapped = [map_file(raw, metadata.get(raw.indicator, {}), places, today, taken) for raw in raw_files]
    agenda = assemble_agenda(mapped, metadata, metadata_files, places, notes)
    licence = source_licence(source)
    write_packages(target, partner, agenda, mapped, licence, area_name, title or f"{area_name} SDG data", source,
                   today)
    without_data = tuple(indicator.id for indicator in agenda.indicators if not indicator.has_data)
    others = tuple(folder.name for folder in sorted((target / "datapackages").iterdir())
                   if folder.is_dir() and folder.name not in (AGENDA_FOLDER, partner)
                   and not folder.name.startswith((".", "_")))
    return ImportResult(
        source=source,
        target=target,
        partner=partner,
        files=[file.reconciliation for file in mapped],
        notes=notes,
        goals=len(agenda.goals),
        indicators=len(agenda.indicators),
        indicators_without_data=without_data,
        dimensions=len(agenda.dimensions),
        geographies=len(agenda.geographies),
        units=len(agenda.units),
        other_partners=others,
    )
