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
    # import writes an agenda and the benchmarks write their own projects: the others need one to exist.
    if arguments.run not in (_import, _bench_build, _bench_validation) and not project.agenda_folder.is_dir():
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
    build.set_defaults(run=_build, stage="starting the build")  # then each stage's name

    changes = verbs.add_parser("check-changes", help="check that a pull request keeps to one partner's folder",
                               description="Fail when the changes since the merge base with REF touch more than one "
                                           "partner's folder, or a partner's folder and the common agenda; warn about each "
                                           "value published before that the changes revise.")
    changes.add_argument("--base", required=True, metavar="REF", help="the branch or commit the pull request targets")
    changes.add_argument("--format", choices=("text", "github", "json"), default="text")
    changes.set_defaults(run=_check_changes, stage="checking the changes")

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
                             description="Time each stage of the build (load, validate, compute, charts, images, "
                                         "pages, MkDocs) and its peak memory, each build in a fresh process, at three "
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
    bench.add_argument("--uk-source", type=Path, default=None, metavar="DIR",
                       help="the UK's Open SDG data (default /work/shared/real-data/uk-sdg)")
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

            result = api.build(project, arguments.site_dir, progress=progress)
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
    from generator.importers import OpenSdgError, import_open_sdg, reconciliation_text
    from generator.importers.open_sdg import reported_rows_csv
    from generator.validate import render, validate_project

    try:
        result = import_open_sdg(arguments.source, project.root, arguments.partner, area=arguments.area)
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
    if unknown or arguments.indicators < 1 or arguments.observations < 1 or arguments.doubling < 0:
        print(f"indicators bench: --scales takes {', '.join(SCALES)}; --indicators and --observations are "
              "positive, --doubling zero or more.", file=sys.stderr)
        return EXIT_USAGE
    summary = build_benchmark(scales, arguments.indicators, arguments.observations, arguments.doubling or None,
                              arguments.uk_source or UK_SOURCE, arguments.work)
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

