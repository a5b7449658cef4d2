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
