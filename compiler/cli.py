"""The `specc` command line: thin click commands over the compiler."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Sequence

import click

from specc import __version__
from specc.cli_llm import llm_options

if TYPE_CHECKING:
    from specc.frontend import Compiled

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _format_option(help: str):  # type: ignore[no-untyped-def]
    """Return the `--format text|json` option every command shares."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="specc")
def main() -> None:
    """specc compiles Markdown specs with rule IDs into code, docs and tests.

    Exit codes: 0 when every spec is clean (warnings allowed), 1 when any spec
    has an error (or a check fails), 2 for a usage error.
    """
    from specc.progress import start_clock

    start_clock()


def _compile_all(paths: tuple[str, ...]) -> tuple[list[Compiled], list]:
    from specc.frontend import compile_file, find_specs

    files, problems = find_specs(_project(paths).paths)
    return [compile_file(f) for f in files], problems


def _project(paths: Sequence[str], out_dir: str | None = None, templates=()):  # type: ignore[no-untyped-def]
    """Return the command's inputs from the project configuration; exit 1 on its problems."""
    from specc import project

    found = project.inputs(paths, out_dir, templates)
    stop_on_config_problems(found.problems)
    return found


def stop_on_config_problems(problems: list) -> None:  # type: ignore[type-arg]
    """Print configuration problems with their source line, and exit 1 if there are any."""
    if not problems:
        return
    print_loose_diagnostics(problems)
    sys.exit(EXIT_ERRORS)


def print_loose_diagnostics(problems: list) -> None:  # type: ignore[type-arg]
    """Print diagnostics that belong to no compiled spec, reading their file for the caret."""
    from pathlib import Path

    from specc.diagnostics import render
    from specc.source import SourceFile

    colour = sys.stderr.isatty()
    for d in problems:
        try:
            source = SourceFile(d.span.path, Path(d.span.path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError):
            source = None
        click.echo(render(d, source, colour) + "\n", err=True)


def print_diagnostics(results: list[Compiled], extra: list, show_hints: bool) -> None:
    """Print diagnostics as text on standard error."""
    from specc.diagnostics import Severity, render

    colour = sys.stderr.isatty()
    sources = {r.path: r.source for r in results}
    for d in extra:
        click.echo(render(d, sources.get(d.span.path), colour), err=True)
    for result in results:
        for d in result.diagnostics:
            if d.severity is Severity.HINT and not show_hints:
                continue
            click.echo(render(d, result.source, colour), err=True)
            click.echo("", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_format_option("How to print diagnostics and the summary.")
@click.option(
    "--hints", is_flag=True, help="Also print hints (they never fail a check)."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Also run the review lints (W104-W107) and fail on any warning.",
)
def check(paths: tuple[str, ...], fmt: str, hints: bool, strict: bool) -> None:
    """Check specs: files, or folders searched for *.spec.md (default: specs/)."""
    from specc.frontend import summarize
    from specc.progress import elapsed

    results, problems = _compile_all(paths)
    if strict:
        _add_review_lints(results)
    summary = summarize(results)
    summary["errors"] += len(problems)
    failed = summary["errors"] > 0 or (strict and summary["warnings"] > 0)
    if fmt == "json":
        diagnostics = [d.to_json() for d in problems]
        diagnostics += [d.to_json() for r in results for d in r.diagnostics]
        click.echo(
            json.dumps({"diagnostics": diagnostics, "summary": summary}, indent=2)
        )
    else:
        print_diagnostics(results, problems, hints)
        hidden = "" if hints or not summary["hints"] else " (--hints shows them)"
        click.echo(
            f"checked {summary['specs']} spec{'s' if summary['specs'] != 1 else ''}: "
            + "; ".join(
                ", ".join(_count(summary[key], noun) for key, noun in group)
                for group in _SUMMARY
            )
            + hidden
            + f" in {elapsed():.2f} s",
            err=True,
        )
    sys.exit(EXIT_ERRORS if failed else EXIT_OK)


def _add_review_lints(results: list[Compiled]) -> None:
    """Add the `--strict` review warnings to every spec that compiled."""
    from specc.diagnostics import sort_key
    from specc.lints import review

    for result in results:
        if result.ok and result.spec is not None:
            result.diagnostics.extend(review(result.spec))
            result.diagnostics.sort(key=sort_key)


_SUMMARY = (
    (
        ("rules", "rule"),
        ("types", "type"),
        ("functions", "function"),
        ("examples", "example"),
        ("conversations", "conversation"),
        ("commentary", "commentary block"),
    ),
    (("errors", "error"), ("warnings", "warning"), ("hints", "hint")),
)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@main.command()
@click.argument("spec", required=False, type=click.Path())
@click.option("--schema", is_flag=True, help="Print the IR's JSON Schema instead.")
def ir(spec: str | None, schema: bool) -> None:
    """Print a spec's intermediate representation as JSON."""
    if schema:
        from specc.ir import json_schema

        click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))
        return
    if spec is None:
        raise click.UsageError("give a SPEC file, or --schema")
    from specc.frontend import compile_file

    result = compile_file(spec)
    print_diagnostics([result], [], False)
    if not result.ok or result.spec is None:
        sys.exit(EXIT_ERRORS)
    click.echo(result.spec.model_dump_json(indent=2))


