"""Run a TypeScript package's conformance tests with tsc and node:test (TAP).

node runs the compiled test file itself: one process, in a session of its
own, which Linux kills when specc dies. Each example has a time limit. An
implementation stuck in a synchronous loop blocks node's event loop, so
neither node:test's own timeout nor its TAP output can report it; instead the
generated tests append `+N` and `-N` (example N began, ended) to a progress
file with synchronous writes. A watchdog reads that file: when an example has
not ended within the limit, it kills node's process group, marks that example
timed out and runs the tests again without it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from specc import ir
from specc.conformance import Observed, Result, all_failed, collect
from specc.conformance.ts_compile import compile_package
from specc.emitters.code import cases, has_operations, package_dir, property_cases
from specc.toolchain import die_with_parent, first_lines, kill_group, tool

_TAP_LINE = re.compile(r"^(\s*)(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b ?(.*))?$")
_POLL = 0.05


def run(target_dir: Path, spec: ir.Spec, timeout: float = 10.0) -> list[Result]:
    """Compile with the shared TypeScript install, run the tests, map the results."""
    if not has_operations(spec):  # a data model: nothing to run
        return []
    package = (target_dir / package_dir(spec)).resolve()
    node = tool("node", "install Node.js 20 or newer")
    # The specs it uses first: it compiles against their declarations.
    for used in spec.interfaces:
        folder = (target_dir / package_dir(used)).resolve()
        compiled = compile_package(node, folder)
        if compiled.returncode != 0:
            output = compiled.stdout + compiled.stderr
            problem = f"`{used.id}`, which it uses, does not compile:\n"
            return all_failed(spec, problem + first_lines(output))
    compiled = compile_package(node, package)
    if compiled.returncode != 0:
        output = compiled.stdout + compiled.stderr
        return all_failed(spec, "does not compile:\n" + first_lines(output))
    return _test(node, package, spec, timeout)


@dataclass
class _Run:
    """What one run of node --test ended with."""

    stdout: str = ""
    stderr: str = ""
    hung: int | None = None
    """The example (from 1) that did not end in time; 0 before the first began."""
    timed_out: set[int] = field(default_factory=set)


def _test(node: str, package: Path, spec: ir.Spec, timeout: float) -> list[Result]:
    """Run the tests, again without each example that times out, and map results."""
    args = [node, "--test-reporter=tap", "dist/test/conformance.test.js"]
    limit = f"timed out after {timeout:g} s"
    timed_out: set[int] = set()
    while True:
        done = _watched(args, package, timeout, timed_out)
        if done.hung == 0:
            return all_failed(spec, f"{limit} before the first example began")
        if done.hung is None:
            break
        timed_out.add(done.hung)
    observed = parse_tap(done.stdout)
    # examples are declared first, then properties: the order they are counted in
    titles = [c.title for c in cases(spec)] + [c.title for c in property_cases(spec)]
    for index in timed_out:
        observed[titles[index - 1]] = ("failed", limit)
    missing = first_lines(done.stderr or done.stdout, 4)
    return collect(spec, observed, "no test result: " + missing)


def _watched(args: list[str], package: Path, timeout: float, skip: set[int]) -> _Run:
    """Run node in its own process group; stop it when an example exceeds ``timeout``."""
    with tempfile.TemporaryDirectory(prefix="specc-ts-") as scratch:
        progress = Path(scratch) / "progress"
        progress.touch()
        env = dict(os.environ)
        env["SPECC_PROGRESS"] = str(progress)
        env["SPECC_SKIP_EXAMPLES"] = ",".join(str(i) for i in sorted(skip))
        with (
            open(Path(scratch) / "out", "w+", errors="replace") as out,
            open(Path(scratch) / "err", "w+", errors="replace") as err,
        ):
            process = subprocess.Popen(
                args,
                cwd=package,
                env=env,
                stdout=out,
                stderr=err,
                start_new_session=True,
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
            try:
                hung = _watch(process, progress, timeout)
            finally:
                kill_group(process)
            out.seek(0)
            err.seek(0)
            return _Run(out.read(), err.read(), hung)


def _watch(
    process: subprocess.Popen[bytes], progress: Path, timeout: float
) -> int | None:
    """Wait for ``process``; return the example running too long, if one does."""
    seen, since = b"", time.monotonic()
    while True:
        try:
            process.wait(_POLL)
            return None
        except subprocess.TimeoutExpired:
            pass
        now, text = time.monotonic(), progress.read_bytes()
        if text != seen:
            seen, since = text, now
        elif now - since > timeout:
            return _running(seen.decode())


def _running(progress: str) -> int | None:
    """Return the example a progress log shows running (0: none began; None: all ended)."""
    lines = progress.split()
    if not lines:
        return 0
    last = lines[-1]
    return int(last[1:]) if last.startswith("+") else None


def parse_tap(text: str) -> Observed:
    """Return test title -> (status, message) from node's TAP output."""
    observed: Observed = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = _TAP_LINE.match(line)
        if not match or match.group(1):
            continue
        title = _unescape(match.group(3))
        if match.group(4) == "SKIP" and (match.group(5) or "").startswith(
            "not implemented"
        ):
            observed[title] = ("not_implemented", match.group(5))
        elif match.group(2) == "ok":
            observed[title] = ("passed", "")
        else:
            observed[title] = ("failed", _failure(lines, i + 1))
    return observed


def _failure(lines: list[str], start: int) -> str:
    """Return the `error` of a failed top-level test's YAML block, whole.

    node writes a one-line string as `util.inspect` quotes it, and a longer one
    as a `|-` block indented four spaces; the block ends at `  ...` (two spaces:
    a diff's own `...` lines are indented further).
    """
    for j in range(start, len(lines)):
        line = lines[j]
        if line == "  ...":
            break
        if not line.startswith("  error:"):
            continue
        value = line[len("  error:") :].strip()
        if value not in ("|-", "|"):
            return _inspected(value)
        body = []
        for more in lines[j + 1 :]:
            if more.strip() and not more.startswith("    "):
                break
            body.append(more[4:])
        return "\n".join(body).strip("\n")
    return "failed"


_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|.)")
_SHORT = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _inspected(value: str) -> str:
    """Return the string `util.inspect` wrote as ``value`` ('…', "…" or `…`)."""
    if len(value) >= 2 and value[0] in "'\"`" and value[-1] == value[0]:
        return _ESCAPE.sub(_unescape_one, value[1:-1])
    return value


def _unescape_one(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "xu" and len(code) > 1:
        return chr(int(code[1:].strip("{}"), 16))
    return _SHORT.get(code, code)


def _unescape(title: str) -> str:
    """Return a TAP test title as written (node escapes `#`, `\\` and line breaks)."""
    return re.sub(r"\\(.)", lambda m: _SHORT.get(m.group(1), m.group(1)), title)
