"""Mutate one spec's implementation on one target and find, per rule, which mutants its examples kill.

A mutant in a definition runs only the examples of the rules whose operations
reach that definition (see `definitions.reach`); rules whose examples do not
all pass unmutated are left out. Workers run mutants in parallel, each in its
own copy of the package, and every result is cached under specc's cache
folder, keyed by the mutated source, the package's generated files and the
examples run, so a second run with nothing changed runs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue
from typing import Literal

from specc import ir
from specc.emitters.code import cases
from specc.mutation.definitions import Definition, definitions, reach
from specc.mutation.operators import Mutant, mutants
from specc.mutation.runners import WORKSPACES, Run, Workspace
from specc.naming import path_segment
from specc.toolchain import cache_dir

Verdict = Literal["killed", "survived", "timed_out"]
#: Bump when what a cached verdict means changes: older entries are ignored.
CACHE_VERSION = 1


@dataclass(frozen=True)
class Outcome:
    """What one mutant did to each rule it was run for."""

    mutant: Mutant
    function: str
    rules: dict[str, Verdict]
    """Per rule: killed, survived or timed out; empty when the mutant is unviable."""
    unviable: bool = False
    cached: bool = False


@dataclass
class Mutation:
    """One spec's mutation run on one target."""

    spec: str
    target: str
    source: str
    """The implementation as it is (the mutants' original)."""
    path: str
    """The implementation file, relative to the target's folder."""
    outcomes: list[Outcome] = field(default_factory=list)
    not_passing: list[str] = field(default_factory=list)
    """Rules left out: their examples do not all pass unmutated."""
    unreached: int = 0
    """Mutants in code that no tested operation reaches (not run)."""
    skipped: int = 0
    """Mutants left out by `--max-mutants`."""


Progress = Callable[[int, int], None]


def mutate(
    target: str,
    package: Path,
    spec: ir.Spec,
    passing: Iterable[str],
    *,
    max_mutants: int | None = None,
    timeout: float = 10.0,
    workers: int = 2,
    progress: Progress | None = None,
) -> Mutation:
    """Mutate a package's implementation and run each mutant's rules' examples."""
    kind = WORKSPACES[target]
    implementation = kind.implementation_of(package)
    source = implementation.read_text("utf-8")
    language: Literal["ts", "rust", "python"] = target  # type: ignore[assignment]
    found = definitions(source, language)
    titles, operations = _rules(spec)
    passing = set(passing)
    result = Mutation(
        spec.id,
        target,
        source,
        str(implementation.relative_to(package.parent)),
        not_passing=[r for r in titles if r not in passing],
    )
    served = _served(found, operations, passing)
    every = mutants(source, language, found)
    chosen = [m for m in every if served.get(m.definition)]
    result.unreached = len(every) - len(chosen)
    chosen, result.skipped = _sample(chosen, max_mutants)
    plans = [(m, sorted(served[m.definition]), m.apply(source)) for m in chosen]
    tests = _TestFile(package / TEST_FILES[target], len(cases(spec)))
    digest = _package_digest(package, {implementation, tests.path})
    indices = {c.title: i for i, c in enumerate(cases(spec))}
    cache = _Cache(target, spec.id)
    keys = []
    for _, rules, text in plans:
        chosen_titles = [t for r in rules for t in titles[r]]
        tested = tests.digest([indices[t] for t in chosen_titles])
        keys.append(_key(target, digest + tested, text, chosen_titles, timeout))
    outcomes: list[Outcome | None] = [None] * len(plans)
    todo = []
    for index, ((mutant, rules, _), key) in enumerate(zip(plans, keys, strict=True)):
        cached = cache.get(key)
        if cached is not None:
            outcomes[index] = _outcome(mutant, found, cached, rules, True)
        else:
            todo.append(index)
    done = len(plans) - len(todo)
    if progress:
        progress(done, len(plans))
    if todo:
        with tempfile.TemporaryDirectory(prefix="specc-mutants-") as scratch:
            pool = _workspaces(kind, package, spec, Path(scratch), timeout, workers)
            if hasattr(pool[0], "transpile"):
                _share_transpiled(pool, [plans[i][2] for i in todo])
            free: Queue[Workspace] = Queue()
            for workspace in pool:
                free.put(workspace)

            def run_one(index: int) -> tuple[int, Run]:
                workspace = free.get()
                try:
                    _, rules, text = plans[index]
                    chosen_titles = [t for r in rules for t in titles[r]]
                    return index, workspace.run(text, chosen_titles)
                finally:
                    free.put(workspace)

            with ThreadPoolExecutor(len(pool)) as executor:
                for index, run in executor.map(run_one, todo):
                    mutant, rules, _ = plans[index]
                    verdicts = _verdicts(run, rules, titles)
                    cache.put(keys[index], verdicts)
                    outcomes[index] = _outcome(mutant, found, verdicts, rules, False)
                    done += 1
                    if progress:
                        progress(done, len(plans))
    cache.save()
    result.outcomes = [o for o in outcomes if o is not None]
    return result


