"""Partner boundaries of a pull request, checked on real git repositories built for each test.

Each test starts from a `main` branch holding the agenda and two partners' packages, makes a branch for
the pull request, commits the change on it, and asks `check_changes` about it with `--base main`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import run_indicators

from generator.history.boundaries import FILES_NAMED, check_changes
from generator.problems import ERROR
from generator.load.project import Project

AGENDA_FILE = "datapackages/common-agenda/indicators.csv"
YOUTHWORKS = "datapackages/youthworks/observations.csv"
COUNTY_HEALTH = "datapackages/county-health/observations.csv"


@pytest.fixture(autouse=True)
def plain_git(monkeypatch, tmp_path: Path) -> None:
    """git as on a fresh CI runner: no GIT_DIR from a hook running the tests, no signing from a personal config."""
    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("HOME", str(tmp_path))


class Repository:
    """A git repository in a temporary folder, changed the way a partner or the backbone would change it."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet")
        self.git("checkout", "--quiet", "-b", "main")

    def git(self, *arguments: str) -> str:
        result = subprocess.run(
            ["git", "-C", str(self.root), "-c", "user.name=Test Partner", "-c", "user.email=test@example.org",
             "-c", "commit.gpgsign=false", *arguments],
            capture_output=True, text=True, check=False,
        )
        assert result.returncode == 0, f"git {' '.join(arguments)} failed: {result.stderr}"
        return result.stdout

    def write(self, *paths: str, text: str = "indicator,period\n") -> None:
        for path in paths:
            (self.root / path).parent.mkdir(parents=True, exist_ok=True)
            (self.root / path).write_text(text, encoding="utf-8")

    def commit(self, message: str) -> None:
        self.git("add", "--all")
        self.git("commit", "--quiet", "-m", message)


@pytest.fixture
def repository(tmp_path: Path) -> Repository:
    """`main` with the agenda, two partners and some tooling; HEAD on a new branch `pull-request`."""
    repository = Repository(tmp_path / "project")
    repository.write(AGENDA_FILE, YOUTHWORKS, COUNTY_HEALTH, "datapackages/youthworks/datapackage.json",
                     "README.md", "generator/cli.py")
    repository.commit("The initiative")
    repository.git("checkout", "--quiet", "-b", "pull-request")
    return repository


def check(repository: Repository, base: str = "main"):
    return check_changes(Project(repository.root), base)


def describe(problems) -> str:
    return "\n".join(f"  {p.rule} {p.file} [{p.partner}] {p.message} | {p.hint}" for p in problems) or "  (none)"


# Allowed ---------------------------------------------------------------------------------------------------


def test_one_partner_changing_its_own_package_is_allowed(repository: Repository):
    repository.write(YOUTHWORKS, text="indicator,period\nyouth-disconnection,2025\n")
    repository.write("datapackages/youthworks/more.csv")  # a new file in its own folder
    repository.commit("YouthWorks: 2025")

    assert check(repository) == []


def test_the_backbone_changing_only_the_agenda_is_allowed(repository: Repository):
    repository.write(AGENDA_FILE, text="id\nnew-indicator\n")
    repository.write("datapackages/common-agenda/units.csv")
    repository.commit("A new indicator")

    assert check(repository) == []


def test_files_outside_the_packages_are_allowed_alone_and_beside_one_partner(repository: Repository):
    repository.write("README.md", "generator/cli.py", ".github/workflows/validate.yml", "datapackages/README.md",
                     text="changed\n")
    repository.commit("Tooling")
    assert check(repository) == []

    repository.write(YOUTHWORKS, text="changed\n")
    repository.commit("And YouthWorks' data")
    assert check(repository) == []


def test_nothing_changed_is_allowed(repository: Repository):
    assert check(repository) == []


def test_a_rename_inside_one_partner_folder_is_allowed(repository: Repository):
    repository.git("mv", YOUTHWORKS, "datapackages/youthworks/observations-2024.csv")
    repository.commit("Rename")

    assert check(repository) == []


