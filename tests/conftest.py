"""Shared fixtures: the repository, and one real build of the example initiative for the whole session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import api
from generator.project import Project

REPO = Path(__file__).resolve().parent.parent
# The browser tests' screenshots, for a person to look at; the folder is named in the run's summary.
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
SCREENSHOTS_WRITTEN: list[Path] = []


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS_WRITTEN:
        terminalreporter.write_sep("-", "screenshots")
        terminalreporter.write_line(f"{len(SCREENSHOTS_WRITTEN)} full-page screenshots written to {SCREENSHOTS}")


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


def run_indicators(root: Path, *arguments: str, env: dict | None = None, cwd: Path | None = None):
    """`indicators --project ROOT ARGUMENTS…` in this process, as a partner or CI would run it.

    In-process because starting Python for each of the corpus's cases took most of the suite's time; a
    traceback still fails the test (it propagates), and the end-to-end tests run the real command.
    """
    import contextlib
    import io
    import os
    from types import SimpleNamespace

    from generator.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    previous_env = {key: os.environ.get(key) for key in (env or {})}
    previous_cwd = Path.cwd()
    try:
        os.environ.update(env or {})
        os.chdir(cwd or root)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(["--project", str(root), *arguments])
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        os.chdir(previous_cwd)
        for key, value in previous_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return SimpleNamespace(returncode=code, stdout=stdout.getvalue(), stderr=stderr.getvalue())
