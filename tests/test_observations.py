"""The observations table: compact types, and the same rows and values as the partners' text."""

from __future__ import annotations

import pandas as pd

from generator.observations import NUMBER_FIELDS, observations_table
from generator.project import Project
from generator.validation import validate_project


def test_text_columns_are_categories_and_numbers_floats(project_copy: Project):
    validated = validate_project(project_copy)
    table = observations_table(validated.packages, validated.agenda)
    for name in ("partner", "indicator", "period", "geography", *validated.agenda.dimension_ids, "unit", "status"):
        assert isinstance(table[name].dtype, pd.CategoricalDtype), name
    for name in (*NUMBER_FIELDS, "time"):
        assert table[name].dtype == "float64", name
    texts = pd.concat([file.table for package in validated.packages for file in package.files], ignore_index=True)
    assert len(table) == len(texts)
    assert sorted(table["value"].dropna()) == sorted(float(value) for value in texts["value"] if value != "")


def test_a_package_file_without_rows_joins_the_table(project_copy: Project):
    path = project_copy.datapackages / "youthworks" / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    validated = validate_project(project_copy)
    assert validated.report.valid
    table = observations_table(validated.packages, validated.agenda)
    assert len(table) > 0 and not (table["partner"] == "youthworks").any()
