"""The build cache: what each spec made last time, keyed by its input, options and code.

The cache lives in ``OUT/.specc-cache/build.json`` (the folder ignores itself in
git). For every spec it records a digest of its input (path, bytes, specc's
version and code, the templates), the spec's diagnostics, and, per target whose
emitter is `per_spec`, the files it made (path, kind, sha256) and the data the
target's site-wide files need. A spec counts as unchanged for a target when its
digest, the target's options and every generated file on disk still match;
then the build neither compiles nor emits it, and hands the writer the files as
they are on disk. Anything unreadable or odd in the cache is ignored, so the
worst a bad cache can do is a full build. A build whose entries equal those it
read (nothing changed) leaves the file as it is, without encoding it again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specc import __version__, installed, ir
from specc.build.staging import OnDisk, digest, stat_of
from specc.build.writer import atomic_write, sweep_folder
from specc.diagnostics import CODES, Diagnostic, Related
from specc.emitters.base import OutputFile
from specc.records import fields as record_fields
from specc.records.data import from_data, to_data
from specc.source import Span

if TYPE_CHECKING:
    from specc.frontend.interfaces import Imports
    from specc.frontend.project import Header

CACHE_DIR = ".specc-cache"
CACHE_FILE = "build.json"
CACHE_VERSION = 1
#: Packages whose version can change what specc emits.
DEPENDENCIES = ("black", "jinja2", "markdown-it-py", "mdit-py-plugins", "pyyaml")
_OUTPUT_FIELDS = [f.name for f in fields(OutputFile) if f.name != "content"]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_fingerprint(templates: Sequence[str | Path] = ()) -> str:
    """Return a digest of specc's version, its code and templates, and user templates.

    Files are identified by path, size and modification time: cheap, and it
    notices an edited editable install as well as a new version.
    """
    from specc.templating import builtin_templates

    code = Path(__file__).resolve().parents[1]  # compiler/specc, every stage of it
    roots = [code, builtin_templates().resolve()]
    roots += [Path(t).resolve() for t in templates]
    digest = hashlib.sha256(f"{__version__} {sys.version}".encode())
    versions = installed.versions(DEPENDENCIES)
    for package, version in zip(DEPENDENCIES, versions, strict=True):
        if version is not None:
            digest.update(f"\0{package} {version}".encode())
    for root in roots:
        digest.update(f"\0root {root}".encode())
        walked = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__"]  # bytecode is no input
            walked.append((folder, files))
        for folder, files in sorted(walked):
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def input_digest(fingerprint: str, path: str, data: bytes, imports: str = "") -> str:
    """Return the digest of one spec's input: its bytes and what it imports."""
    return _sha(f"{fingerprint}\0{path}\0{imports}\0".encode() + data)


#: A `span` in IR as `interface_json` writes it: an object of numbers and a path
#: (a JSON string, whatever it holds: the string is skipped whole). Within a JSON
#: string every `"` is escaped, so `"span":{` is always a key.
_SPAN = re.compile(r'"span":\{[^{}"]*(?:"[^"\\]*(?:\\.[^"\\]*)*"[^{}"]*)*\}')


def interface_digest(interface: ir.Interface) -> str:
    """Return the digest of what importers depend on: the interface less its spans.

    Where a declaration stands moves with every line of prose written above
    it; nothing emitted for another spec depends on it.
    """
    return _sha(_SPAN.sub("", interface_json(interface)).encode("utf-8", "surrogatepass"))


def interface_json(interface: ir.Interface) -> str:
    """Return an interface as compact JSON (`to_data`), for its digest."""
    return json.dumps(to_data(interface), ensure_ascii=False, separators=(",", ":"))


class InterfaceDigests:
    """`interface_digest` of each interface of one build, each taken once.

    Every spec that reaches a used spec is given the same interface object, so
    a spec used by 19 others is digested once, not 19 times. The digest is
    remembered by spec ID for that very object; another object of the same ID
    is digested anew.
    """

    def __init__(self) -> None:
        self._known: dict[str, tuple[ir.Interface, str]] = {}

    def __call__(self, interface: ir.Interface) -> str:
        known = self._known.get(interface.id)
        if known is not None and known[0] is interface:
            return known[1]
        digest = interface_digest(interface)
        self._known[interface.id] = (interface, digest)
        return digest


def imports_digest(
    imports: Imports | None, digest: Callable[[ir.Interface], str] | None = None
) -> str:
    """Return the digest of what a spec's compile is given of the specs it uses
    (``digest`` of each interface: `InterfaceDigests` takes each once)."""
    if imports is None or not (imports.interfaces or imports.cycles):
        return ""
    digest = digest or interface_digest
    found = {
        "interfaces": {n: digest(i) for n, i in imports.interfaces.items()},
        "cycles": {n: list(c) for n, c in imports.cycles.items()},
    }
    return _sha(json.dumps(found, sort_keys=True).encode())


def options_digest(options: object) -> str:
    """Return the digest of a target's options as given."""
    return _sha(json.dumps(options, sort_keys=True, default=str).encode())


