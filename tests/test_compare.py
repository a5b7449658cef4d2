"""`indicators compare`: what merging a pull request would change on the site, on a real git repository.

The example is committed as `main`; on the branch `pull-request`, county-health revises its 2024 adult-smoking
estimate, adds 2025 and withdraws one 2015 breakdown, without committing (a partner compares before pushing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, run_indicators

OBSERVATIONS = "datapackages/county-health/observations.csv"
REVISED = ("adult-smoking,2024,cedar-river-county,,,,percent,13.8,12.4,15.2,,,provisional,\n",
           "adult-smoking,2024,cedar-river-county,,,,percent,15.0,12.4,15.2,,,provisional,Revised: late returns\n")
WITHDRAWN = "adult-smoking,2015,cedar-river-county,,Female,,percent,16.1,14.1,18.1,,,,\n"
NEW = "adult-smoking,2025,cedar-river-county,,,,percent,16.5,,,,,provisional,\n"


def _git(root: Path, *arguments: str) -> None:
    # git as on a fresh CI runner: no GIT_DIR from a hook running the tests, no personal configuration.
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org", GIT_COMMITTER_NAME="Test",
               GIT_COMMITTER_EMAIL="test@example.org", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True, env=env)


def _project(folder: Path) -> Path:
    """The example committed on `main`, HEAD on the branch `pull-request` with nothing changed yet."""
    for name in ("datapackages", "site_src"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    _git(folder, "init", "--quiet", "--initial-branch=main")
    _git(folder, "add", "--all")
    _git(folder, "commit", "--quiet", "-m", "The initiative")
    _git(folder, "checkout", "--quiet", "-b", "pull-request")
    return folder


@pytest.fixture(scope="module")
def changed(tmp_path_factory) -> Path:
    """The pull request: one value revised, a new period, a withdrawn row; left uncommitted."""
    root = _project(tmp_path_factory.mktemp("compare") / "project")
    data = root / OBSERVATIONS
    text = data.read_text(encoding="utf-8")
    assert REVISED[0] in text and WITHDRAWN in text
    data.write_text(text.replace(REVISED[0], REVISED[1]).replace(WITHDRAWN, "") + NEW, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def report(changed) -> dict:
    result = run_indicators(changed, "compare", "--base", "main", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_json_report_gives_each_changed_indicator_and_the_scoreboard(report, changed):
    assert report["base"] == "main"
    assert len(report["merge_base"]) == 40
    assert report["scoreboard"] == {"before": {"improving": 10, "total": 16}, "after": {"improving": 9, "total": 16}}
    [smoking] = report["indicators"]  # no other indicator changed
    assert smoking == {
        "indicator": "adult-smoking",
        "title": "Adult smoking",
        "partners": ["county-health"],
        "status": {"before": "moderate_progress", "after": "limited_progress", "before_words": "Some progress",
                   "after_words": "Little progress", "changed": True},
        "latest": {"before": {"period": "2024", "value": 13.8}, "after": {"period": "2025", "value": 16.5}},
        "new_periods": ["2025"],
        "revised": [{"period": "2024", "geography": "cedar-river-county", "groups": {}, "before": 13.8,
                     "after": 15.0, "file": OBSERVATIONS, "line": 12}],
        "withdrawn": 1,
    }
    # The line is the file's own: the revised row is where the report says.
    lines = (changed / OBSERVATIONS).read_text(encoding="utf-8").splitlines()
    assert lines[12 - 1] + "\n" == REVISED[1]


def test_the_text_a_partner_sees(changed, report):
    result = run_indicators(changed, "compare", "--base", "main")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Compared with main (merge base {report['merge_base'][:12]}): what merging would change on the site.\n"
        "\n"
        "Scoreboard: 10 of 16 improving → 9 of 16\n"
        "\n"
        "Adult smoking (adult-smoking), from county-health\n"
        "  Status: Some progress → Little progress\n"
        "  Latest value: 13.8 (2024) → 16.5 (2025)\n"
        "  New periods: 2025\n"
        f"  Revised: 2024, cedar-river-county: 13.8 → 15.0 ({OBSERVATIONS}, line 12)\n"
        "  Withdrawn: 1 observation\n"
        "\n"
        "1 indicator would change, 1 of them in status.\n"
    )


def test_the_github_format_writes_a_table_to_the_job_summary(changed, report, tmp_path):
    summary = tmp_path / "summary.md"
    result = run_indicators(changed, "compare", "--base", "main", "--format", "github",
                            env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stderr
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("## 🔎 What merging this would change on the site\n")
    assert "**Scoreboard:** 10 of 16 improving → 9 of 16" in markdown
    assert ("| Adult smoking (`adult-smoking`) | **Some progress → Little progress** | 13.8 (2024) → 16.5 (2025) "
            "| 2025 | 1 | 1 |") in markdown
    assert f"| `adult-smoking` | 2024, cedar-river-county | 13.8 → 15.0 | {OBSERVATIONS}, line 12 |" in markdown


def test_nothing_changed_says_so(tmp_path):
    root = _project(tmp_path / "project")
    result = run_indicators(root, "compare", "--base", "main")
    assert result.returncode == 0, result.stderr
    assert "Scoreboard: 10 of 16 improving (unchanged)\n" in result.stdout
    assert result.stdout.endswith("\nNothing a reader sees would change.\n")


def test_an_unknown_base_is_a_usage_error_in_one_line(changed):
    result = run_indicators(changed, "compare", "--base", "no-such-branch")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith('indicators compare: cannot compare with "no-such-branch": ')
    assert "--base main" in result.stderr


def test_an_invalid_working_tree_exits_1_with_the_problems(tmp_path):
    root = _project(tmp_path / "project")
    data = root / OBSERVATIONS
    data.write_text(data.read_text(encoding="utf-8").replace(REVISED[0], REVISED[0].replace("13.8", "lots")),
                    encoding="utf-8")
    result = run_indicators(root, "compare", "--base", "main")
    assert result.returncode == 1
    assert f"{OBSERVATIONS}\n  line 12, column 8 (value): error:" in result.stdout
    assert "the data in the working tree are not valid" in result.stderr
