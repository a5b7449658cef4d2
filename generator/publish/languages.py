"""The site's languages: which ones mkdocs.yml names, their message catalogues, and the agenda's and partners'
texts in each.

Each language but English has a catalogue, `locales/<code>/LC_MESSAGES/messages.po` beside this file
(`locales/messages.pot` is the template every catalogue starts from). The language being spoken while pages are
written, and its texts, numbers and dates, are `generator.speech`'s; they are named here too, as the publishing
stages' one place for languages.
"""

from __future__ import annotations

import gettext as gettext_module
import io
from dataclasses import replace
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from markupsafe import Markup

from generator.load.activities import Activity
from generator.load.agenda import Agenda
from generator.load.packages import PartnerPackage
from generator.load.translations import NO_TRANSLATIONS, Translations
# The spoken language's names, for the publishing stages to find in one place.
from generator.speech import (DEFAULT_CODE, ENGLISH, Language, N_, current, date, gettext, ngettext,  # noqa: F401
                              number, speaking)

LOCALES = Path(__file__).resolve().parent / "locales"


class LanguageError(Exception):
    """mkdocs.yml names languages the site cannot be built in; the message says what to change."""


class Untranslated(str):
    """A text of the agenda shown in the default language because it has no translation: on a page it says so, in
    the default language's `lang` (for screen readers) and marked for the reader."""

    note: str = ""
    lang: str = DEFAULT_CODE

    def __new__(cls, text: str, note: str, lang: str) -> Untranslated:
        made = super().__new__(cls, text)
        made.note, made.lang = note, lang
        return made

    def __html__(self) -> str:
        return str(Markup('<span class="untranslated" lang="{}" title="{}">{}</span>').format(
            self.lang, self.note, plain(self)))


def _fallback_note(language: Language, default: Language) -> str:
    return language.translations.gettext("Not translated yet: shown in {language}").format(
        language=default.called_in(language))


def translated_texts(item, resource: str, item_id: str, fields: dict[str, str], translations: Translations,
                     language: Language, default: Language, marked: bool = True):
    """`item` (a dataclass) with its texts (attribute → the column translations.csv names it by) in `language`; a
    text without a translation stays as written, marked (`marked`: else unmarked)."""
    if language.code == default.code:
        return item
    note = _fallback_note(language, default)
    changed = {}
    for attribute, column in fields.items():
        written = getattr(item, attribute)
        found = translations.text(language.code, resource, item_id, column)
        if found is not None:
            changed[attribute] = found
        elif written and marked:
            changed[attribute] = Untranslated(written, note, default.code)
    return replace(item, **changed)


def marked_texts(item, attributes: tuple[str, ...], language: Language, default: Language):
    """`item` with these texts, which have no translations, as written and marked in `language`'s pages."""
    return translated_texts(item, "", "", {name: name for name in attributes}, NO_TRANSLATIONS, language, default)


def translated_packages(packages: tuple[PartnerPackage, ...], translations: Translations, language: Language,
                        default: Language) -> tuple[PartnerPackage, ...]:
    """The partners' packages as `language`'s pages show them: their texts (description, what they contribute,
    sector) translated in translations.csv under their slug, else as written, marked; so are their sources."""
    if language.code == default.code:
        return packages

    def texts(item, item_id: str, fields: dict[str, str], resource: str = "partners"):
        return translated_texts(item, resource, item_id, fields, translations, language, default)

    return tuple(replace(
        texts(package, package.slug, {"description": "description"}),
        details=texts(package.details, package.slug, {"sector": "sector", "activities": "contribution"}),
        sources=tuple(texts(source, package.slug, {"title": "source"}) for source in package.sources),
    ) for package in packages)


def translated_activity(activity: Activity, translations: Translations, language: Language,
                        default: Language) -> Activity:
    """A partner's activity in `language`: translated in translations.csv under `<partner>/<activity>`."""
    return translated_texts(activity, "activities", f"{activity.partner}/{activity.activity}",
                            {"activity": "activity", "what": "what", "who": "who"}, translations, language, default)


