"""The site in more than one language: the example is built in English (at the root) and Spanish (/es/)."""

from __future__ import annotations

import csv
import posixpath
import re
from pathlib import Path

import pytest
import yaml

from generator.load.project import Project
from generator.publish import languages
from generator.publish.formatting import format_value
from generator.publish.site import site_src_files
from conftest import run_indicators

SPANISH_LINKS = re.compile(r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link">')


def spanish() -> languages.Language:
    return languages.site_languages(Project(Path(__file__).resolve().parents[1]).mkdocs_yml)[1]


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_the_spanish_tree_is_built_in_spanish_with_a_selector_on_every_page(example_build):
    site = example_build.site_dir
    english = read(site, "indicators/teen-births/index.html")
    spanish_page = read(site, "es/indicators/teen-births/index.html")
    assert '<html lang="en"' in english and '<html lang="es"' in spanish_page
    # The same page in each language, linked both ways; the selector's links carry hreflang.
    assert SPANISH_LINKS.findall(english) == [("./", "en"), ("../../es/indicators/teen-births/", "es")]
    assert SPANISH_LINKS.findall(spanish_page) == [("../../../indicators/teen-births/", "en"), ("./", "es")]
    assert SPANISH_LINKS.findall(read(site, "es/index.html")) == [("../", "en"), ("./", "es")]
    for page in ("es/goals/ready-for-school/index.html", "es/data/index.html", "es/about/index.html"):
        assert len(SPANISH_LINKS.findall(read(site, page))) == 2, page
    # The agenda's texts come from translations.csv; the theme's interface and search speak Spanish.
    assert "Tasa de natalidad en adolescentes" in spanish_page and "Teen birth rate" in english
    assert "Todos los niños ingresan a la escuela listos para aprender" in read(site, "es/index.html")
    assert '"lang":["es"]' in read(site, "es/search/search_index.json")[:100]  # search stems Spanish words
    # A group by its Spanish name in the chart and the gaps table; the data keep the agenda's.
    assert '"group":"Asiático"' in read(site, "es/indicators/third-grade-reading/race_ethnicity.vl.json")
    assert '"group":"Asian"' in read(site, "indicators/third-grade-reading/race_ethnicity.vl.json")
    assert '<th scope="row">Hispano o latino</th>' in read(site, "es/indicators/third-grade-reading/index.html")
    assert "Hispano" not in read(site, "data/indicators/third-grade-reading.csv")
    # Hand-written pages and narratives in their Spanish versions.
    assert "kínder" in read(site, "es/index.html")
    assert "untranslated" not in read(site, "es/about/index.html")


def test_a_text_without_a_translation_is_shown_in_english_and_marked(example_build):
    site = example_build.site_dir
    page = read(site, "es/indicators/infant-mortality/index.html")
    # translations.csv leaves out this one definition on purpose.
    assert re.search(r'<span class="untranslated" lang="en" title="[^"]+">Deaths before the first birthday', page)
    assert "Mortalidad infantil" in page  # its title is translated, and not marked
    assert 'class="untranslated"' not in read(site, "indicators/infant-mortality/index.html")
    # A partner's texts and activities: translated where translations.csv has them, else as written, marked.
    partner = read(site, "es/partners/county-health/index.html")
    assert "El Departamento de Salud del Condado de Cedar River protege" in partner and "Salud pública" in partner
    assert "Visitas a domicilio para madres y padres primerizos" in partner
    for text in ("Stop-smoking service", "Free counselling"):
        assert re.search(rf'<span class="untranslated" lang="en" title="[^"]+">{text}', partner), text
    assert re.search(r'<span class="untranslated" lang="en" title="[^"]+">Cedar River Early Years Coalition brings together',
                     read(site, "es/partners/early-years-coalition/index.html"))
    # The initiative's vision is translated in translations.csv.
    assert "Cada niño, niña y joven del condado de Cedar River" in read(site, "es/index.html")


def test_the_data_are_published_once_and_every_spanish_link_to_them_resolves(example_build):
    site = example_build.site_dir
    assert not [path for path in (site / "es").rglob("*") if path.suffix in (".csv", ".zip")]
    assert (site / "es" / "data" / "index.html").is_file()  # the data page itself is translated
    checked = 0
    for page in (site / "es").rglob("index.html"):
        folder = page.parent.relative_to(site).as_posix()
        for href in re.findall(r'href="([^"#:]*data/[^"#:]+\.(?:csv|json|zip))"', page.read_text(encoding="utf-8")):
            target = posixpath.normpath(posixpath.join(folder, href))
            assert target.startswith("data/") and (site / target).is_file(), f"{page}: {href}"
            checked += 1
    assert checked > 20


def test_numbers_are_written_as_the_language_writes_them():
    from generator.load.agenda import Indicator, Unit

    indicator = Indicator("x", "g", "X", "X.", "percent", "increase", 1, "p")
    with languages.speaking(spanish()):
        assert format_value(1234.5, indicator, Unit("percent", "Percent", "%")) == "1.234,5%"
    assert format_value(1234.5, indicator, Unit("percent", "Percent", "%")) == "1,234.5%"


def test_a_hand_written_page_without_a_translation_is_kept_and_marked(tmp_path):
    (tmp_path / "about.md").write_text("# About\n\nWho we are.\n", encoding="utf-8")
    (tmp_path / "contribute.md").write_text("# Contribute\n", encoding="utf-8")
    (tmp_path / "contribute.es.md").write_text("# Contribuir\n", encoding="utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "site.css").write_text("", encoding="utf-8")
    language = spanish()
    both = (languages.ENGLISH, language)
    assert sorted(site_src_files(tmp_path, languages.ENGLISH, both)) == ["about.md", "assets/site.css",
                                                                        "contribute.md"]
    files = site_src_files(tmp_path, language, both)
    assert sorted(files) == ["about.md", "contribute.md"]  # the stylesheet is served once, from the root
    assert files["contribute.md"] == b"# Contribuir\n"
    about = files["about.md"].decode()
    assert '<div class="untranslated-page" lang="en" markdown>' in about and "Who we are." in about
    assert "inglés" in about.split("<div")[0]  # the note, before the page, names the language it is shown in


def translations_rows(project: Project) -> tuple[Path, list[dict]]:
    path = project.agenda_folder / "translations.csv"
    with path.open(encoding="utf-8", newline="") as file:
        return path, list(csv.DictReader(file))


def write_rows(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=["language", "resource", "id", "field", "text"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_translation_of_an_unknown_id_or_column_is_an_error_at_its_line(project_copy):
    path, rows = translations_rows(project_copy)
    rows[2]["id"] = "reading-for-school"
    rows[5]["field"] = "unit"
    write_rows(path, rows)
    result = run_indicators(project_copy.root, "validate")
    assert result.returncode == 1
    assert "line 4: error: \"reading-for-school\" is not an id of goals.csv" in result.stdout
    assert "[unknown-translation-id]" in result.stdout
    assert "line 7: error: goals.csv has no text \"unit\" to translate. [untranslatable-field]" in result.stdout
    assert "How to fix: Translate one of its texts: title, summary." in result.stdout


def test_a_translation_of_a_partner_or_activity_no_package_has_is_a_warning_at_its_line(project_copy):
    path, rows = translations_rows(project_copy)
    partner = next(line for line, row in enumerate(rows, start=2) if row["resource"] == "partners")
    activity = next(line for line, row in enumerate(rows, start=2) if row["resource"] == "activities")
    rows[partner - 2]["id"] = "county-heath"
    rows[activity - 2]["id"] = "county-health/Home visits"
    write_rows(path, rows)
    result = run_indicators(project_copy.root, "validate")
    assert result.returncode == 0
    assert (f'line {partner}: warning: "county-heath" is not one of the partners, so its translation has nothing '
            "to translate. [unused-translation]") in result.stdout
    assert f'line {activity}: warning: "county-health/Home visits" is not one of the activities' in result.stdout
    assert "How to fix: Write <partner>/<activity>, the activity's name exactly as in the partner's activities.csv" \
        in result.stdout


def test_translations_into_a_language_the_site_is_not_built_in_are_a_warning(project_copy):
    path, rows = translations_rows(project_copy)
    write_rows(path, rows + [{**rows[0], "language": "fr", "text": "Chaque enfant"}])
    result = run_indicators(project_copy.root, "validate")
    assert result.returncode == 0
    assert ('The translations into "fr" are not published: mkdocs.yml does not name it as one of the site\'s '
            "languages.") in result.stdout


def test_a_language_without_a_catalogue_stops_the_build_with_what_to_do(project_copy):
    config = yaml.safe_load(project_copy.mkdocs_yml.read_text(encoding="utf-8"))
    config["extra"]["alternate"].append({"name": "Français", "lang": "fr"})
    project_copy.mkdocs_yml.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = run_indicators(project_copy.root, "build")
    assert result.returncode == 1
    message = " ".join(result.stderr.split())  # as the console wraps it
    assert "The site was not built: mkdocs.yml names the language 'fr', which has no message catalogue" in message
    assert "generator/publish/locales/fr/LC_MESSAGES/messages.po and translate it." in message
    assert not (project_copy.root / "site").exists()


@pytest.mark.parametrize("alternate, message", [
    ([{"name": "Español"}], "each with `lang`"),
    ([{"lang": "es", "name": "Español"}], "theme.language is en, which extra.alternate does not list"),
    ([{"lang": "en", "name": "English"}, {"lang": "xx-not-a-language", "name": "?"}], "not a language code"),
])
def test_languages_mkdocs_yml_cannot_name_are_refused(tmp_path, alternate, message):
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump({"theme": {"language": "en"},
                                                         "extra": {"alternate": alternate}}), encoding="utf-8")
    with pytest.raises(languages.LanguageError, match=re.escape(message)):
        languages.site_languages(tmp_path / "mkdocs.yml")
