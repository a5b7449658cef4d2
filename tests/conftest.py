"""Shared fixtures: the repository, and one real build of the example initiative for the whole session."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from generator import api
from generator.load.project import Project

REPO = Path(__file__).resolve().parent.parent

# Hypothesis's own profiles: "default", and "ci", which it loads when CI is set (as .ci/run has it): the same
# examples on every run. "thorough" is for a property that costs seconds an example, such as a whole build
# (test_build_property.py), which draws a few in the others: `pytest --hypothesis-profile=thorough`, or
# HYPOTHESIS_PROFILE=thorough. The tests that set their own number of examples keep it.
settings.register_profile("thorough", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

# The browser tests' screenshots, for a person to look at; the folder is named in the run's summary.
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
SCREENSHOTS_WRITTEN: list[Path] = []
CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium tries to reach Google's hosts at start-up (there is no network to reach here).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


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


def run_indicators(root: Path, *arguments: str, env: dict | None = None, cwd: Path | None = None,
                   unexpected_error: bool = False):
    """`indicators --project ROOT ARGUMENTS…` in this process, as a partner or CI would run it.

    In-process because starting Python for each of the corpus's cases took most of the suite's time; the
    end-to-end tests run the real command. An unexpected error (exit 3, its traceback in build/last-error.txt)
    fails the test with that traceback, unless the test expects one (`unexpected_error`).
    """
    import contextlib
    import io
    import os
    from types import SimpleNamespace

    from generator.cli import EXIT_UNEXPECTED, LAST_ERROR, main

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
    if code == EXIT_UNEXPECTED and not unexpected_error:
        last_error = root / "build" / LAST_ERROR
        details = last_error.read_text(encoding="utf-8") if last_error.is_file() else ""
        raise AssertionError(stderr.getvalue() + details)
    return SimpleNamespace(returncode=code, stdout=stdout.getvalue(), stderr=stderr.getvalue())


@contextlib.contextmanager
def serve(folder: Path):
    """A built site over HTTP on a free local port, as a reader's browser gets it; yields its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def site_url(example_build):
    with serve(example_build.site_dir) as address:
        yield address


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright's executable_path (`playwright install` would download another)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run installs it")
        pytest.skip("Debian's chromium is not installed: run `bash .ci/run`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass
