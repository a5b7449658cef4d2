"""The message catalogues: the template lists every marked text, each language's catalogue translates them all and
keeps their placeholders, and pages and charts written while a language is spoken are in it."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from generator import api
from generator.compute.observations import IndicatorRows, observations_table
from generator.compute.trends import compute_trends, scoreboard, scoreboards_by_goal
from generator.load.project import Project
from generator.publish import languages
from generator.publish.charts import indicator_charts
from generator.publish.pages import SiteContent, iter_pages
from generator.tools import catalogues
from conftest import REPO

SPANISH_PO = languages.LOCALES / "es" / "LC_MESSAGES" / "messages.po"
# %(name)s and %(num)d in the templates' texts, {name} in the code's; %% is a percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", "")))


def _stray_percents(text: str) -> list[str]:
    """Percent signs that are neither a placeholder nor %%: Python's % formatting would fail on them."""
    return re.findall(r"%(?!\(\w+\)[sd]|%)", text.replace("%%", ""))


def test_the_template_matches_the_code_and_every_catalogue_is_complete():
    assert catalogues.problems() == []
    assert catalogues.main(["--check"]) == 0


@pytest.mark.parametrize("code", catalogues.languages())
def test_every_translation_keeps_the_placeholders_of_its_text(code):
    path = languages.LOCALES / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        catalogue = read_po(file, locale=code.replace("-", "_"))
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # A plural's forms may each leave out the count (Spanish's "one" form need not say "1"), but none may
        # bring a placeholder of its own, and the plural form keeps all of the text's.
        wanted = set(_placeholders(ids[-1]))
        for string in strings:
            if not set(_placeholders(string)) <= wanted or _stray_percents(string):
                wrong.append((ids[0], string))
        if _placeholders(strings[-1]) != _placeholders(ids[-1]):
            wrong.append((ids[-1], strings[-1]))
    assert wrong == []


@pytest.fixture(scope="module")
def spanish() -> languages.Language:
    return languages.Language("es", "Español", "es/", languages.load_catalogue(SPANISH_PO, "es"))


@pytest.fixture(scope="module")
def example():
    """The example initiative, validated and computed: what the pages are written from."""
    validated = api.validate(Project(REPO))
    assert validated.report.valid
    agenda, packages = validated.agenda, validated.packages
    observations = observations_table(packages, agenda)
    trends = compute_trends(observations, agenda)
    return agenda, packages, observations, trends, validated.report


def _pages(example, language: languages.Language) -> dict[str, str]:
    agenda, packages, observations, trends, report = example
    content = SiteContent(
        agenda=agenda, packages=packages, observations=observations, trends=trends,
        scoreboard=scoreboard(trends, [indicator.id for indicator in agenda.indicators]),
        goal_scoreboards=scoreboards_by_goal(trends, agenda), charts={}, sparklines=set(), downloads=[],
        report=report,
    )
    with languages.speaking(language):
        return dict(iter_pages(content))


def test_pages_written_in_spanish_are_in_spanish(example, spanish):
    english, spanish_pages = _pages(example, languages.ENGLISH), _pages(example, spanish)
    assert english.keys() == spanish_pages.keys()
    home, methodology = spanish_pages["index.md"], spanish_pages["methodology/index.md"]
    assert "## El avance de un vistazo" in home and "Progress at a glance" not in home
    assert "indicadores mejorando o en su objetivo" in home and "improving or at target" not in home
    assert "# Cómo se calculan las tendencias y el avance" in methodology
    assert "How trends and progress are computed" not in methodology
    assert "## Progress at a glance" in english["index.md"], "English is spoken outside `speaking`"
    indicator = next(text for path, text in spanish_pages.items() if path.startswith("indicators/"))
    assert "## Cómo se determinó el estado" in indicator and "How the status was worked out" not in indicator


def test_charts_drawn_in_spanish_are_in_spanish(example, spanish):
    agenda, _packages, observations, trends, _report = example
    rows = IndicatorRows.of(observations, agenda.dimension_ids, trends.dimensions_used)
    indicator = next(item for item in agenda.indicators if item.has_target and trends.series_of(item.id))
    with languages.speaking(spanish):
        charts = indicator_charts(indicator, rows.rows(indicator.id), trends.series_of(indicator.id), agenda)
    english = indicator_charts(indicator, rows.rows(indicator.id), trends.series_of(indicator.id), agenda)
    headline, english_headline = charts[0], english[0]
    assert headline.table.columns[0] == "Período" and english_headline.table.columns[0] == "Period"
    assert '"title":"Período"' in headline.spec_json and '"title":"Period"' not in headline.spec_json
    assert "Objetivo: " in headline.spec_json and "Estado: " in headline.description
    # The data stay as they are: the same values in both languages.
    assert headline.spec["datasets"]["rows"][0]["value"] == english_headline.spec["datasets"]["rows"][0]["value"]
