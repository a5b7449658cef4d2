"""The work of one image-rendering process: a spec in, SVG (and PNG) out.

Its own module, importing nothing but vl-convert, because each worker process is spawned fresh and imports the
module of the function it runs: importing `generator.images` would import Altair and pandas in every worker.
"""

from __future__ import annotations

import vl_convert


def render_one(job: tuple[str, str, bool]) -> tuple[bytes, bytes | None]:
    """(spec as JSON, Vega-Lite version, with PNG) → SVG, and PNG when asked.

    PNG from the SVG: that measured a third of the cost of drawing the spec again (vegalite_to_png).
    """
    spec, vl_version, with_png = job
    svg = vl_convert.vegalite_to_svg(spec, vl_version=vl_version)
    return svg.encode("utf-8"), (bytes(vl_convert.svg_to_png(svg)) if with_png else None)
