"""The built site in a real browser: Debian's Chromium, driven by Playwright, with other hosts blocked.

Every template is checked in light and dark mode at a phone's and a desktop's width: axe-core finds no WCAG 2.2
A/AA violation, the page asks no other host for anything, logs no error and never scrolls sideways, and a
full-page screenshot is kept for a person to look at (the folder is named at the end of the test run).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from generator.publish.chart_templates import DARK_COLOURS, MAP_DARK_COLOURS
from conftest import SCREENSHOTS, SCREENSHOTS_WRITTEN, serve

pytestmark = pytest.mark.browser


# One page of each template.
TEMPLATES = {
    "home": "",
    "goal": "goals/ready-for-school/",
    "indicator": "indicators/third-grade-reading/",
    "partner": "partners/early-years-coalition/",
    "data": "data/",
    "methodology": "methodology/",
    "updates": "updates/",
    "embed": "embed/third-grade-reading/",
    # The Spanish tree: its interface from the catalogue, and a text without a translation marked in English.
    "home-es": "es/",
    "indicator-es": "es/indicators/infant-mortality/",
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCHEMES = {"light": "default", "dark": "slate"}  # the reader's preference → mkdocs-material's palette scheme


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per colour scheme: mkdocs-material follows the reader's preference on a first visit."""
    made = {scheme: browser.new_context(color_scheme=scheme) for scheme in SCHEMES}
    yield made
    for context in made.values():
        context.close()


class Visit:
    """A page opened with other hosts refused, and what it logged as errors, for one test."""

    def __init__(self, context, site_url: str, width: int):
        self.page = context.new_page()
        self.page.set_viewport_size({"width": width, "height": 900})
        self.console_errors: list[str] = []
        self.other_hosts: list[str] = []
        self._own_host = urlsplit(site_url).netloc
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.route("**/*", self._guard)

    def _guard(self, route):
        if urlsplit(route.request.url).netloc == self._own_host:
            route.continue_()
        else:
            self.other_hosts.append(route.request.url)
            route.abort()


# True once every chart has been drawn by Vega-Embed: its SVG is then part of the page axe checks.
CHARTS_DRAWN = """() => [...document.querySelectorAll("figure.chart[data-spec-url]")].every(
    figure => figure.classList.contains("chart--interactive") && figure.querySelector(".chart__interactive svg"))"""

# Each drawn chart's name and role, its caption, and the colours its marks are drawn in.
DRAWN_CHARTS = """() => [...document.querySelectorAll("figure.chart .chart__interactive svg")].map(svg => ({
    role: svg.getAttribute("role"), label: svg.getAttribute("aria-label"),
    caption: svg.closest("figure").querySelector("figcaption").textContent.trim(),
    colours: [...new Set([...svg.querySelectorAll("[stroke], [fill]").values()].flatMap(
        mark => [mark.getAttribute("stroke"), mark.getAttribute("fill")]).filter(Boolean))],
}))"""


def _axe_report(violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe-core violation(s):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}, "
                     f"{len(violation['nodes'])} element(s); {violation['helpUrl']}")
        for node in violation["nodes"][:4]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:240]}")
            if node.get("failureSummary"):
                lines.append("       " + " ".join(node["failureSummary"].split())[:400])
    return "\n".join(lines)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("template", list(TEMPLATES))
