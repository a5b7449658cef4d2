"""The Python API: each CLI verb is a function here, usable from a notebook or a test.

    validate(project)            -> Validated (agenda, packages, report)
    build(project, site_dir)     -> BuildResult (report, and the paths written when valid); the steps are
                                    `generator.pipeline`'s
"""

from __future__ import annotations

from pathlib import Path

from generator.load.project import Project
from generator.pipeline import BuildResult, build
from generator.validate import Validated, validate_project

__all__ = ["Project", "validate", "build", "BuildResult"]


def validate(project: Project, paths: list[Path] | None = None) -> Validated:
    return validate_project(project, paths)