def _parse_options(
    pairs: tuple[str, ...], targets: list[str]
) -> dict[str, dict[str, object]]:
    """Turn `--option target.key=value` (or `key=value` for a single target) into a dict."""
    import yaml

    options: dict[str, dict[str, object]] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(
                f"`{pair}` is not KEY=VALUE", param_hint="--option"
            )
        target, dot, name = key.partition(".")
        if not dot:
            if len(targets) != 1:
                raise click.BadParameter(
                    f"`{key}` needs a target prefix, such as ts.{key}",
                    param_hint="--option",
                )
            target, name = targets[0], key
        try:
            value = yaml.safe_load(raw) if raw else ""
        except yaml.YAMLError:
            value = raw
        options.setdefault(target, {})[name] = value
    return options


def complete_targets(ctx, param, incomplete: str) -> list:  # type: ignore[no-untyped-def]
    """Complete the last name of a `--target a,b` list from the known targets."""
    from click.shell_completion import CompletionItem

    from specc import emitters
    from specc.emitters import external

    done, _, last = incomplete.rpartition(",")
    try:
        names = set(emitters.available()) | set(external.names_on_path()) | {"all"}
    except emitters.RegistryError:
        names = set(emitters.BUILTIN) | {"all"}
    prefix = f"{done}," if done else ""
    return [
        CompletionItem(prefix + name)
        for name in sorted(names)
        if name.startswith(last) and name not in done.split(",")
    ]


def _targets(value: str | None, config=None, default: str | None = "all") -> list[str]:  # type: ignore[no-untyped-def]
    """Return the targets of `--target`, else the configured ones, else ``default``."""
    from specc.emitters import BUILTIN

    names = [t.strip() for t in (value or "").split(",") if t.strip()]
    if not names and config is not None:
        names = list(config.project.targets)
    if not names and default is not None:
        names = [default]
    if not names:
        raise click.UsageError(
            "give --target NAME, or list targets in specc.toml ([targets.NAME])"
        )
    if names == ["all"]:
        return list(BUILTIN)
    return list(dict.fromkeys(names))


def _configure(project, targets: list[str], option_pairs: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """Return the emitter options for ``targets``: configured, then `-O`; exit on problems."""
    from specc.project import check_targets, merge_options

    stop_on_config_problems(check_targets(project.config, targets))
    return merge_options(project.config, targets, _parse_options(option_pairs, targets))


def _target_option(help: str):  # type: ignore[no-untyped-def]
    """Return the `--target NAME[,NAME…]` option, completed from the known targets."""
    return click.option(
        "--target",
        "-t",
        "target",
        shell_complete=complete_targets,
        default=None,
        metavar="NAME[,NAME…]",
        help=help,
    )


def _build_options(f):  # type: ignore[no-untyped-def]
    """Options shared by `build` and `test`."""
    f = click.option(
        "--templates",
        "templates",
        multiple=True,
        type=click.Path(file_okay=False, exists=True),
        help="A folder of templates that shadow the built-in ones "
        "(repeatable; `!name` extends the built-in).",
    )(f)
    f = click.option(
        "--option",
        "-O",
        "option_pairs",
        multiple=True,
        metavar="TARGET.KEY=VALUE",
        help="Set an emitter option (repeatable).",
    )(f)
    f = click.option(
        "--out",
        "out_dir",
        default=None,
        type=click.Path(file_okay=False),
        help="Output folder (default: the project's, else out).",
    )(f)
    return f


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_target_option(
    "Targets to build, comma-separated, or `all` "
    "(default: the project's targets, else all)."
)
@_build_options
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if the output folder is missing, stale or changed.",
)
@_format_option("How to print diagnostics and the report.")
@click.option(
    "--audio",
    is_flag=True,
    help="With the podcast target: also speak each episode to a WAV file "
    "(needs espeak-ng and sox).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Compile and emit every spec, even those unchanged since the last build "
    "(the cache is OUT/.specc-cache).",
)
@llm_options
def build(
    paths: tuple[str, ...],
    target: str,
    templates: tuple[str, ...],
    option_pairs: tuple[str, ...],
    out_dir: str | None,
    check: bool,
    fmt: str,
    audio: bool,
    no_cache: bool,
    **llm_flags: Any,
) -> None:
    """Build specs (files or folders; default: the project's, else specs/) into OUT/<target>/.

    With --llm (or --frozen, or `llm = true` in specc.toml) the targets that
    have an LLM-assisted backend (docs, podcast) use it; see the README.
    """
    from specc import cli_llm
    from specc.build import build as run_build
    from specc.progress import Progress

    project = _project(paths, out_dir, templates)
    out_dir = project.out_dir
    targets = _targets(target, project.config)
    if audio and ("podcast" not in targets or check):
        raise click.UsageError("--audio goes with --target podcast and without --check")
    options = _configure(project, targets, option_pairs)
    session = cli_llm.start(project.paths, **llm_flags)
    with Progress() as progress:
        result = run_build(
            project.paths,
            targets,
            out_dir,
            project.templates,
            options,
            check,
            llm=session.client,
            progress=progress.step,
            incremental=not (audio or no_cache),
        )
    scope = {f"{t}/{s.id}" for t in targets for s in result.specs}
    cli_llm.finish(session, scope if result.ok else None, write=not check)
    _report_build(result, fmt, check, targets)
    if audio:
        _render_audio(result.specs, out_dir)


