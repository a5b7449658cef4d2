"""The site: write the docs folder (generated pages, hand-written pages, downloads) and run MkDocs on it."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.project import Project

NARRATIVES = "narratives"  # site_src/narratives/ holds text that generated pages include, not pages of its own


class SiteError(Exception):
    """The site could not be assembled or built; the message says what to change."""


def read_narratives(site_src: Path) -> dict[str, str]:
    """site_src/narratives/<name>.md by name (`home`, `goals/<goal-id>`), for the pages to include."""
    folder = site_src / NARRATIVES
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).with_suffix("").as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(folder.rglob("*.md"))}


def hand_written_pages(site_src: Path) -> list[str]:
    """Top-level Markdown pages of site_src (about, contribute, …), for the navigation."""
    if not site_src.is_dir():
        return []
    return sorted(path.name for path in site_src.glob("*.md"))


def write_docs(docs: Path, site_src: Path, pages: dict[str, str], files: dict[str, bytes | Path]) -> None:
    """A fresh docs folder: site_src copied, then generated pages and files (their bytes, or a file to link or copy
    there), which may not overwrite it."""
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    if site_src.is_dir():
        shutil.copytree(site_src, docs, dirs_exist_ok=True, ignore=shutil.ignore_patterns(NARRATIVES, ".*"))
    clashes = sorted(path for path in [*pages, *files] if (docs / path).exists())
    if clashes:
        raise SiteError(
            "site_src/ has files where the generator writes its own: " + ", ".join(clashes)
            + ". Rename or remove them from site_src/."
        )
    for path, text in pages.items():
        _write(docs / path, text.encode("utf-8"))
    for path, data in files.items():
        _write(docs / path, data)


def build_site(project: Project, docs: Path, site_dir: Path, nav: list, build_time: int) -> None:
    """Run MkDocs into a temporary folder and only then replace `site_dir`: a failed build publishes nothing."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        with _reproducible(build_time), _quiet_mkdocs():
            config = load_config(str(project.mkdocs_yml), docs_dir=str(docs), site_dir=str(staging), nav=nav,
                                 strict=True)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                mkdocs_build(config, dirty=False)
            finally:
                config.plugins.on_shutdown()
        if site_dir.exists():
            old = site_dir.with_name(site_dir.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            site_dir.rename(old)
            staging.rename(site_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(site_dir)
    except (MkDocsException, SystemExit) as error:
        raise SiteError(f"MkDocs could not build the site: {error}") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(path: Path, data: bytes | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not isinstance(data, Path):
        path.write_bytes(data)
        return
    # A hard link where the file system allows it: chart images are thousands of files already on disk in the cache.
    try:
        os.link(data, path)
    except OSError:
        shutil.copyfile(data, path)


@contextmanager
def _reproducible(build_time: int):
    """MkDocs dates the sitemap by SOURCE_DATE_EPOCH: tie it to the data, so a rebuild writes the same bytes."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(build_time)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@contextmanager
def _quiet_mkdocs():
    """MkDocs logs progress at INFO; our CLI shows its own. Warnings still fail the build (strict)."""
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
