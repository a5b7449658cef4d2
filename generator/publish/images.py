"""Chart images: static SVG (and PNG for download) for every chart spec, and the Vega JavaScript the site serves.

Drawing is most of a build's time (35 to 70 ms of CPU a chart in vl-convert, SVG and PNG, which serialises its
calls internally, so threads do not help), hence two things:

- images are kept in a content-addressed cache (`build/cache/images/`), keyed by the spec's JSON, vl-convert's
  version and the generator's version: a rebuild renders only the charts whose spec changed;
- what is not in the cache is rendered in worker processes (`workers`; see WORKERS_VARIABLE for the default),
  each writing its images into the cache itself, so no image passes through the build's own memory.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import vl_convert

from generator import __version__
from generator.publish.charts import VEGA_LITE_VERSION, spec_text
from generator.publish.render_worker import render_one, use_bundled_fonts

IMAGE_FORMATS = ("svg", "png")
# Two processes by default where there are two cores: with only its own fonts (render_worker.use_bundled_fonts),
# vl-convert draws on one core a process, so a second process draws nearly as much again. Measured on the 2-core
# benchmark machine with the example's 84 charts (SVG and PNG): 4.7 s in one process, 3.4 s in two, each process's
# start (about a second) included. Set the variable to the number of processes to try more on a larger machine.
WORKERS_VARIABLE = "INDICATORS_RENDER_WORKERS"
# Each worker process takes about a second to start (vl-convert's JavaScript runtime): fewer charts than this share one.
MIN_JOBS_PER_WORKER = 24
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class Images:
    """Where the images of one build are, by chart key (`indicators/<id>/<name>`), and how many were drawn.

    Images stay on disk, in the cache: a national site has thousands, and holding their bytes until the pages are
    written made the build's memory grow with the site.
    """

    svgs: dict[str, Path]
    pngs: dict[str, Path]
    hits: int  # charts whose images were in the cache
    misses: int  # charts rendered by this build
    workers_peak_mb: float = 0.0  # the largest peak memory of the processes that drew them

    def files(self) -> dict[str, Path]:
        """Path in the docs folder → the file to put there: `<key>.svg` for every chart, `<key>.png` for those
        given PNG."""
        return {**{f"{key}.svg": path for key, path in self.svgs.items()},
                **{f"{key}.png": path for key, path in self.pngs.items()}}


def render_images(specs: dict[str, str], cache: Path, png: set[str] | frozenset[str] = frozenset(),
                  workers: int | None = None, reuse: bool = True) -> Images:
    """SVG for each spec (JSON, as `charts.spec_text` writes it) by the same key, and PNG too for the keys in
    `png`, drawn into `cache` unless there (or always, without `reuse`).

    `workers` defaults to $INDICATORS_RENDER_WORKERS, else DEFAULT_WORKERS.
    """
    svgs: dict[str, Path] = {}
    pngs: dict[str, Path] = {}
    jobs = []
    for key in sorted(specs):
        paths = _paths(cache, spec_key(specs[key]))
        svgs[key] = paths["svg"]
        if key in png:
            pngs[key] = paths["png"]
        # The SVG is written last, so its presence says the entry is whole.
        if not reuse or not paths["svg"].is_file() or (key in png and not paths["png"].is_file()):
            jobs.append((specs[key], VEGA_LITE_VERSION, str(paths["svg"]), str(paths["png"]) if key in png else None))
    workers_peak_mb = _render_all(jobs, cache, workers)
    return Images(svgs, pngs, hits=len(specs) - len(jobs), misses=len(jobs), workers_peak_mb=workers_peak_mb)


def render_svgs(specs: dict[str, dict], workers: int | None = None) -> dict[str, str]:
    """Static SVG for each spec, by the same key, drawn afresh (into a temporary cache)."""
    with tempfile.TemporaryDirectory(prefix="images-") as folder:
        images = render_images({key: spec_text(spec) for key, spec in specs.items()}, Path(folder), workers=workers)
        return {key: path.read_text(encoding="utf-8") for key, path in images.svgs.items()}


def spec_key(text: str) -> str:
    """The cache key of a spec's images (the spec as `charts.spec_text` writes it): what they are drawn from and
    what draws them."""
    digest = hashlib.sha256()
    for part in (f"vl-convert {vl_convert.__version__}", f"vega-lite {VEGA_LITE_VERSION}",
                 f"generator {__version__}", "vl-convert's own fonts", text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _render_all(jobs: list[tuple[str, str, str, str | None]], cache: Path, workers: int | None) -> float:
    """Draw in worker processes, even for one chart: each uses only vl-convert's own fonts (see
    `render_worker.use_bundled_fonts`), which cannot be changed in a process that has drawn already, and which would
    reach everything the build starts (Chromium, in the tests) if set in the build's own process.

    Returns the largest peak memory of the workers, in MB.
    """
    if not jobs:
        return 0.0
    workers = workers or int(os.environ.get(WORKERS_VARIABLE) or DEFAULT_WORKERS)
    workers = max(1, min(workers, -(-len(jobs) // MIN_JOBS_PER_WORKER)))
    # Spawned, not forked: the parent may already run vl-convert's runtime threads, which a fork would copy
    # half-way; and a spawned worker holds only what it renders, not the build's tables.
    context = multiprocessing.get_context("spawn")
    chunk = max(1, min(32, len(jobs) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=use_bundled_fonts,
                             initargs=(str(cache / "fonts"),)) as pool:
        return max(pool.map(render_one, jobs, chunksize=chunk))


def _paths(cache: Path, key: str) -> dict[str, Path]:
    folder = cache / "images" / key[:2]
    return {kind: folder / f"{key}.{kind}" for kind in IMAGE_FORMATS}


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