def test_only_the_changes_since_the_merge_base_count(repository: Repository):
    """main moving on (the backbone, another partner) after the branch was made is not this pull request's doing."""
    repository.git("checkout", "--quiet", "main")
    repository.write(COUNTY_HEALTH, AGENDA_FILE, text="changed on main\n")
    repository.commit("Merged meanwhile")
    repository.git("checkout", "--quiet", "pull-request")
    repository.write(YOUTHWORKS, text="changed\n")
    repository.commit("YouthWorks")

    assert check(repository) == []


# Refused ---------------------------------------------------------------------------------------------------


def test_two_partners_in_one_change_is_one_problem_naming_each_partner_and_its_files(repository: Repository):
    repository.write(YOUTHWORKS, "datapackages/youthworks/datapackage.json", COUNTY_HEALTH, text="changed\n")
    repository.commit("Both")

    problems = check(repository)

    assert [(p.rule, p.file, p.severity, p.line) for p in problems] == [
        ("several-partners", COUNTY_HEALTH, ERROR, None)], describe(problems)
    message = problems[0].message
    assert "2 partners" in message
    assert f'"county-health" ({COUNTY_HEALTH})' in message
    assert f'"youthworks" (datapackages/youthworks/datapackage.json, {YOUTHWORKS})' in message
    assert problems[0].hint.startswith("Open one pull request per partner")


def test_a_new_partner_beside_an_existing_one_counts_as_two(repository: Repository):
    repository.write("datapackages/new-partner/datapackage.json", YOUTHWORKS, text="changed\n")
    repository.commit("Both")

    problems = check(repository)

    assert [p.rule for p in problems] == ["several-partners"], describe(problems)
    assert '"new-partner" (datapackages/new-partner/datapackage.json)' in problems[0].message
    assert f'"youthworks" ({YOUTHWORKS})' in problems[0].message


def test_a_partner_and_the_agenda_in_one_change_is_refused(repository: Repository):
    repository.write(YOUTHWORKS, AGENDA_FILE, text="changed\n")
    repository.commit("Data and a new indicator")

    problems = check(repository)

    assert [(p.rule, p.file, p.partner, p.severity) for p in problems] == [
        ("partner-changes-agenda", AGENDA_FILE, "youthworks", ERROR)], describe(problems)
    assert f"common agenda ({AGENDA_FILE})" in problems[0].message
    assert '"youthworks"' in problems[0].message
    assert "backbone's" in problems[0].hint and "pull request of their own" in problems[0].hint


def test_two_partners_and_the_agenda_give_both_problems(repository: Repository):
    repository.write(YOUTHWORKS, COUNTY_HEALTH, AGENDA_FILE, text="changed\n")
    repository.commit("Everything")

    problems = check(repository)

    assert [(p.rule, p.file, p.partner) for p in problems] == [
        ("several-partners", COUNTY_HEALTH, None),
        ("partner-changes-agenda", AGENDA_FILE, None),
    ], describe(problems)
    assert '"county-health" and "youthworks"' in problems[1].message


def test_a_file_moved_from_one_partner_to_another_counts_for_both(repository: Repository):
    repository.git("mv", YOUTHWORKS, "datapackages/county-health/from-youthworks.csv")
    repository.commit("Move")

    problems = check(repository)

    assert [p.rule for p in problems] == ["several-partners"], describe(problems)
    assert '"county-health" (datapackages/county-health/from-youthworks.csv)' in problems[0].message
    assert f'"youthworks" ({YOUTHWORKS})' in problems[0].message


def test_a_file_moved_from_a_partner_into_the_agenda_counts_for_both(repository: Repository):
    repository.git("mv", YOUTHWORKS, "datapackages/common-agenda/observations.csv")
    repository.commit("Move")

    problems = check(repository)

    assert [(p.rule, p.file, p.partner) for p in problems] == [
        ("partner-changes-agenda", "datapackages/common-agenda/observations.csv", "youthworks")], describe(problems)


def test_a_deleted_package_counts_as_a_change_to_it(repository: Repository):
    repository.git("rm", "--quiet", "-r", "datapackages/county-health")
    repository.write(YOUTHWORKS, text="changed\n")
    repository.commit("Delete a package")

    problems = check(repository)

    assert [p.rule for p in problems] == ["several-partners"], describe(problems)
    assert f'"county-health" ({COUNTY_HEALTH})' in problems[0].message