def diagnostics_to_json(diagnostics: list[Diagnostic]) -> list[dict[str, object]]:
    """Return diagnostics in the cache's form."""
    return [d.to_json() for d in diagnostics]


def diagnostics_from_json(data: object) -> list[Diagnostic] | None:
    """Return cached diagnostics, or None if the data is not what the cache writes."""
    if not isinstance(data, list):
        return None
    found = []
    try:
        for item in data:
            if item["code"] not in CODES:
                return None
            related = tuple(
                Related(_span(r), r["message"]) for r in item.get("related", [])
            )
            found.append(
                Diagnostic(
                    item["code"], item["message"], _span(item), item["hint"], related
                )
            )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return found


def _span(item: dict[str, Any]) -> Span:
    """Return the span the cache wrote as ``item``'s path, line, col, end_line and
    end_col; ValueError (KeyError) when one is not of its type (missing).

    Checked here rather than by `from_data`, which a span of every diagnostic
    would pay for.
    """
    path, line, col = item["path"], item["line"], item["col"]
    end_line, end_col = item["end_line"], item["end_col"]
    if (
        type(path) is not str
        or type(line) is not int
        or type(col) is not int
        or (end_line is not None and type(end_line) is not int)
        or (end_col is not None and type(end_col) is not int)
    ):
        raise ValueError(f"not a span: {item!r}")
    return Span(
        path=path, line=line, col=col, end_line=end_line, end_col=end_col
    )


def _span_json(span: Span) -> dict[str, object]:
    """Return a span as `to_data` does (its fields are plain values)."""
    return {name: getattr(span, name) for name in _SPAN_FIELDS}


_SPAN_FIELDS = tuple(record_fields(Span))


@dataclass
class Unit:
    """What one target made of one spec, reusable as is."""

    files: list[OutputFile]
    site: Any
    diagnostics: list[Diagnostic]


