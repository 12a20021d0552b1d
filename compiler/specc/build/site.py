"""Specs an output folder keeps that a build does not include.

A build of some specs into a folder that holds other specs' files keeps those
files (`specc.build.writer.Scope`). A target whose `emit_site` makes files from
every spec (the docs site's index and search) must still list them, so the
build compiles those specs too and gives the target their site data: building
`semver.spec.md` alone never drops another spec's page from the index.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from specc import ir
from specc.build.writer import SpecKeys, read_manifest
from specc.emitters.base import EmitContext, Emitter


def kept_paths(out_dir: Path, target: str, built: Iterable[str]) -> list[str]:
    """Return the specs whose files of ``target`` ``out_dir`` keeps though the build
    (of the specs ``built``) does not make them, and whose source is still there."""
    keys = SpecKeys(out_dir)
    made = {keys(path) for path in built}
    found: list[str] = []
    for entry in read_manifest(out_dir).values():
        spec = entry.get("spec")
        if entry.get("target") != target or not isinstance(spec, str) or spec in made:
            continue
        path = os.path.normpath(out_dir / spec)
        if path not in found and os.path.isfile(path):
            found.append(path)
    return found


class KeptSpecs:
    """The specs an output folder keeps for a build's site-wide targets, compiled
    only when such a target asks."""

    def __init__(self, out_dir: Path, built: Sequence[str], project: Sequence[str]):
        self.out_dir, self.built, self.project = out_dir, built, project

    def site(self, name: str, emitter: Emitter, ctx: EmitContext) -> list[Any]:
        """Return what `emit_site` of target ``name`` needs of each kept spec (none
        for a target that is not site-wide). A kept spec that no longer compiles is
        left out: its page stays, unlisted, until a build of its own says why."""
        if not emitter.site_wide:
            return []
        specs = self._compiled(kept_paths(self.out_dir, name, self.built))
        before = len(ctx.diagnostics)
        found = [emitter.emit_spec(ctx, spec)[1] for spec in specs]
        del ctx.diagnostics[before:]  # a build of the spec's own reports them
        return found

    def _compiled(self, paths: list[str]) -> list[ir.Spec]:
        if not paths:
            return []
        from specc.frontend.compile import compile_source
        from specc.frontend.project import Project, project_files

        specs = Project(project_files(paths, self.project), compile_source)
        spellings = {str(Path(name).resolve()): name for name in specs.data}
        found = []
        for path in paths:
            outcome = specs.compile(spellings.get(str(Path(path).resolve()), path))
            if outcome.ok and outcome.spec is not None:
                found.append(outcome.spec)
        return found