def test_template_is_accessible_self_contained_and_fits(contexts, site_url, template, scheme, width):
    from axe_playwright_python.sync_playwright import Axe

    visit = Visit(contexts[scheme], site_url, width)
    page = visit.page
    response = None
    try:
        response = page.goto(site_url + TEMPLATES[template], wait_until="networkidle")
        assert response.ok, f"/{TEMPLATES[template]} answered {response.status}"
        if template == "embed":  # a page for other sites' iframes: no theme, it follows the reader's setting
            assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        else:
            assert page.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[scheme]
        page.wait_for_function(CHARTS_DRAWN, timeout=15000)
        for chart in page.evaluate(DRAWN_CHARTS):
            assert (chart["role"], chart["label"]) == ("img", chart["caption"]), "the chart is one image, named"
            light_colours = {colour.lower() for colour in chart["colours"]} & {*DARK_COLOURS, *MAP_DARK_COLOURS}
            if scheme == "dark":
                assert not light_colours, "a colour chosen for white is drawn on the dark page"
            else:
                assert light_colours, "the chart is drawn in the spec's own colours"
        if template == "indicator":
            assert page.locator("figure.chart").count() >= 4
            assert page.locator("#chart-headline img.chart__static").is_hidden()
        elif template == "home":
            assert "indicators improving or at target" in page.inner_text("main")

        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                           "resultTypes": ["violations"]})
        violations = results.response["violations"]
        assert not violations, _axe_report(violations)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            "no horizontal scrolling at this width"
    finally:
        # Also when a check failed: the picture often shows why.
        if response is not None and response.ok:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shot = SCREENSHOTS / f"{template}-{scheme}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            SCREENSHOTS_WRITTEN.append(shot)
        page.close()
    assert visit.other_hosts == [], "the site must make no request to another host"
    assert visit.console_errors == []


# What has keyboard focus now: which of the chart tables' controls it is, and whether it shows that it has focus.
FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        html: element.outerHTML.slice(0, 120),
        summary: element.matches("details.chart-table > summary") ? element.textContent.trim() : null,
        region: element.matches(".table-scroll") ? element.getAttribute("aria-labelledby") : null,
        visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
    };
}"""


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_tab_reaches_every_chart_table_and_scroll_region_with_visible_focus(contexts, site_url, scheme):
    page = Visit(contexts[scheme], site_url, 1280).page
    page.goto(site_url + TEMPLATES["indicator"], wait_until="networkidle")
    page.wait_for_function(CHARTS_DRAWN, timeout=15000)
    summaries = page.locator("details.chart-table > summary").all_inner_texts()
    regions = page.evaluate("""[...document.querySelectorAll(".table-scroll")]
        .filter(region => region.checkVisibility()).map(region => region.getAttribute("aria-labelledby"))""")
    assert len(summaries) >= 4 and len(regions) >= 2
    reached_summaries, reached_regions, not_shown = [], [], []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["summary"] is None and focused["region"] is None:
            continue
        (reached_summaries if focused["summary"] else reached_regions).append(
            focused["summary"] or focused["region"])
        if not focused["visible"]:
            not_shown.append(focused["html"])
        if len(reached_summaries) == len(summaries) and len(reached_regions) == len(regions):
            break
    page.close()
    assert [text.strip() for text in summaries] == reached_summaries
    assert regions == reached_regions
    assert not_shown == [], "these show no focus indicator (outline or box-shadow)"


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
    from generator.load.project import Project

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
    translations = agenda / "translations.csv"  # the group's Spanish name, under its new id
    translations.write_text(translations.read_text(encoding="utf-8").replace(
        ",race_ethnicity/Asian,", f",race_ethnicity/{group},"), encoding="utf-8")
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
    with serve(root / "site") as address:
        yield address


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


def test_the_language_selector_opens_this_same_page_in_the_other_language(contexts, site_url):
    visit = Visit(contexts["light"], site_url, 1280)
    page = visit.page
    try:
        page.goto(site_url + "indicators/teen-births/", wait_until="networkidle")
        # The theme's menu shows on hover; the link is what a reader's click follows, with the theme's script on.
        with page.expect_navigation():
            page.evaluate("document.querySelector('a.md-select__link[hreflang=es]').click()")
        assert page.url == site_url + "es/indicators/teen-births/"
        assert page.locator("html").get_attribute("lang") == "es"
        with page.expect_navigation():
            page.evaluate("document.querySelector('a.md-select__link[hreflang=en]').click()")
        assert page.url == site_url + "indicators/teen-births/"
        assert not visit.console_errors and not visit.other_hosts
    finally:
        page.close()