def test_a_long_list_of_files_is_cut_short_with_a_count(repository: Repository):
    many = [f"datapackages/youthworks/part-{number:02d}.csv" for number in range(FILES_NAMED + 3)]
    repository.write(*many, COUNTY_HEALTH, text="changed\n")
    repository.commit("Many files")

    problems = check(repository)

    assert f"{many[FILES_NAMED - 1]} and 3 more" in problems[0].message
    assert many[FILES_NAMED] not in problems[0].message


def test_paths_with_spaces_and_accents_are_read_whole(repository: Repository):
    repository.write("datapackages/youthworks/données 2024.csv", COUNTY_HEALTH, text="changed\n")
    repository.commit("Accents")

    problems = check(repository)

    assert '"youthworks" (datapackages/youthworks/données 2024.csv)' in problems[0].message


def test_a_project_in_a_subfolder_of_the_repository_sees_only_its_own_paths(tmp_path: Path):
    repository = Repository(tmp_path / "monorepo")
    repository.write(f"site/{YOUTHWORKS}", f"site/{COUNTY_HEALTH}", f"other/{COUNTY_HEALTH}")
    repository.commit("Start")
    repository.git("checkout", "--quiet", "-b", "pull-request")
    repository.write(f"site/{YOUTHWORKS}", f"other/{COUNTY_HEALTH}", text="changed\n")
    repository.commit("One partner here, another project's file there")
    assert check_changes(Project(repository.root / "site"), "main") == []

    repository.write(f"site/{COUNTY_HEALTH}", text="changed\n")
    repository.commit("Now two partners in this project")
    problems = check_changes(Project(repository.root / "site"), "main")
    assert [(p.rule, p.file) for p in problems] == [("several-partners", COUNTY_HEALTH)], describe(problems)


# git cannot answer -----------------------------------------------------------------------------------------


def test_an_unknown_base_is_a_git_error_with_git_s_message(repository: Repository):
    problems = check(repository, "no-such-branch")

    assert [(p.rule, p.severity) for p in problems] == [("git-error", ERROR)], describe(problems)
    assert '"no-such-branch"' in problems[0].message
    assert "Not a valid object name no-such-branch" in problems[0].message
    assert "fetch-depth: 0" in problems[0].hint
    assert "Traceback" not in problems[0].message


def test_a_folder_that_is_not_a_git_repository_is_a_git_error(tmp_path: Path):
    folder = tmp_path / "not-a-repository"
    folder.mkdir()

    problems = check_changes(Project(folder), "main")

    assert [p.rule for p in problems] == ["git-error"], describe(problems)
    assert "not a git repository" in problems[0].message


def test_a_base_with_no_common_history_is_a_git_error(repository: Repository):
    repository.git("checkout", "--quiet", "--orphan", "unrelated")
    repository.commit("A history of its own")

    problems = check(repository, "pull-request")

    assert [p.rule for p in problems] == ["git-error"], describe(problems)
    assert 'HEAD and "pull-request" have no commit in common' in problems[0].message


@pytest.mark.parametrize("base", ["--output=written-by-git.txt", "-p", ""])
def test_a_base_that_git_would_read_as_an_option_is_refused(base: str, repository: Repository):
    problems = check(repository, base)

    assert [p.rule for p in problems] == ["git-error"], describe(problems)
    assert "is not a branch, tag or commit" in problems[0].message
    assert not (repository.root / "written-by-git.txt").exists()


# The command -----------------------------------------------------------------------------------------------


def test_the_command_exits_0_for_one_partner_and_1_with_the_problem_for_two(repository: Repository):
    repository.write(YOUTHWORKS, text="changed\n")
    repository.commit("YouthWorks")
    result = run_indicators(repository.root, "check-changes", "--base", "main")
    assert result.returncode == 0, result.stdout + result.stderr

    repository.write(COUNTY_HEALTH, text="changed\n")
    repository.commit("And County Health")
    result = run_indicators(repository.root, "check-changes", "--base", "main")
    assert result.returncode == 1, result.stdout + result.stderr
    assert COUNTY_HEALTH in result.stdout and "[several-partners]" in result.stdout
    assert "How to fix: Open one pull request per partner" in result.stdout


