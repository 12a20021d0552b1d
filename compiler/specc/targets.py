"""The built-in targets: for each, its emitter, its conformance runner and its kind.

This is the one list of targets. Modules are named as strings and imported only
when a target is used, so naming a target here costs nothing at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["code", "docs", "prose", "evals", "schema"]


@dataclass(frozen=True, eq=False, repr=False)
class Target:
    """A built-in target."""

    name: str
    emitter: str
    """Where its emitter class is: `"module:Class"`."""
    runner: str
    """Where its conformance runner is: `"module:function"` taking (the target's
    output folder, a spec, keyword `timeout`) and returning a result per item."""
    kind: Kind
    """`code` targets compile and run one test per example; `docs` is checked
    for links and anchors; `prose` (podcast) for coverage; `evals` by schema;
    `schema` (jsonschema) by validating every example's values against it."""


BUILTIN: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "ts",
            "specc.emitters.ts.emitter:TypeScriptEmitter",
            "specc.conformance.ts:run",
            "code",
        ),
        Target(
            "rust",
            "specc.emitters.rust.emitter:RustEmitter",
            "specc.conformance.rust:run",
            "code",
        ),
        Target(
            "python",
            "specc.emitters.python.emitter:PythonEmitter",
            "specc.conformance.python:run",
            "code",
        ),
        Target(
            "docs",
            "specc.emitters.docs.emitter:DocsEmitter",
            "specc.conformance.docs:run",
            "docs",
        ),
        Target(
            "podcast",
            "specc.emitters.podcast.emitter:PodcastEmitter",
            "specc.conformance.podcast:run",
            "prose",
        ),
        Target(
            "evals",
            "specc.emitters.evals.emitter:EvalsEmitter",
            "specc.conformance.evals:run",
            "evals",
        ),
        Target(
            "jsonschema",
            "specc.emitters.jsonschema:JsonSchemaEmitter",
            "specc.conformance.jsonschema:run",
            "schema",
        ),
    )
}

CODE_TARGETS: tuple[str, ...] = tuple(n for n, t in BUILTIN.items() if t.kind == "code")
"""The targets that emit a package of code, in the order reports list them."""

MATRIX_TARGETS: tuple[str, ...] = CODE_TARGETS + ("docs",)
"""The targets `specc test` runs by default and the rule × target matrix shows."""
