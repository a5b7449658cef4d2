"""Which file the program was processing when an unexpected error stopped it, for the one line the CLI prints.

Bad input is never an exception here (it is a Problem): an exception that reaches the CLI is a bug. The CLI names
the stage it was in from the build's progress; `processing` adds the file, by naming it on an exception that
passes through. The innermost name is kept: it is the most precise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_NAME = "indicators_processing"


@contextmanager
def processing(file: str) -> Iterator[None]:
    """Name `file` (as people see it: relative to the project) on any exception raised inside."""
    try:
        yield
    except Exception as error:
        if file_of(error) is None:
            try:
                setattr(error, _NAME, file)
            except AttributeError:  # an exception type that takes no attributes: the stage alone names the place
                pass
        raise


def file_of(error: BaseException) -> str | None:
    """The file named on `error` by `processing`, if any."""
    return getattr(error, _NAME, None)
