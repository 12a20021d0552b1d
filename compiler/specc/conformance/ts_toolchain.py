"""One TypeScript install shared by every generated package, in specc's cache folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from specc.naming import path_segment
from specc.toolchain import ToolchainError, cache_dir, execute, first_lines, tool


def _declared(package: Path, table: str) -> dict[str, str]:
    """Return one dependency table of a package's manifest (empty if unreadable)."""
    try:
        manifest = json.loads((package / "package.json").read_text("utf-8"))
        found = manifest.get(table) or {}
    except (OSError, ValueError, AttributeError):
        return {}
    return found if isinstance(found, dict) else {}


def wanted_versions(package: Path) -> dict[str, str]:
    """Return the typescript and @types/node ranges a package's manifest asks for."""
    declared = _declared(package, "devDependencies")
    return {
        name: str(declared.get(name, default))
        for name, default in default_versions().items()
    }


def default_versions() -> dict[str, str]:
    """Return the versions the TypeScript target's options name by default."""
    from specc.emitters.ts.emitter import TypeScriptEmitter

    options = TypeScriptEmitter.Options()
    return {"@types/node": options.node_types, "typescript": options.typescript}


def install_dir(versions: dict[str, str]) -> Path:
    """Return the cache folder of one combination of versions."""
    key = "_".join(f"{name}@{versions[name]}" for name in sorted(versions))
    return cache_dir() / "node" / path_segment(key)


def ready(modules: Path) -> bool:
    """Return whether a node_modules folder holds tsc and the Node.js types."""
    return (modules / "typescript" / "bin" / "tsc").is_file() and (
        modules / "@types" / "node" / "package.json"
    ).is_file()


def node_modules(package: Path) -> Path:
    """Return the node_modules to compile a package with, installing it once if needed.

    A package's own install (after `npm install` in it) wins; otherwise every
    package shares the cache's install of the versions its manifest names. A
    package with runtime dependencies gets its own install, with them, made
    here when one is missing from it.
    """
    own = package / "node_modules"
    # The packages of used specs (`file:../x`) are found without an install.
    runtime = {
        n: v
        for n, v in _declared(package, "dependencies").items()
        if not str(v).startswith("file:")
    }
    # Dev dependencies beyond the compiler (fast-check, for property tests) too.
    runtime |= {
        n: v
        for n, v in _declared(package, "devDependencies").items()
        if n not in default_versions()
    }
    if any(not (own / name / "package.json").is_file() for name in runtime):
        _install_own(package)
    if ready(own):
        return own
    folder = install_dir(wanted_versions(package))
    modules = folder / "node_modules"
    if not ready(modules):
        _install(folder, wanted_versions(package))
    return modules


def _install(folder: Path, versions: dict[str, str]) -> None:
    """Install the versions into ``folder`` with npm, one process at a time."""
    npm = tool("npm", "install npm with Node.js")
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / ".lock"):
        if ready(folder / "node_modules"):
            return
        manifest = {"private": True, "dependencies": versions}
        (folder / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
        done = execute(
            [npm, "install", "--no-audit", "--no-fund", "--prefer-offline"], folder
        )
        if done.returncode != 0 or not ready(folder / "node_modules"):
            output = done.stderr or done.stdout
            raise ToolchainError(f"npm install failed:\n{first_lines(output)}")


def _install_own(package: Path) -> None:
    """Run `npm install` in the package: its dependencies and the TypeScript toolchain."""
    npm = tool("npm", "install npm with Node.js")
    done = execute(
        [npm, "install", "--no-audit", "--no-fund", "--no-package-lock"]
        + ["--prefer-offline"],
        package,
    )
    if done.returncode != 0:
        output = done.stderr or done.stdout
        raise ToolchainError(f"npm install in {package} failed:\n{first_lines(output)}")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (where the platform has `fcntl`)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
