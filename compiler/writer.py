"""Safe output writing: plan first, then write atomically, only what changed."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from specc.emitters.base import OutputFile

MANIFEST = ".specc-manifest.json"
MANIFEST_VERSION = 1


class UnsafePath(Exception):
    """Raised for an output path that would leave the output folder."""


@dataclass
class Plan:
    """What a build would change under the output folder."""

    out_dir: Path
    targets: list[str]
    write: dict[str, OutputFile] = field(default_factory=dict)
    """Relative path -> file to create or rewrite."""
    unchanged: list[str] = field(default_factory=list)
    kept: dict[str, OutputFile] = field(default_factory=dict)
    """Scaffolds that exist already and are left as they are."""
    remove: list[str] = field(default_factory=list)
    """Files an earlier build generated that this one does not."""
    manifest: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def drift(self) -> list[tuple[str, str]]:
        """Return (status, path) for everything out of date: missing, stale, changed."""
        rows = [
            ("missing" if not (self.out_dir / p).exists() else "changed", p)
            for p in self.write
        ]
        return sorted(rows + [("stale", p) for p in self.remove], key=lambda r: r[1])


def check_path(out_dir: Path, relative: str) -> Path:
    """Return the absolute path of ``relative`` under ``out_dir``, or raise `UnsafePath`."""
    pure = PurePosixPath(relative)
    if (
        not relative
        or "\\" in relative
        or "\x00" in relative
        or pure.is_absolute()
        or str(pure) != relative
        or any(part in ("", ".", "..") or ":" in part for part in pure.parts)
    ):
        raise UnsafePath(relative)
    target = out_dir / Path(*pure.parts)
    try:
        inside = target.resolve().is_relative_to(out_dir.resolve())
    except (OSError, RuntimeError) as error:  # a symlink loop
        raise UnsafePath(relative) from error
    if not inside:
        raise UnsafePath(relative)
    return target


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(out_dir: Path) -> dict[str, dict[str, str]]:
    """Return the manifest of the last build, empty when there is none or it is unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def plan(out_dir: Path, targets: list[str], files: dict[str, OutputFile]) -> Plan:
    """Compare wanted files with the disk; raise `UnsafePath` for a bad path."""
    result = Plan(out_dir, targets)
    old = read_manifest(out_dir)
    for relative, wanted in sorted(files.items()):
        path = check_path(out_dir, relative)
        data = wanted.content.encode("utf-8")
        result.manifest[relative] = {"kind": wanted.kind, "sha256": _digest(data)}
        if wanted.kind == "scaffold" and path.exists():
            result.kept[relative] = wanted
            continue
        try:
            same = path.read_bytes() == data
        except OSError:
            same = False
        if same:
            result.unchanged.append(relative)
        else:
            result.write[relative] = wanted
    built = tuple(f"{t}/" for t in targets)
    for relative, entry in old.items():
        if relative in files or not isinstance(entry, dict):
            continue
        try:
            path = check_path(out_dir, relative)
        except UnsafePath:
            continue  # never act on, nor keep, an entry outside the folder
        if relative.startswith(built):
            if entry.get("kind") == "generated" and path.is_file():
                result.remove.append(relative)
            continue
        result.manifest[relative] = entry
    return result


def apply(plan: Plan) -> None:
    """Carry out a plan: atomic writes, removals, then the new manifest."""
    for relative, wanted in plan.write.items():
        _atomic_write(
            check_path(plan.out_dir, relative), wanted.content.encode("utf-8")
        )
    for relative in plan.remove:
        path = check_path(plan.out_dir, relative)
        path.unlink(missing_ok=True)
        _prune_empty(path.parent, plan.out_dir)
    manifest = {
        "version": MANIFEST_VERSION,
        "files": dict(sorted(plan.manifest.items())),
    }
    data = (json.dumps(manifest, indent=1) + "\n").encode("utf-8")
    path = plan.out_dir / MANIFEST
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    _atomic_write(path, data)


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that a reader sees the old bytes or the new, never half."""
    _atomic_write(path, data)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.specc-tmp-{os.getpid()}")
    temporary.unlink(missing_ok=True)  # never write through a planted symlink
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _prune_empty(folder: Path, root: Path) -> None:
    root = root.resolve()
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
