"""The common agenda's own rules: read and structurally valid, and consistent across its tables."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from generator.load.agenda import (
    AGENDA_FOLDER,
    CORE_FIELDS,
    MEASURE_FIELDS,
    OBSERVATION_SCHEMA_FILE,
    REQUIRED_COLUMNS,
    RESERVED_NAMES,
    TRANSLATIONS,
    Agenda,
    agenda_from,
    agenda_metadata,
    progress_thresholds,
    read_tables,
)
from generator.load.boundaries import (
    BOUNDARIES_FILE, MAX_BYTES, TOPOJSON_FILE, TopologyError, boundary_files, features_of, geography_ids,
    geometry_problem, topology_features,
)
from generator.load.descriptors import read_descriptor
from generator.load.translations import TRANSLATABLE
from generator.compute.periods import PeriodError, parse_period
from generator.problems import WARNING, Problem, relative

# The name of an indicator's map (publish.charts.MAP): its spec is map.vl.json beside the page, where a dimension's
# chart is <dimension>.vl.json, so no dimension may take it.
MAP_CHART = "map"
# A national agenda may have hundreds of places and boundaries for only some: the rest are summed up in one more.
MAX_UNMAPPED_WARNINGS = 50
from generator.validate.structure import clip, frictionless_problems


def check_agenda(folder: Path, root: Path) -> tuple[Agenda | None, list[Problem]]:
    """The agenda, or None with the problems that make it unusable (the agenda is the backbone's to fix): partners'
    files cannot be checked against an agenda whose tables or observation schema are not as agreed."""
    descriptor_path = folder / "datapackage.json"
    descriptor, problems = read_descriptor(descriptor_path, relative(descriptor_path, root), AGENDA_FOLDER)
    if descriptor is None:
        return None, problems
    problems = frictionless_problems(descriptor_path, root, partner=AGENDA_FOLDER)
    if problems:
        return None, problems
    schema_path = folder / OBSERVATION_SCHEMA_FILE
    schema_name = relative(schema_path, root)
    try:
        observation_schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return None, [Problem(
            "invalid-observation-schema",
            f"The agreed observation schema cannot be read: {error}.",
            f"Keep a valid Table Schema in {schema_name}.",
            schema_name,
            partner=AGENDA_FOLDER,
        )]
    tables = read_tables(descriptor_path)
    problems = _table_problems(tables, folder, root)
    if problems:
        return None, problems
    agenda = agenda_from(folder, descriptor, observation_schema, tables)
    problems = _schema_problems(agenda, root)
    if problems:
        return None, problems
    ignored = [Problem("ignored-property", item.message, "Write it as the Frictionless standard (or, for "
                       '"initiative", the example agenda) has it, or remove it.', relative(descriptor_path, root),
                       severity=WARNING, partner=AGENDA_FOLDER) for item in agenda_metadata(descriptor)[1]]
    boundaries, boundary_problems = check_boundaries(agenda, root)
    agenda = dataclasses.replace(agenda, boundaries=boundaries)
    return agenda, (ignored + _consistency_problems(agenda, root) + boundary_problems
                    + translation_problems(agenda, tables.get(TRANSLATIONS, []), root))


def _table_problems(tables: dict[str, list[dict]], folder: Path, root: Path) -> list[Problem]:
    """Tables or columns the agenda lacks, and progress thresholds that the agreed pattern lets through but that
    are not numbers (1.2.3)."""
    problems = []
    descriptor_file = relative(folder / "datapackage.json", root)
    for name, columns in REQUIRED_COLUMNS.items():
        if name not in tables:
            problems.append(Problem(
                "missing-agenda-table", f'The agenda lists no resource "{name}".',
                f'Add {name}.csv and list it in datapackage.json as the example agenda does.', descriptor_file,
                partner=AGENDA_FOLDER))
            continue
        # The columns of its first row: a table without rows has nothing to read.
        missing = [column for column in columns if tables[name] and column not in tables[name][0]]
        if missing:
            problems.append(Problem(
                "missing-agenda-column", f"{name}.csv has no column " + ", ".join(f'"{column}"' for column in missing)
                + ".", f"Add the column to {name}.csv and to its schema in datapackage.json.",
                relative(folder / f"{name}.csv", root), 1, partner=AGENDA_FOLDER))
    for line, row in enumerate(tables.get("indicators", ()), start=2):
        text = row.get("progress_thresholds")
        if text and progress_thresholds(text) is None:
            problems.append(Problem(
                "invalid-thresholds", f'The progress thresholds of "{row.get("id")}", "{clip(text)}", are not three '
                "numbers.", "Write three numbers from the highest to the lowest, such as 0.95 0.6 0.",
                relative(folder / "indicators.csv", root), line, field="progress_thresholds", partner=AGENDA_FOLDER))
    return problems


def _schema_problems(agenda: Agenda, root: Path) -> list[Problem]:
    """Dimensions whose id another column already has, and an observation schema that is not the agreed fields
    with one column per dimension: the partners' files could not be read against it."""
    dimensions_file = relative(agenda.folder / "dimensions.csv", root)
    schema_file = relative(agenda.folder / OBSERVATION_SCHEMA_FILE, root)
    problems = [Problem(
        "reserved-dimension-id", f'The dimension id "{dimension.id}" is the name of '
        + ("each indicator's map (map.vl.json beside its page, where a dimension's chart is <dimension>.vl.json)."
           if dimension.id == MAP_CHART else "a column the published files already have."),
        f'Give the dimension another id, such as "{dimension.id}_group", here and in '
        f"{OBSERVATION_SCHEMA_FILE}, indicators.csv and groups.csv.", dimensions_file, line, field="id",
        partner=AGENDA_FOLDER) for line, dimension in enumerate(agenda.dimensions, start=2)
        if dimension.id in RESERVED_NAMES or dimension.id == MAP_CHART]
    expected = [*CORE_FIELDS, *agenda.dimension_ids, *MEASURE_FIELDS]
    fields = agenda.observation_schema.get("fields") if isinstance(agenda.observation_schema, dict) else None
    names = [field.get("name") if isinstance(field, dict) else None for field in fields] \
        if isinstance(fields, list) else None
    if names != expected:
        problems.append(Problem(
            "schema-dimensions-mismatch",
            "The observation schema's fields are not indicator, period, geography, one column per "
            "dimension of dimensions.csv (in its order), then " + ", ".join(MEASURE_FIELDS) + ".",
            "Expected fields: " + ", ".join(expected) + ".", schema_file, partner=AGENDA_FOLDER))
    return problems


def _consistency_problems(agenda: Agenda, root: Path) -> list[Problem]:
    """Rules that tie the agenda's tables together beyond what its foreign keys can say."""
    problems: list[Problem] = []
    indicators_file = relative(agenda.folder / "indicators.csv", root)
    descriptor_file = relative(agenda.folder / "datapackage.json", root)

    def problem(rule, message, hint, file, line=None, field_name=None):
        problems.append(Problem(rule, message, hint, file, line, field=field_name, partner=AGENDA_FOLDER))

    if agenda.area not in agenda.geographies:
        problem("unknown-area", f'The initiative\'s area "{agenda.area}" is not in geographies.csv.',
                'Set "initiative.area" in datapackage.json to the id of the geography of the headline series.',
                descriptor_file)
    for line, indicator in enumerate(agenda.indicators, start=2):
        for dimension in indicator.dimensions:
            if dimension not in agenda.dimensions_by_id:
                problem("unknown-dimension", f'Indicator "{indicator.id}" lists dimension "{dimension}", '
                        "which is not in dimensions.csv.",
                        "Add the dimension to dimensions.csv and observation.schema.json, or remove it here.",
                        indicators_file, line, "dimensions")
        for column in ("baseline_period", "target_period"):
            label = getattr(indicator, column)
            if label:
                try:
                    parse_period(label)
                except PeriodError as error:
                    problem("invalid-period", str(error) + ".", "Correct the period.", indicators_file, line, column)
        for selector in indicator.progress_series:
            if selector != "total" and selector not in indicator.dimensions:
                problem("unknown-progress-series", f'Indicator "{indicator.id}" counts "{selector}" towards its '
                        "status, which is neither total nor one of its dimensions.",
                        "Write total and/or dimension ids that the indicator is broken down by, separated by spaces "
                        "(or none alone, for no status).",
                        indicators_file, line, "progress_series")
        if indicator.progress_thresholds and not (
                indicator.progress_thresholds[0] >= indicator.progress_thresholds[1] >= indicator.progress_thresholds[2]):
            problem("thresholds-out-of-order", f'The progress thresholds of "{indicator.id}" are not high, medium, '
                    "low.", "Write three numbers from the highest to the lowest, such as 0.95 0.6 0.",
                    indicators_file, line, "progress_thresholds")
        if (indicator.target_value is None) != (indicator.target_period is None):
            problem("incomplete-target", f'Indicator "{indicator.id}" has a target value or a target period, '
                    "but not both.", "Give both target_value and target_period, or neither.",
                    indicators_file, line, "target_value")
    dimensions_file = relative(agenda.folder / "dimensions.csv", root)
    for line, dimension in enumerate(agenda.dimensions, start=2):
        if dimension.reference_group and dimension.reference_group not in dimension.groups:
            problem("unknown-reference-group", f'The reference group "{dimension.reference_group}" of '
                    f'{dimension.id} is not one of its groups in groups.csv.',
                    "Write one of its groups exactly, or leave it blank to compare with the best-off group.",
                    dimensions_file, line, "reference_group")
    return problems


def check_boundaries(agenda: Agenda, root: Path) -> tuple[dict[str, dict], list[Problem]]:
    """The boundaries of geographies.geojson that maps can draw (geography id → geometry), and the problems of the
    file: too large, not JSON, not a FeatureCollection, a feature of no known geography, given twice, or whose
    geometry is not an area in longitude and latitude. No file: no maps, and no problem."""
    files = boundary_files(agenda.folder)
    if not files:
        return {}, []
    path = files[0]
    shown = relative(path, root)
    problems: list[Problem] = []

    def problem(rule, message, hint, line=None, column=None):
        problems.append(Problem(rule, message, hint, shown, line, column, partner=AGENDA_FOLDER))

    if len(files) > 1:
        problem("two-boundary-files", f"The agenda has both {BOUNDARIES_FILE} and {TOPOJSON_FILE}.",
                "Keep one boundary file: remove the other.")
        return {}, problems

    size = path.stat().st_size
    if size > MAX_BYTES:
        problem("boundaries-too-large", f"The boundary file is {size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB, since every map carries its boundaries inline.",
                f"Simplify the boundaries, for example with mapshaper: mapshaper {path.name} -simplify 10% "
                "keep-shapes -o precision=0.0001 simplified.geojson, then put it in the file's place (or "
                "use mapshaper.org); a map of a county's districts needs no more than a few hundred points each.")
        return {}, problems
    try:
        collection = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        problem("invalid-boundaries", f"The boundary file is not UTF-8 text: {error.reason} at byte {error.start}.",
                "Save it as GeoJSON in UTF-8.")
        return {}, problems
    except json.JSONDecodeError as error:
        problem("invalid-boundaries", f"The boundary file is not valid JSON: {error.msg}.",
                "Correct the JSON at this place (a missing comma or bracket is usual), or export the file again "
                "as GeoJSON.", error.lineno, error.colno)
        return {}, problems
    topojson = path.name == TOPOJSON_FILE
    if topojson:
        try:
            collection = topology_features(collection)
        except TopologyError as error:
            problem("invalid-boundaries", f"The TopoJSON boundary file cannot be read: {error}.",
                    "Export it again as TopoJSON, or convert it to GeoJSON in " + BOUNDARIES_FILE
                    + " (mapshaper -o format=geojson).")
            return {}, problems
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        found = collection.get("type") if isinstance(collection, dict) else type(collection).__name__
        problem("invalid-boundaries", f'The boundary file is not a GeoJSON FeatureCollection (its "type" is '
                f'"{found}").', 'Write {"type": "FeatureCollection", "features": [...]} with one feature per '
                "geography; a TopoJSON file goes in " + TOPOJSON_FILE + " instead.")
        return {}, problems
    ids = geography_ids(agenda.geographies)
    boundaries: dict[str, dict] = {}
    first_index: dict[str, int] = {}
    for index, feature, key in features_of(collection):
        where = (f"Geometry {index} of {TOPOJSON_FILE} (counting from 0 through its objects)" if topojson
                 else f"Feature {index} of {BOUNDARIES_FILE} (features[{index}], counting from 0)")
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problem("invalid-boundary", f"{where} is not a GeoJSON Feature.",
                    'Make each item of "features" an object with "type": "Feature", an "id" and a "geometry".')
            continue
        if key is None:
            problem("boundary-without-id", f"{where} names no geography: it has no \"id\".",
                    'Give it "id": the geography\'s id in geographies.csv (or put it in "properties": {"id": …}).')
            continue
        if key not in ids:
            problem("unknown-boundary-geography", f'{where} has the id "{clip(key)}", which is not a geography '
                    "of geographies.csv.", _suggest_geography(key, agenda) + " Or remove the feature.")
            continue
        geography = ids[key]
        reason = geometry_problem(feature.get("geometry"))
        if reason:
            problem("invalid-boundary-geometry", f'{where}, the boundary of "{geography}", {reason}.',
                    "Give each geography a Polygon or MultiPolygon of closed rings of [longitude, latitude]; "
                    "mapshaper (mapshaper.org, -clean) repairs most geometry.")
            continue
        if geography in first_index:
            problem("duplicate-boundary", f'{where} is a second boundary of "{geography}", after feature '
                    f"{first_index[geography]}.", "Keep one feature per geography: join its parts into one "
                    "MultiPolygon (mapshaper -dissolve).")
            continue
        first_index[geography] = index
        boundaries[geography] = feature["geometry"]
    return boundaries, problems


def _suggest_geography(key: str, agenda: Agenda) -> str:
    known = ", ".join(f'"{geography}"' for geography in list(agenda.geographies)[:8])
    more = ", …" if len(agenda.geographies) > 8 else ""
    return f"Use a geography id of geographies.csv ({known}{more}), or add the geography there first."


def unmapped_geography_problems(agenda: Agenda, files, root: Path) -> list[Problem]:
    """A warning for each geography (other than the initiative's area) that partners' files give observations
    for but geographies.geojson has no boundary for: maps leave it out. Nothing without a boundary file."""
    if not agenda.boundaries:
        return []
    first_file: dict[str, str] = {}
    for _, file in files:
        column = file.text["geography"]
        for geography in column.texts[np.unique(column.codes)].tolist():
            if geography in agenda.geographies:
                first_file.setdefault(geography, file.shown_as)
    boundaries_file = boundary_files(agenda.folder)[0]
    shown = relative(boundaries_file, root)
    missing = [geography for geography in agenda.geographies
               if geography in first_file and geography not in agenda.boundaries and geography != agenda.area]
    problems = [Problem(
        "geography-without-boundary", f'"{geography}" ({agenda.geographies[geography].name}) has observations '
        f"({first_file[geography]}) but no boundary in {boundaries_file.name}, so the maps leave it out.",
        f'Add a feature with "id": "{geography}" to {boundaries_file.name}.', shown, severity=WARNING,
        partner=AGENDA_FOLDER) for geography in missing[:MAX_UNMAPPED_WARNINGS]]
    if len(missing) > MAX_UNMAPPED_WARNINGS:
        problems.append(Problem(
            "geography-without-boundary", f"{len(missing) - MAX_UNMAPPED_WARNINGS:,} more geographies have "
            f"observations but no boundary in {boundaries_file.name}.", "Add a feature for each of them, as above.",
            shown, severity=WARNING, partner=AGENDA_FOLDER))
    return problems


def translation_problems(agenda: Agenda, rows: list[dict], root: Path) -> list[Problem]:
    """Translations of a text the agenda does not have (an unknown id, a column that is not text for readers), and
    translations into a language the site is not built in (mkdocs.yml names its languages). Those of partners' texts
    are checked once the packages are read (`partner_translation_problems`)."""
    from generator.publish.languages import LanguageError, site_languages  # the site's, not the data's, concern

    problems = []
    file = relative(agenda.folder / f"{TRANSLATIONS}.csv", root)
    known = {
        "initiative": {"initiative"},
        "goals": {goal.id for goal in agenda.goals},
        "indicators": set(agenda.indicators_by_id),
        "units": set(agenda.units),
        "dimensions": set(agenda.dimensions_by_id),
        "groups": {f"{dimension.id}/{group}" for dimension in agenda.dimensions for group in dimension.groups},
        "geographies": set(agenda.geographies),
    }
    try:
        # An agenda checked on its own, without a site's configuration, has no languages to compare with.
        languages = [language.code for language in site_languages(root / "mkdocs.yml")] \
            if (root / "mkdocs.yml").is_file() else None
    except LanguageError:
        languages = None  # the build reports it
    unused: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        resource, item_id, field = row["resource"], row["id"], row["field"]
        if field not in TRANSLATABLE[resource]:
            problems.append(Problem(
                "untranslatable-field", f'{resource}.csv has no text "{clip(field)}" to translate.',
                f"Translate one of its texts: {', '.join(TRANSLATABLE[resource])}.", file, line, field="field",
                partner=AGENDA_FOLDER))
        elif resource in known and item_id not in known[resource]:
            example = f' (such as "{sorted(known[resource])[0]}")' if known[resource] else ""
            problems.append(Problem(
                "unknown-translation-id", f'"{clip(item_id)}" is not an id of {resource}.csv, so its translation '
                "has nothing to translate.",
                f"Write an id of {resource}.csv exactly{example}"
                + ("; a group's id is <dimension>/<group>" if resource == "groups" else "") + ", or remove the row.",
                file, line, field="id", partner=AGENDA_FOLDER))
        if languages is not None and (row["language"] not in languages or row["language"] == languages[0]):
            unused.setdefault(row["language"], line)
    for language, line in unused.items():
        default = language == languages[0]
        problems.append(Problem(
            "unused-translation", f'The translations into "{language}" are not published: '
            + ("it is the site's default language, whose texts are the agenda's own." if default
               else "mkdocs.yml does not name it as one of the site's languages."),
            "Remove its rows." if default else f"Add {{lang: {language}, name: …}} to extra.alternate in mkdocs.yml "
            "to publish the site in it, or remove its rows.", file, line, field="language", severity=WARNING,
            partner=AGENDA_FOLDER))
    return problems


def partner_translation_problems(agenda: Agenda, packages, root: Path) -> list[Problem]:
    """Translations of a partner or an activity that no package has: a warning, as the translations are the
    backbone's and the packages the partners' (a partner renaming an activity is not to fail on another's file)."""
    from generator.load.activities import activities_of

    known = {"partners": {package.slug for package in packages},
             "activities": {f"{activity.partner}/{activity.activity}" for activity in activities_of(packages)}}
    file = relative(agenda.folder / f"{TRANSLATIONS}.csv", root)
    problems = []
    for (language, resource, item_id, field), line in agenda.translations.lines.items():
        if resource in known and field in TRANSLATABLE[resource] and item_id not in known[resource]:
            what = ("a partner's slug (its folder in datapackages/)" if resource == "partners"
                    else "<partner>/<activity>, the activity's name exactly as in the partner's activities.csv")
            problems.append(Problem(
                "unused-translation", f'"{clip(item_id)}" is not one of the {resource}, so its translation has '
                "nothing to translate.", f"Write {what}, or remove the row.", file, line, field="id",
                severity=WARNING, partner=AGENDA_FOLDER))
    return problems
