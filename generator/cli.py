"""The `indicators` command: argument parsing, exit codes and progress display over `generator.api`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from generator import __version__
from generator.load.project import Project

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_UNEXPECTED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C
LAST_ERROR = "last-error.txt"  # in the project's build folder: the traceback of the last unexpected error
REPORT_TO = "the generator's maintainers"
# Each verb imports the stages it uses, not this module: they take seconds to import, `indicators --help` needs
# none of them, and each process that draws chart images imports the program's main module (this one) again.


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if not hasattr(arguments, "run"):
        parser.print_help()
        return EXIT_USAGE
    project = Project(Path(arguments.project).resolve())
    # init and import write an agenda and the benchmarks write their own projects: the others need one to exist.
    if arguments.run not in (_init, _import, _bench_build, _bench_validation) and not project.agenda_folder.is_dir():
        print(f"indicators: no common agenda at {project.agenda_folder}; run this in the project's folder "
              "or pass --project DIR.", file=sys.stderr)
        return EXIT_USAGE
    arguments.doing = Doing(arguments.stage)
    try:
        return arguments.run(project, arguments)
    except KeyboardInterrupt:
        print("indicators: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # bad input is a Problem, never an exception: whatever reaches here is a bug
        return _unexpected(error, arguments.doing.stage, project, sys.argv[1:] if argv is None else argv)


@dataclass
class Doing:
    """What the command is doing, as its one line names it when an unexpected error stops it."""

    stage: str


def _unexpected(error: Exception, stage: str, project: Project, argv: list[str]) -> int:
    """One line, not a traceback: the stage and the file, what went wrong, and where the details are to report."""
    import platform
    import traceback

    from generator.whereabouts import file_of

    file = file_of(error)
    where = f"{stage} ({file})" if file else stage
    what = " ".join(f"{type(error).__name__}: {error}".split())
    what = what if len(what) <= 300 else what[:300] + "…"
    details = project.build_folder / LAST_ERROR
    try:
        details.parent.mkdir(parents=True, exist_ok=True)
        details.write_text(
            f"indicators {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
            f"command: indicators {' '.join(argv)}\nwhile {where}\n\n" + "".join(traceback.format_exception(error)),
            encoding="utf-8")
        saved = f"The details are in {_shown(details)}; please report it to {REPORT_TO} with that file."
    except OSError as reason:
        saved = (f"The details could not be written to {_shown(details)} ({reason.strerror or reason}); please "
                 f"report it to {REPORT_TO}, with the command you ran.")
    print(f"indicators: unexpected error while {where}: {what.rstrip('.')}. {saved}", file=sys.stderr)
    return EXIT_UNEXPECTED


def _shown(path: Path) -> str:
    """A path as the person running the command would type it: relative to where they are, when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="indicators",
        description="Validate partner data packages and publish the shared indicators as a website.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--project", default=".", metavar="DIR",
                        help="the project folder (holding datapackages/ and mkdocs.yml); default: here")
    verbs = parser.add_subparsers(title="commands", metavar="COMMAND")

    init = verbs.add_parser(
        "init", help="start an initiative of your own from a fresh clone",
        description="Remove the fictional example (its agenda, partner packages and narratives) and write an empty "
                    "common agenda for your initiative, which validates and builds into a site that says it has no "
                    "shared indicators yet. Each value missing from the flags is asked for when run in a terminal; "
                    "otherwise its absence is a usage error (exit 2). An agenda that is not the example is left "
                    "alone (exit 1) unless --force.")
    init.add_argument("--name", help="the initiative's name, as the site's title")
    init.add_argument("--area", help="the area it works in, by name (such as \"Lakeside County\")")
    init.add_argument("--backbone", metavar="ORG", help="the backbone organisation")
    init.add_argument("--contact", metavar="EMAIL", help="a contact email for the data")
    init.add_argument("--licence", "--license", dest="licence", metavar="SPDX-ID",
                      help="the data's licence, as an SPDX id such as CC-BY-4.0")
    init.add_argument("--force", action="store_true", help="replace an agenda that is not the fictional example")
    init.set_defaults(run=_init, stage="starting the initiative")

    add_goal = verbs.add_parser("add-goal", help="add a goal to the common agenda",
                                description="Add a goal at the end of the common agenda's goals.csv. The agenda is "
                                            "validated before it is written: exit 1, and nothing written, if it "
                                            "would not be valid.")
    add_goal.add_argument("id", metavar="ID", help="the goal's id: lower-case letters, digits and hyphens")
    add_goal.add_argument("--title", required=True, help="the goal, as readers see it")
    add_goal.add_argument("--summary", default="", help="a sentence or two on what the goal means")
    add_goal.set_defaults(run=_add_goal, stage="adding the goal")

    add_indicator = verbs.add_parser(
        "add-indicator", help="add a shared indicator to the common agenda",
        description="Add a shared indicator at the end of the common agenda's indicators.csv, from plain values. "
                    "Every value is checked, then the agenda is validated before it is written: exit 1, and "
                    "nothing written, if it would not be valid.")
    add_indicator.add_argument("id", metavar="ID", help="the indicator's id: lower-case letters, digits and hyphens")
    add_indicator.add_argument("--goal", required=True, help="the id of the goal it measures")
    add_indicator.add_argument("--title", required=True, help="its title, as readers see it")
    add_indicator.add_argument("--definition", required=True,
                               help="what is measured and why, in a sentence or two")
    add_indicator.add_argument("--unit", required=True, help="a unit id of units.csv, such as percent or count")
    add_indicator.add_argument("--direction", required=True, choices=("increase", "decrease"),
                               help="which way is better")
    add_indicator.add_argument("--steward", required=True, metavar="PARTNER",
                               help="the slug of the partner that publishes it")
    add_indicator.add_argument("--decimals", type=int, default=1, help="decimals its values are shown with (0-6; "
                                                                       "default 1)")
    add_indicator.add_argument("--baseline", default="", metavar="PERIOD", help="the base period, such as 2015")
    add_indicator.add_argument("--target", type=float, metavar="VALUE", help="the target value")
    add_indicator.add_argument("--target-period", default="", metavar="PERIOD",
                               help="the period the target is due, such as 2030")
    add_indicator.add_argument("--dimensions", action="append", default=[], metavar="IDS",
                               help="the dimensions it may be broken down by: ids separated by commas or spaces "
                                    "(or the flag repeated)")
    add_indicator.add_argument("--source", default="", help="where the data come from")
    add_indicator.add_argument("--progress-series", action="append", default=[], metavar="SERIES",
                               help="which series count towards its status: total (the default) and/or dimension "
                                    "ids, or none for no status")
    add_indicator.add_argument("--limit", type=float, help="a natural limit it cannot pass (such as 100 for a "
                                                           "percent); used without a target")
    add_indicator.add_argument("--next-update", default="", metavar="TEXT",
                               help="when the next data are expected, in words")
    add_indicator.set_defaults(run=_add_indicator, stage="adding the indicator")

    validate = verbs.add_parser("validate", help="check the agenda and partner packages",
                                description="Check the common agenda and partner packages. Exit 0 when valid, "
                                            "1 when not, 2 on a usage error.")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="only report problems under these folders")
    validate.add_argument("--format", choices=("text", "github", "json"), default="text",
                          help="text for people, github for workflow annotations and a job summary, json for tools")
    validate.set_defaults(run=_validate, stage="validating")

    build = verbs.add_parser("build", help="validate, compute, chart and build the site",
                             description="Validate, compute trends, draw charts, write pages and downloads, and "
                                         "build the site. Invalid data publish nothing (exit 1).")
    build.add_argument("--site-dir", type=Path, help="where to write the site (default: site/)")
    build.add_argument("--no-cache", action="store_true",
                       help="make everything afresh and keep nothing for a next build, as the publishing workflow "
                            "does: it starts from nothing, and what it kept would be thrown away")
    build.set_defaults(run=_build, stage="starting the build")  # then each stage's name

    changes = verbs.add_parser("check-changes", help="check that a pull request keeps to one partner's folder",
                               description="Fail when the changes since the merge base with REF touch more than one "
                                           "partner's folder, or a partner's folder and the common agenda; warn about each "
                                           "value published before that the changes revise.")
    changes.add_argument("--base", required=True, metavar="REF", help="the branch or commit the pull request targets")
    changes.add_argument("--format", choices=("text", "github", "json"), default="text")
    changes.set_defaults(run=_check_changes, stage="checking the changes")

    compare = verbs.add_parser(
        "compare", help="what merging your changes would change on the site",
        description="Compare the packages at the merge base with REF with the working tree, and report per "
                    "indicator: new periods, revised values (with their lines), withdrawn observations, the status "
                    "and latest value before and after, and the change to the scoreboard. Exit 0 whatever changed, "
                    "1 when the working tree is not valid, 2 on a usage error (such as an unknown REF).")
    compare.add_argument("--base", required=True, metavar="REF",
                         help="the branch, tag or commit the changes would be merged into, such as main")
    compare.add_argument("--format", choices=("text", "github", "json"), default="text",
                         help="text for people, github for the job summary (Markdown), json for tools")
    compare.set_defaults(run=_compare, stage="comparing with the base")

    importer = verbs.add_parser("import", help="import another platform's data into this project")
    sources = importer.add_subparsers(title="sources", metavar="SOURCE", required=True)
    open_sdg = sources.add_parser("open-sdg", help="an Open SDG data repository (data/, meta/, indicator-config/)",
                                  description="Write the agenda and one partner package from an Open SDG data "
                                              "repository, and print how every source row was accounted for.")
    open_sdg.add_argument("source", type=Path, metavar="SRC", help="the Open SDG data repository's folder")
    open_sdg.add_argument("--partner", required=True, metavar="SLUG", help="the partner folder to write")
    open_sdg.add_argument("--area", help="the geography id of the headline series (default: from the metadata)")
    open_sdg.add_argument("--report", type=Path, metavar="FILE", help="write every reported row to FILE (CSV)")
    open_sdg.set_defaults(run=_import, stage="importing")

    bench = verbs.add_parser("bench", help="benchmarks: the whole build at three scales, or `bench validation`",
                             description="Time each stage of the build (load, validate, compute, charts, "
                                         "history, downloads, pages, MkDocs, images) and its peak memory, each "
                                         "build in a fresh process, at three "
                                         "scales: the example, the UK's Open SDG data, a generated initiative; "
                                         "then a rebuild with nothing changed, and the ratio of each stage's "
                                         "time when the number of indicators doubles.")
    bench.add_argument("--scales", default="example,uk,generated", metavar="LIST",
                       help="comma-separated, of example, uk, generated (default: all three)")
    bench.add_argument("--indicators", type=int, default=2000, help="indicators of the generated initiative")
    bench.add_argument("--observations", type=int, default=5_000_000,
                       help="observations of the generated initiative (default 5,000,000)")
    bench.add_argument("--doubling", type=int, default=100, metavar="N",
                       help="also build generated initiatives of N and 2N indicators and print each stage's ratio "
                            "(default 100; 0 to skip)")
    bench.add_argument("--doubling-rounds", type=int, default=3, metavar="R",
                       help="build each of N and 2N cold R times, in turns; each stage's ratio is that of its least "
                            "times (default 3)")
    bench.add_argument("--uk-source", type=Path, default=None, metavar="DIR",
                       help="the UK's Open SDG data (default ../shared/real-data/uk-sdg beside the project)")
    bench.add_argument("--work", type=Path, metavar="DIR", help="folder for the temporary projects")
    bench.add_argument("--json", type=Path, metavar="FILE", help="also write the measurements to FILE")
    bench.set_defaults(run=_bench_build, stage="benchmarking")
    benchmarks = bench.add_subparsers(title="benchmarks", metavar="BENCHMARK", required=False)
    validation = benchmarks.add_parser("validation", help="our validator against frictionless on a generated package")
    validation.add_argument("--rows", type=int, default=1_000_000, help="observations to generate (default 1,000,000)")
    validation.add_argument("--json", type=Path, metavar="FILE", help="also write the measurements to FILE")
    validation.add_argument("--no-primary-key", action="store_true", help="skip frictionless with a primary key")
    validation.set_defaults(run=_bench_validation, stage="benchmarking the validation")

    serve = verbs.add_parser("serve", help="build and preview the site, rebuilding on changes")
    serve.add_argument("--address", default="127.0.0.1:8000", help="host:port to serve on")
    serve.set_defaults(run=_serve, stage="serving the preview")

    scaffold = verbs.add_parser("new-partner", help="create a valid, empty partner package",
                                description="Create datapackages/SLUG/ with a valid, empty package and a README "
                                            "that tells the partner what to fill in.")
    scaffold.add_argument("slug", metavar="SLUG", help="the partner's short name: lower case, digits and hyphens")
    scaffold.add_argument("--title", help="the organisation's full name")
    scaffold.set_defaults(run=_new_partner, stage="writing the new package")
    return parser


