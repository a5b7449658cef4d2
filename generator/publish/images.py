"""Chart images: static SVG (and PNG for download) for every chart spec, and the Vega JavaScript the site serves.

Drawing is most of a build's time (35 to 70 ms of CPU a chart in vl-convert, SVG and PNG, which serialises its
calls internally, so threads do not help), hence two things:

- images are kept in the build's store (`generator.cache`), keyed by the spec's JSON, vl-convert's version and the
  generator's version: a rebuild renders only the charts whose spec changed;
- what is not in the cache is rendered in worker processes (`workers`; see WORKERS_VARIABLE for the default),
  each writing its images into the cache itself, so no image passes through the build's own memory.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import vl_convert

from generator import __version__
from generator.cache import Store, key as cache_key
from generator.publish.charts import VEGA_LITE_VERSION
from generator.publish.render_worker import draw_chunk as _draw_chunk, start_drawing

IMAGES, JAVASCRIPT = "images", "javascript"  # their kinds of entry in the store
JAVASCRIPT_PATH = "assets/javascripts/vega.js"  # in the site
# Two processes by default where there are two cores: with only its own fonts (render_worker.use_bundled_fonts),
# vl-convert draws on one core a process, so a second process draws nearly as much again. Measured on the 2-core
# benchmark machine with the example's 84 charts (SVG and PNG): 4.7 s in one process, 3.4 s in two, each process's
# start (about a second) included. Set the variable to the number of processes to try more on a larger machine.
WORKERS_VARIABLE = "INDICATORS_RENDER_WORKERS"
# Each worker process takes about a second to start (vl-convert's JavaScript runtime): fewer charts than this share one.
MIN_JOBS_PER_WORKER = 24
# Jobs are sent to a process this many at a time: about a second of drawing, so that both stay busy to the end.
CHUNK = 16
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
    javascript: Path | None = None  # Vega's bundle for the site, when asked for (`Drawing(javascript=True)`)

    def files(self) -> dict[str, Path]:
        """Path in the docs folder → the file to put there: `<key>.svg` for every chart, `<key>.png` for those
        given PNG, and the Vega bundle when there is one."""
        return {**{f"{key}.svg": path for key, path in self.svgs.items()},
                **{f"{key}.png": path for key, path in self.pngs.items()},
                **({JAVASCRIPT_PATH: self.javascript} if self.javascript else {})}


class Drawing:
    """Images being drawn by other processes while the build goes on: `draw` each as its spec is made, then `wait`.

    Drawing is the longest stage of a cold build, and the stages after the charts (history, downloads, pages and
    MkDocs) need only the images' paths, known before they are drawn (`files`): so the images are drawn on the other
    core from the first chart made until MkDocs has run, and Vega's bundle before that, while the trends are
    computed. Each is drawn into the store unless it is there already.
    """

    def __init__(self, store: Store, workers: int | None = None, expected: int = 0, javascript: bool = False) -> None:
        """`expected`: about how many images there will be, to start no more processes than they need;
        `javascript`: also write Vega's bundle for the site (Vega, Vega-Lite and Vega-Embed in one file, so that
        charts need no other host), which takes vl-convert a second or two."""
        self._store = store
        self._workers = _workers(max(expected, 1), workers)
        self._svgs: dict[str, Path] = {}
        self._pngs: dict[str, Path] = {}
        self._misses = 0
        self._queued: list[tuple] = []
        self._pending: list = []
        self._pool: ProcessPoolExecutor | None = None
        self._javascript = None
        if javascript:
            entry = cache_key(f"vl-convert {vl_convert.__version__}", f"vega-lite {VEGA_LITE_VERSION}")
            self._javascript = store.path(JAVASCRIPT, entry, ".js")
            if not store.has(JAVASCRIPT, entry, ".js"):
                self._queued.append((None, VEGA_LITE_VERSION, str(self._javascript), None))
                self._submit()  # on its own: it is the longest job

    def draw(self, key: str, spec: str, png: bool = False) -> None:
        """The SVG of `spec` (JSON, as `charts.spec_text` writes it), and its PNG too with `png`, as `key`."""
        entry = spec_key(spec)
        svg = self._svgs[key] = self._store.path(IMAGES, entry, ".svg")
        if png:
            self._pngs[key] = self._store.path(IMAGES, entry, ".png")
        # The SVG is written last, so its presence says the entry is whole.
        if self._store.has(IMAGES, entry, ".svg") and (not png or self._store.has(IMAGES, entry, ".png")):
            return
        self._misses += 1
        self._queued.append((spec, VEGA_LITE_VERSION, str(svg), str(self._pngs[key]) if png else None))
        if len(self._queued) >= CHUNK:
            self._submit()

    def files(self) -> dict[str, Path]:
        """Where each image handed so far will be, as `Images.files` names them: known before it is drawn."""
        return Images(self._svgs, self._pngs, 0, 0, javascript=self._javascript).files()

    def _submit(self) -> None:
        if not self._queued:
            return
        if self._pool is None:
            self._pool = _pool(self._store.folder, self._workers)
        self._pending.append(self._pool.submit(_draw_chunk, self._queued))
        self._queued = []

    def __enter__(self) -> Drawing:
        return self

    def __exit__(self, *exception) -> None:
        """Stop drawing when the build stops early (invalid data, an error), without waiting for the images being
        drawn: each is written whole into the store or not at all."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def wait(self) -> Images:
        self._submit()
        peak = 0.0
        if self._pool is not None:
            try:
                peak = max(future.result() for future in self._pending)
            finally:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None
        return Images(self._svgs, self._pngs, hits=len(self._svgs) - self._misses, misses=self._misses,
                      workers_peak_mb=peak, javascript=self._javascript)


def spec_key(text: str) -> str:
    """The cache key of a spec's images (the spec as `charts.spec_text` writes it): what they are drawn from and
    what draws them."""
    return cache_key(f"vl-convert {vl_convert.__version__}", f"vega-lite {VEGA_LITE_VERSION}",
                     f"generator {__version__}", "vl-convert's own fonts", text)


def _workers(jobs: int, workers: int | None) -> int:
    workers = workers or int(os.environ.get(WORKERS_VARIABLE) or DEFAULT_WORKERS)
    return max(1, min(workers, -(-jobs // MIN_JOBS_PER_WORKER)))


def _pool(cache: Path, workers: int) -> ProcessPoolExecutor:
    """Worker processes, even for one chart: each uses only vl-convert's own fonts (see
    `render_worker.use_bundled_fonts`), which cannot be changed in a process that has drawn already, and which would
    reach everything the build starts (Chromium, in the tests) if set in the build's own process."""
    # Spawned, not forked: the parent may already run vl-convert's runtime threads, which a fork would copy
    # half-way; and a spawned worker holds only what it renders, not the build's tables.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_drawing,
                               initargs=(str(cache / "fonts"),))
