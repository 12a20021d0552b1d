"""Run a Rust crate's conformance tests with `cargo test` and map them back to rules."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from specc import ir
from specc.conformance import Observed, Result, all_failed, collect
from specc.emitters.code import cases, has_operations, package_dir
from specc.naming import plural
from specc.toolchain import TimedOut, ToolchainError, execute, first_lines

TESTS = "tests/conformance.rs"
NOT_IMPLEMENTED = "not implemented: rule"

_RESULT = re.compile(r"^test (\S+) \.\.\. (ok|FAILED|ignored)\b")
_SECTION = re.compile(r"^---- (\S+) stdout ----$")
_PANIC = re.compile(r"^thread '[^']*'(?: \(\d+\))? panicked at .*:$")
_END_OF_PANIC = ("note: run with `RUST_BACKTRACE", "stack backtrace:")
_ERROR = re.compile(r"^error(\[E\d+\])?:")
#: Seconds cargo may take to build a crate, on top of the examples' time limits.
BUILD_TIME = 600.0


def cargo() -> str:
    """Return the cargo program: on PATH, else rustup's default place."""
    found = shutil.which("cargo")
    if found:
        return found
    home = Path.home() / ".cargo" / "bin" / "cargo"
    if home.is_file():
        return str(home)
    raise ToolchainError("`cargo` is not installed; install Rust (rustup or apt)")


def run(target_dir: Path, spec: ir.Spec, timeout: float = 10.0) -> list[Result]:
    """Build the crate, run its conformance tests, and map each test to its example.

    Each example may take ``timeout`` seconds (the tests read `SPECC_TIMEOUT`);
    cargo as a whole gets `BUILD_TIME` more than every example's limit together,
    and runs in its own process group, killed with everything it started.
    """
    if not has_operations(spec):  # a data model: nothing to run
        return []
    from specc.emitters.rust.model import test_names

    crate = (target_dir / package_dir(spec)).resolve()
    if not (crate / TESTS).is_file():
        raise ToolchainError(f"{crate / TESTS} is missing; run `specc build` first")
    env = dict(os.environ, SPECC_TIMEOUT=f"{timeout:g}")
    limit = BUILD_TIME + timeout * max(1, len(cases(spec)))
    args = [cargo(), "test", "--offline", "--color", "never", "--test", "conformance"]
    try:
        done = execute([*args, "--", "--color", "never"], crate, limit, env)
    except TimedOut as stopped:
        observed = parse_output(stopped.stdout, test_names(spec))
        return collect(spec, observed, f"cargo test ran longer than {limit:g} s")
    observed = parse_output(done.stdout, test_names(spec))
    if not observed and done.returncode != 0:
        error = compiler_errors(done.stderr)
        if error:
            return all_failed(spec, "does not compile:\n" + error)
    return collect(
        spec, observed, "no test result: " + first_lines(done.stderr or done.stdout, 6)
    )


def compiler_errors(stderr: str, most: int = 20) -> str:
    """Return rustc's errors in cargo's output, each whole (location, notes and help).

    A diagnostic runs from its `error…:` line to the blank line rustc ends it
    with; warnings, cargo's progress and its closing `could not compile` are
    left out (the last stands in only when there is nothing else).
    """
    errors: list[str] = []
    current: list[str] = []
    closing = ""
    for line in [*stderr.splitlines(), ""]:
        if current and line.strip():
            current.append(line)
        elif current:
            errors.append("\n".join(current))
            current = []
        elif line.startswith("error: could not compile"):
            closing = line
        elif _ERROR.match(line):
            current = [line]
    if not errors:
        return closing
    more = len(errors) - most
    tail = [f"… and {plural(more, 'more error')}"] if more > 0 else []
    return "\n\n".join([*errors[:most], *tail])


def parse_output(stdout: str, names: dict[str, str]) -> Observed:
    """Return test title -> (status, message) from the libtest harness's plain output."""
    titles = {name: title for title, name in names.items()}
    panics = failure_messages(stdout)
    observed: Observed = {}
    for line in stdout.splitlines():
        match = _RESULT.match(line)
        if not match or match.group(1) not in titles:
            continue
        title = titles[match.group(1)]
        if match.group(2) == "ok":
            observed[title] = ("passed", "")
        elif match.group(2) == "ignored":
            observed[title] = ("failed", "ignored")
        else:
            message = panics.get(match.group(1), "failed")
            at = message.find(NOT_IMPLEMENTED)
            if at >= 0:
                observed[title] = ("not_implemented", message[at:].splitlines()[0])
            else:
                observed[title] = ("failed", message)
    return observed


def failure_messages(stdout: str) -> dict[str, str]:
    """Return each failed test's panic message from the harness's failures section."""
    found: dict[str, str] = {}
    name: str | None = None
    body: list[str] = []
    for line in stdout.splitlines() + ["failures:"]:
        section = _SECTION.match(line)
        if section or line == "failures:":
            if name is not None:
                found[name] = _panic_message(body)
            name, body = (section.group(1), []) if section else (None, [])
        elif name is not None:
            body.append(line)
    return found


def _panic_message(lines: list[str]) -> str:
    """Return the text after `thread '…' panicked at …:` up to the backtrace note."""
    start = next((i + 1 for i, line in enumerate(lines) if _PANIC.match(line)), None)
    if start is None:
        return first_lines("\n".join(lines), 12) or "failed"
    message = []
    for line in lines[start:]:
        if line.startswith(_END_OF_PANIC):
            break
        message.append(line)
    return "\n".join(message).strip() or "failed"
