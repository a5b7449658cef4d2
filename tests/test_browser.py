"""The built site in a real browser: Debian's Chromium, driven by Playwright, with other hosts blocked."""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium tries to reach Google's hosts at start-up (there is no network to reach here).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def site_url(example_build):
    handler = functools.partial(_QuietHandler, directory=str(example_build.site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run installs it")
        pytest.skip("Debian's chromium is not installed: run `bash .ci/run`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("path", ["", "indicators/third-grade-reading/"])
@pytest.mark.parametrize("width", [360, 1280])
def test_page_renders_its_chart_with_no_other_host_and_no_console_error(browser, site_url, path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    console_errors: list[str] = []
    other_hosts: list[str] = []
    own_host = urlsplit(site_url).netloc
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))

    def guard(route):
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            other_hosts.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(site_url + path, wait_until="networkidle")
    if path.startswith("indicators/"):
        # Vega drew the chart: the interactive container holds an SVG with marks, and the static one is hidden.
        page.wait_for_selector("#chart-headline.chart--interactive .chart__interactive svg .mark-line", timeout=15000)
        assert page.locator("#chart-headline img.chart__static").is_hidden()
        assert page.locator("figure.chart").count() >= 4
    else:
        assert "indicators improving or at target" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
        "no horizontal scrolling at this width"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{path.strip('/').replace('/', '-') or 'home'}-{width}.png"),
                    full_page=True)
    page.close()
    assert other_hosts == [], "the site must make no request to another host"
    assert console_errors == []


def test_indicator_page_without_javascript_shows_verdict_static_chart_and_table(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "indicators/kindergarten-readiness/")
    assert page.locator(".verdict .status").inner_text().strip().endswith("Some progress")
    static = page.locator("#chart-headline img.chart__static")
    assert static.is_visible()
    assert page.evaluate("(image) => image.complete && image.naturalWidth > 0", static.element_handle())
    assert "2024-25" in page.locator("details.chart-table table").first.inner_text()
    context.close()


SCRIPT = "<script>window.__xss=1</script>"
IMAGE = "<img src=x onerror=window.__xss=2>"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, repo):
    """The example with markup in every text a partner or the agenda supplies, built by the real pipeline."""
    import json
    import shutil

    from generator import api
    from generator.project import Project

    root = tmp_path_factory.mktemp("hostile")
    for name in ("datapackages", "site_src"):
        shutil.copytree(repo / name, root / name)
    shutil.copy(repo / "mkdocs.yml", root / "mkdocs.yml")
    agenda = root / "datapackages" / "common-agenda"
    for table, replacements in {
        "goals.csv": [("Every child enters school ready to learn", f"Ready {SCRIPT}"),
                      ("Children arrive at kindergarten", f"{IMAGE} Children arrive at kindergarten")],
        "indicators.csv": [("Kindergarten readiness,", f"Kindergarten {SCRIPT} readiness,"),
                           ("Percentage of kindergartners", f"{IMAGE} Percentage of kindergartners")],
        "dimensions.csv": [("Race and ethnicity", f"Race {SCRIPT}")],
    }.items():
        text = (agenda / table).read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text
            text = text.replace(old, new, 1)
        (agenda / table).write_text(text, encoding="utf-8")
    group = f"Asian {IMAGE}"
    for path in [agenda / "groups.csv", *(root / "datapackages").glob("*/observations.csv")]:
        text = path.read_text(encoding="utf-8")
        text = text.replace(",Asian\n", f",{group}\n") if path.name == "groups.csv" else text.replace(",Asian,", f",{group},")
        path.write_text(text, encoding="utf-8")
    notes = root / "datapackages" / "early-years-coalition" / "observations.csv"
    notes.write_text(notes.read_text(encoding="utf-8").replace(",,,,,provisional,", f",,,,,provisional,{SCRIPT}"),
                     encoding="utf-8")
    descriptor_path = root / "datapackages" / "early-years-coalition" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["title"] = f"Early Years {SCRIPT}"
    descriptor["description"] = f"{IMAGE} A coalition."
    descriptor["partner"]["activities"] = SCRIPT
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")

    result = api.build(Project(root), root / "site", docs_dir=root / "docs")
    assert result.ok, [problem.message for problem in result.report.errors][:3]
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.parametrize("path", ["", "goals/ready-for-school/", "indicators/kindergarten-readiness/",
                                  "partners/early-years-coalition/", "data/"])
def test_markup_in_partner_and_agenda_text_is_shown_never_run(browser, hostile_site, path):
    page = browser.new_page()
    page.goto(hostile_site + path, wait_until="networkidle")
    page.wait_for_timeout(300)
    for point in page.locator(".chart__interactive .mark-symbol path").all()[:4]:
        point.hover(force=True)  # tooltips show group names and notes
        page.wait_for_timeout(100)
    assert page.evaluate("window.__xss") is None, "injected markup ran"
    scripts = page.evaluate("[...document.querySelectorAll('script')].map(s => s.textContent)")
    assert not any("window.__xss" in text for text in scripts if not text.lstrip().startswith("{"))
    assert page.locator("img[src='x']").count() == 0
    if path not in ("", "data/"):
        assert "<script>" in page.inner_text("main") or "<img" in page.inner_text("main"), \
            "the markup is shown to the reader as text"
    page.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass
