"""The site's interactive features in a real browser: the chart selector's state in the address, and embed pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

INDICATOR = "indicators/third-grade-reading/"
SELECT = "#chart-race_ethnicity select"


@pytest.fixture
def page(browser, site_url):
    """A page that records errors and refuses every request to another host."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.errors, page.other_hosts = [], []
    own = urlsplit(site_url).netloc
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


def test_the_selected_group_is_kept_in_the_address_and_restored_from_it(page, site_url):
    page.goto(site_url + INDICATOR + "?race_ethnicity=Black", wait_until="networkidle")
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


def test_an_unknown_group_in_the_address_is_ignored(page, site_url):
    page.goto(site_url + INDICATOR + "?race_ethnicity=%3Cscript%3E", wait_until="networkidle")
    page.wait_for_selector(SELECT, timeout=15000)
    assert _chosen(page) == "All groups"
    assert page.errors == []


def test_embed_page_draws_its_chart_with_no_error_and_no_other_host(page, site_url):
    page.goto(site_url + "embed/third-grade-reading/", wait_until="networkidle")
    page.wait_for_selector("#chart-headline.chart--interactive .chart__interactive svg .mark-line", timeout=15000)
    assert "Third-grade reading" in page.inner_text("h1")
    assert page.locator("table").count() == 1
    assert page.errors == [] and page.other_hosts == []


def test_embed_snippet_gets_the_full_address(page, site_url):
    page.goto(site_url + INDICATOR, wait_until="networkidle")
    snippet = page.inner_text("code[data-embed-path]")
    assert f'<iframe src="{site_url}embed/third-grade-reading/"' in snippet


def test_embed_page_without_javascript_shows_the_static_chart(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "embed/third-grade-reading/")
    image = page.locator("img.chart__static")
    assert image.is_visible()
    assert page.evaluate("(image) => image.complete && image.naturalWidth > 0", image.element_handle())
    context.close()


@pytest.mark.parametrize("image_format, start", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_a_breakdown_chart_s_image_is_made_in_the_browser_from_the_live_chart(page, site_url, image_format, start):
    page.goto(site_url + INDICATOR, wait_until="networkidle")
    offer = page.locator('.chart-downloads[data-chart="race_ethnicity"]')
    offer.wait_for(state="visible", timeout=15000)
    with page.expect_download() as download:
        offer.locator(f'button[data-format="{image_format}"]').click()
    assert download.value.suggested_filename == f"third-grade-reading-race_ethnicity.{image_format}"
    with open(download.value.path(), "rb") as image:
        assert image.read().startswith(start)
    assert page.errors == [] and page.other_hosts == []


def test_without_javascript_a_breakdown_chart_is_read_from_its_table(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_url + INDICATOR, wait_until="networkidle")
        figure = page.locator("#chart-race_ethnicity")
        assert figure.locator("img").count() == 0, "the build draws no image of a breakdown"
        assert "drawn by JavaScript" in figure.inner_text()
        assert page.locator("#table-race_ethnicity").count() == 1
        assert page.locator('.chart-downloads[data-chart="race_ethnicity"]').is_hidden()
        assert page.locator("#chart-headline img.chart__static").is_visible()
    finally:
        context.close()
