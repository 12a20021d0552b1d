"""External emitters: an executable `specc-emit-NAME` on PATH serves `--target NAME`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from specc import ir
from specc.diagnostics import Diagnostic
from specc.emitters.base import EmitContext, Emitter, Options, OutputFile
from specc.records import extras
from specc.records.data import to_data
from specc.source import Span

PREFIX = "specc-emit-"
DEFAULT_TIMEOUT = 120.0
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def find(name: str) -> str | None:
    """Return the path of the executable `specc-emit-NAME` on PATH, if any."""
    if not _NAME.fullmatch(name):
        return None  # never a path: `--target ../x` must not run ./specc-emit-../x
    return shutil.which(PREFIX + name)


def names_on_path() -> list[str]:
    """Return the target names every `specc-emit-*` executable on PATH offers."""
    found: set[str] = set()
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        try:
            entries = list(Path(folder or ".").iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(PREFIX) and os.access(entry, os.X_OK):
                found.add(entry.name.removeprefix(PREFIX))
    return sorted(n for n in found if n)


class ExternalOptions(Options):
    """Any options, passed on to the executable; `timeout` (seconds) is specc's."""

    record_config: ClassVar[dict[str, Any]] = {"extra": "allow", "frozen": True}

    timeout: float = DEFAULT_TIMEOUT


class ExternalEmitter(Emitter):
    """Run an executable: the IR as JSON on stdin, a JSON list of files on stdout."""

    description = "an external emitter on PATH"
    Options = ExternalOptions

    def __init__(self, name: str, executable: str) -> None:
        self.name = name
        self.executable = executable

    def emit(self, ctx: EmitContext) -> Iterable[OutputFile]:
        """Run the executable once for all specs and return the files it answers."""
        where = Span(path=ctx.specs[0].path if ctx.specs else "specc", line=1)
        options = {**to_data(ctx.options), **extras(ctx.options)}
        timeout = options.pop("timeout")
        request = {
            "ir_version": ir.IR_VERSION,
            "target": self.name,
            "options": options,
            "specs": [to_data(s) for s in ctx.specs],
        }
        answer = self._run(json.dumps(request), timeout, where, ctx.diagnostics)
        if answer is None:
            return []
        specs = {s.path for s in ctx.specs}
        return self._files(answer, where, ctx.diagnostics, specs)

    def _run(
        self, request: str, timeout: float, where: Span, out: list[Diagnostic]
    ) -> str | None:
        """Run the executable; report a failure and return None, else its stdout."""
        try:
            done = subprocess.run(
                [self.executable],
                input=request.encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            out.append(
                Diagnostic(
                    "E141",
                    f"external emitter `{self.executable}` did not finish in {timeout:g} s",
                    where,
                    f"raise the limit with -O {self.name}.timeout=SECONDS",
                )
            )
            return None
        except OSError as error:
            out.append(
                Diagnostic("E140", f"cannot run `{self.executable}`: {error}", where)
            )
            return None
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace").strip()
            tail = " | ".join(stderr.splitlines()[-5:]) or "no output on stderr"
            out.append(
                Diagnostic(
                    "E140",
                    f"external emitter `{self.executable}` exited with status "
                    f"{done.returncode}: {tail}",
                    where,
                )
            )
            return None
        try:
            return done.stdout.decode("utf-8")
        except UnicodeDecodeError:
            out.append(self._malformed("its output is not UTF-8", where))
            return None

    def _files(
        self, answer: str, where: Span, out: list[Diagnostic], specs: set[str]
    ) -> list[OutputFile]:
        """Validate the answer: a JSON list of {path, content[, kind][, spec]} objects."""
        try:
            data = json.loads(answer)
        except ValueError as error:
            out.append(self._malformed(f"its output is not JSON ({error})", where))
            return []
        if not isinstance(data, list):
            out.append(self._malformed("its output is not a JSON list", where))
            return []
        files = []
        for index, item in enumerate(data):
            problem = _item_problem(item, specs)
            if problem:
                out.append(self._malformed(f"item {index}: {problem}", where))
                continue
            kind = item.get("kind", "generated")
            files.append(
                OutputFile(item["path"], item["content"], kind, spec=item.get("spec"))
            )
        return files

    def _malformed(self, problem: str, where: Span) -> Diagnostic:
        return Diagnostic(
            "E142",
            f"external emitter `{self.executable}` answered badly: {problem}",
            where,
            'print a JSON list such as [{"path": "a.txt", "content": "…"}]',
        )


def _item_problem(item: object, specs: set[str]) -> str | None:
    """Return what is wrong with one answered file, or None."""
    if not isinstance(item, dict):
        return "is not an object"
    if "spec" in item and item["spec"] not in specs:
        return "`spec` must be the `path` of one of the specs given"
    unknown = set(item) - {"path", "content", "kind", "spec"}
    if unknown:
        return f"unknown key `{sorted(unknown)[0]}`"
    for key in ("path", "content"):
        if not isinstance(item.get(key), str):
            return f"`{key}` must be a string"
    if item.get("kind", "generated") not in ("generated", "scaffold"):
        return "`kind` must be `generated` or `scaffold`"
    return None
