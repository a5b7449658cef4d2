"""The site: write the docs folder (generated pages, hand-written pages, downloads) and run MkDocs on it."""

from __future__ import annotations

import filecmp
import hashlib
import html
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.cache import replace_folder
from generator.load.project import Project
from generator.publish.languages import ENGLISH, Language
from generator.publish.mkdocs_plugins import (
    LanguageLinks, LateFiles, LinkedStaticFiles, ShareImage, SiteError, VerbatimBlocks,
)

NARRATIVES = "narratives"  # site_src/narratives/ holds text that generated pages include, not pages of its own


def read_narratives(site_src: Path) -> dict[str, str]:
    """site_src/narratives/<name>.md by name (`home`, `goals/<goal-id>`), for the pages to include."""
    folder = site_src / NARRATIVES
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).with_suffix("").as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(folder.rglob("*.md"))}


def hand_written_pages(site_src: Path, languages: tuple[Language, ...] = ()) -> list[str]:
    """Top-level Markdown pages of site_src (about, contribute, …), for the navigation; not their translations
    (about.es.md), which take their place in their language's tree."""
    if not site_src.is_dir():
        return []
    return sorted(path.name for path in site_src.glob("*.md") if _translated_into(path.name, languages) is None)


def _translated_into(name: str, languages: tuple[Language, ...]) -> str | None:
    """The code of the language a site_src page is the translation into (about.es.md: es), if it is one."""
    stem, dot, code = name.removesuffix(".md").rpartition(".")
    return code if dot and stem and code in {language.code for language in languages} else None


def language_docs(docs: Path, language: Language) -> Path:
    """The docs folder of a language's tree: `docs` for the default language, `docs-<code>` beside it for another."""
    return docs if language.is_default else docs.with_name(f"{docs.name}-{language.code}")


def site_src_files(site_src: Path, language: Language = ENGLISH, languages: tuple[Language, ...] = ()
                   ) -> dict[str, bytes]:
    """What site_src puts in a language's docs folder. The default language's tree takes its files but the
    translations; another language's takes only its pages, each in its translation (about.es.md as about.md) or,
    without one, as written, marked as not translated: the stylesheets and scripts are served once, from the site's
    root."""
    found = _site_src_files(site_src)
    if language.is_default:
        return {path: data for path, data in found.items()
                if not path.endswith(".md") or _translated_into(path.rsplit("/", 1)[-1], languages) is None}
    suffix = f".{language.code}.md"
    pages = {}
    for path, data in found.items():
        if path.endswith(suffix):
            pages[path.removesuffix(suffix) + ".md"] = data
    for path, data in found.items():
        if path.endswith(".md") and _translated_into(path.rsplit("/", 1)[-1], languages) is None \
                and path not in pages:
            pages[path] = untranslated_page(data.decode("utf-8"), language, languages[0]).encode("utf-8")
    return pages


def untranslated_page(markdown: str, language: Language, default: Language) -> str:
    """A hand-written page without a translation, in its own language (`lang`), under a note that says so."""
    front, body = "", markdown
    if markdown.startswith("---\n") and "\n---\n" in markdown[4:]:
        end = markdown.index("\n---\n", 4) + 5
        front, body = markdown[:end], markdown[end:]
    note = language.translations.gettext("This page has not been translated yet: it is shown in {language}.")
    return (f'{front}<p class="untranslated-note">{html.escape(note.format(language=default.called_in(language)))}</p>\n\n'
            f'<div class="untranslated-page" lang="{default.code}" markdown>\n\n{body.strip()}\n\n</div>\n')