def mutate_all(
    targets: Iterable[str],
    specs: Iterable[ir.Spec],
    out_dir: str | Path,
    passing: Callable[[str, str], set[str]],
    progress: Callable[[str, int, int], None] | None = None,
    **options: object,
) -> list[Mutation]:
    """Mutate every spec with operations on every target that has a mutator.

    ``passing(target, spec)`` names the rules whose examples all pass
    unmutated; ``options`` go to `mutate` (max_mutants, timeout, workers).
    """
    from specc.emitters.code import has_operations, package_dir

    found = []
    for target in targets:
        if target not in WORKSPACES:
            continue
        for spec in specs:
            if not has_operations(spec):
                continue
            package = Path(out_dir) / target / package_dir(spec)
            label = f"{target} {spec.id}"

            def step(done: int, total: int, label: str = label) -> None:
                if progress:
                    progress(label, done, total)

            found.append(
                mutate(
                    target,
                    package,
                    spec,
                    passing(target, spec.id),
                    progress=step,
                    **options,  # type: ignore[arg-type]
                )
            )
    return found


def _rules(spec: ir.Spec) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Return each rule's example titles and the operations its examples call."""
    titles: dict[str, list[str]] = {}
    operations: dict[str, set[str]] = {}
    for case in cases(spec):
        titles.setdefault(case.rule, []).append(case.title)
        operations.setdefault(case.rule, set()).add(case.example.function)
    return titles, operations


def _served(
    found: list[Definition], operations: dict[str, set[str]], passing: set[str]
) -> dict[int, set[str]]:
    """Return, per definition, the passing rules whose operations reach it."""
    tested = {op for rule in passing for op in operations.get(rule, ())}
    reached = reach(found, sorted(tested))
    return {
        index: {r for r in passing if operations.get(r, set()) & ops}
        for index, ops in reached.items()
    }


def _sample(chosen: list[Mutant], most: int | None) -> tuple[list[Mutant], int]:
    """Return at most ``most`` mutants spread evenly over the source, and how many were left."""
    if most is None or len(chosen) <= most:
        return chosen, 0
    if most <= 0:
        return [], len(chosen)
    step = len(chosen) / most
    kept = [chosen[int(i * step)] for i in range(most)]
    return kept, len(chosen) - len(kept)


def _verdicts(
    run: Run, rules: list[str], titles: dict[str, list[str]]
) -> dict[str, str]:
    """Return, per rule, what the mutant's run did to its examples."""
    if run.unviable:
        return {}
    if run.timed_out:
        return dict.fromkeys(rules, "timed_out")
    found: dict[str, str] = {}
    for rule in rules:
        outcomes = [run.observed.get(t, ("failed", "no result")) for t in titles[rule]]
        if all(status == "passed" for status, _ in outcomes):
            found[rule] = "survived"
        elif any(
            status == "failed" and "timed out" in message
            for status, message in outcomes
        ):
            found[rule] = "timed_out"
        else:
            found[rule] = "killed"
    return found


