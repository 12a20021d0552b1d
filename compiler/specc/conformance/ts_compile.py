"""Compile a TypeScript package with tsc, once per run while its files stay the same.

Each spec's package compiles against the declarations of the packages of the
specs it uses, which are compiled first; in a project one `specc test` run
would compile a package that n specs use n + 1 times. Within one run
(`conformance.one_run`) each compile's outcome is kept with a fingerprint: the
bytes of the package's files other than `dist/` before tsc ran, of `dist/`
after, and of every package its `package.json` names as a `file:` dependency
(and theirs). A package is compiled again when any of them differs, so the
kept outcome is never that of older files; outside a run nothing is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from specc import conformance
from specc.conformance.ts_toolchain import node_modules
from specc.toolchain import execute

_OUTPUT = "dist"
"""The folder tsc writes into (the generated tsconfig's `outDir`)."""
_SKIPPED = frozenset({"node_modules"})


@dataclass(frozen=True)
class _Compiled:
    """One compile of a package, and the fingerprint it holds for."""

    inputs: str
    outputs: str
    done: subprocess.CompletedProcess[str]


def compile_package(node: str, package: Path) -> subprocess.CompletedProcess[str]:
    """Compile one package with the TypeScript install it asks for (or reuse this
    run's compile of it, when nothing it was made from has changed since)."""
    modules = node_modules(package)
    memo: dict[Path, _Compiled] = conformance.run_memo("ts.compile")
    inputs = _inputs(package, str(modules))
    known = memo.get(package)
    if (
        known is not None
        and known.inputs == inputs
        and known.outputs == _digest(package / _OUTPUT)
    ):
        return known.done
    done = execute(
        [node, str(modules / "typescript" / "bin" / "tsc"), "-p", "."]
        + ["--pretty", "false", "--typeRoots", str(modules / "@types")],
        package,
    )
    memo[package] = _Compiled(inputs, _digest(package / _OUTPUT), done)
    return done


def _inputs(package: Path, toolchain: str) -> str:
    """Return the fingerprint of what compiling ``package`` reads: its own files,
    the toolchain, and the packages it depends on through `file:`, whole."""
    digest = hashlib.blake2b(toolchain.encode(), digest_size=20)
    digest.update(_digest(package, skip=_OUTPUT).encode())
    for used in sorted(_used(package) - {package}):
        digest.update(str(used).encode() + b"\0" + _digest(used).encode())
    return digest.hexdigest()


def _used(package: Path) -> set[Path]:
    """Return the package folders ``package`` reaches through `file:` dependencies."""
    found: set[Path] = set()
    todo = [package]
    while todo:
        folder = todo.pop()
        if folder in found:
            continue
        found.add(folder)
        todo += _file_dependencies(folder)
    return found


def _file_dependencies(package: Path) -> list[Path]:
    """Return the folders a package's manifest names as `file:` dependencies."""
    try:
        manifest = json.loads((package / "package.json").read_text("utf-8"))
        tables = [manifest.get(t) or {} for t in ("dependencies", "devDependencies")]
        specs = [str(v) for table in tables for v in table.values()]
    except (OSError, ValueError, AttributeError):
        return []
    return [
        (package / s.removeprefix("file:")).resolve()
        for s in specs
        if s.startswith("file:")
    ]


def _digest(folder: Path, skip: str | None = None) -> str:
    """Return a digest of every file's path and bytes under ``folder`` (without
    node_modules, and without its top-level ``skip`` folder)."""
    digest = hashlib.blake2b(digest_size=20)
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in _SKIPPED and not (skip and root == str(folder) and d == skip)
        )
        for name in sorted(files):
            path = Path(root) / name
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            try:
                data = path.read_bytes()
            except OSError:
                data = b""
                digest.update(b"unreadable")
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()
