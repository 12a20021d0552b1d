"""The emitter registry: built-ins by name, third parties by entry point."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from specc import installed
from specc.targets import BUILTIN

if TYPE_CHECKING:
    from specc.emitters.base import Emitter

ENTRY_POINT_GROUP = "specc.emitters"


class RegistryError(Exception):
    """Raised for an unknown target or two emitters with one name."""


def available() -> dict[str, str]:
    """Return every target name with where it comes from, refusing duplicates."""
    names = {name: t.emitter for name, t in BUILTIN.items()}
    for name, value in installed.entry_points(ENTRY_POINT_GROUP):
        if name in names:
            raise RegistryError(
                f"two emitters are named `{name}`: {names[name]} and {value}"
            )
        names[name] = value
    return names


def load(name: str, names: dict[str, str] | None = None) -> Emitter:
    """Return the emitter called ``name``: built-in, entry point, or `specc-emit-NAME` on PATH.

    ``names`` is `available()` when the caller already has it (loading several).
    """
    names = available() if names is None else names
    target = names.get(name)
    if target is None:
        from specc.emitters import external

        executable = external.find(name) if name else None
        if executable is not None:
            return external.ExternalEmitter(name, executable)
        known = sorted(set(names) | set(external.names_on_path()))
        raise RegistryError(
            f"unknown target `{name}`; known targets: {', '.join(known)}"
        )
    module, _, attr = target.partition(":")
    try:
        cls: type[Emitter] = getattr(import_module(module), attr)
    except (ImportError, AttributeError) as error:
        raise RegistryError(f"the `{name}` emitter cannot load: {error}") from error
    return cls()
