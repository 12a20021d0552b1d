"""The interpreter a Python package's tests run in, and what must be installed there.

By default the tests run in the interpreter specc runs in. `specc test
--python PATH` (or `python = "PATH"` under `[targets.python]`) names another
one, or a virtual environment's folder: specc installs the package there,
with its declared dependencies and its `test` extra, through that
interpreter's pip, once for each version of the package's `pyproject.toml`.
Either way, before the tests run, specc checks in that interpreter that the
declared dependencies are installed and, when the package declares any or
the interpreter was chosen, that no installed distribution provides a
module of the generated package's name (which would shadow it, or be
shadowed).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

from specc.toolchain import ToolchainError, cache_dir, execute, first_lines

#: Runs in the chosen interpreter: which distributions provide the module
#: (other than the package's own), and which declared dependencies are missing.
_PROBE = """
import importlib.metadata as m, json, pathlib, sys
module, package, names = sys.argv[1], sys.argv[2], sys.argv[3:]
def ours(name):  # installed from this very package (`pip install -e` by specc)
    url = m.distribution(name).read_text("direct_url.json") or "{}"
    return json.loads(url).get("url", "") == pathlib.Path(package).as_uri()
owners = sorted({d for d in m.packages_distributions().get(module, []) if not ours(d)})
missing = []
for name in names:
    try:
        m.distribution(name)
    except m.PackageNotFoundError:
        missing.append(name)
print(json.dumps({"owners": owners, "missing": missing}))
"""


def interpreter(chosen: str | None) -> str:
    """Return the Python executable to run tests with: ``chosen``, a venv's, or specc's."""
    if not chosen:
        return sys.executable
    path = Path(chosen)
    if path.is_dir():  # a virtual environment's folder
        inside = [path / "bin" / "python", path / "Scripts" / "python.exe"]
        found = next((p for p in inside if p.is_file()), None)
        if found is None:
            raise ToolchainError(
                f"{chosen} is a folder without bin/python: not a virtual environment"
            )
        return str(found.absolute())
    if path.is_file():
        return str(path.absolute())
    which = shutil.which(chosen)
    if which is None:
        raise ToolchainError(f"no Python interpreter at {chosen}")
    return which


def manifest(package: Path) -> dict[str, object]:
    """Return the `[project]` table of the package's pyproject.toml (empty if unreadable)."""
    from importlib import import_module

    tomllib = import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
    try:
        data = tomllib.loads((package / "pyproject.toml").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    project = data.get("project")
    return project if isinstance(project, dict) else {}


def requirement_names(project: dict[str, object]) -> list[str]:
    """Return the names of the package's declared runtime dependencies."""
    names: list[str] = []
    declared = project.get("dependencies")
    for requirement in declared if isinstance(declared, list) else []:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", str(requirement))
        if match:
            names.append(match.group(1))
    return names


def install(python: str, package: Path, used: list[Path] | None = None) -> None:
    """Install the package, its dependencies and its `test` extra into ``python``'s environment.

    ``used`` are the packages of the specs it uses, installed from their folders.

    Done once per interpreter and version of the package's pyproject.toml: a
    stamp in specc's cache folder remembers it.
    """
    parts = [os.path.realpath(python).encode()]
    for folder in [*(used or []), package]:
        parts += [
            str(folder.resolve()).encode(),
            (folder / "pyproject.toml").read_bytes(),
        ]
    key = hashlib.sha256(b"\0".join(parts)).hexdigest()
    stamp = cache_dir() / "python-installs" / key
    if stamp.is_file():
        return
    done = execute(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        + [x for u in used or [] for x in ("--editable", str(u.resolve()))]
        + ["--editable", f"{package.resolve()}[test]"],
        package,
    )
    if done.returncode != 0:
        raise ToolchainError(
            f"installing {package} into {python} failed:\n"
            + first_lines(done.stderr or done.stdout, 12)
        )
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"python": python, "package": str(package)}) + "\n")


def check(
    python: str,
    package: Path,
    module: str,
    chosen: bool,
    used: list[Path] | None = None,
) -> None:
    """Raise `ToolchainError` when a dependency is missing or the module name is taken.

    The packages of the specs it uses (``used``) are on the tests' path, not
    installed: they are not looked for.
    """
    project = manifest(package)
    own = str(project.get("name") or module)
    local = {str(manifest(u).get("name")) for u in used or []}
    names = [n for n in requirement_names(project) if n not in local]
    probe = [python, "-c", _PROBE, module, str(package.resolve()), *names]
    done = execute(probe, package)
    try:
        found = json.loads(done.stdout)
    except ValueError:
        raise ToolchainError(
            f"{python} cannot run: " + first_lines(done.stderr or done.stdout)
        ) from None
    # Only where the implementation may import libraries (it declares some, or
    # runs in an environment chosen for it) can the name hide one it needs;
    # otherwise the tests put the package first on the path and it wins.
    if found["owners"] and (chosen or names):
        owners = ", ".join(found["owners"])
        raise ToolchainError(
            f"the generated package `{own}` is imported as `{module}`, which the "
            f"installed distribution {owners} provides too in {python}: one would "
            f"shadow the other; name the generated package otherwise, with "
            f'`-O python.package={module}_spec` or `package = "{module}_spec"` '
            "under `[targets.python]` (or `[targets.python.spec.ID]`) in specc.toml"
        )
    if found["missing"]:
        missing = ", ".join(found["missing"])
        how = (
            "specc installs them there; see the error above"
            if chosen
            else "run the tests in an environment that has them: "
            "`specc test --python PATH` installs them into the interpreter or "
            "virtual environment at PATH"
        )
        raise ToolchainError(
            f"the package's declared dependencies {missing} are not installed "
            f"for {python}: {how}"
        )
