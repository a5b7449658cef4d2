"""A pull request's site preview as text for a partner, Markdown for the GitHub job summary, or JSON for tools."""

from __future__ import annotations

import json

from generator.history.preview import IndicatorPreview, Latest, Preview, RevisedValue, ScoreboardCount

# GitHub refuses a job summary over 1 MiB: the revised values stop here, and `--format json` has them all.
SUMMARY_REVISIONS = 200


def as_text(preview: Preview) -> str:
    lines = [f"Compared with {preview.base} (merge base {preview.merge_base[:12]}): what merging would change on "
             "the site.", "", f"Scoreboard: {_scoreboard(preview)}", ""]
    for change in preview.indicators:
        partners = f", from {', '.join(change.partners)}" if change.partners else ""
        lines.append(f"{change.title} ({change.indicator}){partners}")
        lines.append(f"  Status: {_status(change)}")
        lines.append(f"  Latest value: {_latest(change)}")
        if change.new_periods:
            lines.append(f"  New periods: {', '.join(change.new_periods)}")
        for revision in change.revised:
            lines.append(f"  Revised: {_observation(revision)}: {_values(change, revision)} ({_where(revision)})")
        if change.withdrawn:
            lines.append(f"  Withdrawn: {_count(change.withdrawn, 'observation')}")
        lines.append("")
    lines.append(_verdict(preview))
    return "\n".join(lines) + "\n"


def as_markdown(preview: Preview) -> str:
    lines = ["## 🔎 What merging this would change on the site", "",
             f"Compared with `{preview.base}` (merge base `{preview.merge_base[:12]}`). "
             f"{_verdict(preview)}", "",
             f"**Scoreboard:** {_scoreboard(preview)}", ""]
    if preview.indicators:
        lines += ["| Indicator | Status | Latest value | New periods | Revised values | Withdrawn |",
                  "|---|---|---|---|---|---|"]
        for change in preview.indicators:
            status = f"**{_status(change)}**" if change.status_changed else _status(change)
            lines.append(f"| {_cell(change.title)} (`{change.indicator}`) | {_cell(status)} | "
                         f"{_cell(_latest(change))} | {_cell(', '.join(change.new_periods)) or '–'} | "
                         f"{len(change.revised) or '–'} | {change.withdrawn or '–'} |")
        lines.append("")
    revised = [(change, revision) for change in preview.indicators for revision in change.revised]
    if revised:
        lines += ["### Revised values", "", "Say in the note column of each row why its value changed.", "",
                  "| Indicator | Observation | Before → after | Where |", "|---|---|---|---|"]
        for change, revision in revised[:SUMMARY_REVISIONS]:
            lines.append(f"| `{change.indicator}` | {_cell(_observation(revision))} | "
                         f"{_cell(_values(change, revision))} | {_cell(_where(revision))} |")
        if len(revised) > SUMMARY_REVISIONS:
            lines += ["", f"…and {len(revised) - SUMMARY_REVISIONS} more: run `indicators compare --base "
                          f"{preview.base} --format json` locally for them all."]
        lines.append("")
    return "\n".join(lines) + "\n"


def as_json(preview: Preview) -> str:
    return json.dumps(preview.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _verdict(preview: Preview) -> str:
    if not preview.indicators:
        return "Nothing a reader sees would change."
    changed = sum(change.status_changed for change in preview.indicators)
    return f"{_count(len(preview.indicators), 'indicator')} would change, {changed} of them in status."


def _scoreboard(preview: Preview) -> str:
    def said(count: ScoreboardCount) -> str:
        return f"{count.improving} of {count.total} improving"

    before, after = preview.scoreboard_before, preview.scoreboard_after
    if before == after:
        return f"{said(after)} (unchanged)"
    return f"{said(before)} → {after.improving} of {after.total}"


def _status(change: IndicatorPreview) -> str:
    if change.words_before is None:
        return f"(not published) → {change.words_after}"
    if not change.status_changed:
        return f"{change.words_after} (unchanged)"
    return f"{change.words_before} → {change.words_after}"


def _latest(change: IndicatorPreview) -> str:
    before, after = _value(change.latest_before, change.decimals), _value(change.latest_after, change.decimals)
    return f"{after} (unchanged)" if before == after else f"{before} → {after}"


def _value(latest: Latest, decimals: int) -> str:
    if latest.period is None:
        return "none"
    number = "no value" if latest.value is None else f"{latest.value:,.{decimals}f}"
    return f"{number} ({latest.period})"


def _observation(revision: RevisedValue) -> str:
    return ", ".join([revision.period, revision.geography, *(f"{name}: {group}" for name, group in revision.groups)])


def _values(change: IndicatorPreview, revision: RevisedValue) -> str:
    def number(value: float | None) -> str:
        return "(empty)" if value is None else f"{value:,.{change.decimals}f}"

    return f"{number(revision.before)} → {number(revision.after)}"


def _where(revision: RevisedValue) -> str:
    return revision.file + (f", line {revision.line}" if revision.line is not None else "")


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
