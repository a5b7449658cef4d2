"""The verbs wired on top of their stages: each runs as a person or CI would type it."""

import json
import shutil

from conftest import run_indicators


def test_import_open_sdg_writes_a_valid_project_and_prints_the_reconciliation(repo, tmp_path):
    for name in ("site_src",):
        shutil.copytree(repo / name, tmp_path / name)
    shutil.copy(repo / "mkdocs.yml", tmp_path / "mkdocs.yml")
    result = run_indicators(tmp_path, "import", "open-sdg", str(repo / "tests" / "fixtures" / "open-sdg-excerpt"),
                            "--partner", "uk-ons", "--report", str(tmp_path / "reported.csv"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid: 0 errors" in result.stdout
    assert "shared indicators" in result.stdout
    assert (tmp_path / "datapackages" / "uk-ons" / "datapackage.json").is_file()
    assert (tmp_path / "reported.csv").read_text(encoding="utf-8").startswith("file,")


def test_import_from_a_folder_that_is_not_open_sdg_is_a_usage_error(tmp_path):
    result = run_indicators(tmp_path, "import", "open-sdg", str(tmp_path), "--partner", "uk-ons")
    assert result.returncode == 2
    assert "indicators import open-sdg:" in result.stderr


def test_bench_validation_runs_and_writes_its_measurements(repo, tmp_path):
    result = run_indicators(repo, "bench", "validation", "--rows", "2000", "--no-primary-key",
                            "--json", str(tmp_path / "bench.json"))
    assert result.returncode == 0, result.stderr
    measurements = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert measurements


def test_import_open_sdg_in_a_fresh_copy_of_the_example_replaces_it_and_exits_0(repo, project_copy):
    result = run_indicators(project_copy.root, "import", "open-sdg",
                            str(repo / "tests" / "fixtures" / "open-sdg-excerpt"), "--partner", "uk-ons")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Replaced the fictional example: removed datapackages/cedar-river-college/" in result.stdout
    assert "Valid: 0 errors" in result.stdout
    assert "will not validate" not in result.stdout
    assert not (project_copy.site_src / "narratives" / "home.md").exists()
    assert "Cedar River" not in (project_copy.site_src / "about.md").read_text(encoding="utf-8")


def test_an_unexpected_error_is_one_line_naming_the_stage_and_file_and_its_traceback_is_kept(tmp_path, monkeypatch):
    from generator.publish import pages
    from initiatives import small_initiative, write_project

    def broken_filter(status):  # a bug, put in on purpose: every page that shows a status uses this filter
        raise RuntimeError("the tone of a status could not be chosen")

    monkeypatch.setattr(pages, "_tone", broken_filter)
    write_project(small_initiative(), tmp_path)
    result = run_indicators(tmp_path, "build", unexpected_error=True)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (
        "indicators: unexpected error while writing pages (the page index.md, from home.md.j2): "
        "RuntimeError: the tone of a status could not be chosen. The details are in build/last-error.txt; please "
        "report it to the generator's maintainers with that file.")
    assert "Traceback" not in result.stderr
    details = (tmp_path / "build" / "last-error.txt").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in details and "broken_filter" in details
    assert details.startswith("indicators ") and "command: indicators --project" in details
    assert not (tmp_path / "site").exists(), "nothing is published"


def test_an_unexpected_error_while_validating_names_the_file(tmp_path, monkeypatch):
    import generator.validate as validation
    from initiatives import small_initiative, write_project

    def broken_rules(file, agenda, partner):
        raise KeyError("value")

    monkeypatch.setattr(validation, "observation_problems", broken_rules)
    write_project(small_initiative(), tmp_path)
    result = run_indicators(tmp_path, "validate", unexpected_error=True)
    assert result.returncode == 3
    assert result.stderr.startswith("indicators: unexpected error while validating "
                                    "(datapackages/river-schools/observations.csv): KeyError: 'value'. ")
    assert (tmp_path / "build" / "last-error.txt").is_file()
