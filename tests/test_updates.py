"""Data releases from a package's history: a tiny git repository built in tmp_path, and the fallback without git."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest

from generator.compute.trends import method
from generator.cache import Store
from generator.history.releases import FROM_GIT, FROM_PACKAGES, collect_updates
from generator.publish.feed import ATOM, atom_feed, release_summary
from generator.validate import validate_project

PARTNER = "county-health"
SCRIPT = "<script>alert(1)</script>"


def _git(root, *arguments, date="2025-01-15T10:00:00+00:00"):
    # Fixed dates and identity: the releases' dates come from the commits, so they must not come from the clock.
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "Test",
           "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True, env=env)


def _edit_package(project, *, version, replace=(), append=""):
    folder = project.datapackages / PARTNER
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = version
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    data = folder / "observations.csv"
    text = data.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text
        text = text.replace(old, new, 1)
    data.write_text(text + append, encoding="utf-8")


@pytest.fixture
def history(project_copy):
    """The example in a repository: a first commit of everything, then one county-health release."""
    root = project_copy.root
    _git(root, "init", "--quiet", "--initial-branch=main")
    _git(root, "add", "datapackages")
    _git(root, "commit", "--quiet", "-m", "First publication")
    _edit_package(
        project_copy, version="4.1.0",
        # A revised value, and a provisional value confirmed as final.
        replace=[("adult-smoking,2024,cedar-river-county,,,,percent,13.8,12.4,15.2,,,provisional,",
                  "adult-smoking,2024,cedar-river-county,,,,percent,13.5,12.4,15.2,,,,")],
        append="adult-smoking,2025,cedar-river-county,,,,percent,13.1,,,,,provisional,\n",
    )
    _git(root, "commit", "--quiet", "-am", "County health: 2025 smoking estimate", date="2025-03-01T09:30:00+00:00")
    return project_copy


def _updates(project):
    validated = validate_project(project)
    assert validated.report.valid, [problem.message for problem in validated.report.errors][:3]
    return validated, collect_updates(project.root, validated.agenda, validated.packages)


def test_a_commit_to_a_package_is_a_release_with_its_new_periods_and_revised_values(history):
    validated, updates = _updates(history)
    assert updates.source == FROM_GIT
    newest = updates.releases[0]
    assert (newest.partner, newest.version, newest.previous_version) == (PARTNER, "4.1.0", "4.0.1")
    assert newest.date == "2025-03-01T09:30:00+00:00"
    assert newest.message == "County health: 2025 smoking estimate"
    assert not newest.first
    [change] = newest.changes
    assert change.indicator == "adult-smoking"
    assert change.new_periods == ("2025",)
    [revision] = change.revised
    assert (revision.period, revision.geography, revision.before, revision.after) == (
        "2024", "cedar-river-county", 13.8, 13.5)
    assert release_summary(newest, validated.agenda, method.STATUS_NAMES) == [
        "Adult smoking: new period 2025; 1 revised value."]
    # The first commit published every partner once, and each of those releases is a first publication.
    firsts = updates.releases[1:]
    assert sorted(release.partner for release in firsts) == sorted(package.slug for package in validated.packages)
    assert all(release.first and release.date == "2025-01-15T10:00:00+00:00" for release in firsts)


def test_a_commit_that_leaves_the_data_alone_is_no_release(history):
    readme = history.datapackages / PARTNER / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nA note for partners.\n", encoding="utf-8")
    _git(history.root, "commit", "--quiet", "-am", "Docs only", date="2025-04-01T00:00:00+00:00")
    _, updates = _updates(history)
    assert updates.releases[0].message == "County health: 2025 smoking estimate"


def test_a_status_change_is_reported(history):
    # Smoking rising back above its base turns the indicator from progress to deterioration.
    _edit_package(history, version="4.2.0", append="adult-smoking,2026,cedar-river-county,,,,percent,25.0,,,,,,\n")
    _git(history.root, "commit", "--quiet", "-am", "Bad news", date="2025-05-01T00:00:00+00:00")
    validated, updates = _updates(history)
    [change] = updates.releases[0].changes
    assert change.status_changed and change.status_after == method.DETERIORATION
    assert "status changed from" in release_summary(updates.releases[0], validated.agenda, method.STATUS_NAMES)[0]


def test_an_uncommitted_package_is_a_release_dated_by_the_package(history):
    _edit_package(history, version="5.0.0", append="adult-smoking,2026,cedar-river-county,,,,percent,12.9,,,,,,\n")
    descriptor_path = history.datapackages / PARTNER / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["created"] = "2026-02-02"
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    _, updates = _updates(history)
    newest = updates.releases[0]
    assert (newest.version, newest.previous_version, newest.commit, newest.date) == ("5.0.0", "4.1.0", "",
                                                                                      "2026-02-02T00:00:00Z")
    assert newest.changes[0].new_periods == ("2026",)


def test_without_a_repository_each_package_is_one_release_and_the_page_says_why(project_copy):
    validated, updates = _updates(project_copy)
    assert updates.source == FROM_PACKAGES
    assert "not a git repository" in updates.note
    assert len(updates.releases) == len(validated.packages)
    assert all(release.first and not release.commit for release in updates.releases)


def test_without_git_installed_the_packages_are_the_releases(history, monkeypatch):
    monkeypatch.setenv("PATH", str(history.root / "no-such-bin"))
    _, updates = _updates(history)
    assert updates.source == FROM_PACKAGES
    assert updates.note == "git is not installed"


def test_the_number_of_releases_is_bounded(history):
    validated = validate_project(history)
    updates = collect_updates(history.root, validated.agenda, validated.packages, limit=2)
    assert len(updates.releases) == 2
    assert updates.releases[0].version == "4.1.0"


def test_the_same_history_gives_the_same_feed(history):
    validated, first = _updates(history)
    _, second = _updates(history)
    assert atom_feed(first, validated.agenda, "Site", method.STATUS_NAMES) == atom_feed(
        second, validated.agenda, "Site", method.STATUS_NAMES)


def test_the_feed_is_atom_and_escapes_partner_text(history):
    descriptor_path = history.datapackages / PARTNER / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["title"] = f"Health {SCRIPT} & Co"
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    validated, updates = _updates(history)
    feed = atom_feed(updates, validated.agenda, f"Site {SCRIPT}", method.STATUS_NAMES)
    assert b"<script>" not in feed and b"&lt;script&gt;" in feed
    root = ET.fromstring(feed)
    assert root.tag == f"{{{ATOM}}}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{{{ATOM}}}{required}").text
    entries = root.findall(f"{{{ATOM}}}entry")
    assert len(entries) == len(updates.releases)
    titles = [entry.find(f"{{{ATOM}}}title").text for entry in entries]
    assert f"Health {SCRIPT} & Co published version 4.1.0" in titles
    ids = [entry.find(f"{{{ATOM}}}id").text for entry in entries]
    assert len(set(ids)) == len(ids), "each entry has its own id"
    assert root.find(f"{{{ATOM}}}updated").text == "2025-03-01T09:30:00+00:00"


def _release_files(cache):
    return sorted((cache / "releases").rglob("*.pickle"))


def test_a_rebuild_takes_each_commits_release_from_the_cache_and_gives_the_same_releases(history, monkeypatch):
    import generator.history.releases as updates

    validated = validate_project(history)
    cache = history.root / "build" / "cache"
    fresh = collect_updates(history.root, validated.agenda, validated.packages)
    first = collect_updates(history.root, validated.agenda, validated.packages, store=Store(cache), salt="agenda")
    assert first == fresh
    assert len(_release_files(cache)) == len(validated.packages) + 1, "one entry a commit of each package"

    def no_computing(*arguments):
        raise AssertionError("a stored release was computed again")

    monkeypatch.setattr(updates, "_release", no_computing)
    again = collect_updates(history.root, validated.agenda, validated.packages, store=Store(cache), salt="agenda")
    assert again == fresh
    feed = atom_feed(again, validated.agenda, "Site", method.STATUS_NAMES)
    assert feed == atom_feed(fresh, validated.agenda, "Site", method.STATUS_NAMES), "the same bytes from the cache"


def test_after_a_new_commit_only_its_release_is_computed(history, monkeypatch):
    import generator.history.releases as updates

    validated = validate_project(history)
    cache = history.root / "build" / "cache"
    collect_updates(history.root, validated.agenda, validated.packages, store=Store(cache), salt="agenda")
    _edit_package(history, version="4.2.0", append="adult-smoking,2026,cedar-river-county,,,,percent,25.0,,,,,,\n")
    _git(history.root, "commit", "--quiet", "-am", "Bad news", date="2025-05-01T00:00:00+00:00")
    validated = validate_project(history)
    computed = []
    real_release = updates._release
    monkeypatch.setattr(updates, "_release",
                        lambda *arguments: computed.append(arguments[5]) or real_release(*arguments))
    cached = collect_updates(history.root, validated.agenda, validated.packages, store=Store(cache), salt="agenda")
    newest = cached.releases[0]
    assert computed == [newest.commit] and newest.message == "Bad news"
    monkeypatch.setattr(updates, "_release", real_release)
    assert cached == collect_updates(history.root, validated.agenda, validated.packages)


def test_another_agenda_or_generator_computes_the_releases_again(history):
    validated = validate_project(history)
    cache = history.root / "build" / "cache"
    collect_updates(history.root, validated.agenda, validated.packages, store=Store(cache), salt="agenda")
    stored = _release_files(cache)
    collect_updates(history.root, validated.agenda, validated.packages, store=Store(cache), salt="another agenda")
    assert len(_release_files(cache)) == 2 * len(stored)


@pytest.mark.parametrize("damage", [b"", b"not a pickle", None])
def test_a_damaged_cache_entry_is_computed_again(history, damage):
    import pickle

    validated = validate_project(history)
    cache = history.root / "build" / "cache"
    fresh = collect_updates(history.root, validated.agenda, validated.packages, store=Store(cache), salt="agenda")
    for path in _release_files(cache):
        # Truncated, garbage, or a valid pickle of something else stored under the wrong key.
        path.write_bytes(damage if damage is not None else pickle.dumps(("another key", fresh.releases[0])))
    assert collect_updates(history.root, validated.agenda, validated.packages, store=Store(cache), salt="agenda") == fresh
    assert collect_updates(history.root, validated.agenda, validated.packages, store=Store(cache), salt="agenda") == fresh


def test_a_commit_that_only_reorders_rows_is_a_release_without_changes(history):
    path = history.datapackages / PARTNER / "observations.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    _edit_package(history, version="4.1.1")
    _git(history.root, "commit", "--quiet", "-am", "Sorted differently", date="2025-04-01T00:00:00+00:00")
    _, updates = _updates(history)
    assert (updates.releases[0].version, updates.releases[0].changes) == ("4.1.1", ())
    # Without a new version it is the same package: no release.
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    _git(history.root, "commit", "--quiet", "-am", "Sorted back", date="2025-04-02T00:00:00+00:00")
    _, updates = _updates(history)
    assert updates.releases[0].message == "Sorted differently"


def test_each_of_several_releases_is_compared_with_the_commit_before_it(history):
    revisions = [("13.5,12.4,15.2", "13.4,12.4,15.2"),
                 ("2025,cedar-river-county,,,,percent,13.1,", "2025,cedar-river-county,,,,percent,13.0,")]
    for number, revision in enumerate(revisions):
        _edit_package(history, version=f"4.{number + 2}.0", replace=[revision],
                      append=f"adult-smoking,{2026 + number},cedar-river-county,,,,percent,12.{number},,,,,,\n")
        _git(history.root, "commit", "--quiet", "-am", f"Release {number}",
             date=f"2025-0{number + 5}-01T00:00:00+00:00")
    validated = validate_project(history)  # validation refuses 2027, not begun yet; releases are not its judge
    updates = collect_updates(history.root, validated.agenda, validated.packages)
    newest, previous = updates.releases[:2]
    assert (newest.version, newest.previous_version, previous.version) == ("4.3.0", "4.2.0", "4.2.0")
    [change] = newest.changes
    assert change.new_periods == ("2027",)
    [revision] = change.revised
    assert (revision.period, revision.before, revision.after) == ("2025", 13.1, 13.0)
    [change] = previous.changes
    assert change.new_periods == ("2026",)
    [revision] = change.revised
    assert (revision.period, revision.before, revision.after) == ("2024", 13.5, 13.4)


def test_a_release_and_the_pull_request_check_find_the_same_revised_values(history):
    from generator.history.boundaries import check_changes

    _edit_package(history, version="4.2.0", replace=[
        ("2016,cedar-river-county,,Female,,percent,16.4,", "2016,cedar-river-county,,Female,,percent,16.9,"),
        ("2016,eastport,,,,percent,20.3,", "2016,eastport,,,,percent,20.30,"),  # the same number: not revised
        ("child-obesity,2016-17,cedar-river-county,,,,percent,17.3,,,,,,",
         "child-obesity,2016-17,cedar-river-county,,,,percent,,,,,,suppressed,"),  # a value withdrawn is revised
    ])
    _git(history.root, "commit", "--quiet", "-am", "Revisions", date="2025-05-01T00:00:00+00:00")
    validated = validate_project(history)
    [release, *_] = collect_updates(history.root, validated.agenda, validated.packages).releases
    released = sorted((change.indicator, revision.period, revision.geography, *(group for _, group in revision.groups))
                      for change in release.changes for revision in change.revised)
    warned = sorted(tuple(problem.message.split("revised (", 1)[1].split("):", 1)[0].split(", "))
                    for problem in check_changes(history, "HEAD~1") if problem.rule == "revised-value")
    assert released == warned == [("adult-smoking", "2016", "cedar-river-county", "Female"),
                                  ("child-obesity", "2016-17", "cedar-river-county")]
