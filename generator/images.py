"""Chart images: static SVG (and PNG for download) for every chart spec, and the Vega JavaScript the site serves.

Rendering is most of a build's time (tens of milliseconds a chart in vl-convert, which serialises its calls
internally, so threads do not help), hence two things:

- images are kept in a content-addressed cache (`build/cache/images/`), keyed by the spec's JSON, vl-convert's
  version and the generator's version: a rebuild renders only the charts whose spec changed;
- what is not in the cache is rendered in worker processes (`workers`; see WORKERS_VARIABLE for the default).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import vl_convert

from generator import __version__
from generator.charts import VEGA_LITE_VERSION
from generator.render_worker import render_one

# Below this many charts to render, starting worker processes (each imports vl-convert and starts its JavaScript
# runtime, about a second) costs more than it saves.
PARALLEL_FROM = 24
IMAGE_FORMATS = ("svg", "png")
# Two processes by default where there are two cores. Re-measured on the quiet 2-core benchmark machine with 100
# uncached UK charts (SVG and PNG), twice each: one process 16.6 to 17.6 s, two processes 13.7 and 13.8 s, about
# a fifth less; the whole UK build's 985 charts took 169 s in one process and 117 s in two. (Under load, two
# processes had been slower: 11 to 23 s for 60 charts against 6 to 10 s in one, since vl-convert's own threads
# already use the second core; a loaded machine can set the variable to 1.) Set it to the number of processes to
# try more on a larger machine.
WORKERS_VARIABLE = "INDICATORS_RENDER_WORKERS"
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class Images:
    """The images of one build by chart key (`indicators/<id>/<name>`), and how many came from the cache."""

    svgs: dict[str, bytes]
    pngs: dict[str, bytes]
    hits: int  # charts whose images were in the cache
    misses: int  # charts rendered by this build

    def files(self) -> dict[str, bytes]:
        """Path in the docs folder → bytes: `<key>.svg` for every chart, `<key>.png` for those given PNG."""
        return {**{f"{key}.svg": data for key, data in self.svgs.items()},
                **{f"{key}.png": data for key, data in self.pngs.items()}}


def render_images(specs: dict[str, dict], png: set[str] | frozenset[str] = frozenset(), cache: Path | None = None,
                  workers: int | None = None) -> Images:
    """SVG for each spec by the same key, and PNG too for the keys in `png`; from `cache` when there.

    `workers` defaults to $INDICATORS_RENDER_WORKERS, else DEFAULT_WORKERS; a cache of None renders everything.
    """
    keys = {key: spec_key(spec) for key, spec in specs.items()}
    svgs: dict[str, bytes] = {}
    pngs: dict[str, bytes] = {}
    missing = []
    for key in sorted(specs):
        stored = _cached(cache, keys[key], key in png)
        if stored is None:
            missing.append(key)
            continue
        svgs[key], png_bytes = stored
        if key in png:
            pngs[key] = png_bytes
    jobs = [(json.dumps(specs[key], separators=(",", ":")), VEGA_LITE_VERSION, key in png) for key in missing]
    for key, (svg, png_bytes) in zip(missing, _render_all(jobs, workers)):
        svgs[key] = svg
        if png_bytes is not None:
            pngs[key] = png_bytes
        _store(cache, keys[key], svg, png_bytes)
    return Images(svgs, pngs, hits=len(specs) - len(missing), misses=len(missing))


def render_svgs(specs: dict[str, dict], workers: int | None = None) -> dict[str, str]:
    """Static SVG for each spec, by the same key, without a cache."""
    images = render_images(specs, workers=workers)
    return {key: svg.decode("utf-8") for key, svg in images.svgs.items()}


def spec_key(spec: dict) -> str:
    """The cache key of a spec's images: what they are drawn from and what draws them."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256()
    for part in (f"vl-convert {vl_convert.__version__}", f"vega-lite {VEGA_LITE_VERSION}",
                 f"generator {__version__}", text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _render_all(jobs: list[tuple[str, str, bool]], workers: int | None) -> list[tuple[bytes, bytes | None]]:
    workers = workers or int(os.environ.get(WORKERS_VARIABLE) or DEFAULT_WORKERS)
    if workers < 2 or len(jobs) < PARALLEL_FROM:
        return [render_one(job) for job in jobs]
    # Spawned, not forked: the parent may already run vl-convert's runtime threads, which a fork would copy
    # half-way; and a spawned worker holds only what it renders, not the build's tables.
    context = multiprocessing.get_context("spawn")
    chunk = max(1, min(32, len(jobs) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(render_one, jobs, chunksize=chunk))


def _paths(cache: Path, key: str) -> dict[str, Path]:
    folder = cache / "images" / key[:2]
    return {kind: folder / f"{key}.{kind}" for kind in IMAGE_FORMATS}


def _cached(cache: Path | None, key: str, with_png: bool) -> tuple[bytes, bytes | None] | None:
    if cache is None:
        return None
    paths = _paths(cache, key)
    try:
        svg = paths["svg"].read_bytes()
        return svg, (paths["png"].read_bytes() if with_png else None)
    except FileNotFoundError:
        return None


def _store(cache: Path | None, key: str, svg: bytes, png: bytes | None) -> None:
    if cache is None:
        return
    paths = _paths(cache, key)
    paths["svg"].parent.mkdir(parents=True, exist_ok=True)
    # PNG first, then SVG: the SVG's presence is what says the entry is whole.
    for kind, data in (("png", png), ("svg", svg)):
        if data is None:
            continue
        partial = paths[kind].with_suffix(f".{kind}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(paths[kind])


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
