"""The plugins the build adds to MkDocs for each language's tree of the site (`site._build_tree`)."""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from generator.publish.languages import Language

# Finished HTML between these markers reaches the page as it is, without passing through MkDocs. Python-Markdown
# (twice: md_in_html and MkDocs' anchor check) and the search plugin each parse every tag of a page's raw HTML, and a
# national indicator's chart specs and data tables are most of them, yet need none of it: the templates wrote them as
# escaped HTML with no Markdown in it (MkDocs checks no link in raw HTML), and a table of numbers does not belong in
# the search index.
VERBATIM_START = "<!-- verbatim -->"
VERBATIM_END = "<!-- /verbatim -->"
# Finished HTML between these markers passes by Markdown only: it is put back in the HTML Markdown makes of the page,
# so that the search index and the theme see it. The rest of an indicator's page (its verdict, figures, notes and
# lists of downloads) is raw HTML, whose parsing was a third of the time MkDocs took for each page.
HTML_START = "<!-- html -->"
HTML_END = "<!-- /html -->"


class SiteError(Exception):
    """The site could not be assembled or built; the message says what to change."""


class LanguageLinks(BasePlugin):
    """Material's language selector on every page, each language linking to this same page in it (every tree has
    the same pages), with and without JavaScript.

    The theme writes `extra.alternate` twice: as the selector's links, and as `<link rel="alternate">` in the head.
    Its script takes each of the latter for the root of a language's site and asks for a sitemap beneath it, which a
    page's address has not; so the head's copies are left out, and the links carry `hreflang` in the selector.
    MkDocs' `url` filter, through which the theme passes each link, cannot resolve a link that leaves the tree
    (../es/…), so the links go in as placeholders and are written in once the page is finished.
    """

    PLACEHOLDER = "#language-"

    def __init__(self, language: Language, languages: list[Language]) -> None:
        super().__init__()
        self.language, self.languages = language, languages

    def on_page_context(self, context, *, page, config, nav):
        config.extra["alternate"] = [{"name": other.name, "lang": other.code, "link": self.PLACEHOLDER + other.code}
                                     for other in self.languages]
        return context

    def on_post_page(self, output: str, *, page, config) -> str:
        here = posixpath.dirname(self.language.folder + page.url)  # indicators/x/ is indicators/x/index.html
        for other in self.languages:
            target = other.folder + page.url
            link = posixpath.relpath(target or ".", here or ".") + ("/" if target.endswith("/") or not target else "")
            link = "./" if link in (".", "./") else link
            output = re.sub(rf'\s*<link rel="alternate" href="{self.PLACEHOLDER}{other.code}" hreflang="[^"]*">', "",
                            output)
            output = output.replace(f'href="{self.PLACEHOLDER}{other.code}"', f'href="{html.escape(link)}"')
        return output


class VerbatimBlocks(BasePlugin):
    """Takes each verbatim block and each HTML block out of a page's Markdown, leaving a numbered comment in its
    place. An HTML block goes back in the HTML that Markdown makes of the page; a verbatim block goes back in the
    finished page, so that Markdown, the search index and the theme see only its comment.

    MkDocs reads every page before it writes the first, so the verbatim blocks wait in files of `folder`, not in
    memory: they are most of a national site's pages (their charts' data), and held together they made the build's
    memory grow with the site. An HTML block goes back as soon as its page's Markdown is converted.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.waiting: dict[str, Path] = {}  # by page: the file of the verbatim blocks taken out, in order
        self.html: dict[str, list[str]] = {}  # by page: its HTML blocks, in order

    @event_priority(-100)  # last: any other plugin still sees the whole page
    def on_page_markdown(self, markdown: str, *, page, **kwargs) -> str:
        markdown, blocks = _taken_out(markdown, VERBATIM_START, VERBATIM_END, "verbatim", page)
        if blocks:
            self.waiting[page.file.src_uri] = path = self.folder / f"{len(self.waiting)}.json"
            path.write_text(json.dumps(blocks), encoding="utf-8")
        # A verbatim block within an HTML block is its comment by now, and goes back with it, then in its own turn.
        markdown, self.html[page.file.src_uri] = _taken_out(markdown, HTML_START, HTML_END, "html", page)
        return markdown

    @event_priority(100)  # first: any other plugin sees the whole page
    def on_page_content(self, html: str, *, page, **kwargs) -> str:
        return _put_back(html, "html", self.html.pop(page.file.src_uri, []), page)

    @event_priority(100)
    def on_post_page(self, output: str, *, page, **kwargs) -> str:
        path = self.waiting.pop(page.file.src_uri, None)
        if path is None:
            return output
        blocks = json.loads(path.read_text(encoding="utf-8"))
        path.unlink()
        return _put_back(output, "verbatim", blocks, page)


def _placeholder(kind: str, number: int | str) -> str:
    """The comment that holds the place of a page's block number `number` of `kind` ("verbatim", "html")."""
    return f"<!-- {kind} {number} -->"


