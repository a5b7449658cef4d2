"""Shared fixtures: the repository, and one real build of the example initiative for the whole session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import api
from generator.project import Project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> api.BuildResult:
    """The shipped example, built by the real pipeline (validate → … → MkDocs) into a temporary folder."""
    folder = tmp_path_factory.mktemp("example")
    result = api.build(Project(REPO), folder / "site", docs_dir=folder / "docs")
    assert result.ok, "the example initiative must build"
    return result


@pytest.fixture
def project_copy(tmp_path) -> Project:
    """A copy of the repository's data, configuration and pages, to change without touching the real ones."""
    for name in ("datapackages", "site_src"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return Project(tmp_path)