@dataclass
class Cache:
    """The build cache of one output folder."""

    out_dir: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Spec key (resolved path) -> {input, diagnostics, spans, units}."""
    read: dict[str, dict[str, Any]] | None = field(default=None, repr=False)
    """The entries `load` read, when the file held just them, in the order
    `save` writes them: `save` writes nothing while ``entries`` equal them.
    Entries are replaced (`record`, `record_header`), never changed in place."""

    @classmethod
    def load(cls, out_dir: Path) -> Cache:
        """Return the folder's cache, empty when missing, unreadable or of another version."""
        cache = cls(out_dir)
        try:
            data = json.loads((out_dir / CACHE_DIR / CACHE_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return cache
        if (
            isinstance(data, dict)
            and data.get("version") == CACHE_VERSION
            and isinstance(data.get("specs"), dict)
        ):
            specs = data["specs"]
            cache.entries = {k: v for k, v in specs.items() if isinstance(v, dict)}
            if (
                list(data) == ["version", "specs"]
                and type(data["version"]) is int
                and len(cache.entries) == len(specs)
                and list(specs) == sorted(specs)
            ):
                cache.read = dict(cache.entries)
        return cache

    def save(self) -> None:
        """Write the cache atomically, with a `.gitignore` that keeps it out of git."""
        folder = self.out_dir / CACHE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, b"# specc's build cache; safe to delete.\n*\n")
        sweep_folder(os.fspath(folder))  # what a killed build's save left
        if self.read is not None and self.entries == self.read:
            return  # the file holds what would be written (see `read`)
        data = {"version": CACHE_VERSION, "specs": dict(sorted(self.entries.items()))}
        text = json.dumps(data).encode("utf-8")
        try:
            if (folder / CACHE_FILE).read_bytes() == text:
                return  # a rebuild with nothing changed writes nothing
        except OSError:
            pass
        atomic_write(folder / CACHE_FILE, text)

    def diagnostics(self, key: str, digest: str) -> list[Diagnostic] | None:
        """Return a spec's cached diagnostics if its input is unchanged."""
        entry = self.entries.get(key)
        if entry is None or entry.get("input") != digest:
            return None
        return diagnostics_from_json(entry.get("diagnostics"))

    def interface(self, key: str, digest: str) -> ir.Interface | None:
        """Return a spec's cached interface if its input is unchanged."""
        entry = self.entries.get(key)
        if entry is None or entry.get("input") != digest or "interface" not in entry:
            return None
        try:
            found: ir.Interface = from_data(ir.Interface, entry["interface"])
            return found
        except (ValueError, TypeError, AttributeError):
            return None

    def header(self, key: str, digest: str, path: str) -> Header | None:
        """Return a spec's header as read last time, if its bytes (``digest``) are
        the same; None if not, or if the entry is not what `record_header` writes."""
        from specc.frontend.frontmatter import Requirement
        from specc.frontend.project import Header

        entry = self.entries.get(key, {}).get("header")
        if not isinstance(entry, dict) or entry.get("digest") != digest:
            return None
        try:
            spec, version, uses = entry["id"], entry["version"], entry["uses"]
            requirements = tuple(
                Requirement(name, wanted, line, col, length)
                for name, wanted, line, col, length in uses
                if type(name) is str
                and (wanted is None or type(wanted) is str)
                and type(line) is int
                and type(col) is int
                and type(length) is int
            )
        except (KeyError, TypeError, ValueError):
            return None
        if (
            type(spec) is not str
            or (version is not None and type(version) is not str)
            or len(requirements) != len(uses)
        ):
            return None
        return Header(path, spec, version, requirements)

    def record_header(self, key: str, digest: str, header: Header) -> None:
        """Remember a spec's header, read from bytes of ``digest`` (`header`)."""
        uses = [[r.spec, r.range, r.line, r.col, r.length] for r in header.uses]
        header_entry = {
            "digest": digest,
            "id": header.id,
            "version": header.version,
            "uses": uses,
        }
        self.entries[key] = {**self.entries.get(key, {}), "header": header_entry}

    def spans(self, key: str) -> dict[str, Span]:
        """Return the cached spans of a spec's functions, by name."""
        found = {}
        raw = self.entries.get(key, {}).get("spans", {})
        if isinstance(raw, dict):
            for name, value in raw.items():
                try:
                    found[name] = _span(value)
                except (KeyError, TypeError, ValueError):
                    continue
        return found

    def unit(self, key: str, digest: str, target: str, options: str) -> Unit | None:
        """Return what ``target`` made of a spec, if still valid and still on disk."""
        entry = self.entries.get(key)
        if entry is None or entry.get("input") != digest:
            return None
        unit = entry.get("units", {}).get(target)
        if not isinstance(unit, dict) or unit.get("options") != options:
            return None
        diagnostics = diagnostics_from_json(unit.get("diagnostics"))
        files = unit.get("files")
        if diagnostics is None or not isinstance(files, list):
            return None
        outputs = []
        for item in files:
            output = self._reuse(target, item)
            if output is None:
                return None
            outputs.append(output)
        return Unit(outputs, unit.get("site"), diagnostics)

    def _reuse(self, target: str, item: object) -> OutputFile | None:
        """Return a recorded file as an `OutputFile`, if the disk still holds it."""
        if not isinstance(item, dict):
            return None
        try:
            values = {name: item[name] for name in _OUTPUT_FIELDS if name in item}
            values["symbols"] = tuple(tuple(s) for s in values.get("symbols", ()))
            if item["kind"] == "scaffold":
                return OutputFile(content=item["content"], **values)
            parts = _parts(item["path"])
            if parts is None:
                return None  # the writer checks every path again before writing
            data, stat = _read(os.path.join(self.out_dir, target, *parts))
            if _sha(data) != item["sha256"]:
                return None
            return OnDisk(
                content=data.decode("utf-8"), sha256=item["sha256"], stat=stat, **values
            )
        except (KeyError, TypeError, ValueError, OSError):
            return None

    def record(
        self,
        key: str,
        digest: str,
        diagnostics: list[Diagnostic],
        spans: dict[str, Span],
        units: dict[str, tuple[str, Unit]],
        interface: ir.Interface | None = None,
    ) -> None:
        """Remember a spec's input, diagnostics, function spans, units and interface."""
        entry: dict[str, Any] = {
            "input": digest,
            "diagnostics": diagnostics_to_json(diagnostics),
            "spans": {n: _span_json(s) for n, s in spans.items()},
            "units": {
                target: {
                    "options": options,
                    "files": [_file_entry(f) for f in unit.files],
                    "site": unit.site,
                    "diagnostics": diagnostics_to_json(unit.diagnostics),
                }
                for target, (options, unit) in units.items()
            },
        }
        if interface is not None:
            entry["interface"] = to_data(interface)
        self.entries[key] = entry


def _read(path: str) -> tuple[bytes, tuple[int, int, int]]:
    """Return a file's bytes and its `stat_of`, taken before reading (see `OnDisk`):
    one read for a file whose size stays as it was, more if it grows meanwhile."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(fd)
        data = os.read(fd, status.st_size + 1)
        if len(data) != status.st_size:  # it changed, or a read stopped short
            chunks = [data]
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
    finally:
        os.close(fd)
    return data, stat_of(status)


def _parts(relative: object) -> list[str] | None:
    """Return a recorded file's relative POSIX path as names, as `PurePosixPath`
    parts are (no empty names, no `.`); None if it is absolute or goes up."""
    if type(relative) is not str or relative.startswith("/"):
        return None
    parts = [p for p in relative.split("/") if p and p != "."]
    return parts if parts and ".." not in parts else None


def _file_entry(output: OutputFile) -> dict[str, object]:
    """Return how the cache records one file (a scaffold keeps its text)."""
    entry: dict[str, object] = {name: getattr(output, name) for name in _OUTPUT_FIELDS}
    entry["symbols"] = [list(s) for s in output.symbols]  # as JSON reads it back
    entry["sha256"] = digest(output)
    if output.kind == "scaffold":
        entry["content"] = output.content
    return entry
