"""The licence the imported packages state: the one the source repository's licence file names."""

from __future__ import annotations

import re
from pathlib import Path


def source_licence(source: Path) -> dict:
    """The licence the source's LICENSE file names, as a Frictionless licence."""
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(source.glob("LICEN[CS]E*"))
             if path.is_file()]
    text = " ".join(" ".join(texts).split())
    if re.search(r"Open Government Licen[cs]e v?3", text, re.I):
        return {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}
    if re.search(r"Creative Commons Attribution 4\.0|CC[- ]BY[- ]4\.0", text, re.I):
        return {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
    if re.search(r"CC0|Public Domain Dedication", text, re.I):
        return {"name": "CC0-1.0", "title": "Creative Commons Zero v1.0 Universal",
                "path": "https://creativecommons.org/publicdomain/zero/1.0/"}
    return {"name": "other", "title": "As stated by the publisher of the source repository"}


def attribution_statement(licence: dict) -> str:
    """The attribution the licence asks for, or a line naming it."""
    if licence["name"] == "OGL-UK-3.0":
        return "Contains public sector information licensed under the Open Government Licence v3.0."
    return f"Licensed under {licence['title']}."
