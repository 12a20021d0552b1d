"""Mutation score of specc's core modules: cosmic-ray mutants against the tests that use each."""

from __future__ import annotations

import argparse
import ast
import os
import random
import shlex
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - specc depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "compiler/specc"
EQUIVALENT = Path(__file__).resolve().parent / "self_mutation_equivalent.toml"

_FRONTEND_TESTS = (
    "tests/test_diagnostic_text.py",
    "tests/test_malformed.py",
    "tests/test_nesting.py",
    "tests/test_parser_cases.py",
    "tests/test_golden_ir.py",
    "tests/test_diagnostic_codes.py",
    "tests/test_lints.py",
    "tests/test_corpus.py",
    "tests/test_pathological.py",
)

_BUILDS_TARGETS = (
    "tests/test_properties.py::test_a_correct_implementation_passes_every_property",
    "tests/test_properties.py::test_a_property_catches_what_every_example_lets_pass",
)
"""Tests that build a spec for every target: minutes a mutant, where the others take seconds."""


@dataclass(frozen=True)
class Module:
    """A module to mutate and the test files that exercise it."""

    path: str
    tests: tuple[str, ...]
    deselect: tuple[str, ...] = ()
    """Tests of those files left out (pytest node ID prefixes): ones that build targets."""


#: The core modules and, for each, the tests that exercise it (run with -x: the
#: first failure kills the mutant).
MODULES: dict[str, Module] = {
    "naming": Module(
        "compiler/specc/naming.py",
        ("tests/test_naming.py", "tests/test_output_hygiene.py"),
    ),
    "values": Module(
        "compiler/specc/frontend/values.py",
        ("tests/test_example_reader.py",)
        + _FRONTEND_TESTS[:6]
        + ("tests/test_properties.py",),
        _BUILDS_TARGETS,
    ),
    "lexer": Module(
        "compiler/specc/frontend/lexer.py",
        ("tests/test_lexer.py",) + _FRONTEND_TESTS[:6],
    ),
    "diagnostics": Module(
        "compiler/specc/diagnostics.py",
        ("tests/test_diagnostic_text.py", "tests/test_diagnostic_codes.py")
        + ("tests/test_malformed.py", "tests/test_cli.py"),
    ),
    "writer": Module(
        "compiler/specc/build/writer.py",
        ("tests/test_output_hygiene.py", "tests/test_incremental.py")
        + ("tests/test_progress.py", "tests/test_staging.py"),
    ),
    "check": Module(
        "compiler/specc/frontend/check",
        _FRONTEND_TESTS + ("tests/test_imports.py", "tests/test_properties.py"),
        _BUILDS_TARGETS,
    ),
    "lower": Module("compiler/specc/frontend/lower", _FRONTEND_TESTS),
}


@dataclass
class Score:
    """What became of one module's mutants."""

    module: str
    total: int = 0
    equivalent: int = 0
    annotations: int = 0
    sampled: int = 0
    killed: int = 0
    survivors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def percent(self) -> float:
        """Return the share of run mutants the tests killed."""
        return 100.0 * self.killed / self.sampled if self.sampled else 100.0


