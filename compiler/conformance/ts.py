"""Run a TypeScript package's conformance tests with tsc and node --test (TAP)."""

from __future__ import annotations

import re
from pathlib import Path

from specc import ir
from specc.emitters.code import has_code, package_dir
from specc.conformance import (
    Observed,
    Result,
    ToolchainError,
    all_failed,
    collect,
    execute,
    first_lines,
    tool,
)

_TAP_LINE = re.compile(r"^(\s*)(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b ?(.*))?$")


def run(target_dir: Path, spec: ir.Spec) -> list[Result]:
    """Install the dev dependencies if needed, compile, run the tests, map results."""
    if not has_code(spec):
        return []
    package = (target_dir / package_dir(spec)).resolve()
    node = tool("node", "install Node.js 20 or newer")
    if not (package / "node_modules" / "typescript").is_dir():
        npm = tool("npm", "install npm with Node.js")
        done = execute(
            [npm, "install", "--no-audit", "--no-fund", "--prefer-offline"], package
        )
        if done.returncode != 0:
            raise ToolchainError(f"npm install failed:\n{first_lines(done.stderr)}")
    tsc = package / "node_modules" / "typescript" / "bin" / "tsc"
    compiled = execute([node, str(tsc), "-p", "."], package)
    if compiled.returncode != 0:
        output = compiled.stdout + compiled.stderr
        return all_failed(spec, "does not compile:\n" + first_lines(output))
    tested = execute(
        [node, "--test", "--test-reporter=tap", "dist/test/conformance.test.js"],
        package,
    )
    return collect(
        spec,
        parse_tap(tested.stdout),
        "no test result: " + first_lines(tested.stderr or tested.stdout, 4),
    )


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
    """Return the error message of a failed test's YAML block."""
    block = []
    for line in lines[start:]:
        if line.strip() == "...":
            break
        block.append(line)
    for j, line in enumerate(block):
        stripped = line.strip()
        if stripped.startswith("error:"):
            value = stripped[len("error:") :].strip()
            if value in ("|-", "|", ">-", ">"):
                indent = len(line) - len(line.lstrip()) + 2
                body = []
                for more in block[j + 1 :]:
                    if more.strip() and len(more) - len(more.lstrip()) < indent:
                        break
                    body.append(more.strip())
                return "\n".join(body).strip()
            return value.strip("'\"")
    return "failed"


def _unescape(title: str) -> str:
    return re.sub(r"\\(.)", r"\1", title)
