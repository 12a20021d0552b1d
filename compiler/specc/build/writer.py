"""Safe output writing: plan first, then write atomically, only what changed.

The manifest, `OUT/.specc-manifest.json`, records every file a build wrote::

    {"version": 2,
     "files": {"ts/todo/src/api.ts": {"kind": "generated", "sha256": "…",
                                      "target": "ts",
                                      "spec": "../specs/todo.spec.md"}}}

`spec` is the path of the spec that produced the file, relative to the output
folder (so it does not depend on where specc runs), or null for a file the
target makes from all its specs together (the docs index, shared assets). An
entry without `spec` comes from a version-1 manifest: its owner is unknown.

A file an earlier build generated is stale, and removed, only when its target
is part of this build and

- the spec that produced it is part of this build and no longer produces it,
- or it belongs to the whole target (`spec` null) and the target no longer
  produces it,
- or a whole folder is built, the file's spec was under it, and that spec is
  no longer found there (removed or renamed); a version-1 entry is treated
  the same way on a whole-folder build.

Every other entry is kept as it is, so building one spec never touches the
files of another.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from specc.build.manifests import Loss, loss
from specc.emitters.base import OutputFile

MANIFEST = ".specc-manifest.json"
MANIFEST_VERSION = 2

Entry = dict[str, object]
"""One manifest entry: kind, sha256, target and spec (see the module docstring)."""


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
    manifest: dict[str, Entry] = field(default_factory=dict)
    """The manifest this build writes."""
    previous: dict[str, Entry] = field(default_factory=dict)
    """The manifest of the build before (what `read_manifest` found)."""
    as_written: bool = False
    """Whether the manifest file holds just ``previous`` as `apply` writes it:
    then a manifest equal to it is not written (nor encoded) again."""
    edited: dict[str, Loss] = field(default_factory=dict)
    """Package manifests edited by hand since specc wrote them, that a rewrite
    would lose something of (see `specc.build.manifests`): the build stops."""
    staged: dict[str, Path] = field(default_factory=dict)
    """Relative path -> where its new bytes wait (`specc.build.staging`); a file
    of `write` not staged is written from its content."""
    keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Spec path -> `spec_key`, worked out once per spec (a spec makes many files)."""
    spec_keys: SpecKeys | None = field(default=None, repr=False, compare=False)

    def entry(self, relative: str, wanted: OutputFile, digest: str) -> Entry:
        """Return the manifest entry of one wanted file whose bytes have ``digest``."""
        spec = wanted.spec
        if spec is not None and spec not in self.keys:
            if self.spec_keys is None:
                self.spec_keys = SpecKeys(self.out_dir)
            self.keys[spec] = self.spec_keys(spec)
        return {
            "kind": wanted.kind,
            "sha256": digest,
            "target": relative.partition("/")[0],
            "spec": None if spec is None else self.keys[spec],
        }

    @property
    def drift(self) -> list[tuple[str, str]]:
        """Return (status, path) for everything out of date: missing, stale, changed."""
        rows = [
            ("missing" if not (self.out_dir / p).exists() else "changed", p)
            for p in self.write
        ]
        return sorted(rows + [("stale", p) for p in self.remove], key=lambda r: r[1])


@dataclass(frozen=True)
class Scope:
    """What a build covers: the specs it was given and the folders it searched whole."""

    specs: frozenset[str] = frozenset()
    """Paths of the built specs, as `spec_key` makes them."""
    folders: tuple[Path, ...] = ()
    """Folders given whole (every spec under them was built), resolved."""

    @classmethod
    def of(cls, out_dir: Path, specs: list[str], folders: list[str]) -> Scope:
        """Return the scope of a build of ``specs``, found in ``folders``."""
        keys = SpecKeys(out_dir)
        return cls(
            frozenset(keys(s) for s in specs),
            tuple(Path(f).resolve() for f in folders),
        )

    def owns(self, out_dir: Path, entry: Entry) -> bool:
        """Return whether this build decides about ``entry`` (it may make it stale)."""
        if "spec" not in entry:  # version 1: the owner is unknown
            return bool(self.folders)
        spec = entry["spec"]
        if not isinstance(spec, str) or spec in self.specs:
            return True
        where = (out_dir.resolve() / spec).resolve()
        return any(where.is_relative_to(f) for f in self.folders)


def spec_key(out_dir: Path, spec_path: str) -> str:
    """Return a spec's path relative to the output folder, as the manifest records it."""
    return SpecKeys(out_dir)(spec_path)