def _outcome(
    mutant: Mutant,
    found: list[Definition],
    verdicts: dict[str, str],
    rules: list[str],
    cached: bool,
) -> Outcome:
    kept: dict[str, Verdict] = {
        r: v  # type: ignore[misc]
        for r, v in verdicts.items()
        if r in rules and v in ("killed", "survived", "timed_out")
    }
    return Outcome(
        mutant,
        found[mutant.definition].name,
        kept,
        unviable=not verdicts,
        cached=cached,
    )


def _workspaces(
    kind: type[Workspace],
    package: Path,
    spec: ir.Spec,
    scratch: Path,
    timeout: float,
    workers: int,
) -> list[Workspace]:
    """Return ``workers`` copies of the package, made in parallel."""
    count = max(1, workers)

    def make(index: int) -> Workspace:
        folder = scratch / f"worker-{index}"
        folder.mkdir()
        return kind(package, spec, folder, timeout)

    with ThreadPoolExecutor(count) as executor:
        return list(executor.map(make, range(count)))


def _share_transpiled(pool: list[Workspace], sources: list[str]) -> None:
    """Transpile every TypeScript mutant once, and let every worker use the result."""
    first = pool[0]
    first.transpile(sources)  # type: ignore[attr-defined]
    for other in pool[1:]:
        other.transpiled = first.transpiled  # type: ignore[attr-defined]


#: Each code target's generated test file: one test per example, in order.
TEST_FILES = {
    "python": "tests/test_conformance.py",
    "rust": "tests/conformance.rs",
    "ts": "test/conformance.test.ts",
}
#: Where each example's test begins in its test file.
_TEST_STARTS = re.compile(r"^(?:def test_|#\[test\]|example\()", re.MULTILINE)


class _TestFile:
    """A generated test file cut into its preamble and one part per example.

    A mutant's cache key holds only the parts of the examples it runs, so
    adding an example to one rule leaves the other rules' results cached.
    """

    def __init__(self, path: Path, count: int) -> None:
        self.path = path
        try:
            text = path.read_text("utf-8")
        except OSError:
            text = ""
        starts = [m.start() for m in _TEST_STARTS.finditer(text)]
        if len(starts) != count:  # not the shape expected: the whole file counts
            self.preamble, self.parts = text, []
            return
        self.preamble = text[: starts[0]] if starts else text
        ends = starts[1:] + [len(text)]
        self.parts = [text[a:b] for a, b in zip(starts, ends, strict=True)]

    def digest(self, indices: list[int]) -> str:
        """Return a digest of the preamble and the tests of the examples at ``indices``."""
        chosen = [self.parts[i] for i in indices if i < len(self.parts)]
        text = json.dumps([self.preamble, chosen])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _package_digest(package: Path, left_out: set[Path]) -> str:
    """Return a digest of the package's files but ``left_out`` and build output."""
    digest = hashlib.sha256()
    skip = {"target", "node_modules", "dist", "__pycache__", ".pytest_cache"}
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if skip & set(relative.parts) or not path.is_file() or path in left_out:
            continue
        if relative.name in ("Cargo.lock", "junit.xml"):
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _key(
    target: str, package: str, source: str, titles: list[str], timeout: float
) -> str:
    text = json.dumps([CACHE_VERSION, target, package, source, titles, timeout])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Cache:
    """Verdicts by key, in one JSON file per target and spec under specc's cache folder."""

    def __init__(self, target: str, spec: str) -> None:
        self.path = cache_dir() / "mutation" / f"{target}-{path_segment(spec)}.json"
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            data = {}
        self.entries: dict[str, dict[str, str]] = data if isinstance(data, dict) else {}
        self.used: dict[str, dict[str, str]] = {}

    def get(self, key: str) -> dict[str, str] | None:
        found = self.entries.get(key)
        if isinstance(found, dict):
            self.used[key] = found
            return found
        return None

    def put(self, key: str, verdicts: dict[str, str]) -> None:
        self.used[key] = verdicts

    def save(self) -> None:
        """Keep this run's entries (and earlier ones, up to a bound), written atomically."""
        kept = dict(list(self.entries.items())[-5000:])
        kept.update(self.used)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            temporary.write_text(json.dumps(kept), "utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time
