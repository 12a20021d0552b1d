"""Run a Rust crate's conformance tests with `cargo test` and map them back to rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from specc import ir
from specc.conformance import (
    Observed,
    Result,
    ToolchainError,
    all_failed,
    collect,
    execute,
    first_lines,
)
from specc.emitters.code import has_code, package_dir

TESTS = "tests/conformance.rs"
NOT_IMPLEMENTED = "not implemented: rule"

_RESULT = re.compile(r"^test (\S+) \.\.\. (ok|FAILED|ignored)\b")
_SECTION = re.compile(r"^---- (\S+) stdout ----$")
_PANIC = re.compile(r"^thread '[^']*'(?: \(\d+\))? panicked at .*:$")
_END_OF_PANIC = ("note: run with `RUST_BACKTRACE", "stack backtrace:")


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
    """Build the crate, run its conformance tests, and map each test to its example."""
    if not has_code(spec):
        return []
    from specc.emitters.rust_model import test_names

    crate = (target_dir / package_dir(spec)).resolve()
    if not (crate / TESTS).is_file():
        raise ToolchainError(f"{crate / TESTS} is missing; run `specc build` first")
    done = execute(
        [cargo(), "test", "--offline", "--color", "never", "--test", "conformance"]
        + ["--", "--color", "never"],
        crate,
    )
    observed = parse_output(done.stdout, test_names(spec))
    if not observed and done.returncode != 0:
        error = compiler_error(done.stderr)
        if error:
            return all_failed(spec, "does not compile:\n" + error)
    return collect(
        spec, observed, "no test result: " + first_lines(done.stderr or done.stdout, 6)
    )


def compiler_error(stderr: str, count: int = 8) -> str:
    """Return the first lines of the first compiler error in cargo's output."""
    lines = stderr.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if re.match(r"^error(\[E\d+\])?:", line)),
        None,
    )
    return "" if start is None else first_lines("\n".join(lines[start:]), count)


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