class Sources:
    """The mutated files, read once, to name each mutant and find its place."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._lines: dict[str, list[str]] = {}
        self._annotations: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}

    def lines(self, path: str) -> list[str]:
        """Return the lines of ``path``, relative to the scratch checkout."""
        if path not in self._lines:
            text = (self.workdir / path).read_text("utf-8")
            self._lines[path] = text.splitlines()
        return self._lines[path]

    def key(self, mutation, only: set[str] | None = None) -> str:  # type: ignore[no-untyped-def]
        """Return a name for a mutant that survives edits elsewhere in its file.

        `file | operator | line text | column in it | mutated line text`: line
        numbers move with every edit above, the text of the line rarely does.
        With ``only``, a mutant whose place is not in it gets its place alone.
        """
        path = str(mutation.module_path)
        line, col = mutation.start_pos
        text = self.lines(path)[line - 1]
        indent = len(text) - len(text.lstrip())
        file = Path(path).relative_to(PACKAGE).as_posix()
        place = f"{file} | {mutation.operator_name} | {text.strip()} | {col - indent}"
        if only is not None and place not in only:
            return place  # it cannot be listed: spare the mutating
        return f"{place} | {self.mutated_line(mutation)}"

    def mutated_line(self, mutation) -> str:  # type: ignore[no-untyped-def]
        """Return the stripped text of the mutated line as the mutant has it."""
        from cosmic_ray.mutating import mutate_code
        from cosmic_ray.plugins import get_operator

        path = str(mutation.module_path)
        operator = get_operator(mutation.operator_name)(**mutation.operator_args)
        source = "\n".join(self.lines(path)) + "\n"
        mutated = mutate_code(source, operator, mutation.occurrence) or ""
        lines = mutated.splitlines()
        line = mutation.start_pos[0]
        return lines[line - 1].strip() if line <= len(lines) else "?"

    def in_annotation(self, mutation) -> bool:  # type: ignore[no-untyped-def]
        """Return whether a mutant changes a type annotation, which never runs.

        Every module under the package starts with `from __future__ import
        annotations`, so annotations stay strings; `str | None` mutated to
        `str % None` changes nothing at run time (mypy --strict, in
        tests/test_architecture.py, is what checks them).
        """
        path = str(mutation.module_path)
        if path not in self._annotations:
            self._annotations[path] = list(self._annotation_ranges(path))
        place = tuple(mutation.start_pos)
        return any(start <= place < end for start, end in self._annotations[path])

    def _annotation_ranges(self, path: str):  # type: ignore[no-untyped-def]
        """Yield (start, end) of each annotation as (line, column in characters)."""
        lines = self.lines(path)
        tree = ast.parse("\n".join(lines))
        assert any(
            isinstance(n, ast.ImportFrom)
            and n.module == "__future__"
            and any(a.name == "annotations" for a in n.names)
            for n in tree.body
        ), f"{path} evaluates its annotations"

        def place(line: int, byte: int) -> tuple[int, int]:
            return line, len(lines[line - 1].encode()[:byte].decode())

        for node in ast.walk(tree):
            found: list[ast.expr | None] = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = node.args
                every = a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]
                found += [arg.annotation for arg in every if arg is not None]
                found.append(node.returns)
            elif isinstance(node, ast.AnnAssign):
                found.append(node.annotation)
            for n in found:
                if n is not None and n.end_lineno is not None:
                    start = place(n.lineno, n.col_offset)
                    yield start, place(n.end_lineno, n.end_col_offset or 0)


def load_equivalent() -> dict[str, str]:
    """Return key -> reason for the mutants known to be equivalent."""
    table = tomllib.loads(EQUIVALENT.read_text("utf-8"))
    return {
        f"{e['file']} | {e['operator']} | {e['line']} | {e['col']} | {e['mutant']}": e[
            "reason"
        ]
        for e in table.get("equivalent", [])
    }


def copy_checkout(dest: Path) -> None:
    """Copy the tracked files, as they are in the work tree, into ``dest``."""
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    for raw in names:
        if not raw:
            continue
        source = ROOT / os.fsdecode(raw)
        if not source.is_file():
            continue  # deleted in the work tree
        target = dest / os.fsdecode(raw)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    # The package finds its templates as `specc.templates` (pyproject maps the
    # folder there); a link makes the copy importable from PYTHONPATH alone.
    (dest / "compiler" / "specc" / "templates").symlink_to(dest / "templates")
    cache = ROOT / ".cache"
    if cache.exists():
        (dest / ".cache").symlink_to(cache)


def test_command(module: Module) -> str:
    """Return the pytest command that decides whether a mutant is killed."""
    args = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    # A test file missing from an older checkout is left out, so the script
    # can score an earlier commit's tests too.
    tests = [t for t in module.tests if (ROOT / t).exists()]
    for node in module.deselect:
        if node.split("::")[0] in tests:
            tests += ["--deselect", node]
    return shlex.join(args + tests)


def write_config(workdir: Path, module: Module, timeout: float) -> Path:
    """Write the cosmic-ray configuration for ``module`` and return its path."""
    config = workdir / "cosmic-ray.toml"
    config.write_text(
        textwrap.dedent(f"""\
            [cosmic-ray]
            module-path = {module.path!r}
            timeout = {timeout}
            excluded-modules = []
            test-command = {test_command(module)!r}

            [cosmic-ray.distributor]
            name = "local"
            """),
        "utf-8",
    )
    return config


def select_work(
    session: Path,
    sources: Sources,
    equivalent: dict[str, str],
    sample: int,
    seed: int,
    score: Score,
) -> set[str]:
    """Skip all but a seeded sample, and the equivalent mutants; return the keys seen.

    Mutants of type annotations are left out first; the sample is drawn from
    the rest before listed equivalent mutants are left out, so listing one
    never changes which others run.
    """
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    seen: set[str] = set()
    with use_db(str(session), WorkDB.Mode.open) as db:
        items = sorted(db.work_items, key=_order)
        score.total = len(items)
        code = [i for i in items if not sources.in_annotation(i.mutations[0])]
        score.annotations = len(items) - len(code)
        chosen = code
        if sample and len(code) > sample:
            chosen = random.Random(seed).sample(code, sample)
        keep = {i.job_id for i in chosen}
        places = {k.rsplit(" | ", 1)[0] for k in equivalent}
        for item in items:
            key = sources.key(item.mutations[0], places)
            if key in equivalent:
                seen.add(key)
                score.equivalent += 1
                why = f"equivalent: {equivalent[key]}"
            elif item.job_id in keep:
                continue
            else:
                why = "not sampled, or a type annotation"
            skipped = WorkResult(output=why, worker_outcome=WorkerOutcome.SKIPPED)
            db.set_result(item.job_id, skipped)
    return seen


def _order(item) -> tuple:  # type: ignore[no-untyped-def]
    """Order work items by place, so a seed picks the same mutants every run."""
    m = item.mutations[0]
    return (str(m.module_path), tuple(m.start_pos), m.operator_name, m.occurrence)


def collect(session: Path, sources: Sources, score: Score) -> None:
    """Count the killed mutants and describe every survivor."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    with use_db(str(session), WorkDB.Mode.open) as db:
        done = sorted(db.completed_work_items, key=lambda pair: _order(pair[0]))
        for item, result in done:
            if result.worker_outcome in (WorkerOutcome.SKIPPED, WorkerOutcome.NO_TEST):
                continue
            score.sampled += 1
            if result.test_outcome != TestOutcome.SURVIVED:
                score.killed += 1
                continue
            mutation = item.mutations[0]
            diff = "\n".join(
                "      " + d
                for d in (result.diff or "").splitlines()
                if d[:1] in "+-" and d[:3] not in ("+++", "---")
            )
            line = mutation.start_pos[0]
            score.survivors.append(f"  line {line}: {sources.key(mutation)}\n{diff}")