def write_docs(docs: Path, site_src: dict[str, bytes], files: dict[str, bytes | Path], late: Iterable[str] = ()
               ) -> None:
    """The docs folder as site_src's files (`site_src_files`) and the generated pages and files (their bytes, or a
    file to link or copy there; files `write_files` wrote into the folder already are kept) make it; these may not
    overwrite site_src's. The files at the paths `late` are still being made (`SiteTree.late`): what is there is left
    for `add_late_files` to keep or replace.

    A file already there with the same bytes is kept as it is; any other is written as a new file, never over the
    old one, and what is not wanted is removed. The published site is linked to these files (LinkedStaticFiles), so
    a file written over in place would change the site before its build had succeeded; and a national site's images
    and downloads barely change from one build to the next, so writing them again, and freeing the old site's copies
    once the new one is in, took seconds.
    """
    wanted: dict[str, bytes | Path] = dict(site_src)
    late = set(late)
    clashes = sorted(path for path in [*files, *late] if path in wanted)
    if clashes:
        raise SiteError(
            "site_src/ has files where the generator writes its own: " + ", ".join(clashes)
            + ". Rename or remove them from site_src/."
        )
    wanted.update(files)
    docs.mkdir(parents=True, exist_ok=True)
    for directory, folders, names in os.walk(docs, topdown=False):
        for name in names:
            path = Path(directory, name)
            relative = path.relative_to(docs).as_posix()
            if relative not in wanted and relative not in late:
                path.unlink()
        for name in folders:
            folder = Path(directory, name)
            if folder.is_symlink():
                folder.unlink()
            elif not any(folder.iterdir()):
                folder.rmdir()
    for path, data in wanted.items():
        _write_if_changed(docs / path, data)


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    size: int  # bytes
    sha256: str

    @property
    def lines(self) -> int:
        """Its line ends, counted when asked: the data page gives the rows of only a few small tables, and counting
        those of every file (gigabytes at national scale) cost seconds of every build."""
        with self.path.open("rb") as file:
            return sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b""))


def write_files(folder: Path, files: Iterable[tuple[str, bytes | Iterable[bytes | memoryview]]]
                ) -> dict[str, WrittenFile]:
    """Each (path under `folder`, content) written as it comes, as `write_docs` writes (a file with the same bytes
    kept, any other a new file), so that only one is held at a time; a content too large to hold whole comes as
    pieces. What was written, by path."""
    written = {}
    for path, data in files:
        if isinstance(data, bytes):
            _write_if_changed(folder / path, data)
            written[path] = WrittenFile(folder / path, len(data), hashlib.sha256(data).hexdigest())
        else:
            written[path] = _write_pieces(folder / path, data)
    return written


def _write_pieces(path: Path, pieces: Iterable[bytes | memoryview]) -> WrittenFile:
    """The pieces written into a new file beside `path`, which then takes its place unless `path` held the same
    bytes already (kept as it was, like `_write_if_changed`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as file:
            for piece in pieces:
                file.write(piece)
                digest.update(piece)
                size += len(piece)
        if path.is_file() and not path.is_symlink() and path.stat().st_size == size \
                and filecmp.cmp(path, partial, shallow=False):
            partial.unlink()
        else:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            partial.replace(path)  # a new file: the old one may be published
    finally:
        partial.unlink(missing_ok=True)
    return WrittenFile(path, size, digest.hexdigest())


def _site_src_files(site_src: Path) -> dict[str, bytes]:
    """site_src's files by path, but for the narratives (included in pages, not pages themselves) and hidden ones."""
    found = {}
    if not site_src.is_dir():
        return found
    for directory, folders, names in os.walk(site_src, followlinks=True):
        folders[:] = sorted(name for name in folders if name != NARRATIVES and not name.startswith("."))
        for name in names:
            if name != NARRATIVES and not name.startswith("."):
                path = Path(directory, name)
                found[path.relative_to(site_src).as_posix()] = path.read_bytes()
    return found


@dataclass(frozen=True)
class SiteTree:
    """One language's part of the site: its docs folder and navigation, published in its folder of the site.

    `late`: files of the tree still being made while MkDocs runs (the chart images, drawn by other processes), by
    their path in it. MkDocs knows of them, so links to them are checked as to any file, but they are put in the
    site and the docs folder only once made (`add_late_files`).
    """

    language: Language
    docs: Path
    nav: list
    late: dict[str, Path] = field(default_factory=dict)