def _render_audio(specs: list, out_dir: str) -> None:  # type: ignore[type-arg]
    """Speak every built podcast script; exit 1 if the tools are missing or fail."""
    from pathlib import Path

    from specc.audio import render_audio
    from specc.conformance import ToolchainError

    try:
        for spec in specs:
            for path, seconds in render_audio(Path(out_dir) / "podcast", spec):
                click.echo(f"  audio {path} ({seconds:.1f} s)", err=True)
    except ToolchainError as error:
        click.echo(f"error[E088]: podcast audio: {error}", err=True)
        sys.exit(EXIT_ERRORS)


def _report_build(result, fmt: str, check: bool, targets: Sequence[str] = ()) -> None:  # type: ignore[no-untyped-def]
    """Print a build's diagnostics, what it wrote and a summary line; exit 1 if it failed."""
    from specc.progress import elapsed, files_summary, summary

    plan = result.plan
    drift = plan.drift if plan is not None else []
    if fmt == "json":
        click.echo(json.dumps(_build_json(result), indent=2))
    else:
        print_diagnostics(result.compiled, result.diagnostics, False)
        specs, names = len(result.compiled), list(targets)
        if plan is not None and check:
            for status, path in drift:
                click.echo(f"{status}: {plan.out_dir / path}", err=True)
            what = f"{plan.out_dir}: " + (
                f"{len(drift)} files out of date; run `specc build` to refresh them"
                if drift
                else "up to date"
            )
            click.echo(summary("checked", specs, names, what, elapsed()), err=True)
        elif plan is not None:
            _print_changes(plan)
            what = files_summary(plan)
            click.echo(summary("built", specs, names, what, elapsed()), err=True)
        else:
            what = "build failed: nothing was written"
            click.echo(summary("compiled", specs, names, what, elapsed()), err=True)
    if not result.ok or (check and drift):
        sys.exit(EXIT_ERRORS)


def _build_json(result) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Return a build's diagnostics and changes as a JSON-ready mapping."""
    plan = result.plan
    diagnostics = [d.to_json() for d in result.diagnostics]
    diagnostics += [d.to_json() for c in result.compiled for d in c.diagnostics]
    report: dict[str, object] = {"diagnostics": diagnostics, "ok": result.ok}
    if plan is not None:
        report.update(
            written=sorted(plan.write),
            unchanged=len(plan.unchanged),
            kept=sorted(plan.kept),
            removed=sorted(plan.remove),
            drift=[{"status": s, "path": p} for s, p in plan.drift],
        )
    return report


def _print_changes(plan) -> None:  # type: ignore[no-untyped-def]
    """Print each file a build wrote and removed, on standard error."""
    for path in sorted(plan.write):
        click.echo(f"  wrote {plan.out_dir / path}", err=True)
    for path in plan.remove:
        click.echo(f"  removed {plan.out_dir / path}", err=True)


