"""Run chosen examples of one package against a mutated implementation, per target.

Each worker owns a copy of the package (and, for Rust, its own cargo target
folder), so workers never see each other's mutants. TypeScript mutants are
transpiled without type-checking (all at once, in one node process) and run
as JavaScript; Python and Rust run the package's own test file, told which
tests to run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from specc import ir
from specc.conformance import Observed
from specc.emitters.code import cases
from specc.toolchain import TimedOut, ToolchainError, execute, first_lines

#: Folders that are build output, never copied into a worker's package.
_BUILD_OUTPUT = (
    "target",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
)


@dataclass(frozen=True)
class Run:
    """What one run of a mutant did: per example title, or that it did not build."""

    observed: Observed
    unviable: str = ""
    """Why the mutant does not compile or load; empty when it ran."""
    timed_out: bool = False
    """The run as a whole outlasted its limit."""


class Workspace(ABC):
    """One worker's copy of a package, where mutants are written and run."""

    #: The implementation file, relative to the package (Python finds its own).
    implementation: ClassVar[str] = ""

    def __init__(self, package: Path, spec: ir.Spec, folder: Path, timeout: float):
        self.origin = package
        self.spec = spec
        self.folder = folder
        self.timeout = timeout
        self.package = folder / package.name
        shutil.copytree(
            package,
            self.package,
            ignore=shutil.ignore_patterns(*_BUILD_OUTPUT),
            copy_function=shutil.copy,  # fresh mtimes: cargo sees every change
            symlinks=True,
        )
        self.indices = {c.title: i for i, c in enumerate(cases(spec), start=1)}

    @classmethod
    def implementation_of(cls, package: Path) -> Path:
        """Return the implementation file of a package."""
        return package / cls.implementation

    def limit(self, titles: list[str]) -> float:
        """Return how long one run of ``titles`` may take in all."""
        return self.timeout * max(1, len(titles)) + 30.0

    @abstractmethod
    def run(self, source: str, titles: list[str]) -> Run:
        """Write a mutated implementation and run the examples titled ``titles``."""


class PythonWorkspace(Workspace):
    """pytest, given the node IDs of the chosen tests; JUnit XML says what each did."""

    @classmethod
    def implementation_of(cls, package: Path) -> Path:
        found = sorted(package.glob("src/*/implementation.py"))
        if not found:
            raise ToolchainError(f"{package} has no src/*/implementation.py")
        return found[0]

    def run(self, source: str, titles: list[str]) -> Run:
        from specc.conformance.python import parse_junit, pytest_command, read_report
        from specc.emitters.python.model import test_names

        target = self.implementation_of(self.package)
        target.write_text(source, "utf-8")
        names = test_names(self.spec)
        report = self.folder / "junit.xml"
        report.unlink(missing_ok=True)
        command = pytest_command(report, self.timeout)
        at = command.index("tests/test_conformance.py")
        command[at : at + 1] = [
            f"tests/test_conformance.py::{names[t]}" for t in titles
        ]
        try:
            done = execute(command, self.package, self.limit(titles))
        except TimedOut:
            return Run({}, timed_out=True)
        observed = parse_junit(read_report(report), names)
        if not observed and done.returncode not in (0, 1):
            return Run({}, unviable=first_lines(done.stdout + done.stderr, 6))
        return Run(observed)


class RustWorkspace(Workspace):
    """`cargo test --test conformance -- --exact NAME…` in a target folder of its own."""

    implementation = "src/implementation.rs"

    def run(self, source: str, titles: list[str]) -> Run:
        from specc.conformance.rust import cargo, parse_output
        from specc.emitters.rust.model import test_names

        (self.package / self.implementation).write_text(source, "utf-8")
        names = test_names(self.spec)
        env = dict(
            os.environ,
            SPECC_TIMEOUT=f"{self.timeout:g}",
            CARGO_TARGET_DIR=str(self.folder / "target"),
        )
        args = [cargo(), "test", "--offline", "--color", "never", "--test"]
        args += ["conformance", "--", "--color", "never", "--exact"]
        args += [names[t] for t in titles]
        try:
            done = execute(args, self.package, self.limit(titles) + 600.0, env)
        except TimedOut:
            return Run({}, timed_out=True)
        observed = parse_output(done.stdout, names)
        if not observed and done.returncode != 0:
            return Run({}, unviable=first_lines(done.stderr, 6))
        return Run(observed)


