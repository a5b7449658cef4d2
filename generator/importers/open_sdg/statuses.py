"""Statuses: Open SDG's `Observation status` as this project's status flag and note.

Blank, `Normal value` and `Undefined` → final (blank); `Estimated value`, `estimate` → estimated; `Provisional
value` → provisional; `Time series break` → break_in_series; anything else (`Definition differs`, `Low
reliability`, …) → the note, as are the parts of a compound status that are not the flag. A blank value whose
status says it is missing (`Missing value`, `Missing data; suppressed`, SDMX M/L/O/Q) becomes a suppressed
observation with the status as its note: the gap is published, marked. A blank value with no such status is
reported, not imported.
"""

from __future__ import annotations

import re

from generator.importers.open_sdg.text import fold

_FINAL_STATUSES = {"", "normal value", "normal", "undefined", "final", "a"}
_FLAGS = {"estimated value": "estimated", "estimated": "estimated", "estimate": "estimated", "e": "estimated",
          "provisional value": "provisional", "provisional": "provisional", "p": "provisional",
          "time series break": "break_in_series", "break in series": "break_in_series", "b": "break_in_series"}
_FLAG_PRIORITY = ("break_in_series", "provisional", "estimated")
_MISSING_CODES = {"m", "l", "o", "q"}  # SDMX: missing, not collected, not applicable, suppressed


def status_from_observation_status(text: str) -> tuple[str, str, bool]:
    """(flag, note, says the value is missing) for one Observation status."""
    if fold(text) in _FINAL_STATUSES:
        return "", "", False
    parts = [part.strip() for part in re.split(r"[;|]", text) if part.strip()]
    flags = [_FLAGS.get(fold(part)) for part in parts]
    chosen = next((flag for flag in _FLAG_PRIORITY if flag in flags), "")
    missing = any("missing" in fold(part) or "suppress" in fold(part) or fold(part) in _MISSING_CODES
                  for part in parts)
    rest = [part for part, flag in zip(parts, flags) if flag != chosen and fold(part) not in _FINAL_STATUSES]
    return chosen, "; ".join(rest), missing


def blank_value_reason(status: str) -> str:
    if not status:
        return "The value is blank and no observation status says why."
    return f'The value is blank and the observation status ("{status}") does not say it is missing.'

