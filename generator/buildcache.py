"""Whether a build has anything to do: a fingerprint of everything a build reads, kept beside its outputs' state.

A build is a function of the partner packages and their git history (the updates page), the hand-written pages,
mkdocs.yml and the generator's own code.
When all of those hash as they did for the last build, and the folders it wrote are as it left them, building
again would write the same bytes: the build is skipped. Chart images have their own cache (`generator.publish.images`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path

from generator import __version__
from generator.problems import Report
from generator.load.project import Project
from generator.history.releases import history_fingerprint

GENERATOR = Path(__file__).resolve().parent
STAMP = "last-build.pickle"


def input_fingerprint(project: Project, site_dir: Path, docs_dir: Path) -> str:
    """A hash of every input of a build into `site_dir` via `docs_dir`, and of the generator that builds it."""
    digest = hashlib.sha256()
    digest.update(f"{generator_fingerprint()}\0{site_dir}\0{docs_dir}\0".encode())
    for folder in (project.datapackages, project.site_src):
        if folder.is_dir():
            _hash_files(digest, project.root, [path for path in folder.rglob("*") if path.is_file()])
    if project.mkdocs_yml.is_file():
        _hash_files(digest, project.root, [project.mkdocs_yml])
    digest.update(f"history {history_fingerprint(project.root)}\0".encode())
    return digest.hexdigest()


@functools.cache
def generator_fingerprint() -> str:
    """A hash of the generator's version and source, not only its version number: an edited generator must not
    reuse what an older one made."""
    digest = hashlib.sha256(f"generator {__version__}\0".encode())
    sources = [path for path in GENERATOR.rglob("*") if path.suffix in {".py", ".j2", ".md", ".css", ".js"}]
    _hash_files(digest, GENERATOR, sources)
    return digest.hexdigest()


def output_state(folders: list[Path]) -> str | None:
    """A hash of the names, sizes and modification times of the files under `folders`; None if one is missing."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            return None
        for directory, names, files in os.walk(folder):
            names.sort()
            for name in sorted(files):
                stat = os.stat(os.path.join(directory, name))
                digest.update(f"{directory}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def last_build(cache: Path, inputs: str, outputs: list[Path]) -> Report | None:
    """The validation report of the last build when its inputs and outputs are unchanged, else None."""
    try:
        with (cache / STAMP).open("rb") as file:
            stamp = pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if stamp.get("inputs") != inputs or stamp.get("outputs") != output_state(outputs):
        return None
    return stamp.get("report")


def remember_build(cache: Path, inputs: str, outputs: list[Path], report: Report) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{STAMP}.{os.getpid()}.tmp"
    with partial.open("wb") as file:
        pickle.dump({"inputs": inputs, "outputs": output_state(outputs), "report": report}, file)
    partial.replace(cache / STAMP)


def _hash_files(digest, root: Path, paths: list[Path]) -> None:
    for path in sorted(paths):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
