"""The work of one image-rendering process: a spec in, SVG (and PNG) files out.

Its own module, importing nothing but vl-convert, the standard library, `generator.cache` and `generator.memory`,
because each worker process is spawned fresh and imports the module of the function it runs: importing
`generator.publish.images` would import Altair and pandas in every worker.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

import vl_convert

from generator.cache import atomic_write
from generator.memory import peak_mb


# A fontconfig file whose one font folder is empty. vl-convert (fontdb) adds the fonts of the folders it names to
# the Liberation Sans it carries, or, when it names none, every font in /usr/share/fonts. A font from a file is
# opened, mapped and unmapped again for each glyph it measures or draws: about a thousand times a chart, 40% of the
# drawing time, where Debian's fonts-liberation (which Chromium brings) is installed. vl-convert's own copy is held
# in memory, and the same on every machine, so the images no longer depend on which fonts a machine has.
FONT_CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{folder}</dir></fontconfig>
"""


# The drawing processes run beside the build's own, whose steps are the build's critical path: they draw on what
# the build leaves of the machine, rather than taking a core from it, and catch up while it waits for them.
DRAWING_NICENESS = 10


def start_drawing(folder: str) -> None:
    """Set up a drawing process: below the build in priority, and with only vl-convert's own fonts."""
    os.nice(DRAWING_NICENESS)
    use_bundled_fonts(folder)


def use_bundled_fonts(folder: str) -> None:
    """Make this process's vl-convert use only the fonts it carries; call before it draws anything."""
    empty = Path(folder) / "none"
    empty.mkdir(parents=True, exist_ok=True)
    config = Path(folder) / "fonts.conf"
    text = FONT_CONFIG.format(folder=escape(str(empty)))
    if not config.is_file() or config.read_text(encoding="utf-8") != text:
        atomic_write(config, text.encode("utf-8"))
    os.environ["FONTCONFIG_FILE"] = str(config)


def draw_chunk(jobs: list[tuple[str | None, str, str, str | None]]) -> float:
    """Each job drawn (`render_one`); this process's peak memory so far, in MB."""
    for job in jobs:
        render_one(job)
    return peak_mb()


def render_one(job: tuple[str | None, str, str, str | None]) -> None:
    """(spec as JSON, Vega-Lite version, SVG path, PNG path or None): draws the SVG, and the PNG when asked. A job
    without a spec writes Vega's JavaScript bundle for that Vega-Lite version to the "SVG" path instead.

    PNG from the SVG: that measured a third of the cost of drawing the spec again (vegalite_to_png). Each file is
    written under a temporary name and then renamed, PNG first: an SVG in place means its entry is whole, even when
    two builds draw the same chart at once.
    """
    spec, vl_version, svg_path, png_path = job
    if spec is None:
        atomic_write(Path(svg_path), vl_convert.javascript_bundle(vl_version=vl_version).encode("utf-8"))
        return
    svg = vl_convert.vegalite_to_svg(spec, vl_version=vl_version)
    if png_path is not None:
        atomic_write(Path(png_path), bytes(vl_convert.svg_to_png(svg)))
    atomic_write(Path(svg_path), svg.encode("utf-8"))
