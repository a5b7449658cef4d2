"""The common agenda's files as the generator reads them: the schema of each of its tables, and the agreed
observation schema, written by `indicators init`, the agenda commands and the importers alike.
"""

from __future__ import annotations

from generator.compute.periods import PERIOD_FORMS, PERIOD_PATTERN

_SLUG_PATTERN = "[a-z0-9][a-z0-9-]*"


def _field(name: str, kind: str = "string", *, required: bool = False, unique: bool = False, **extra) -> dict:
    constraints = {key: value for key, value in extra.items() if key in ("pattern", "enum", "minimum", "maximum")}
    if required:
        constraints["required"] = True
    if unique:
        constraints["unique"] = True
    described = {"name": name, "type": kind}
    if "description" in extra:
        described["description"] = extra["description"]
    if constraints:
        described["constraints"] = constraints
    return described


def agenda_resources() -> list[dict]:
    """The agenda's tables and their schemas, as the generator reads them (generator/agenda.py)."""
    period = {"pattern": PERIOD_PATTERN}
    tables = {
        "goals": ([_field("id", required=True, unique=True, pattern=_SLUG_PATTERN), _field("title", required=True),
                   _field("summary")], ["id"], []),
        "units": ([_field("id", required=True, unique=True, pattern="[a-z0-9_]+"), _field("label", required=True),
                   _field("symbol"), _field("minimum", "number"), _field("maximum", "number"),
                   _field("integer", "boolean", required=True)], ["id"], []),
        "dimensions": ([_field("id", required=True, unique=True, pattern="[a-z][a-z0-9_]*"),
                        _field("label", required=True), _field("description"), _field("reference_group")], ["id"], []),
        "groups": ([_field("dimension", required=True), _field("group", required=True)], ["dimension", "group"],
                   [(["dimension"], "dimensions", ["id"])]),
        "geographies": ([_field("id", required=True, unique=True, pattern=_SLUG_PATTERN),
                         _field("name", required=True), _field("kind"), _field("parent"),
                         _field("code", description="Another platform's code for the geography (an Open SDG "
                                                    "GeoCode), by which geographies.geojson may name it.")],
                        ["id"], [(["parent"], "", ["id"])]),
        "indicators": ([
            _field("id", required=True, unique=True, pattern=_SLUG_PATTERN), _field("goal", required=True),
            _field("title", required=True), _field("definition", required=True), _field("unit", required=True),
            _field("direction", required=True, enum=["increase", "decrease"]),
            _field("decimals", "integer", required=True, minimum=0, maximum=6),
            _field("baseline_period", **period), _field("target_value", "number"),
            _field("target_period", **period),
            _field("dimensions", description="The dimensions this indicator may be broken down by: dimension ids "
                                             "separated by spaces."),
            _field("steward", required=True, description="The slug of the partner that publishes this indicator."),
            _field("source"),
            _field("progress_series", pattern="[a-z_]+( [a-z_]+)*",
                   description="Which series count towards the indicator's status: 'total' (the headline series, "
                               "the default) and/or dimension ids, whose groups are averaged and count once; 'none' "
                               "for no status."),
            _field("limit", "number", description="A natural limit the indicator cannot pass (such as 100 for a "
                                                  "percent); only used without a target."),
            _field("progress_thresholds", pattern="-?[0-9.]+ -?[0-9.]+ -?[0-9.]+",
                   description="Overrides the published thresholds for this indicator: high, medium and low, "
                               "separated by spaces."),
            _field("next_update", description="When the next data are expected, in words."),
        ], ["id"], [(["goal"], "goals", ["id"]), (["unit"], "units", ["id"])]),
    }
    resources = []
    for name, (fields, primary_key, foreign_keys) in tables.items():
        schema = {"fields": fields, "primaryKey": primary_key}
        if name == "geographies":
            # `code` came later: an agenda written before it, without the column, stays valid.
            schema["fieldsMatch"] = "superset"
        if foreign_keys:
            schema["foreignKeys"] = [{"fields": own, "reference": {"resource": resource, "fields": theirs}}
                                     for own, resource, theirs in foreign_keys]
        resources.append({"name": name, "path": f"{name}.csv", "schema": schema})
    return resources


def observation_schema(dimensions: list[dict]) -> dict:
    def text(name, title, description, **constraints):
        described = {"name": name, "type": "string", "title": title, "description": description}
        if constraints:
            described["constraints"] = constraints
        return described

    def number(name, title, description):
        return {"name": name, "type": "number", "title": title, "description": description}

    return {
        "description": "The one observation schema every partner package uses. One row is one value of one shared "
                       "indicator for one period, one geography and one combination of dimension values; a blank "
                       "dimension means the total.",
        "fieldsMatch": "equal",
        "missingValues": [""],
        "fields": [
            text("indicator", "Indicator", "The shared indicator's id, as in the common agenda's indicators.csv.",
                 required=True),
            text("period", "Period", PERIOD_FORMS[0].upper() + PERIOD_FORMS[1:] + ".", required=True,
                 pattern=PERIOD_PATTERN),
            text("geography", "Geography", "The geography's id, as in the common agenda's geographies.csv.",
                 required=True),
            *(text(row["id"], row["label"], f"Blank for all groups of {row['label']} together.")
              for row in dimensions),
            text("unit", "Unit", "The indicator's unit id, as in the common agenda's units.csv.", required=True),
            number("value", "Value", "The observed value. Leave blank only when the status is suppressed."),
            number("lower_bound", "Lower bound", "Lower bound of the confidence interval, if any."),
            number("upper_bound", "Upper bound", "Upper bound of the confidence interval, if any."),
            number("numerator", "Numerator", "The count the value was computed from, if published."),
            number("denominator", "Denominator", "The population the value was computed over, if published."),
            text("status", "Status", "Blank for a final value; otherwise provisional, estimated, suppressed or "
                 "break_in_series (the first value after a change of method).",
                 enum=["provisional", "estimated", "suppressed", "break_in_series"]),
            text("note", "Note", "A note for readers about this value, in plain text."),
        ],
    }
