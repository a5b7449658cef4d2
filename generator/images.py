"""Chart images: static SVG for every chart spec, and the Vega JavaScript the site serves itself."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import vl_convert

from generator.charts import VEGA_LITE_VERSION


def render_svgs(specs: dict[str, dict], workers: int = 2) -> dict[str, str]:
    """Static SVG for each spec, by the same key; vl-convert runs outside the GIL, so threads use every core."""
    def render(item):
        key, spec = item
        return key, vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(render, sorted(specs.items())))


def javascript_bundle(cache: Path | None = None) -> str:
    """Vega, Vega-Lite and Vega-Embed in one file the site serves itself, so charts need no other host.

    Bundling takes a second and depends only on vl-convert's version, so it is kept in `cache` between builds.
    """
    cached = cache / f"vega-{vl_convert.__version__}-{VEGA_LITE_VERSION}.js" if cache else None
    if cached and cached.is_file():
        return cached.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(bundle, encoding="utf-8")
    return bundle