#: Transpiles TypeScript sources (JSON on stdin) without type-checking and
#: prints them as JavaScript, or the first syntax error of each.
_TRANSPILE = """
const ts = require(process.argv[1]);
const sources = JSON.parse(require("fs").readFileSync(0, "utf8"));
const options = { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 };
const out = sources.map((text) => {
  const done = ts.transpileModule(text, { compilerOptions: options, reportDiagnostics: true });
  const errors = (done.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) return { error: ts.flattenDiagnosticMessageText(errors[0].messageText, "\\n") };
  return { code: done.outputText };
});
process.stdout.write(JSON.stringify(out));
"""


class TypeScriptWorkspace(Workspace):
    """node --test on the compiled tests, the other examples skipped by number."""

    implementation = "src/impl.ts"

    def __init__(self, package: Path, spec: ir.Spec, folder: Path, timeout: float):
        super().__init__(package, spec, folder, timeout)
        from specc.conformance.ts_toolchain import node_modules
        from specc.toolchain import tool

        self.node = tool("node", "install Node.js 20 or newer")
        self.modules = node_modules(self.package)
        compiled = execute(
            [self.node, str(self.modules / "typescript" / "bin" / "tsc"), "-p", "."]
            + ["--pretty", "false", "--typeRoots", str(self.modules / "@types")],
            self.package,
        )
        if compiled.returncode != 0:
            raise ToolchainError(
                "the implementation does not compile:\n" + first_lines(compiled.stdout)
            )
        self.transpiled: dict[str, dict[str, str]] = {}

    def transpile(self, sources: list[str]) -> None:
        """Transpile every source not transpiled yet, in one node process."""
        todo = [s for s in dict.fromkeys(sources) if s not in self.transpiled]
        if not todo:
            return
        typescript = str(self.modules / "typescript")
        with tempfile.TemporaryFile("w+", encoding="utf-8") as stdin:
            json.dump(todo, stdin)
            stdin.seek(0)
            done = subprocess.run(
                [self.node, "-e", _TRANSPILE, typescript],
                stdin=stdin,
                capture_output=True,
                text=True,
                timeout=600,
            )
        if done.returncode != 0:
            raise ToolchainError(
                "cannot transpile mutants:\n" + first_lines(done.stderr)
            )
        for text, result in zip(todo, json.loads(done.stdout), strict=True):
            self.transpiled[text] = result

    def run(self, source: str, titles: list[str]) -> Run:
        from specc.conformance.ts import parse_tap

        self.transpile([source])
        result = self.transpiled[source]
        if "error" in result:
            return Run({}, unviable=result["error"])
        (self.package / "dist" / "src" / "impl.js").write_text(result["code"], "utf-8")
        chosen = {self.indices[t] for t in titles}
        skipped = [str(i) for i in self.indices.values() if i not in chosen]
        env = dict(os.environ, SPECC_SKIP_EXAMPLES=",".join(skipped))
        env.pop("SPECC_PROGRESS", None)
        args = [self.node, "--test-reporter=tap", "dist/test/conformance.test.js"]
        try:
            done = execute(args, self.package, self.limit(titles), env)
        except TimedOut:
            return Run({}, timed_out=True)
        observed = parse_tap(done.stdout)
        if not observed and done.returncode != 0:
            return Run({}, unviable=first_lines(done.stderr or done.stdout, 6))
        return Run(observed)


WORKSPACES: dict[str, type[Workspace]] = {
    "python": PythonWorkspace,
    "rust": RustWorkspace,
    "ts": TypeScriptWorkspace,
}
"""The targets `specc test --mutate` mutates, and how each runs its mutants."""