def _init(project: Project, arguments) -> int:
    from generator.tools.initiative import Initiative, InitError, RefusedError

    answers = {key: getattr(arguments, key) for key in Initiative.QUESTIONS}
    missing = [key for key, value in answers.items() if value is None]
    if missing and not sys.stdin.isatty():
        flags = ", ".join(Initiative.QUESTIONS[key][0] for key in missing)
        print(f"indicators init: missing {flags}. Give every value as a flag (as in `indicators init --name NAME "
              "--area AREA --backbone ORG --contact EMAIL --licence SPDX-ID`), or run it in a terminal to be asked.",
              file=sys.stderr)
        return EXIT_USAGE
    for key in missing:
        try:
            answers[key] = input(f"{Initiative.QUESTIONS[key][1]}: ")
        except EOFError:
            print(f"\nindicators init: no answer for {Initiative.QUESTIONS[key][0]}.", file=sys.stderr)
            return EXIT_USAGE
    initiative = Initiative(**answers)
    problems = initiative.problems()
    if problems:
        print("indicators init: " + "\n  ".join(problems), file=sys.stderr)
        return EXIT_USAGE
    from generator import api

    try:
        started = api.init(project, initiative, force=arguments.force)
    except RefusedError as error:
        print(f"indicators init: {error}", file=sys.stderr)
        return EXIT_INVALID
    except InitError as error:
        print(f"indicators init: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in started.removed:
        print(f"Removed {path}")
    for path in started.rewritten:
        print(f"Rewrote {path}")
    print(f"Wrote {started.agenda.relative_to(project.root).as_posix()}/: {initiative.name.strip()}, with no goals or "
          "shared indicators yet.")
    for note in started.notes:
        print(note)
    print("Next: add goals with `indicators add-goal`, shared indicators with `indicators add-indicator`, and each "
          "partner's package with `indicators new-partner SLUG`; then `indicators build`.")
    return EXIT_OK


def _add_goal(project: Project, arguments) -> int:
    from generator import api
    from generator.tools.agenda import AgendaError

    try:
        row = api.add_goal(project, arguments.id, arguments.title, arguments.summary)
    except AgendaError as error:
        return _agenda_refused("add-goal", error)
    print(f'Added the goal "{row["id"]}" ({row["title"]}) to datapackages/common-agenda/goals.csv. Next: its '
          f"shared indicators, with `indicators add-indicator ID --goal {row['id']} …`.")
    return EXIT_OK


def _add_indicator(project: Project, arguments) -> int:
    import re

    from generator import api
    from generator.tools.agenda import AgendaError, IndicatorSpec, known_partners

    def listed(values: list[str]) -> list[str]:
        return [item for value in values for item in re.split(r"[\s,]+", value) if item]

    spec = IndicatorSpec(
        id=arguments.id, goal=arguments.goal, title=arguments.title, definition=arguments.definition,
        unit=arguments.unit, direction=arguments.direction, steward=arguments.steward, decimals=arguments.decimals,
        baseline_period=arguments.baseline, target_value=arguments.target, target_period=arguments.target_period,
        dimensions=listed(arguments.dimensions), source=arguments.source,
        progress_series=listed(arguments.progress_series), limit=arguments.limit,
        next_update=arguments.next_update)
    try:
        row = api.add_indicator(project, spec)
    except AgendaError as error:
        return _agenda_refused("add-indicator", error)
    print(f'Added the shared indicator "{row["id"]}" ({row["title"]}) to datapackages/common-agenda/indicators.csv.')
    if spec.steward not in known_partners(project):
        print(f'Its steward "{spec.steward}" has no package yet: create it with `indicators new-partner '
              f'{spec.steward}`.')
    return EXIT_OK


def _agenda_refused(verb: str, error) -> int:
    from generator.tools.agenda import InvalidAgenda

    if isinstance(error, InvalidAgenda):
        print(f"indicators {verb}: the agenda would not be valid, so nothing was written:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem.location}: {problem.message} {problem.hint}", file=sys.stderr)
    else:
        print(f"indicators {verb}: " + "\n  ".join(str(error).splitlines()), file=sys.stderr)
    return EXIT_INVALID


def _validate(project: Project, arguments) -> int:
    for path in arguments.paths:
        if not Path(path).exists():
            print(f"indicators validate: {path} does not exist.", file=sys.stderr)
            return EXIT_USAGE
    from generator.validate import validate_project

    report = validate_project(project, [Path(path).resolve() for path in arguments.paths] or None).report
    return _print_report(report, arguments.format)


def _check_changes(project: Project, arguments) -> int:
    from generator.history.boundaries import check_changes
    from generator.problems import Report

    return _print_report(Report(check_changes(project, arguments.base)), arguments.format)


def _compare(project: Project, arguments) -> int:
    from generator import api
    from generator.history import preview_render
    from generator.history.git import GitError
    from generator.validate import render

    try:
        preview = api.compare(project, arguments.base)
    except GitError as error:
        print(f'indicators compare: cannot compare with "{arguments.base}": {error}. Pass a branch, tag or commit '
              "that shares history with yours, for example --base main (fetch it first: git fetch origin main).",
              file=sys.stderr)
        return EXIT_USAGE
    except api.PreviewInvalid as invalid:
        sys.stdout.write(render.as_text(invalid.report))
        print("indicators compare: the data in the working tree are not valid, so there is no site to compare. "
              "Fix the problems above (`indicators validate` lists them) and compare again.", file=sys.stderr)
        return EXIT_INVALID
    if arguments.format == "json":
        sys.stdout.write(preview_render.as_json(preview))
    elif arguments.format == "github":
        sys.stdout.write(preview_render.as_text(preview))
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            with open(summary_file, "a", encoding="utf-8") as file:
                file.write(preview_render.as_markdown(preview))
    else:
        sys.stdout.write(preview_render.as_text(preview))
    return EXIT_OK


def _print_report(report, output_format: str) -> int:
    from generator.validate import render

    if output_format == "json":
        sys.stdout.write(render.as_json(report))
    elif output_format == "github":
        annotations, summary = render.as_github(report)
        sys.stdout.write(annotations)
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            with open(summary_file, "a", encoding="utf-8") as file:
                file.write(summary)
    else:
        sys.stdout.write(render.as_text(report))
    return EXIT_OK if report.valid else EXIT_INVALID


def _build(project: Project, arguments) -> int:
    from generator import api
    from generator.publish.site import SiteError
    from generator.validate import render

    console = Console(stderr=True)
    started = time.perf_counter()
    try:
        with console.status("Building") as status:
            def progress(stage: str) -> None:
                arguments.doing.stage = stage[:1].lower() + stage[1:]
                status.update(stage + " …")

            result = api.build(project, arguments.site_dir, progress=progress, cache=not arguments.no_cache)
    except SiteError as error:
        console.print(f"[bold red]The site was not built:[/] {error}", highlight=False)
        return EXIT_INVALID
    if not result.ok:
        sys.stdout.write(render.as_text(result.report))
        console.print("[bold red]The data are not valid, so the site was not built.[/] Fix the problems above "
                      "and build again.", highlight=False)
        return EXIT_INVALID
    stages = ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in result.timings.items())
    console.print(f"[bold green]Built[/] {result.site_dir} in {time.perf_counter() - started:.1f}s ({stages}).",
                  highlight=False)
    if result.report.warnings:
        console.print(f"{len(result.report.warnings)} warnings: run `indicators validate` to see them.")
    return EXIT_OK


