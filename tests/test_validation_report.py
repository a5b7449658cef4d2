"""The validation report's shapes: the JSON a tool reads and the Markdown a pull request shows."""

import json
from pathlib import Path

import jsonschema

from generator.problems import Problem, Report
from generator.validate import render

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "generator" / "validate" /
                     "report.schema.json").read_text(encoding="utf-8"))


def _report(count: int) -> Report:
    return Report([Problem("type-error", f'"x{row}" in column "value" is not a number.', "Write a plain number.",
                           "datapackages/p/observations.csv", row, 8, "value", partner="p") for row in range(2, 2 + count)]
                  + [Problem("provisional-values", "2 values are provisional.", "Nothing to fix now.",
                             "datapackages/q/observations.csv", 5, 13, "status", severity="warning", partner="q")],
                  ["datapackages/p/observations.csv", "datapackages/q/observations.csv"])


def test_the_json_report_follows_its_published_schema():
    document = json.loads(render.as_json(_report(3)))
    jsonschema.validate(document, SCHEMA)
    assert (document["valid"], document["error_count"], document["warning_count"]) == (False, 3, 1)


def test_the_job_summary_is_grouped_by_partner_and_file_and_says_when_it_is_cut():
    summary = render.as_markdown(_report(render.SUMMARY_ROWS_PER_FILE + 7))
    assert summary.index("### p") < summary.index("#### `datapackages/p/observations.csv`") < summary.index("### q")
    assert summary.count("| `type-error` |") == render.SUMMARY_ROWS_PER_FILE
    assert "…and 7 more problems in this file" in summary
    assert "| line 5, column 13 (status) | warning | `provisional-values` |" in summary
