"""Where a project keeps its parts: the fixed layout of the repository."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def datapackages(self) -> Path:
        return self.root / "datapackages"

    @property
    def agenda_folder(self) -> Path:
        return self.datapackages / "common-agenda"

    @property
    def site_src(self) -> Path:
        return self.root / "site_src"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def build_folder(self) -> Path:
        """Generated Markdown and downloads, handed to MkDocs; never committed."""
        return self.root / "build"

    @property
    def default_site_dir(self) -> Path:
        return self.root / "site"