class Resolver:
    """Resolves paths as `Path.resolve` does (RuntimeError for a loop), each
    folder once: then only a path's own name is looked at (is it a link?).
    Make one per build, not one for a session."""

    def __init__(self) -> None:
        self.folders: dict[str, str] = {}
        """A folder, as given -> where it resolves to."""

    def __call__(self, path: str) -> str:
        """Return ``path`` resolved, as a string."""
        folder, name = os.path.split(path)
        if name in ("", ".", ".."):
            return _resolved(path)
        real = self.folders.get(folder)
        if real is None:
            real = self.folders[folder] = _resolved(folder or os.curdir)
        real = os.path.join(real, name)
        return _resolved(real) if os.path.islink(real) else real


class SpecKeys:
    """`spec_key` for many specs into one output folder: the folder is resolved
    once, and each spec's folder once (`Resolver`). Make one per build."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.base: str | None = None
        self.resolve = Resolver()

    def __call__(self, spec_path: str) -> str:
        """Return ``spec_path`` relative to the output folder, as a POSIX path."""
        if self.base is None:
            self.base = _resolved(os.fspath(self.out_dir))
        relative = os.path.relpath(self.resolve(os.fspath(spec_path)), self.base)
        return relative if os.sep == "/" else PurePosixPath(Path(relative)).as_posix()


def check_path(out_dir: Path, relative: str) -> Path:
    """Return the absolute path of ``relative`` under ``out_dir``, or raise `UnsafePath`."""
    return Checker(out_dir)(relative)


def _check_name(relative: str) -> None:
    """Raise `UnsafePath` for a path that is not a plain relative POSIX path (no
    empty, `.` or `..` part, nothing absolute, no backslash, colon or NUL)."""
    if (
        not relative
        or "\\" in relative
        or "\x00" in relative
        or any(part in ("", ".", "..") or ":" in part for part in relative.split("/"))
    ):
        raise UnsafePath(relative)


class Checker:
    """`check_path` for many paths under one folder: each folder on the way is
    resolved once, from its parent's real path and its own name (is it a
    link?), and each file's own name looked at (is it a link?) every time.

    What it decides is what resolving each path whole decides (a test compares
    them on planted links and loops); it remembers folders, so make one per
    pass over the files and not one for a whole session.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.base = os.fspath(out_dir)
        self.root: str | None = None
        self.folders: dict[str, str] = {}
        """Relative folder -> where it resolves to."""

    def __call__(self, relative: str) -> Path:
        """Return the absolute path of ``relative``, or raise `UnsafePath`."""
        return Path(self.location(relative))

    def location(self, relative: str) -> str:
        """Return the path of ``relative`` under the folder as a string (the
        folder joined with it, unresolved), or raise `UnsafePath`."""
        return self.status(relative)[0]

    def status(self, relative: str) -> tuple[str, os.stat_result | None]:
        """Return `location` and, when the file is there and no link, its status
        as `os.lstat` gives it (then what `os.stat` gives too); raise `UnsafePath`."""
        _check_name(relative)
        try:
            folder, _, name = relative.rpartition("/")
            real = self._folder(folder)
            path = os.path.join(self.base, relative)
            try:
                found: os.stat_result | None = os.lstat(path)
            except (OSError, ValueError):
                found = None  # as `os.path.islink` has it: no link
            if found is not None and stat.S_ISLNK(found.st_mode):
                real, found = _resolved(path), None
            else:
                real = os.path.join(real, name)
        except (OSError, RuntimeError) as error:  # a symlink loop
            raise UnsafePath(relative) from error
        root = self.root
        assert root is not None
        if not (real == root or real.startswith(root.rstrip(os.sep) + os.sep)):
            raise UnsafePath(relative)
        return path, found

    def _folder(self, folder: str) -> str:
        """Return where the relative ``folder`` resolves to: its parent's real path
        joined with its name, resolved further only when that is a link (what
        `os.path.realpath` does a name at a time). RuntimeError for a loop."""
        real = self.folders.get(folder)
        if real is None:
            if not folder:
                real = self.root = _resolved(self.base)
            else:
                parent, _, name = folder.rpartition("/")
                real = os.path.join(self._folder(parent), name)
                if os.path.islink(real):
                    real = _resolved(real)
            self.folders[folder] = real
        return real


def _resolved(path: str) -> str:
    """Return ``path`` resolved as `Path.resolve` does it: raise for a symlink loop."""
    real = os.path.realpath(path)
    try:
        os.stat(real)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise RuntimeError(f"Symlink loop from {error.filename!r}") from error
    return real


def sha256(data: bytes) -> str:
    """Return the SHA-256 of ``data``, in hex."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(out_dir: Path) -> dict[str, Entry]:
    """Return the manifest's files, empty when there is none or it is unreadable."""
    return read_manifest_file(out_dir)[0]