COSMIC_RAY = [sys.executable, "-m", "cosmic_ray.cli"]


def prepare(
    workdir: Path,
    module: Module,
    timeout: float,
    sample: int,
    seed: int,
    score: Score,
    env: dict[str, str] | None = None,
) -> tuple[Path, Path]:
    """Make the cosmic-ray session of ``module`` and choose its mutants."""
    config = write_config(workdir, module, timeout)
    session = workdir / "session.sqlite"
    init = COSMIC_RAY + ["init", str(config), str(session)]
    subprocess.run(init, cwd=workdir, env=env, check=True)
    where = Path(module.path).relative_to(PACKAGE).as_posix()
    equivalent = {k: v for k, v in load_equivalent().items() if k.startswith(where)}
    seen = select_work(session, Sources(workdir), equivalent, sample, seed, score)
    for key in sorted(set(equivalent) - seen):
        print(f"{module.path}: listed as equivalent, not found: {key}", file=sys.stderr)
    return session, config


def run_module(
    name: str, sample: int, seed: int, timeout: float, dry_run: bool = False
) -> Score:
    """Mutate one module in a scratch copy of the checkout and score its tests."""
    module = MODULES[name]
    score = Score(name)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"specc-mutation-{name}-") as tmp:
        workdir = Path(tmp)
        copy_checkout(workdir)
        if dry_run:  # count and choose the mutants, run none
            prepare(workdir, module, timeout, sample, seed, score)
            return score
        env = dict(os.environ, PYTHONPATH=str(workdir / "compiler"))
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # a mutant never runs stale bytecode
        command = shlex.split(test_command(module))
        baseline = subprocess.run(command, cwd=workdir, env=env, capture_output=True)
        if baseline.returncode != 0:
            sys.exit(
                f"{name}: the tests fail without any mutant:\n"
                + baseline.stdout.decode()[-3000:]
            )
        session, config = prepare(workdir, module, timeout, sample, seed, score, env)
        subprocess.run(
            COSMIC_RAY + ["exec", str(config), str(session)],
            cwd=workdir,
            env=env,
            check=True,
        )
        collect(session, Sources(workdir), score)
    score.seconds = time.monotonic() - started
    return score


def table(scores: Iterable[Score]) -> str:
    """Return the Markdown table of scores."""
    rows = [
        "| module | mutants | in annotations | listed equivalent | run | killed | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows += [
        f"| `{s.module}` | {s.total} | {s.annotations} | {s.equivalent} | {s.sampled} "
        f"| {s.killed} | {s.percent:.0f}% |"
        for s in scores
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the mutation script from the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("modules", nargs="*", help=f"any of {', '.join(MODULES)} (all)")
    parser.add_argument(
        "--sample",
        type=int,
        default=40,
        help="run this many mutants per module, chosen with --seed (0: all)",
    )
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds a mutant's tests may take"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="count the mutants; run none"
    )
    args = parser.parse_args(argv)
    unknown = set(args.modules) - set(MODULES)
    if unknown:
        parser.error(f"unknown module {', '.join(sorted(unknown))}")
    scores = []
    for name in args.modules or list(MODULES):
        score = run_module(name, args.sample, args.seed, args.timeout, args.dry_run)
        print(
            f"{name}: {score.killed} of {score.sampled} killed ({score.percent:.0f}%),"
            f" {score.equivalent} equivalent left out, {score.seconds:.0f} s",
            *score.survivors,
            sep="\n",
            flush=True,
        )
        scores.append(score)
    print(table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
