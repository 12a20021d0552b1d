"""Start projects and specs: `specc init` and `specc new`, rendered from templates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from specc.config import CONFIG_NAME, Config

if TYPE_CHECKING:
    import jinja2

    from specc.project.uses import Used

#: Targets a new project builds and tests without `--target`.
INIT_TARGETS = ("ts", "python", "docs")
_NAME = re.compile(r"[a-z][a-z0-9_-]*")


class ScaffoldError(Exception):
    """Raised when a file to create exists already, or a name is unusable."""


@dataclass(frozen=True)
class Created:
    """A file `specc init` or `specc new` wrote."""

    path: Path
    note: str = ""


def _environment(user_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """Return the environment of project templates (`{## ##}` comments)."""
    from specc.templating import project_environment

    return project_environment(user_dirs)


def init(folder: Path, targets: Sequence[str] = INIT_TARGETS) -> list[Created]:
    """Write a config, an example spec and a .gitignore into ``folder``; refuse to overwrite."""
    env = _environment()
    files = {
        folder
        / CONFIG_NAME: env.get_template("project/specc.toml.jinja").render(
            targets=list(targets)
        ),
        folder
        / "specs"
        / "greeting.spec.md": env.get_template(
            "project/example.spec.md.jinja"
        ).render(),
    }
    existing = [p for p in files if p.exists()]
    if existing:
        raise ScaffoldError(f"{existing[0]} exists already; specc init changes nothing")
    ignore = folder / ".gitignore"
    created = []
    for path, text in files.items():
        _create(path, text)
        created.append(Created(path))
    wanted = env.get_template("project/gitignore.jinja").render()
    created.append(_merge_gitignore(ignore, wanted))
    return created


def _merge_gitignore(path: Path, wanted: str) -> Created:
    """Create .gitignore, or append the lines it lacks."""
    if not path.exists():
        _create(path, wanted)
        return Created(path)
    have = path.read_text("utf-8")
    lines = set(have.splitlines())
    missing = [
        line
        for line in wanted.splitlines()
        if line and not line.startswith("#") and line not in lines
    ]
    if missing:
        joiner = "" if have.endswith("\n") or not have else "\n"
        _replace(path, have + joiner + "\n# specc\n" + "\n".join(missing) + "\n")
    return Created(path, f"{len(missing)} lines added" if missing else "unchanged")


def new_spec(
    config: Config,
    name: str,
    title: str | None,
    template: Path | None,
    uses: Sequence[Used] = (),
) -> list[Created]:
    """Write `NAME.spec.md` from a template into the project's spec folder and register it.

    ``uses`` are the specs it builds on (`specc new --use`), as `specc.project.uses`
    checked them.
    """
    if not _NAME.fullmatch(name):
        raise ScaffoldError(
            f"`{name}` is not a spec name: use lower-case letters, digits, `_` and `-`, "
            "starting with a letter"
        )
    folder = _spec_folder(config)
    path = folder / f"{name}.spec.md"
    if path.exists():
        raise ScaffoldError(f"{path} exists already")
    text = _render_new(name, title or _title(name), template, uses)
    _create(path, text)
    created = [Created(path)]
    registered = register(config, path)
    if registered is not None:
        created.append(registered)
    return created


def _render_new(
    name: str, title: str, template: Path | None, uses: Sequence[Used] = ()
) -> str:
    """Render the built-in new-spec template, or the user's ``template`` file."""
    function = re.sub(r"[^a-z0-9_]", "_", name)
    imported = {n for use in uses for n in use.names}
    request, empty = _unclashing(name, "Request", imported), _unclashing(
        name, "EmptyRequest", imported
    )
    if template is None:
        env, template_name = _environment(), "project/new.spec.md.jinja"
    else:
        if not template.is_file():
            raise ScaffoldError(f"template {template} is not a file")
        env, template_name = _environment([template.parent]), template.name
    import jinja2

    try:
        return env.get_template(template_name).render(
            name=name,
            title=title,
            function=function,
            uses=list(uses),
            request=request,
            empty_request=empty,
        )
    except jinja2.TemplateError as error:
        line = getattr(error, "lineno", None)
        where = f"{template}:{line}" if line else str(template)
        raise ScaffoldError(f"{where}: template error: {error}") from error


def _unclashing(name: str, wanted: str, imported: set[str]) -> str:
    """Return ``wanted``, prefixed by the spec's name in words if `--use` imports it."""
    prefix = "".join(w.capitalize() for w in re.split(r"[_-]+", name))
    found = wanted
    while found in imported:
        found = prefix + found
    return found


def _title(name: str) -> str:
    words = re.sub(r"[_-]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def _spec_folder(config: Config) -> Path:
    """Return where new specs go: the first configured folder, else the first file's."""
    for relative in config.project.specs:
        path = config.root / relative
        if path.is_dir() or not path.suffix:
            return path
    return (config.root / config.project.specs[0]).parent


def register(config: Config, path: Path) -> Created | None:
    """Add ``path`` to the config's `specs` list unless a configured folder holds it."""
    if config.path is None:
        return None
    root = config.root.resolve()
    target = path.resolve()
    for relative in config.project.specs:
        configured = (root / relative).resolve()
        if target == configured or configured in target.parents:
            return None
    entry = target.relative_to(root).as_posix()
    text = config.path.read_text("utf-8")
    _replace(
        config.path, _append_spec(text, entry, config.path.name == "pyproject.toml")
    )
    return Created(config.path, f"`{entry}` added to specs")


def _create(path: Path, text: str) -> None:
    """Write a new file whole or not at all (a killed run leaves no half of it)."""
    from specc.build.writer import atomic_write

    atomic_write(path, text.encode("utf-8"))


def _replace(path: Path, text: str) -> None:
    """Replace a file of the user's so that no signal loses what it held."""
    from specc.build.backup import BackupExists, replacing

    try:
        with replacing(path) as guard:
            guard.write(text)
            guard.keep()
    except BackupExists as waiting:
        raise ScaffoldError(f"{waiting}; {waiting.hint}") from None


def _append_spec(text: str, entry: str, pyproject: bool) -> str:
    """Return TOML text with ``entry`` appended to the `specs` array (made when absent)."""
    match = re.search(r"^(\s*specs\s*=\s*\[)(.*?)(\])", text, re.M | re.S)
    quoted = '"' + entry.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if match is not None:
        inner = match.group(2).rstrip()
        sep = "" if not inner.strip() else ("," if not inner.endswith(",") else "")
        sep += " " if "\n" not in inner else "\n  "
        updated = inner + sep + quoted
        if "\n" in match.group(2):
            updated += ",\n"
        return text[: match.start(2)] + updated.lstrip(" ") + text[match.end(2) :]
    line = f'specs = ["specs", {quoted}]\n'
    if pyproject:
        header = re.search(r"^\s*\[\s*tool\s*\.\s*specc\s*\]\s*$", text, re.M)
        if header is None:
            return text.rstrip("\n") + "\n\n[tool.specc]\n" + line
        return text[: header.end()] + "\n" + line + text[header.end() + 1 :]
    return line + text
