"""The indicators' metadata: the YAML of `meta/<id>.md` (front matter) and `meta/<id>.yml`, with the per-indicator
settings of `indicator-config/<id>.yml` on top, which override the metadata."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from generator.importers.open_sdg.reconcile import MetadataNote
from generator.importers.open_sdg.text import plain_text, slug

ARCHIVED_NOTE = "An archived indicator: Open SDG does not publish it."
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_metadata(source: Path, notes: list[MetadataNote]) -> tuple[dict[str, dict], dict[str, str]]:
    """Indicator id → its metadata (meta/*.md front matter, then meta/*.yml, then indicator-config/*.yml on top),
    and indicator id → the first of those files, to name in notes."""
    layers: list[list[Path]] = [[], [], []]
    for number, folder in enumerate((source / "meta", source / "indicator-config")):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            shown = path.relative_to(source).as_posix()
            suffix = path.suffix.lower()
            if not path.is_file() or suffix not in (".md", ".yml", ".yaml") or (number and suffix == ".md"):
                notes.append(MetadataNote(shown, "skipped-file", "Not metadata (meta/*.md, meta/*.yml and "
                                          "indicator-config/*.yml are read)."))
            elif path.stem.startswith("archived"):
                notes.append(MetadataNote(shown, "skipped-file", ARCHIVED_NOTE))
            else:
                layers[2 if number else 0 if suffix == ".md" else 1].append(path)
    metadata: dict[str, dict] = {}
    files: dict[str, str] = {}
    for path in [path for layer in layers for path in layer]:
        shown = path.relative_to(source).as_posix()
        values = _read_yaml(path, shown, notes, front_matter=path.suffix.lower() == ".md")
        metadata.setdefault(indicator_id(path.stem), {}).update(values)
        files.setdefault(indicator_id(path.stem), shown)
    return metadata, files


def _read_yaml(path: Path, shown: str, notes: list[MetadataNote], front_matter: bool) -> dict:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    first_line = 1
    if front_matter:
        match = re.match(r"^\s*---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", text, re.S | re.M)
        if not match:
            notes.append(MetadataNote(shown, "unreadable-metadata", "No YAML front matter between --- lines."))
            return {}
        first_line = text[:match.start(1)].count("\n") + 1
        text = match[1]
    try:
        values = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + first_line})" if mark else ""
        notes.append(MetadataNote(shown, "unreadable-metadata", f"The YAML cannot be read{where}: "
                                  f"{getattr(error, 'problem', None) or error}."))
        return {}
    if values is None:
        return {}
    if not isinstance(values, dict):
        notes.append(MetadataNote(shown, "unreadable-metadata", "The YAML is not a set of keys and values."))
        return {}
    return values



def indicator_id(stem: str) -> str:
    """The Open SDG indicator id a file is named for: `1.2.1` and `1-2-1` are `1-2-1`."""
    return slug(stem.replace(".", "-"))


def reporting_area_name(metadata: dict[str, dict]) -> str:
    """The most common `national_geographical_coverage`, for a source that does not name its area."""
    coverage = Counter(plain_text(meta.get("national_geographical_coverage")) for meta in metadata.values())
    coverage.pop("", None)
    return coverage.most_common(1)[0][0] if coverage else "National"