def build_site(project: Project, trees: tuple[SiteTree, ...] | list[SiteTree], site_dir: Path,
               build_time: int) -> None:
    """Run MkDocs, once per language (the default language's tree first, at the root), into a temporary folder and
    only then replace `site_dir`: a failed build publishes nothing."""
    with staged_site(project, trees, site_dir, build_time) as staging:
        add_late_files(staging, trees)


@contextmanager
def staged_site(project: Project, trees: tuple[SiteTree, ...] | list[SiteTree], site_dir: Path,
                build_time: int) -> Iterator[Path]:
    """MkDocs run once per language (the default language's tree first, at the root) into a new folder beside
    `site_dir`, which replaces it when the block ends, once the block has added what is still being made
    (`add_late_files`). Nothing is published if MkDocs or the block fails."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        try:
            with _reproducible(build_time), _quiet_mkdocs():
                for tree in trees:
                    _build_tree(project, tree, [other.language for other in trees], staging / tree.language.folder)
        except (MkDocsException, SystemExit) as error:
            raise SiteError(f"MkDocs could not build the site: {error}") from error
        yield staging
        replace_folder(site_dir, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def add_late_files(staging: Path, trees: tuple[SiteTree, ...] | list[SiteTree]) -> None:
    """Each tree's late files, now made, into the staged site and into the tree's docs folder (which stays what the
    site is made of, for `serve` and the next build)."""
    for tree in trees:
        for path, made in tree.late.items():
            _write_if_changed(staging / tree.language.folder / path, made)
            _write_if_changed(tree.docs / path, made)


def _build_tree(project: Project, tree: SiteTree, languages: list[Language], site_dir: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="verbatim-") as blocks:
        config = load_config(str(project.mkdocs_yml), docs_dir=str(tree.docs), site_dir=str(site_dir), nav=tree.nav,
                             strict=True)
        config.theme["language"] = tree.language.code  # Material's interface, `lang` and search
        up = "../" * tree.language.folder.count("/")
        if up:
            # The site's stylesheets and scripts are served once, from the root.
            config.extra_css = [up + path if _is_local(path) else path for path in config.extra_css]
            for script in config.extra_javascript:
                if _is_local(str(script)):
                    script.path = up + str(script)
            if config.site_url:
                config.site_url = urljoin(config.site_url, tree.language.folder)
        config.extra.pop("alternate", None)
        if len(languages) > 1:
            config.plugins["indicators-languages"] = LanguageLinks(tree.language, languages)
        config.plugins["indicators-verbatim"] = VerbatimBlocks(Path(blocks))
        config.plugins["indicators-linked-files"] = LinkedStaticFiles(tree.docs.resolve())
        config.plugins["indicators-late-files"] = LateFiles(tree.late)
        config.plugins["indicators-share-image"] = ShareImage()
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config, dirty=False)
        finally:
            config.plugins.on_shutdown()


def _is_local(path: str) -> bool:
    return not re.match(r"^([a-z][a-z0-9+.-]*:|/)", path, re.IGNORECASE)


def _write_if_changed(path: Path, data: bytes | Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.is_file() and _same_bytes(path, data):
        return
    path.unlink(missing_ok=True)  # a new file: the old one may be published
    path.parent.mkdir(parents=True, exist_ok=True)
    if not isinstance(data, Path):
        path.write_bytes(data)
        return
    # A hard link where the file system allows it: chart images are thousands of files already on disk in the cache.
    try:
        os.link(data, path)
    except OSError:
        shutil.copyfile(data, path)


def _same_bytes(path: Path, data: bytes | Path) -> bool:
    if isinstance(data, Path):
        return path.samefile(data) or (path.stat().st_size == data.stat().st_size
                                       and path.read_bytes() == data.read_bytes())
    return path.stat().st_size == len(data) and path.read_bytes() == data


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