def read_manifest_file(out_dir: Path) -> tuple[dict[str, Entry], bool]:
    """Return the manifest's files (`read_manifest`), and whether the file holds
    just them as `_write_manifest` writes them (version 2, in order)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}, False
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}, False
    entries = {k: v for k, v in files.items() if isinstance(v, dict)}
    if data.get("version") == 1:
        for entry in entries.values():
            entry.pop("spec", None)  # version 1 never said who made a file
    written = (
        list(data) == ["version", "files"]
        and type(data["version"]) is int
        and data["version"] == MANIFEST_VERSION
        and len(entries) == len(files)
        and list(files) == sorted(files)
    )
    return entries, written


def plan(
    out_dir: Path,
    targets: list[str],
    files: dict[str, OutputFile],
    scope: Scope = Scope(),
) -> Plan:
    """Compare wanted files with the disk; raise `UnsafePath` for a bad path."""
    result = Plan(out_dir, targets)
    result.previous, result.as_written = read_manifest_file(out_dir)
    checked = Checker(out_dir)
    for relative, wanted in sorted(files.items()):
        checked(relative)
        consider(result, relative, wanted, wanted.content.encode("utf-8"))
    plan_removals(result, result.previous, files, scope)
    return result


def consider(plan: Plan, relative: str, wanted: OutputFile, data: bytes | Text) -> str:
    """Enter one wanted file (its bytes ``data``) in ``plan``, as the disk has it;
    return where it went: `kept`, `unchanged` or `write`. The path is checked."""
    path = plan.out_dir / Path(*PurePosixPath(relative).parts)
    encoded = data if isinstance(data, Text) else None
    digest = data.sha256 if isinstance(data, Text) else sha256(data)
    plan.manifest[relative] = plan.entry(relative, wanted, digest)
    if wanted.kind == "scaffold" and path.exists():
        plan.kept[relative] = wanted
        return "kept"
    disk: bytes | None = None
    if encoded is not None and wanted.settings is None:
        same = encoded.same_as(path)  # compared a chunk at a time
    else:  # a package manifest is read whole: an edit by hand is looked into
        with contextlib.suppress(OSError):
            disk = path.read_bytes()
        same = disk == (encoded.encode() if encoded else data)
    if same:
        plan.unchanged.append(relative)
        return "unchanged"
    plan.write[relative] = wanted
    if wanted.settings is not None and disk is not None:
        _guard_edit(plan, relative, disk, wanted)
    return "write"


class Text:
    """A file's text as UTF-8, taken a chunk at a time: its digest, and whether a
    file holds it, without a whole copy of it in bytes (a docs page of 10 000
    records is 66 MB)."""

    CHUNK = 1 << 20

    def __init__(self, text: str | Sequence[str]) -> None:
        self.parts = (text,) if isinstance(text, str) else tuple(text)
        digest = hashlib.sha256()
        self.size = 0
        for chunk in self.chunks():
            digest.update(chunk)
            self.size += len(chunk)
        self.sha256 = digest.hexdigest()

    def chunks(self) -> Iterator[bytes]:
        """Return the bytes, a chunk at a time (a chunk of each part at least)."""
        for part in self.parts:
            yield from encoded(part, self.CHUNK)

    def encode(self) -> bytes:
        """Return the bytes whole."""
        return "".join(self.parts).encode("utf-8")

    def same_as(self, path: Path) -> bool:
        """Return whether ``path`` is a file holding these bytes."""
        try:
            if path.stat().st_size != self.size:
                return False
            with open(path, "rb") as handle:
                return all(handle.read(len(c)) == c for c in self.chunks())
        except OSError:
            return False


def encoded(text: str, size: int) -> Iterator[bytes]:
    """Return ``text`` as UTF-8, ``size`` characters at a time."""
    for start in range(0, len(text), size):
        yield text[start : start + size].encode("utf-8")


class Written(Text):
    """A file's text as it was written to ``path`` a part at a time (a `Streamed`
    file's staged copy): its digest and size, counted as it was written, and its
    bytes read back from the file a chunk at a time."""

    def __init__(self, path: Path) -> None:  # the text is written, not given
        self.path = path
        self.parts = ()
        self.size = 0
        self._digest = hashlib.sha256()
        self.sha256 = self._digest.hexdigest()

    def write(self, handle: BinaryIO, text: str) -> None:
        """Write ``text`` to ``handle`` (``path``, open), counting its bytes."""
        for chunk in encoded(text, self.CHUNK):
            self._digest.update(chunk)
            self.size += len(chunk)
            handle.write(chunk)
        self.sha256 = self._digest.hexdigest()

    def chunks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as handle:
            while chunk := handle.read(self.CHUNK):
                yield chunk

    def encode(self) -> bytes:
        return self.path.read_bytes()


def _guard_edit(result: Plan, relative: str, disk: bytes, wanted: OutputFile) -> None:
    """Record a package manifest edited by hand whose rewrite would lose something."""
    recorded = result.previous.get(relative, {}).get("sha256")
    if recorded == sha256(disk):
        return  # as specc wrote it: the rewrite loses nothing of the user's
    lost = loss(relative, disk.decode("utf-8", errors="replace"), wanted.content)
    if lost:
        result.edited[relative] = lost


def plan_removals(
    result: Plan, old: dict[str, Entry], files: dict[str, OutputFile], scope: Scope
) -> None:
    """Plan to remove what this build's specs no longer produce; keep every other entry."""
    out_dir = result.out_dir
    checked = Checker(out_dir)
    for relative, entry in old.items():
        if relative in files:
            continue
        try:
            path = checked(relative)
        except UnsafePath:
            continue  # never act on, nor keep, an entry outside the folder
        target = entry.get("target", relative.partition("/")[0])
        if target in result.targets and scope.owns(out_dir, entry):
            if entry.get("kind") == "generated" and path.is_file():
                result.remove.append(relative)
            continue
        result.manifest[relative] = entry


