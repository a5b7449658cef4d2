"""The licence the imported packages state: the one the source repository's licence file names.

The licence file is `LICENSE` or `LICENCE`, in any case and with any extension (`LICENSE.md`, `licence.txt`, …);
several are read together. A licence is recognised by phrases in its text; one the table does not know, or no
licence file, gives "other", "As stated by the publisher of the source repository", without a path.
"""

from __future__ import annotations

import re
from pathlib import Path

# Phrases that name a licence (case-insensitive, on the text with its whitespace collapsed), with the licence as
# packages state it. The first that matches wins, so data licences come before software ones: a repository often
# licenses its data under one and its code under another (the UK's names the Open Government Licence for data/ and
# meta/ and MIT for its scripts), and the data are what is imported.
KNOWN_LICENCES = (
    (r"open government licen[cs]e,? (?:\(OGL\) )?(?:v|version ?)?3|\bOGL ?v?3",
     {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
      "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}),
    (r"creative commons attribution 4\.0|\bCC[- ]BY[- ]4\.0|creativecommons\.org/licenses/by/4\.0",
     {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
      "path": "https://creativecommons.org/licenses/by/4.0/"}),
    (r"\bCC0\b|public domain dedication|creativecommons\.org/publicdomain/zero/1\.0",
     {"name": "CC0-1.0", "title": "Creative Commons Zero v1.0 Universal",
      "path": "https://creativecommons.org/publicdomain/zero/1.0/"}),
    (r"\bMIT licen[cs]e\b|permission is hereby granted, free of charge, to any person",
     {"name": "MIT", "title": "MIT License", "path": "https://opensource.org/licenses/MIT"}),
)
UNKNOWN_LICENCE = {"name": "other", "title": "As stated by the publisher of the source repository"}


def source_licence(source: Path) -> dict:
    """The licence the source's licence files name, as a Frictionless licence (name, title, path)."""
    files = sorted(path for path in source.iterdir()
                   if path.is_file() and path.name.upper().startswith(("LICENSE", "LICENCE")))
    text = " ".join(" ".join(path.read_text(encoding="utf-8", errors="replace") for path in files).split())
    for phrases, licence in KNOWN_LICENCES:
        if re.search(phrases, text, re.I):
            return dict(licence)
    return dict(UNKNOWN_LICENCE)


def attribution_statement(licence: dict) -> str:
    """The attribution the licence asks for, or a line naming it."""
    if licence["name"] == "OGL-UK-3.0":
        return "Contains public sector information licensed under the Open Government Licence v3.0."
    return f"Licensed under {licence['title']}."
