"""The MkDocs stage on a small docs folder: verbatim blocks reach the page as written and stay out of the search
index, static files are linked rather than copied, late files (the images) are linked to before they exist and
published only with the site, and strict mode still fails a broken link."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.load.project import Project
from generator.publish.languages import ENGLISH
from generator.publish.mkdocs_plugins import HTML_END, HTML_START, VERBATIM_END, VERBATIM_START
from generator.publish.site import (SiteError, SiteTree, add_late_files, build_site, site_src_files, staged_site,
                                    write_docs)
from conftest import REPO

TABLE = """<div class="table-scroll"><table>
<caption>Values</caption>
<tbody>
<tr><th scope="row">2015</th><td>41.5 unmarked *text*</td></tr>
</tbody>
</table></div>"""


@pytest.fixture
def project(tmp_path) -> Project:
    """A project with the site's own mkdocs.yml and no hand-written pages."""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return Project(tmp_path)


# What mkdocs.yml names for every page, which strict mode wants to find.
ASSETS = {"assets/stylesheets/site.css": b"", "assets/javascripts/vega.js": b"", "assets/javascripts/charts.js": b""}


def build(project: Project, pages: dict[str, str], files: dict[str, bytes] | None = None) -> Path:
    docs, site = project.root / "docs", project.root / "site"
    write_docs(docs, site_src_files(project.site_src),
               {**{path: text.encode() for path, text in pages.items()}, **ASSETS, **(files or {})})
    build_site(project, [SiteTree(ENGLISH, docs, [{"Home": "index.md"}, {"Other": "other.md"}])], site,
               build_time=1_600_000_000)
    return site


def page(body: str) -> dict[str, str]:
    return {"index.md": body, "other.md": "# Other\n\nThe other page.\n"}


def search_text(site: Path) -> str:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return " ".join(entry["title"] + " " + entry["text"] for entry in index["docs"])


def test_a_verbatim_block_reaches_the_page_as_written_and_stays_out_of_search(project):
    site = build(project, page(f"# Home\n\nSome *prose*.\n\n{VERBATIM_START}\n{TABLE}\n{VERBATIM_END}\n\n"
                               "## After\n\nMore prose.\n"))
    html = (site / "index.html").read_text(encoding="utf-8")
    assert TABLE in html, "not one character of the block is changed, not even the Markdown-like *text*"
    assert "<!-- verbatim" not in html and VERBATIM_END not in html
    assert html.index("<em>prose</em>") < html.index(TABLE) < html.index('id="after"')
    words = search_text(site)
    assert "prose" in words and "More prose" in words
    assert "41.5" not in words and "Values" not in words


def test_blocks_of_a_page_keep_their_order_and_other_pages_are_untouched(project):
    blocks = [f"<p>block {number}</p>" for number in range(3)]
    body = "# Home\n\n" + "\n\nText between.\n\n".join(f"{VERBATIM_START}\n{block}\n{VERBATIM_END}" for block in blocks)
    site = build(project, page(body + "\n"))
    html = (site / "index.html").read_text(encoding="utf-8")
    assert [html.index(block) for block in blocks] == sorted(html.index(block) for block in blocks)
    assert "<p>The other page.</p>" in (site / "other" / "index.html").read_text(encoding="utf-8")


def test_an_unclosed_verbatim_block_fails_the_build_and_names_the_page(project):
    with pytest.raises(SiteError, match=r"index\.md: a block opened with <!-- verbatim --> is never closed"):
        build(project, page(f"# Home\n\n{VERBATIM_START}\n{TABLE}\n"))
    assert not (project.root / "site").exists(), "a failed build publishes nothing"


def test_a_block_whose_place_is_lost_fails_the_build(project):
    # Inside a code span Markdown escapes the place-holding comment, so it cannot be found in the finished page.
    with pytest.raises(SiteError, match=r"index\.md: the places of its verbatim blocks were lost"):
        build(project, page(f"# Home\n\n`{VERBATIM_START}<p>x</p>{VERBATIM_END}`\n"))


def test_an_html_block_passes_by_markdown_but_is_in_the_page_and_in_search(project):
    figure = '<figure id="chart-headline">\n<figcaption>Rates fell from 41.5 to *39*.</figcaption>\n</figure>'
    body = (f"# Home\n\nSome *prose*.\n\n{HTML_START}\n{figure}\n\n{VERBATIM_START}\n{TABLE}\n{VERBATIM_END}\n"
            f"{HTML_END}\n\n## After\n\nMore prose.\n")
    site = build(project, page(body))
    html = (site / "index.html").read_text(encoding="utf-8")
    assert figure in html and TABLE in html, "not one character changed, not even the Markdown-like *39*"
    assert "<!-- html" not in html and HTML_END not in html and "<!-- verbatim" not in html
    assert html.index("<em>prose</em>") < html.index(figure) < html.index(TABLE) < html.index('id="after"')
    words = search_text(site)
    assert "Rates fell from 41.5" in words, "the search index reads an HTML block"
    assert "Values" not in words, "… but not a verbatim block within it"


