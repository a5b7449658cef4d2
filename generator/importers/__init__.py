"""Importers: read another system's indicator data and write it in this project's layout.

Each importer is a function from a source folder to a project data folder (`datapackages/common-agenda/` and one
partner package), returning a result that accounts for every source row: imported, or reported with its line and
the reason it was not.

    import_open_sdg(source, target, partner) -> ImportResult    an Open SDG data repository
"""

from generator.importers.open_sdg import (
    ImportResult,
    MetadataNote,
    OpenSdgClash,
    OpenSdgError,
    ReportedRow,
    SourceFile,
    import_open_sdg,
    period_from_year,
    plain_text,
    reconciliation_text,
    reported_rows_csv,
    status_from_observation_status,
)

__all__ = [
    "ImportResult",
    "MetadataNote",
    "OpenSdgClash",
    "OpenSdgError",
    "ReportedRow",
    "SourceFile",
    "import_open_sdg",
    "period_from_year",
    "plain_text",
    "reconciliation_text",
    "reported_rows_csv",
    "status_from_observation_status",
]