def _taken_out(markdown: str, start: str, end: str, kind: str, page) -> tuple[str, list[str]]:
    """The page's Markdown with each block between `start` and `end` replaced by its `_placeholder`; the blocks."""
    first, *rest = markdown.split(start)
    kept, blocks = [first], []
    for part in rest:
        block, ended, after = part.partition(end)
        if not ended:
            raise SiteError(f"{page.file.src_uri}: a block opened with {start} is never closed: end it with {end}.")
        kept += [_placeholder(kind, len(blocks)), after]
        blocks.append(block.strip("\n"))
    return "".join(kept), blocks


def _put_back(text: str, kind: str, blocks: list[str], page) -> str:
    """`text` with the `_placeholder` of each of a page's blocks of `kind` replaced by the block."""
    if not blocks:
        return text
    placeholder = re.compile(_placeholder(kind, r"(\d+)"))  # the comment holds no other character special to re
    found = [int(number) for number in placeholder.findall(text)]
    if found != list(range(len(blocks))):
        raise SiteError(f"{page.file.src_uri}: the places of its {kind} blocks were lost on the way through MkDocs "
                        f"(found {found}, expected 0 to {len(blocks) - 1}): a block must stand as HTML, not inside "
                        "Markdown code.")
    return placeholder.sub(lambda match: blocks[int(match[1])], text)


class ShareImage(BasePlugin):
    """A page whose front matter names an `image` (an indicator's headline chart as PNG) gets it as its share image
    (`og:image`), the picture a social network or chat shows beside a link to the page. The theme has no such tag
    of its own. With `site_url` in mkdocs.yml, the address is absolute, as those readers need."""

    def on_post_page(self, output: str, *, page, **kwargs) -> str:
        image = page.meta.get("image")
        if not image:
            return output
        address = urljoin(page.canonical_url, image) if page.canonical_url else image
        tags = (f'<meta property="og:image" content="{html.escape(address)}">'
                f'<meta property="og:title" content="{html.escape(page.title or "")}">')
        return output.replace("</head>", f"{tags}</head>", 1)


class LateFiles(BasePlugin):
    """A tree's late files (`SiteTree.late`) among MkDocs' files, so that links to them are checked, but not copied
    by it: they are not made yet, and `add_late_files` puts them in."""

    def __init__(self, late: dict[str, Path]) -> None:
        super().__init__()
        self.late = late

    def on_files(self, files: Files, *, config) -> Files:
        for path, made in self.late.items():
            if files.get_file_from_path(path) is None:
                files.append(_NotCopied.generated(config, path, abs_src_path=str(made)))
        return files


class _NotCopied(File):
    def copy_file(self, dirty: bool = False) -> None:
        pass


class LinkedStaticFiles(BasePlugin):
    """Hard-links the docs folder's static files (chart images, downloads: most of a national site's bytes) into the
    site instead of copying them.

    MkDocs still lists every file, so strict mode checks links to them as before, and it skips copying a file that is
    already in place (it allows plugins to write into site_dir). A link can be shared safely: write_docs writes a
    changed file as a new one, never over the old, so no later write reaches a published file through it. Across
    file systems, MkDocs copies.
    """

    def __init__(self, docs: Path) -> None:
        super().__init__()
        self.docs = docs

    @event_priority(-100)  # last before MkDocs copies the static files
    def on_env(self, env, *, config, files, **kwargs):
        for file in files:
            if (file.is_documentation_page() or not file.inclusion.is_included() or file.abs_src_path is None
                    or not Path(file.abs_src_path).is_relative_to(self.docs)):
                continue
            os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
            try:
                os.link(file.abs_src_path, file.abs_dest_path)
            except OSError:
                pass  # MkDocs copies it
        return env
