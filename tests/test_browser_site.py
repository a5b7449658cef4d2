"""The site's interactive features in a real browser: the chart selector's state in the address, and embed pages."""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium tries to reach Google's hosts at start-up (there is no network to reach here).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
INDICATOR = "indicators/third-grade-reading/"
SELECT = "#chart-race_ethnicity select"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site(example_build):
    handler = functools.partial(_QuietHandler, directory=str(example_build.site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run installs it")
        pytest.skip("Debian's chromium is not installed: run `bash .ci/run`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, site):
    """A page that records errors and refuses every request to another host."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.errors, page.other_hosts = [], []
    own = urlsplit(site).netloc
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def guard(route):
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            page.other_hosts.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    yield page
    page.close()


def _chosen(page) -> str:
    return page.eval_on_selector(SELECT, "(select) => select.selectedOptions[0].textContent")


def _highlighted_lines(page) -> int:
    """Lines drawn at full strength in the race and ethnicity chart."""
    return page.eval_on_selector_all(
        "#chart-race_ethnicity .chart__interactive .mark-line path",
        "(paths) => paths.filter((path) => (path.getAttribute('stroke-opacity') ?? '1') === '1').length")


def test_the_selected_group_is_kept_in_the_address_and_restored_from_it(page, site):
    page.goto(site + INDICATOR + "?race_ethnicity=Black", wait_until="networkidle")
    page.wait_for_selector(SELECT, timeout=15000)
    assert _chosen(page) == "Black"
    assert _highlighted_lines(page) == 1, "only the chosen group's line is at full strength"

    page.select_option(SELECT, label="Asian")
    page.wait_for_function("location.search.includes('race_ethnicity=Asian')", timeout=5000)
    address = page.url
    assert parse_qs(urlsplit(address).query)["race_ethnicity"] == ["Asian"]

    page.goto(address, wait_until="networkidle")
    page.wait_for_selector(SELECT, timeout=15000)
    assert _chosen(page) == "Asian", "a link reproduces the view"

    page.select_option(SELECT, label="All groups")
    page.wait_for_function("!location.search.includes('race_ethnicity')", timeout=5000)
    assert _highlighted_lines(page) == 5
    assert page.errors == [] and page.other_hosts == []


def test_an_unknown_group_in_the_address_is_ignored(page, site):
    page.goto(site + INDICATOR + "?race_ethnicity=%3Cscript%3E", wait_until="networkidle")
    page.wait_for_selector(SELECT, timeout=15000)
    assert _chosen(page) == "All groups"
    assert page.errors == []


def test_embed_page_draws_its_chart_with_no_error_and_no_other_host(page, site):
    page.goto(site + "embed/third-grade-reading/", wait_until="networkidle")
    page.wait_for_selector("#chart-headline.chart--interactive .chart__interactive svg .mark-line", timeout=15000)
    assert "Third-grade reading" in page.inner_text("h1")
    assert page.locator("table").count() == 1
    assert page.errors == [] and page.other_hosts == []


def test_embed_snippet_gets_the_full_address(page, site):
    page.goto(site + INDICATOR, wait_until="networkidle")
    snippet = page.inner_text("code[data-embed-path]")
    assert f'<iframe src="{site}embed/third-grade-reading/"' in snippet


def test_embed_page_without_javascript_shows_the_static_chart(chromium, site):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "embed/third-grade-reading/")
    image = page.locator("img.chart__static")
    assert image.is_visible()
    assert page.evaluate("(image) => image.complete && image.naturalWidth > 0", image.element_handle())
    context.close()
