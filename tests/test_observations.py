"""The observations table: compact types, and the same rows and values as the partners' text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.load.cells import Column
from generator.compute.observations import NUMBER_FIELDS, _category, observations_table
from generator.load.project import Project
from generator.validate import validate_project


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


def test_categories_are_the_distinct_texts_of_the_rows(project_copy: Project):
    """Read from each file's distinct texts and codes, not its pandas table: the same categories, and no text that
    no row has (the header's label is among a column's texts as pyarrow reads it)."""
    validated = validate_project(project_copy)
    table = observations_table(validated.packages, validated.agenda)
    texts = pd.concat([file.table for package in validated.packages for file in package.files], ignore_index=True)
    for name in ("indicator", "period", "geography", *validated.agenda.dimension_ids, "unit", "status", "note"):
        assert list(table[name].cat.categories) == sorted(set(texts[name].dropna())), name
        assert sorted(table[name].astype(object)) == sorted(texts[name]), name


def test_a_text_no_row_has_is_no_category_and_a_missing_one_is_missing():
    # As pyarrow reads a column, its texts can hold the header's label; pandas pads a short row with a missing text.
    column = Column(pa.array(["value", "12.5", None, ""], pa.large_string()), np.array([1, 3, 2, 1], dtype="int8"))
    category = _category(column)
    assert list(category.categories) == ["12.5", ""]
    assert category.codes.tolist() == [0, 1, -1, 0]


def test_without_any_file_the_table_has_every_column_and_no_row(project_copy: Project):
    validated = validate_project(project_copy)
    table = observations_table((), validated.agenda)
    with_rows = observations_table(validated.packages, validated.agenda)
    assert list(table.columns) == list(with_rows.columns) and len(table) == 0
    assert all(table[name].dtype == "float64" for name in (*NUMBER_FIELDS, "time"))