def apply(plan: Plan) -> None:
    """Carry out a plan so that a build killed half-way harms nothing.

    Every file is replaced atomically (old bytes or new, never half). Before
    the first new path is written, the manifest already lists it (with the
    old entries), so a rebuild can still remove it after a kill; the final
    manifest is written last (unless it is the one the file holds, as written:
    `Plan.as_written`). Leftover temporaries of a killed build go.
    """
    old = plan.previous
    _sweep_temporaries(plan.out_dir, set(plan.manifest) | set(old))
    fresh = {p: plan.manifest[p] for p in plan.write if p not in old}
    if fresh:
        _write_manifest(plan.out_dir, {**old, **fresh})
    checked = Checker(plan.out_dir)
    for relative, wanted in plan.write.items():
        path = checked(relative)
        staged = plan.staged.get(relative)
        if staged is None:
            atomic_write(path, wanted.content.encode("utf-8"))
        else:
            _move(staged, path)
    for relative in plan.remove:
        path = check_path(plan.out_dir, relative)
        path.unlink(missing_ok=True)
        _prune_empty(path.parent, plan.out_dir)
    if fresh or not plan.as_written or plan.manifest != old:
        _write_manifest(plan.out_dir, plan.manifest)


def _write_manifest(out_dir: Path, files: dict[str, Entry]) -> None:
    """Write the manifest atomically, unless it holds these bytes already."""
    manifest = {"version": MANIFEST_VERSION, "files": dict(sorted(files.items()))}
    data = (json.dumps(manifest, indent=1) + "\n").encode("utf-8")
    path = out_dir / MANIFEST
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    atomic_write(path, data)


TEMPORARY = ".specc-tmp-"
"""Marks the temporary file an atomic write renames into place."""


def _sweep_temporaries(out_dir: Path, paths: set[str]) -> None:
    """Remove temporaries a killed build left beside the files specc owns."""
    for folder in _folders(out_dir, paths):
        sweep_folder(folder)


def sweep_folder(folder: str) -> None:
    """Remove the temporaries `atomic_write` left in ``folder`` (a killed run's)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.startswith(".") and TEMPORARY in name:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))  # a link goes, unfollowed


def _folders(out_dir: Path, paths: Iterable[str]) -> list[str]:
    """Return the output folder and the folder of each of ``paths`` that passes
    `check_path` (never one outside it), each once: a folder's files are
    checked until one passes, not all of them."""
    base = os.fspath(out_dir)
    found = {base: True}
    by_folder: dict[str, list[str]] = {}
    for relative in paths:
        by_folder.setdefault(relative.rpartition("/")[0], []).append(relative)
    checked = Checker(out_dir)
    for folder, files in by_folder.items():
        for relative in files:
            try:
                checked.location(relative)
            except UnsafePath:
                continue  # never look outside the folder
            found[os.path.join(base, folder) if folder else base] = True
            break
    return list(found)


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that a reader sees the old bytes or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}{TEMPORARY}{os.getpid()}")
    temporary.unlink(missing_ok=True)  # never write through a planted symlink
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _move(staged: Path, path: Path) -> None:
    """Rename a staged file into place (atomic: the old bytes or the new)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(staged, path)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        atomic_write(path, staged.read_bytes())  # a folder mounted inside the output


def _prune_empty(folder: Path, root: Path) -> None:
    root = root.resolve()
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
