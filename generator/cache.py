"""One content-addressed store for everything a build keeps between builds, in `build/cache/`.

An entry is named by a hash of everything it is made from (`key`), so it never goes stale: changed inputs make a
new key, and an old entry is only ever unused. The steps that keep results all use this one store, each under a
kind of its own: an indicator's trends and charts (`indicators`), chart images (`images`, written by the drawing
processes through `path`), Vega's bundle (`javascript`), a commit's data release (`releases`), and the stamp of the
last build (`builds`). Every write is atomic (`atomic_write`): a build stopped half-way, or two builds at once,
never leave half an entry. After a whole build, `prune` deletes the entries it did not use, so the store holds what
the current site is made of and no more.

Imports nothing of the generator: the image-drawing processes use it, and each imports its modules afresh.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import time
from pathlib import Path
from typing import Any

PICKLE = ".pickle"


def key(*parts: str | bytes) -> str:
    """A hash of the parts, each kept apart from the next (so ("ab", "c") and ("a", "bc") differ)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """`data` at `path`, written under a name of this process's and renamed: a reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    partial.replace(path)


def replace_folder(folder: Path, made: Path) -> None:
    """`folder` replaced by `made` (a whole new folder beside it), the old one moved aside first and deleted only
    after: a reader finds the old folder or the new one, never a half-written mix, and a failure keeps the old."""
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
        made.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        made.rename(folder)


class Store:
    """The entries under `folder`. With `reuse` off, nothing is found in it (every result is made again) but what
    is made is still written there: chart images are drawn into the store, never into the build's memory."""

    def __init__(self, folder: Path, reuse: bool = True) -> None:
        self.folder = folder
        self.reuse = reuse
        self._used: set[Path] = set()
        self._opened = time.time()

    def path(self, kind: str, entry: str, suffix: str) -> Path:
        """Where an entry is, or is to be written (by this process or another): used by this build."""
        path = self.folder / kind / entry[:2] / f"{entry}{suffix}"
        self._used.add(path)
        return path

    def has(self, kind: str, entry: str, suffix: str) -> bool:
        return self.reuse and self.path(kind, entry, suffix).is_file()

    def load(self, kind: str, entry: str) -> Any | None:
        """The object stored as `entry`, or None where there is none or it cannot be read (a store written by
        another version of the generator, a damaged file): a missing entry is made again, never an error."""
        path = self.path(kind, entry, PICKLE)
        if not self.reuse:
            return None
        try:
            with path.open("rb") as file:
                return pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None

    def save(self, kind: str, entry: str, value: Any) -> None:
        atomic_write(self.path(kind, entry, PICKLE), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def prune(self) -> int:
        """Delete the entries this build did not use, but for those written since it began (another build's); how
        many were deleted. Files of other names (a drawing process's font settings) are left alone."""
        if not self.folder.is_dir():
            return 0
        deleted = 0
        for kind in self.folder.iterdir():
            if not kind.is_dir():
                continue
            for path in kind.glob("??/*"):
                if path in self._used or not path.is_file() or len(path.name.split(".", 1)[0]) != 64:
                    continue
                try:
                    if path.stat().st_mtime < self._opened:
                        path.unlink()
                        deleted += 1
                except FileNotFoundError:
                    continue
        return deleted
