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
from generator.importers.open_sdg.mapping import map_files
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
from generator.load.packages import SLUG, partner_folders
from generator.load.project import Project
from generator.tools.agenda import AgendaClash, AgendaTables, add_blank_columns
from generator.tools.initiative import Started, example_agenda, name_the_site, remove_example

__all__ = ["ImportResult", "MetadataNote", "OpenSdgClash", "OpenSdgError", "ReportedRow", "SourceFile",
           "import_open_sdg",
           "period_from_year", "plain_text", "reconciliation_text", "reported_rows_csv",
           "status_from_observation_status"]


class OpenSdgError(Exception):
    """The source cannot be imported at all (not an Open SDG repository, or a bad partner slug)."""


class OpenSdgClash(OpenSdgError):
    """The import clashes with the agenda in place: the message names both sides; nothing was written."""


def import_open_sdg(source: Path, target: Path, partner: str, *, area: str | None = None,
                    title: str | None = None, today: date | None = None) -> ImportResult:
    """Read the Open SDG repository `source`; write the agenda and the partner package `partner` under `target`.

    `target` is a project folder. `target/datapackages/<partner>/` is replaced, and the agenda is written: in place of
    the fictional example (whose partner packages and narratives are removed, as `indicators init` does) or of no
    agenda; or merged into a real agenda, its goals, indicators, units, dimensions and geographies added and none
    changed silently (an `AgendaClash` names both sides and writes nothing). Both folders are written in full
    first, so a failure leaves the old ones in place. `area` names the headline geography; `title` the partner;
    `today` dates the packages and bounds the periods.
    """
    source, target = Path(source), Path(target)
    if not SLUG.match(partner) or partner == AGENDA_FOLDER:
        raise OpenSdgError(f'"{partner}" is not a valid partner slug: use lower-case letters, digits and hyphens, '
                           "as in uk-sdg.")
    if not (source / "data").is_dir() and not (source / "meta").is_dir():
        raise OpenSdgError(f"{source} is not an Open SDG data repository: it has neither data/ nor meta/.")
    today = today or date.today()
    project = Project(target)
    example = example_agenda(project)
    merge_into = None
    if project.agenda_folder.exists() and example is None:
        try:
            merge_into = AgendaTables.read(project.agenda_folder)
        except (OSError, ValueError, KeyError) as error:
            raise OpenSdgError(f"The common agenda in {project.agenda_folder} cannot be read ({error}), so the "
                               "import cannot be merged into it: run `indicators validate` and fix it first.") \
                from error
    notes: list[MetadataNote] = []
    metadata, metadata_files = read_metadata(source, notes)
    raw_files = [read_data_file(path, source) for path in find_data_files(source, notes)]
    area_name = area or reporting_area_name(metadata)
    places = Places(area_name, geocode_names(raw_files))
    taken = set(metadata) | {raw.indicator for raw in raw_files}  # ids a new indicator may not take
    mapped = map_files(raw_files, metadata, places, today, taken)
    agenda = assemble_agenda(mapped, metadata, metadata_files, places, notes)
    licence = source_licence(source)
    try:
        merged = write_packages(target, partner, agenda, mapped, licence, area_name,
                                title or f"{area_name} SDG data", source, today, merge_into)
    except AgendaClash as error:
        raise OpenSdgClash(str(error)) from error
    changes = Started(project.agenda_folder)
    migrated: dict[str, list[str]] = {}
    if example is not None:
        remove_example(project, changes, keep=(partner,))
        name_the_site(project, f"{area_name} SDG indicators", example, changes, area=area_name,
                      backbone=title or f"{area_name} SDG data")
    if merged is not None and merged.new_dimensions:
        old_fields = [item["name"] for item in merge_into.observation_schema["fields"]]
        new_fields = [item["name"] for item in merged.tables.observation_schema["fields"]]
        for folder in partner_folders(project.datapackages):
            if folder.name != partner:
                files = add_blank_columns(folder, old_fields, new_fields, merged.tables.observation_schema)
                if files:
                    migrated[folder.name] = files
    without_data = tuple(indicator.id for indicator in agenda.indicators if not indicator.has_data)
    others = () if merged is not None else tuple(
        folder.name for folder in partner_folders(project.datapackages) if folder.name != partner)
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
        merged=merged,
        example_removed=tuple(changes.removed),
        migrated=migrated,
    )