def _failed_test_build(result, fmt: str, targets: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
    """Report the failed build of `specc test` (no test runs) and exit 1."""
    if fmt == "json":
        report = {"build": _build_json(result), "results": [], "summary": _tally([])}
        click.echo(json.dumps(report, indent=2))
        sys.exit(EXIT_ERRORS)
    _report_build(result, "text", False, targets)


@main.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path())
@_target_option(
    "Targets whose conformance tests to run, comma-separated "
    "(default: the project's targets, else every code target and docs; "
    "without --target the report is a rule × target matrix)."
)
@_build_options
@_format_option(
    "`json` prints {build, results, summary}, each result "
    "{spec, rule, example, status, message, text, covers}; without --target, "
    "the matrix: {version, specs, results, build}."
)
@click.option(
    "--require-all",
    is_flag=True,
    help="Also fail when an example is not implemented yet.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Time each example may take; a slower one fails as timed out.",
)
def test_command(
    paths: tuple[str, ...],
    target: str | None,
    templates: tuple[str, ...],
    option_pairs: tuple[str, ...],
    out_dir: str | None,
    fmt: str,
    require_all: bool,
    timeout: float,
) -> None:
    """Build, then run each target's conformance tests and report per rule and example.

    Exit status 1 when any example failed (or, with --require-all, is not implemented).
    Every run updates OUT/report/tests.json, which the docs site shows.
    """
    from specc import verification
    from specc.build import build as run_build
    from specc.progress import Progress, elapsed, files_summary, summary

    project = _project(paths, out_dir, templates)
    out_dir = project.out_dir
    if target or project.config.project.targets:
        targets = _targets(target, project.config, default=None)
    else:
        targets = list(verification.MATRIX_TARGETS)
    options = _configure(project, targets, option_pairs)
    with Progress() as progress:
        result = run_build(
            project.paths,
            targets,
            out_dir,
            project.templates,
            options,
            progress=progress.step,
        )
        if not result.ok:
            progress.__exit__(None, None, None)
            _failed_test_build(result, fmt, targets)
        progress.step("test", ", ".join(targets), 0, 1)
        specs = result.specs
        tagged, errors = _run_conformance(targets, specs, out_dir, timeout)
    for name, message in errors.items():
        click.echo(f"error[E088]: {name}: {message}", err=True)
    failed = bool(errors)
    results = [r for _, r in tagged]
    report = verification.matrix(specs, targets, tagged, errors)
    if specs:
        verification.record(out_dir, report, targets)
        if "docs" in targets:  # show the new results on the site now
            refreshed = run_build(
                project.paths, ["docs"], out_dir, project.templates, options
            )
            if not refreshed.ok:
                _report_build(refreshed, "text", False)
    idle = _data_models(specs, targets)
    if fmt == "text":
        for spec_id in idle:
            click.echo(f"NONE {spec_id}: no operations to test (its types only)")
    if target is None:
        built = {"build": _build_json(result), "no_operations": idle}
        _print_matrix({**report, **built}, tagged, fmt)
    elif fmt == "json":
        report = {
            "build": _build_json(result),
            "results": [r.to_json() for r in results],
            "summary": _tally(results),
            "no_operations": idle,
        }
        click.echo(json.dumps(report, indent=2))
    else:
        _print_results(results)
    if result.plan is not None:
        if fmt == "text":
            _print_changes(result.plan)
        click.echo(
            summary(
                "tested",
                len(result.specs),
                targets,
                files_summary(result.plan),
                elapsed(),
            ),
            err=True,
        )
    bad = {"failed"} | ({"not_implemented"} if require_all else set())
    if failed or not result.ok or any(r.status in bad for r in results):
        sys.exit(EXIT_ERRORS)


def _data_models(specs: list, targets: list[str]) -> list[str]:  # type: ignore[type-arg]
    """Return the IDs of specs of types alone, when a code target is tested."""
    from specc.emitters.code import has_operations
    from specc.verification import CODE_TARGETS

    if not set(targets) & set(CODE_TARGETS):
        return []
    return [s.id for s in specs if s.types and not has_operations(s)]


def _run_conformance(targets: list[str], specs: list, out_dir: str, timeout: float):  # type: ignore[no-untyped-def]
    """Run every target's runner; on SIGTERM end the test runs and exit 143."""
    import signal

    from specc import verification
    from specc.conformance.process import Terminated, sigterm_raises

    try:
        with sigterm_raises():
            return verification.run_targets(targets, specs, out_dir, timeout)
    except Terminated:
        click.echo("specc test: terminated; its test runs were stopped", err=True)
        sys.exit(128 + signal.SIGTERM)


_LABELS = {"passed": "PASS", "failed": "FAIL", "not_implemented": "TODO"}


