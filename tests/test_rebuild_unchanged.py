"""A rebuild whose cache entries, or manifest, equal those it read writes neither
file (nor encodes it to compare): each holds, byte for byte, what encoding and
comparing it every time (the slow way) leaves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from specc.build.cache import CACHE_DIR, CACHE_FILE, Cache
from specc.build.driver import build
from specc.build.writer import MANIFEST

TARGETS = ["ts", "docs"]


def _slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every build encode the cache and the manifest (and compare bytes)."""
    from specc.build import writer

    load = Cache.load.__func__  # type: ignore[attr-defined]
    read_manifest_file = writer.read_manifest_file

    def manifest(out_dir: Path) -> tuple[dict[str, writer.Entry], bool]:
        return read_manifest_file(out_dir)[0], False

    monkeypatch.setattr(writer, "read_manifest_file", manifest)

    def loaded(cls: type[Cache], out_dir: Path) -> Cache:
        cache = load(cls, out_dir)
        cache.read = None
        return cache

    monkeypatch.setattr(Cache, "load", classmethod(loaded))


def test_the_cache_holds_what_remembering_every_spec_anew_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    for path in (ROOT / "examples" / "project").glob("*.spec.md"):
        shutil.copy(path, specs)
    fast, slow = tmp_path / "fast", tmp_path / "slow"

    kept: list[bool] = []
    save = Cache.save

    def saved(self: Cache) -> None:
        kept.append(self.read is not None and self.entries == self.read)
        save(self)

    def both(*paths: Path) -> bytes:
        """Build ``paths`` both ways; return the cache the fast way wrote."""
        given = [str(p) for p in paths]
        kept.clear()
        with monkeypatch.context() as spied:
            spied.setattr(Cache, "save", saved)
            result = build(given, TARGETS, fast, incremental=True)
        assert result.ok
        plan = result.plan
        kept.append(plan.as_written and plan.manifest == plan.previous)
        with monkeypatch.context() as patched:
            _slow(patched)
            assert build(given, TARGETS, slow, incremental=True).ok
        written = (fast / CACHE_DIR / CACHE_FILE).read_bytes()
        assert written == (slow / CACHE_DIR / CACHE_FILE).read_bytes()
        assert (fast / MANIFEST).read_bytes() == (slow / MANIFEST).read_bytes()
        return written

    def unchanged(*paths: Path) -> None:
        """A rebuild of ``paths`` with nothing changed leaves the cache file and
        the manifest alone."""
        files = (fast / CACHE_DIR / CACHE_FILE, fast / MANIFEST)
        before = [(f.stat().st_mtime_ns, f.stat().st_ino) for f in files]
        both(*paths)
        assert [(f.stat().st_mtime_ns, f.stat().st_ino) for f in files] == before
        assert kept == [True, True]  # neither was encoded again

    both(specs)
    unchanged(specs)
    both(specs / "billing.spec.md")  # billing is no longer used: its interface goes
    unchanged(specs / "billing.spec.md")
    both(specs)  # used again
    inventory = specs / "inventory.spec.md"
    inventory.write_text(inventory.read_text().replace("The stock", "All the stock", 1))
    both(specs)
    unchanged(specs)
    (specs / "checkout.spec.md").unlink()  # its entry is forgotten
    both(specs)
    unchanged(specs)
    for out in (fast, slow):  # an entry of a spec that is gone, and odd spans
        cache = Cache.load(out)
        cache.entries[str(tmp_path / "gone.spec.md")] = {"input": "x"}
        for entry in cache.entries.values():
            entry.setdefault("spans", {})["odd"] = {"path": 1}
        cache.read = None  # changed in place
        cache.save()
    both(specs)
    unchanged(specs)
    for out in (fast, slow):  # a damaged header is read again, and remembered
        cache = Cache.load(out)
        for entry in cache.entries.values():
            entry["header"]["id"] = 3
        cache.read = None  # changed in place
        cache.save()
    both(specs)
    unchanged(specs)


@pytest.mark.parametrize(
    "text",
    [
        b'{"specs": {}, "version": 1}',
        b'{"version": 1, "specs": {}, "more": 1}',
        b'{"version": true, "specs": {}}',
        b'{"version": 1, "specs": {"b": {}, "a": {}}}',
        b'{"version": 1, "specs": {"a": {}, "b": 3}}',
    ],
)
def test_a_cache_not_as_save_writes_it_is_written_again(
    tmp_path: Path, text: bytes
) -> None:
    """A cache file holding more, or otherwise, than `save` writes of what `load`
    takes from it is written again, though nothing was recorded."""
    folder = tmp_path / CACHE_DIR
    folder.mkdir()
    (folder / CACHE_FILE).write_bytes(text)
    cache = Cache.load(tmp_path)
    assert cache.read is None
    cache.save()
    assert (folder / CACHE_FILE).read_bytes() != text


def test_a_cache_is_left_as_read_until_an_entry_differs(tmp_path: Path) -> None:
    """Entries recorded equal to those read leave the file as it is (its spacing
    too: it is not encoded again); an entry that differs, or one forgotten, has
    the file written again."""
    from specc.frontend.project import Header

    folder = tmp_path / CACHE_DIR
    folder.mkdir()
    (folder / ".gitignore").write_text("*\n")
    header = {"digest": "d", "id": "a", "version": None, "uses": []}
    text = json.dumps(
        {"version": 1, "specs": {"a": {"input": "x", "header": header}, "b": {}}},
        separators=(",", ":"),
    ).encode()
    (folder / CACHE_FILE).write_bytes(text)
    cache = Cache.load(tmp_path)
    assert cache.read == cache.entries
    cache.record_header("a", "d", Header("a.spec.md", "a"))
    cache.entries["b"] = {}
    cache.save()
    assert (folder / CACHE_FILE).read_bytes() == text
    cache.record_header("a", "d", Header("a.spec.md", "a", "1.0"))
    cache.save()
    again = json.loads((folder / CACHE_FILE).read_bytes())
    assert again["specs"]["a"]["header"]["version"] == "1.0"
    assert again["specs"]["a"]["input"] == "x"
    cache = Cache.load(tmp_path)
    del cache.entries["b"]
    cache.save()
    assert list(json.loads((folder / CACHE_FILE).read_bytes())["specs"]) == ["a"]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('{"version":2,"files":{"ts/a":{"kind":"generated"},"ts/b":{}}}', False),
        ('{"files": {"ts/a": {"kind": "generated"}}, "version": 2}', True),
        ('{"version": 2, "files": {"ts/b": {}, "ts/a": {}}}', True),
        ('{"version": 2, "files": {"ts/a": {}, "ts/b": 3}}', True),
        ('{"version": 2, "files": {"ts/a": {}}, "more": 1}', True),
        ('{"version": 1, "files": {"ts/a": {"kind": "generated"}}}', True),
        ('{"version": 2.0, "files": {"ts/a": {}}}', True),
    ],
)
def test_a_manifest_is_written_again_unless_it_holds_the_plans_as_written(
    tmp_path: Path, text: str, written: bool
) -> None:
    """A plan that keeps every entry of a manifest as `apply` writes it (its
    spacing aside) leaves the file alone; any other manifest is written again."""
    from specc.build.writer import apply, plan

    (tmp_path / MANIFEST).write_text(text)
    planned = plan(tmp_path, ["ts"], {})
    assert planned.manifest == planned.previous
    apply(planned)
    assert ((tmp_path / MANIFEST).read_text() != text) == written
    if written:
        assert json.loads((tmp_path / MANIFEST).read_text())["version"] == 2
