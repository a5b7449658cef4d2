"""A problem found in data is a value: where it is, which rule it breaks, and what to do about it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

# Raised only when the JSON report changes in a way that breaks a reader (a field removed or its meaning changed).
REPORT_SCHEMA_VERSION = 1

ERROR = "error"  # blocks the merge and the build
WARNING = "warning"  # published, with a note


@dataclass(frozen=True)
class Problem:
    rule: str  # a stable code, such as "unknown-indicator"; documented in docs and asserted in tests
    message: str  # what is wrong, naming the value
    hint: str  # what to do about it, in plain words
    file: str  # relative to the project root, with forward slashes
    line: int | None = None  # physical line in the file (1 = header), not a record number
    column: int | None = None  # 1-based position of the field in the file's header
    field: str | None = None
    severity: str = ERROR
    partner: str | None = None

    @property
    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """Everything validation found, in the order it was found; valid when it holds no error."""

    problems: list[Problem] = field(default_factory=list)
    checked_files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def to_dict(self) -> dict:
        """The JSON report: its shape is generator/validate/report.schema.json, versioned by `schema_version`."""
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "valid": self.valid,
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
            "checked_files": self.checked_files,
            "problems": [problem.to_dict() for problem in self.problems],
        }


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