def _print_matrix(report: dict, tagged: list, fmt: str) -> None:  # type: ignore[type-arg]
    """Print the rule × target matrix (and, as text, each failure's message)."""
    if fmt == "json":
        results = [{"target": t, **r.to_json()} for t, r in tagged]
        click.echo(json.dumps({**report, "results": results}, indent=2))
        return
    from rich.console import Console

    from specc.verification import print_matrix

    print_matrix(report, Console(highlight=False))
    for _, r in tagged:
        if r.status == "failed":
            where = f"{r.rule} #{r.example}" if r.example else r.rule
            click.echo(f"FAIL {r.spec} {where}: {r.text}")
            for line in _message_lines(r):
                click.echo(f"     {line}")


def _tally(results: list) -> dict[str, int]:  # type: ignore[type-arg]
    """Count examples (or rules) by status; a spec-wide failure counts every example."""
    counts = {s: sum(r.covers for r in results if r.status == s) for s in _LABELS}
    return {"total": sum(counts.values()), **counts}


def _message_lines(r) -> list[str]:  # type: ignore[no-untyped-def]
    """Return a failure's message lines without a repeat of the example's text."""
    lines = r.message.splitlines()
    repeats = {r.text.strip(), f"{r.rule} #{r.example}: {r.text}".strip()}
    while lines and lines[0].strip() in repeats:
        lines.pop(0)
    return lines


def _print_results(results: list) -> None:  # type: ignore[type-arg]
    colours = {"passed": "green", "failed": "red", "not_implemented": "yellow"}
    colour = sys.stdout.isatty()
    for r in results:
        label = _LABELS[r.status]
        if colour:
            label = click.style(label, fg=colours[r.status], bold=True)
        suffix = " (not implemented)" if r.status == "not_implemented" else ""
        where = (
            f"{r.rule} #{r.example}: {r.text}" if r.example else f"{r.rule}: {r.text}"
        )
        click.echo(f"{label} {r.spec} {where}{suffix}")
        if r.status == "failed" and r.message:
            for line in _message_lines(r):
                click.echo(f"     {line}")
    counts = _tally(results)
    noun = "example" if any(r.example or r.covers > 1 for r in results) else "rule"
    click.echo(
        f"{_count(counts['total'], noun)}: {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['not_implemented']} not implemented"
    )


def _register_commands() -> None:
    """Add the commands that live in their own modules."""
    from specc.cli_diff import diff
    from specc.cli_implement import implement
    from specc.cli_project import config_command, init, new, templates, watch

    for command in (diff, implement, init, new, config_command, watch, templates):
        main.add_command(command)


_register_commands()


@main.command(name="eval")
@click.argument("paths", nargs=-1, type=click.Path())
@llm_options
@click.option(
    "--judge", "-j", metavar="NAME", help="The model that grades (default: --model)."
)
@click.option(
    "--samples",
    "-k",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Answers per case; pass rates get a 95% Wilson interval.",
)
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Output folder (default: the project's, else out); "
    "the report goes to OUT/report/evals.json.",
)
@_format_option("`json` prints the report: overall, per rule, and the failures.")
def eval_command(
    paths: tuple[str, ...],
    judge: str | None,
    samples: int,
    out_dir: str | None,
    fmt: str,
    **llm_flags: Any,
) -> None:
    """Evaluate a model on the specs' behavioural examples, graded by a judge model.

    The model answers each case's input turns (`--llm` is implied); the judge
    grades each answer against the rule and its GOOD/BAD references. Exit
    status 1 when a case failed or got no valid verdict, or the run stopped.
    """
    from specc.cli_llm import start
    from specc.evaluate import cases_of, run_session
    from specc.reports import EVALS, write_report

    project = _project(paths, out_dir)
    compiled, problems, cases = cases_of(project.paths)
    print_diagnostics(compiled, problems, False)
    if problems or not all(c.ok for c in compiled):
        sys.exit(EXIT_ERRORS)
    session = start(project.paths, required=True, **llm_flags)
    data, problems = run_session(session, cases, judge, samples)
    print_diagnostics([], problems, False)
    if session.client is not None:
        click.echo(session.client.stats.summary(), err=True)
    if data is None:
        sys.exit(EXIT_ERRORS)
    path = write_report(project.out_dir, EVALS, data)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
    else:
        from rich.console import Console

        from specc.evalreport import print_report

        print_report(data, Console(highlight=False))
        click.echo(f"report: {path}", err=True)
    overall = data["overall"]
    assert isinstance(overall, dict)
    if overall["failed"] or overall["errors"]:
        sys.exit(EXIT_ERRORS)