def translated_agenda(agenda: Agenda, language: Language, default: Language) -> Agenda:
    """The agenda with its texts in `language` (from its translations table). A goal's, indicator's, dimension's or
    unit's text without a translation stays as written, marked (`Untranslated`); a place's name, a unit's symbol and
    a group's name stay as written unmarked, as most have one form in every language."""
    if language.code == default.code:
        return agenda

    def texts(item, resource: str, *fields: str, item_id: str | None = None, marked: bool = True):
        return translated_texts(item, resource, item.id if item_id is None else item_id,
                                {field: field for field in fields}, agenda.translations, language, default, marked)

    return replace(
        agenda,
        goals=tuple(texts(goal, "goals", "title", "summary") for goal in agenda.goals),
        indicators=tuple(texts(item, "indicators", "title", "definition", "source", "next_update")
                         for item in agenda.indicators),
        units={key: texts(texts(unit, "units", "label"), "units", "symbol", marked=False)
               for key, unit in agenda.units.items()},
        dimensions=tuple(texts(dimension, "dimensions", "label", "description") for dimension in agenda.dimensions),
        geographies={key: texts(place, "geographies", "name", marked=False)
                     for key, place in agenda.geographies.items()},
        initiative=texts(agenda.initiative, "initiative", "vision", item_id="initiative"),
    )


def group_label(agenda: Agenda, dimension: str, group: str) -> str:
    """A group's name in the language spoken (a group is data: it keeps its own name in the downloads)."""
    return agenda.translations.text(current().code, "groups", f"{dimension}/{group}", "label") or group


def plain(text) -> str:
    """A text without its marking (for an attribute, a page title or a chart)."""
    return str.__str__(text) if isinstance(text, str) else str(text)


def site_languages(mkdocs_yml: Path) -> tuple[Language, ...]:
    """The languages mkdocs.yml names, the default (`theme.language`) first.

    They are Material's language selector, `extra.alternate`: each entry's `lang` and `name` (the build gives each
    page its own links). Without it the site has one language, `theme.language`.
    """
    config = _read_config(mkdocs_yml)
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    default = str(theme.get("language") or DEFAULT_CODE)
    extra = config.get("extra") if isinstance(config.get("extra"), dict) else {}
    entries = extra.get("alternate") or []
    if not isinstance(entries, list) or not all(isinstance(entry, dict) and entry.get("lang") for entry in entries):
        raise LanguageError("mkdocs.yml: extra.alternate must be a list of languages, each with `lang` (its code, "
                            "such as es) and `name` (its name in itself, such as Español).")
    named = {str(entry["lang"]): str(entry.get("name") or entry["lang"]) for entry in entries}
    if named and default not in named:
        raise LanguageError(f"mkdocs.yml: theme.language is {default}, which extra.alternate does not list: add it "
                            f"there, or make theme.language one of {', '.join(named)}.")
    codes = [default, *(code for code in named if code != default)]
    return tuple(_language(code, named.get(code, code), "" if code == default else f"{code}/") for code in codes)


def _language(code: str, name: str, folder: str) -> Language:
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise LanguageError(f"mkdocs.yml names the language {code!r}, which is not a language code Babel knows "
                            "(use one such as en, es, fr or pt-BR).") from None
    if code == DEFAULT_CODE:
        return Language(code, name, folder)
    catalogue = catalogue_path(code)
    if not catalogue.is_file():
        raise LanguageError(
            f"mkdocs.yml names the language {code!r}, which has no message catalogue: copy "
            f"generator/publish/locales/messages.pot to generator/publish/locales/{code}/LC_MESSAGES/messages.po "
            "and translate it.")
    return Language(code, name, folder, load_catalogue(catalogue, code))


def catalogue_path(code: str) -> Path:
    """A language's message catalogue, the file its translators edit."""
    return LOCALES / code / "LC_MESSAGES" / "messages.po"


def load_catalogue(path: Path, code: str) -> gettext_module.GNUTranslations:
    """A .po file as translations, compiled in memory: the repository keeps only the text people edit."""
    with path.open("rb") as file:
        catalogue = read_po(file, locale=code.replace("-", "_"))
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


def _read_config(mkdocs_yml: Path) -> dict:
    """mkdocs.yml as plain data; its `!!python/name` and `!ENV` tags are read as nothing, as only names are wanted."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        loaded = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=Loader) if mkdocs_yml.is_file() else {}
    except yaml.YAMLError as error:
        raise LanguageError(f"mkdocs.yml is not valid YAML: {error}") from None
    return loaded if isinstance(loaded, dict) else {}
