"""What the code targets share about their packages: chosen names and declared dependencies.

A user declares a package's runtime dependencies once, per target: for every
spec (`[targets.ts] dependencies = {…}`), for one spec
(`[targets.ts.spec.semver] dependencies = {…}`), or in the spec's front
matter (`dependencies: {ts: {…}}`). The more specific wins for a name:
the configuration's per-spec table over the front matter over the table for
every spec.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from specc import ir
from specc.diagnostics import Diagnostic
from specc.emitters.base import EmitContext, Options
from specc.source import Span


class SpecPackage(Options):
    """One spec's package: its name and its own dependencies."""

    # The docstrings under fields are the JSON Schema's descriptions, read when
    # the schema is made (`specc.project.schema`), not on every import.

    package: str | None = None
    """The package's name (`{spec}` stands for the spec's ID)."""
    dependencies: dict[str, str | dict[str, Any]] = {}
    """Runtime dependencies of this spec's package, added to the target's."""


class PackageOptions(Options):
    """Options every code target takes: package names and runtime dependencies."""

    # The docstrings under fields are the JSON Schema's descriptions, read when
    # the schema is made (`specc.project.schema`), not on every import.

    package: str | None = None
    """Name of the generated packages, where `{spec}` stands for the spec's ID
    (default: the spec's ID as the language names things)."""
    dependencies: dict[str, str | dict[str, Any]] = {}
    """Runtime dependencies of every spec's package: name -> version range
    (Rust: a version, or a table such as `{ path = "…" }`)."""
    spec: dict[str, SpecPackage] = {}
    """Settings of one spec's package, by spec ID: `package`, `dependencies`."""


#: Keys a Rust dependency table may have, as Cargo spells them.
CRATE_KEYS = ("version", "path", "package", "features", "default-features")
_NAME = re.compile(r"[A-Za-z0-9@]([A-Za-z0-9._/@-]*[A-Za-z0-9])?")


def chosen_name(options: Options, spec: ir.Spec | ir.Interface) -> str | None:
    """Return the package name the options set for ``spec``, if any."""
    own = getattr(options, "spec", {}).get(spec.id)
    name = own.package if own is not None and own.package else None
    name = name or getattr(options, "package", None)
    return name.replace("{spec}", spec.id) if name else None


def checked_name(
    ctx: EmitContext,
    spec: ir.Spec,
    target: str,
    valid: Callable[[str], object],
    what: str,
) -> str | None:
    """Return the package name the options give ``spec``, reporting one that is not ``what``."""
    chosen = chosen_name(ctx.options, spec)
    if chosen is None or valid(chosen):
        return chosen
    ctx.diagnostics.append(
        Diagnostic(
            "E081",
            f"option `{target}.package`: `{chosen}` is not {what}",
            Span(path=spec.path, line=1),
            "use lower-case letters, digits and `_` (or `-` in TypeScript), "
            "not starting with a digit",
        )
    )
    return None


def used_names(
    options: Options, spec: ir.Spec, valid: Callable[[str], object]
) -> dict[str, str]:
    """Return the package names the options give the specs ``spec`` uses, by spec ID.

    An importer's manifest and imports name a used spec's package as that
    spec's own build names it; a name that is not valid was reported there and
    gives way to the default, as it does there.
    """
    found = {}
    for used in spec.interfaces:
        chosen = chosen_name(options, used)
        if chosen is not None and valid(chosen):
            found[used.id] = chosen
    return found


def declared(
    options: Options, spec: ir.Spec, target: str, problems: list[Diagnostic]
) -> dict[str, str | dict[str, Any]]:
    """Return the dependencies of one spec's package for ``target``, sorted by name.

    A form the target cannot take (a table for TypeScript or Python, an
    unknown key in a Rust table, a malformed name) is reported in ``problems``.
    """
    merged: dict[str, Any] = dict(getattr(options, "dependencies", {}))
    merged.update(front_matter(spec).get(target, {}))
    own = getattr(options, "spec", {}).get(spec.id)
    if own is not None:
        merged.update(own.dependencies)
    found: dict[str, str | dict[str, Any]] = {}
    for name, value in sorted(merged.items()):
        problem = _problem(target, name, value)
        if problem:
            problems.append(
                Diagnostic(
                    "E081",
                    f"dependency `{name}` of the `{target}` package of spec "
                    f"`{spec.id}` {problem}",
                    Span(path=spec.path, line=1),
                    f"see {setting(target, spec)}",
                )
            )
            continue
        found[name] = value
    return found


def _problem(target: str, name: str, value: Any) -> str | None:
    """Return what is wrong with one declared dependency, or None."""
    if not _NAME.fullmatch(name):
        return "is not a package name"
    if isinstance(value, str):
        return None
    if target != "rust" or not isinstance(value, dict):
        return "must be a version range (a string)"
    unknown = sorted(set(value) - set(CRATE_KEYS))
    if unknown:
        return f"has unknown keys {', '.join(unknown)} (known: {', '.join(CRATE_KEYS)})"
    if "version" not in value and "path" not in value:
        return "needs a `version` or a `path`"
    return None


def front_matter(spec: ir.Spec) -> dict[str, dict[str, Any]]:
    """Return the `dependencies` of the spec's front matter, by target."""
    text = spec.metadata.get("dependencies")
    if not text:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def table(target: str, spec: ir.Spec) -> str:
    """Return the specc.toml table of one spec's package: `targets.ts.spec.semver`."""
    key = spec.id if re.fullmatch(r"[A-Za-z0-9_-]+", spec.id) else json.dumps(spec.id)
    return f"targets.{target}.spec.{key}"


def setting(target: str, spec: ir.Spec) -> str:
    """Return where a user declares one spec's dependencies for ``target``."""
    return (
        f"`dependencies` under `[{table(target, spec)}]` in specc.toml "
        f"(or `dependencies: {{{target}: …}}` in the spec's front matter)"
    )


def clash(
    spec: ir.Spec, target: str, names: set[str], deps: dict[str, Any], flag: str
) -> list[Diagnostic]:
    """Return E091 when a dependency has the generated package's own name.

    ``names`` are the generated package's names (import and distribution
    names), compared after PEP 503 normalisation; ``flag`` is the option that
    renames it, such as `python.package`.
    """
    own = {normalized(n) for n in names}
    found = []
    for name, value in deps.items():
        real = value.get("package", name) if isinstance(value, dict) else name
        if normalized(name) in own or normalized(str(real)) in own:
            shown = sorted(names)[0]
            other = f"{shown}-spec" if target == "ts" else f"{shown}_spec"
            found.append(
                Diagnostic(
                    "E091",
                    f"the `{target}` package of spec `{spec.id}` is named `{shown}`, "
                    f"as is its dependency `{name}`: the package would shadow the "
                    "library it needs",
                    Span(path=spec.path, line=1),
                    f"name the package otherwise: `-O {flag}={other}`, or "
                    f'`package = "{other}"` under '
                    f"`[{table(target, spec)}]` in specc.toml",
                )
            )
    return found


def requirement(name: str, version: str) -> str:
    """Return a PEP 508 requirement: `semver>=3`; a bare version means exactly it."""
    version = version.strip()
    if version[:1].isdigit():
        version = "==" + version
    elif version.startswith("@"):
        version = " " + version
    return name + version


def normalized(name: str) -> str:
    """Return a package name as PEP 503 compares them (`Foo.Bar_baz` is `foo-bar-baz`)."""
    return re.sub(r"[-_.]+", "-", name).lower()
