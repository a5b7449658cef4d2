"""The message catalogues: every interface text marked in the generator, gathered for translators.

    python -m generator.tools.catalogues          write locales/messages.pot and bring each language's .po up to date
    python -m generator.tools.catalogues --check  exit 1 if the template or a catalogue is out of date or incomplete

A translator edits `generator/publish/locales/<code>/LC_MESSAGES/messages.po` (any .po editor will do); a new
language starts as a copy of `messages.pot`. Babel reads the marked texts: `_()`, `gettext`, `ngettext` and `N_()`
in Python, and `_()` and `{% trans %}` in the page templates.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from generator.publish.languages import LOCALES, catalogue_path

GENERATOR = Path(__file__).resolve().parents[1]
TEMPLATE = LOCALES / "messages.pot"
METHODS = [("**/templates/**.j2", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.j2": {"extensions": "jinja2.ext.do", "trimmed": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted() -> Catalog:
    """Every marked text of the generator, each with the places it is used."""
    catalogue = Catalog(project="indicators", charset="utf-8")
    for filename, line, message, comments, context in extract_from_dir(
            GENERATOR, METHODS, options_map=OPTIONS, keywords=KEYWORDS, comment_tags=("Translators:",),
            strip_comment_tags=True):
        catalogue.add(message, None, [(f"generator/{filename}", line)], auto_comments=comments, context=context)
    return catalogue


def languages() -> list[str]:
    return sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/messages.po"))


def _po_bytes(catalogue: Catalog) -> bytes:
    buffer = io.BytesIO()
    # No header (its dates) and no line numbers: a catalogue changes only when a text does. The plural rules come
    # from Babel's data for the language when the catalogue is read.
    write_po(buffer, catalogue, width=116, omit_header=True, sort_output=True, include_lineno=False)
    return buffer.getvalue()


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def update() -> list[str]:
    """Write the template and merge it into each catalogue (texts gone from the code are dropped, new ones added
    untranslated); the files changed."""
    template = extracted()
    changed = []
    wanted = {TEMPLATE: _po_bytes(template)}
    for code in languages():
        path = catalogue_path(code)
        catalogue = _read(path, code.replace("-", "_"))
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        wanted[path] = _po_bytes(catalogue)
    for path, data in wanted.items():
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(str(path.relative_to(GENERATOR.parent)))
    return changed


def problems() -> list[str]:
    """What keeps the catalogues from matching the code: texts the template lacks or no longer uses, and texts a
    catalogue leaves untranslated."""
    found = []
    marked = {message.id for message in extracted() if message.id}
    listed = {message.id for message in _read(TEMPLATE) if message.id} if TEMPLATE.is_file() else set()
    if marked != listed:
        found.append(f"{TEMPLATE.relative_to(GENERATOR.parent)} is out of date ({len(marked - listed)} new texts, "
                     f"{len(listed - marked)} unused): run python -m generator.tools.catalogues")
    for code in languages():
        path = catalogue_path(code)
        catalogue = _read(path, code.replace("-", "_"))
        missing = [message.id for message in catalogue if message.id and (not message.string or message.fuzzy)]
        missing += sorted(str(text) for text in marked - {message.id for message in catalogue if message.id})
        if missing:
            first = missing[0] if isinstance(missing[0], str) else missing[0][0]
            found.append(f"{path.relative_to(GENERATOR.parent)}: {len(missing)} texts untranslated, the first: "
                         f"{first!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.tools.catalogues", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report what is out of date, and change nothing")
    arguments = parser.parse_args(argv)
    if arguments.check:
        found = problems()
        for problem in found:
            print(problem)
        return 1 if found else 0
    for path in update():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
