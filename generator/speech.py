"""The language being spoken while the pages and charts are written: its marked texts, numbers and dates.

The interface text of the pages and charts is English in the code, marked with `gettext` (`_` in templates, `N_`
where a table of labels defines it). The pages and charts of one language are written inside `speaking(language)`,
and the marked texts, numbers and dates made there follow it, as Django and Flask-Babel follow their active
language: no function between a template and a formatted number passes a language along. Nothing here knows the
project; which languages a site has, and their catalogues, is `generator.publish.languages`.
"""

from __future__ import annotations

import datetime
import gettext as gettext_module
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol

DEFAULT_CODE = "en"  # the language the code's own texts are written in


@dataclass(frozen=True)
class Language:
    code: str  # "es": Material's, Babel's and the catalogue's name for it
    name: str  # in itself, for the switcher: "Español"
    folder: str = ""  # the tree it is published in, from the site's root: "" for the default language, "es/"
    translations: gettext_module.NullTranslations = field(default_factory=gettext_module.NullTranslations,
                                                          compare=False, repr=False)

    @property
    def is_default(self) -> bool:
        return not self.folder

    @cached_property
    def _separators(self) -> tuple[str, str]:
        """The decimal and group separators, from Babel's locale data."""
        locale = self.code.replace("-", "_")
        return get_decimal_symbol(locale), get_group_symbol(locale)

    def number(self, english: str) -> str:
        """A number Python formatted the English way (`f"{value:,.1f}"`) as this language writes it: the same digits
        in every language, rounded once."""
        if self.code == DEFAULT_CODE:
            return english
        decimal, group = self._separators
        return english.translate({ord(","): group, ord("."): decimal})

    def called_in(self, other: Language) -> str:
        """This language's name in another (Babel's): inglés, for English in Spanish."""
        try:
            return Locale.parse(self.code.replace("-", "_")).get_display_name(other.code.replace("-", "_")) or self.name
        except (UnknownLocaleError, ValueError):
            return self.name

    @property
    def vega_locale(self) -> dict:
        """The same separators for Vega's own number formats (axes, tooltips): Vega-Lite's `config.locale`."""
        decimal, group = self._separators
        return {"number": {"decimal": decimal, "thousands": group, "grouping": [3], "currency": ["", ""]}}


ENGLISH = Language(DEFAULT_CODE, "English")
_spoken: ContextVar[Language] = ContextVar("language", default=ENGLISH)


@contextmanager
def speaking(language: Language) -> Iterator[Language]:
    """The marked texts and numbers made inside the block are in `language`."""
    token = _spoken.set(language)
    try:
        yield language
    finally:
        _spoken.reset(token)


def current() -> Language:
    return _spoken.get()


def gettext(message: str) -> str:
    return _spoken.get().translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _spoken.get().translations.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a text for the catalogues where it is defined (a table of labels); `gettext` translates it where it is
    shown."""
    return message


def number(english: str) -> str:
    return _spoken.get().number(english)


def date(text: str) -> str:
    """An ISO date, or date and time, as the language spoken writes a day: 3 December 2026, 3 de diciembre de 2026.
    Anything else is shown as it is."""
    try:
        day = datetime.date.fromisoformat(text[:10])
    except (TypeError, ValueError):
        return text
    return format_date(day, format="long", locale=_spoken.get().code.replace("-", "_"))