def test_an_unclosed_html_block_fails_the_build_and_names_the_page(project):
    with pytest.raises(SiteError, match=r"index\.md: a block opened with <!-- html --> is never closed: end it "
                                        r"with <!-- /html -->"):
        build(project, page(f"# Home\n\n{HTML_START}\n<p>x</p>\n"))
    with pytest.raises(SiteError, match=r"index\.md: the places of its html blocks were lost"):
        build(project, page(f"# Home\n\n`{HTML_START}<p>x</p>{HTML_END}`\n"))
    assert not (project.root / "site").exists(), "a failed build publishes nothing"


def test_static_files_are_linked_into_the_site_and_a_broken_link_still_fails(project, caplog):
    data = b"period,value\n2015,41.5\n"
    site = build(project, page("# Home\n\n[The data](data/values.csv)\n"), {"data/values.csv": data})
    published, source = site / "data" / "values.csv", project.root / "docs" / "data" / "values.csv"
    assert published.read_bytes() == data
    assert published.stat().st_ino == source.stat().st_ino, "hard-linked, not copied"
    assert 'href="data/values.csv"' in (site / "index.html").read_text(encoding="utf-8")

    # The next build writes the docs folder afresh: the published file keeps its bytes until the new site is in.
    with pytest.raises(SiteError, match="strict mode"):
        build(project, page("# Home\n\n[The data](data/values.csv)\n"), {"data/other.csv": b"x\n"})
    assert "contains a link 'data/values.csv', but the target is not found" in caplog.text
    assert published.read_bytes() == data, "a failed build leaves the previous site as it was"


def test_late_files_are_known_to_mkdocs_while_being_made_and_published_only_with_the_site(project, tmp_path):
    docs, site = project.root / "docs", project.root / "site"
    write_docs(docs, {}, {**{path: text.encode() for path, text in page("# Home\n\n![A chart](chart.svg)\n").items()},
                          **ASSETS})
    drawn = tmp_path / "store" / "chart.svg"  # not yet drawn while MkDocs runs: strict mode still accepts the link
    tree = SiteTree(ENGLISH, docs, [{"Home": "index.md"}, {"Other": "other.md"}], late={"chart.svg": drawn})
    with staged_site(project, [tree], site, build_time=1_600_000_000) as staging:
        assert not (staging / "chart.svg").exists() and not site.exists(), "nothing is published before the block ends"
        drawn.parent.mkdir()
        drawn.write_bytes(b"<svg/>")
        add_late_files(staging, [tree])
    assert (site / "chart.svg").read_bytes() == (docs / "chart.svg").read_bytes() == b"<svg/>"
    assert 'src="chart.svg"' in (site / "index.html").read_text(encoding="utf-8")

    # A failure while the late files are made (a drawing process that died) publishes nothing: the site stays.
    with pytest.raises(RuntimeError, match="drawing failed"):
        with staged_site(project, [tree], site, build_time=1_600_000_000):
            raise RuntimeError("drawing failed")
    assert (site / "chart.svg").read_bytes() == b"<svg/>" and not list(project.root.glob(".site-*"))


def test_the_docs_folder_keeps_unchanged_files_and_writes_changed_ones_anew(project):
    docs = project.root / "docs"
    (project.site_src / "assets").mkdir(parents=True)
    (project.site_src / "assets" / "extra.css").write_text("p {}\n", encoding="utf-8")
    (project.site_src / "narratives").mkdir()
    (project.site_src / "narratives" / "home.md").write_text("Included, not a page.\n", encoding="utf-8")
    write_docs(docs, site_src_files(project.site_src), {"index.md": b"# Home\n", "data/a.csv": b"a\n", "data/b.csv": b"b\n"})
    before = {name: (docs / name).stat().st_ino for name in ("index.md", "data/a.csv", "data/b.csv")}
    published = docs / "data" / "b.csv"
    published_copy = project.root / "published-b.csv"
    published_copy.hardlink_to(published)  # as the site links it

    write_docs(docs, site_src_files(project.site_src),
               {"index.md": b"# Home\n", "data/b.csv": b"b, revised\n", "c.csv": b"c\n"})
    assert sorted(path.relative_to(docs).as_posix() for path in docs.rglob("*") if path.is_file()) == [
        "assets/extra.css", "c.csv", "data/b.csv", "index.md"]
    assert (docs / "index.md").stat().st_ino == before["index.md"], "unchanged: kept as it was"
    assert (docs / "data" / "b.csv").read_bytes() == b"b, revised\n"
    assert (docs / "data" / "b.csv").stat().st_ino != before["data/b.csv"], "changed: a new file"
    assert published_copy.read_bytes() == b"b\n", "the published file is not written through its link"

    with pytest.raises(SiteError, match="site_src/ has files where the generator writes its own: assets/extra.css"):
        write_docs(docs, site_src_files(project.site_src), {"index.md": b"# Home\n", "assets/extra.css": b""})


def test_the_docs_folder_keeps_a_late_file_for_its_maker_to_keep_or_replace(project):
    docs = project.root / "docs"
    write_docs(docs, {}, {"index.md": b"# Home\n", "chart.svg": b"<svg>old</svg>"})
    kept = (docs / "chart.svg").stat().st_ino
    write_docs(docs, {}, {"index.md": b"# Home\n"}, late=["chart.svg"])
    assert (docs / "chart.svg").stat().st_ino == kept, "a file still being made is left where it is"
    write_docs(docs, {}, {"index.md": b"# Home\n"})
    assert not (docs / "chart.svg").exists(), "a file neither wanted nor being made is removed"