def test_the_command_reports_an_unknown_base_without_a_traceback(repository: Repository):
    result = run_indicators(repository.root, "check-changes", "--base", "no-such-branch", "--format", "json")

    assert result.returncode == 1
    assert [problem["rule"] for problem in json.loads(result.stdout)["problems"]] == ["git-error"]
    assert "Traceback" not in result.stdout + result.stderr


# Revised values: allowed, but each one a warning ----------------------------------------------------------

OBSERVATIONS = ("indicator,period,geography,sex,unit,value,status,note\n"
                "youth-disconnection,2023,cedar-river-county,,percent,12.5,,\n"
                "youth-disconnection,2023,cedar-river-county,Female,percent,11.0,,\n"
                "youth-disconnection,2024,cedar-river-county,,percent,12.1,provisional,\n")


def published(repository: Repository, text: str, branch: str) -> None:
    """`text` as the partner's file, merged into main, and HEAD on a new branch `branch` for the next change."""
    repository.write(YOUTHWORKS, text=text)
    repository.commit("Published")
    repository.git("checkout", "--quiet", "main")
    repository.git("merge", "--quiet", "pull-request")
    repository.git("checkout", "--quiet", "-b", branch)


def test_a_revised_historical_value_is_a_warning_naming_its_line_and_both_values(repository: Repository):
    published(repository, OBSERVATIONS, "revision")
    revised = OBSERVATIONS.replace("Female,percent,11.0,,", 'Female,percent,11.4,,"Revised,\nlate returns"')
    revised = revised.replace("12.1,provisional,", "12.10,,")  # finalised, same number: not a revision
    repository.write(YOUTHWORKS, text=revised + "youth-disconnection,2025,cedar-river-county,,percent,11.9,,\n")
    repository.commit("YouthWorks revises 2023")

    problems = check(repository)

    assert [(p.rule, p.severity, p.file, p.line, p.column, p.partner) for p in problems] == [
        ("revised-value", "warning", YOUTHWORKS, 3, 6, "youthworks")], describe(problems)
    assert problems[0].message == ("A value published before is revised (youth-disconnection, 2023, "
                                   "cedar-river-county, Female): value 11.0 → 11.4.")
    assert problems[0].hint.startswith("Revisions are published with a note: say in the note column why")


def test_revisions_warn_without_failing_the_check(repository: Repository):
    published(repository, OBSERVATIONS, "revision")
    repository.write(YOUTHWORKS, text=OBSERVATIONS.replace("12.5", "13.0"))
    repository.commit("Revision")

    result = run_indicators(repository.root, "check-changes", "--base", "main", "--format", "github")

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"::warning file={YOUTHWORKS},line=2" in result.stdout


def test_a_whole_series_revised_is_summarised_after_the_first_ones(repository: Repository):
    rows = "".join(f"youth-disconnection,{year},cedar-river-county,,percent,{year - 1990},,\n"
                   for year in range(2000, 2030))
    published(repository, "indicator,period,geography,sex,unit,value,status,note\n" + rows, "rebased")
    repository.write(YOUTHWORKS, text="indicator,period,geography,sex,unit,value,status,note\n"
                     + rows.replace(",,percent,", ",,percent,1"))
    repository.commit("Rebased series")

    problems = check(repository)

    from generator.history.boundaries import REVISIONS_NAMED
    assert len(problems) == REVISIONS_NAMED + 1, describe(problems)
    assert problems[-1].message == (f"{30 - REVISIONS_NAMED} more values published before are revised in this "
                                    f"file (30 in all; the first {REVISIONS_NAMED} are listed).")


def test_a_project_in_a_subfolder_reads_its_own_files_at_the_merge_base(tmp_path: Path):
    repository = Repository(tmp_path / "monorepo")
    repository.write(f"site/{YOUTHWORKS}", text=OBSERVATIONS)
    repository.commit("Published")
    repository.git("checkout", "--quiet", "-b", "pull-request")
    repository.write(f"site/{YOUTHWORKS}", text=OBSERVATIONS.replace("12.5", "13.0"))
    repository.commit("Revision")

    problems = check_changes(Project(repository.root / "site"), "main")

    assert [(p.rule, p.file, p.line) for p in problems] == [("revised-value", YOUTHWORKS, 2)], describe(problems)