def _import(project: Project, arguments) -> int:
    from generator.importers import OpenSdgClash, OpenSdgError, import_open_sdg, reconciliation_text, reported_rows_csv
    from generator.validate import render, validate_project

    try:
        result = import_open_sdg(arguments.source, project.root, arguments.partner, area=arguments.area)
    except OpenSdgClash as error:
        print(f"indicators import open-sdg: {error}", file=sys.stderr)
        return EXIT_INVALID
    except OpenSdgError as error:
        print(f"indicators import open-sdg: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(reconciliation_text(result))
    if arguments.report:
        arguments.report.write_text(reported_rows_csv(result), encoding="utf-8")
    report = validate_project(project).report
    sys.stdout.write(render.as_text(report))
    return EXIT_OK if result.balanced and report.valid else EXIT_INVALID


def _bench_build(project: Project, arguments) -> int:
    import json

    from generator.tools.benchmarks.build import SCALES, UK_SOURCE, build_benchmark

    scales = tuple(scale.strip() for scale in arguments.scales.split(",") if scale.strip())
    unknown = sorted(set(scales) - set(SCALES))
    if unknown or arguments.indicators < 1 or arguments.observations < 1 or arguments.doubling < 0 \
            or arguments.doubling_rounds < 1:
        print(f"indicators bench: --scales takes {', '.join(SCALES)}; --indicators, --observations and "
              "--doubling-rounds are positive, --doubling zero or more.", file=sys.stderr)
        return EXIT_USAGE
    summary = build_benchmark(scales, arguments.indicators, arguments.observations, arguments.doubling or None,
                              arguments.uk_source or UK_SOURCE, arguments.work,
                              doubling_rounds=arguments.doubling_rounds)
    if arguments.json:
        arguments.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return EXIT_OK


def _bench_validation(project: Project, arguments) -> int:
    from generator.tools.benchmarks.validation import main as benchmark

    options = ["--rows", str(arguments.rows)]
    if arguments.json:
        options += ["--json", str(arguments.json)]
    if arguments.no_primary_key:
        options.append("--no-primary-key")
    return benchmark(options)


def _serve(project: Project, arguments) -> int:
    from generator.tools.preview import serve

    host, _, port = arguments.address.rpartition(":")
    if not host or not port.isdigit():
        print("indicators serve: --address must be host:port, as in 127.0.0.1:8000.", file=sys.stderr)
        return EXIT_USAGE
    return serve(project, host, int(port))


def _new_partner(project: Project, arguments) -> int:
    from generator.tools.scaffold import ScaffoldError, new_partner

    try:
        folder = new_partner(project, arguments.slug, arguments.title)
    except ScaffoldError as error:
        print(f"indicators new-partner: {error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Created {folder.relative_to(project.root)}/: fill in datapackage.json and observations.csv as its "
          "README.md says, then run `indicators validate " + str(folder.relative_to(project.root)) + "`.")
    return EXIT_OK

