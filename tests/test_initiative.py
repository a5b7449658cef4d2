"""`indicators init`: a clone of the fictional example becomes an initiative of one's own, which builds."""

from __future__ import annotations

import io
import json
import sys

from conftest import run_indicators

from generator import api
from generator.load.agenda import read_agenda
from generator.validate import validate_project

FLAGS = ["--name", "Lakeside Promise", "--area", "Lakeside County", "--backbone", "Lakeside Community Foundation",
         "--contact", "data@lakeside.example", "--licence", "CC-BY-4.0"]


def test_init_on_the_example_then_build_gives_a_site_with_no_shared_indicators_yet(project_copy, tmp_path):
    root = project_copy.root
    result = run_indicators(root, "init", *FLAGS)
    assert result.returncode == 0, result.stderr
    assert "Removed datapackages/youthworks/" in result.stdout
    assert "indicators add-goal" in result.stdout

    # The example is gone: its partners, its narratives; the pages that named it name the new initiative.
    assert sorted(path.name for path in (root / "datapackages").iterdir()) == ["common-agenda"]
    assert not list((root / "site_src").rglob("narratives/*.md"))
    about = (root / "site_src" / "about.md").read_text(encoding="utf-8")
    assert "Lakeside Promise" in about and "Cedar River" not in about
    assert "site_name: \"Lakeside Promise\"" in (root / "mkdocs.yml").read_text(encoding="utf-8")

    agenda = read_agenda(project_copy.agenda_folder)
    assert (agenda.name, agenda.fictional, agenda.goals, agenda.indicators) == ("common-agenda", False, (), ())
    assert agenda.initiative.name == "Lakeside Promise"
    assert agenda.initiative.backbone == "Lakeside Community Foundation"
    assert agenda.initiative.contact == "data@lakeside.example"
    assert agenda.area == "lakeside-county" and agenda.geographies["lakeside-county"].name == "Lakeside County"
    assert agenda.licences[0].path == "https://creativecommons.org/licenses/by/4.0/"
    assert "percent" in agenda.units
    assert validate_project(project_copy).report.problems == []

    built = api.build(project_copy, tmp_path / "site", docs_dir=tmp_path / "docs", cache=False)
    assert built.ok, [problem.message for problem in built.report.errors]
    home = (built.site_dir / "index.html").read_text(encoding="utf-8")
    assert "No shared indicators yet" in home and "Lakeside Promise has no shared indicators yet" in home
    assert "fictional" not in home.casefold()
    assert "Cedar River" not in (built.site_dir / "about" / "index.html").read_text(encoding="utf-8")


def test_init_refuses_an_agenda_that_is_not_the_example_unless_forced(project_copy):
    root = project_copy.root
    assert run_indicators(root, "init", *FLAGS).returncode == 0
    agenda_file = project_copy.agenda_folder / "datapackage.json"
    before = agenda_file.read_bytes()

    again = run_indicators(root, "init", *FLAGS[:1], "Another Initiative", *FLAGS[2:])
    assert again.returncode == 1
    assert ('datapackages/common-agenda/ is the agenda of "Lakeside Promise", not the fictional example'
            in again.stderr)
    assert "run init again with --force" in again.stderr
    assert agenda_file.read_bytes() == before

    forced = run_indicators(root, "init", *FLAGS[:1], "Another Initiative", *FLAGS[2:], "--force")
    assert forced.returncode == 0, forced.stderr
    assert json.loads(agenda_file.read_text(encoding="utf-8"))["initiative"]["name"] == "Another Initiative"


def test_init_without_every_flag_and_no_terminal_is_a_usage_error_naming_the_missing_flags(project_copy,
                                                                                            monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    result = run_indicators(project_copy.root, "init", "--name", "Lakeside Promise", "--licence", "CC-BY-4.0")
    assert result.returncode == 2
    assert "indicators init: missing --area, --backbone, --contact." in result.stderr
    assert (project_copy.datapackages / "youthworks").is_dir(), "nothing was removed"


def test_init_asks_for_what_the_flags_do_not_give_in_a_terminal(project_copy, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(""))
    answers = iter(["Lakeside County", "data@lakeside.example"])
    asked = []
    monkeypatch.setattr("builtins.input", lambda question: asked.append(question) or next(answers))
    result = run_indicators(project_copy.root, "init", "--name", "Lakeside Promise", "--backbone", "The Foundation",
                            "--licence", "cc0-1.0")
    assert result.returncode == 0, result.stderr
    assert asked == ["The area it works in (a city, county or region): ", "A contact email for the data: "]
    agenda = read_agenda(project_copy.agenda_folder)
    assert (agenda.area, agenda.initiative.contact, agenda.initiative.data_licence) == (
        "lakeside-county", "data@lakeside.example", "CC0-1.0")


def test_init_with_answers_that_will_not_do_says_which_and_changes_nothing(project_copy):
    result = run_indicators(project_copy.root, "init", "--name", " ", "--area", "Lakeside County", "--backbone",
                            "The Foundation", "--contact", "data at lakeside", "--licence", "CC BY 4.0")
    assert result.returncode == 2
    assert "--name is empty: give the initiative's name." in result.stderr
    assert '--contact "data at lakeside" is not an email address' in result.stderr
    assert '--licence "CC BY 4.0" is not an SPDX id: give one such as CC-BY-4.0' in result.stderr
    assert read_agenda(project_copy.agenda_folder).fictional
