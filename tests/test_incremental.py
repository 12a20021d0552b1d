"""Incremental builds: unchanged specs are skipped, and the output is what a full build makes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from specc.build.cache import CACHE_DIR, CACHE_FILE
from specc.build.driver import build

TARGETS = ["ts", "rust", "python", "docs"]


def tree(out: Path) -> dict[str, bytes]:
    """Return every output file's bytes, the cache left out."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and CACHE_DIR not in p.parts
    }


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    """A folder of three specs: todo, geometry and semver."""
    folder = tmp_path / "specs"
    folder.mkdir()
    for path in (EXAMPLES / "todo.spec.md", EXAMPLES / "geometry.spec.md"):
        shutil.copy(path, folder)
    shutil.copy(ROOT / "specs" / "semver.spec.md", folder)
    return folder


def reused(result) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(Path(c.path).name for c in result.compiled if c.reused)


def test_a_rebuild_reuses_every_spec_and_writes_nothing(
    specs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = build([str(specs)], TARGETS, out, incremental=True)
    assert first.ok and reused(first) == []
    assert (out / CACHE_DIR / ".gitignore").read_text().endswith("*\n")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = build([str(specs)], TARGETS, out, incremental=True)
    assert again.ok
    assert reused(again) == ["geometry.spec.md", "semver.spec.md", "todo.spec.md"]
    assert again.plan.write == {} and again.plan.remove == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_a_killed_builds_cache_temporary_is_swept_and_a_link_is_not_followed(
    specs: Path, tmp_path: Path
) -> None:
    """A build killed while saving its cache leaves `.build.json.specc-tmp-PID`
    in the cache folder; the next build removes it (a link, not its target)."""
    out = tmp_path / "out"
    assert build([str(specs)], TARGETS, out, incremental=True).ok
    folder = out / CACHE_DIR
    saved = (folder / CACHE_FILE).read_bytes()
    left = folder / f".{CACHE_FILE}.specc-tmp-99999"
    left.write_text("half a cache")
    outside = tmp_path / "keep.txt"
    outside.write_text("not specc's")
    planted = folder / f".{CACHE_FILE}.specc-tmp-99998"
    planted.symlink_to(outside)
    again = build([str(specs)], TARGETS, out, incremental=True)
    assert again.ok and reused(again)
    assert not left.exists() and not planted.is_symlink()
    assert outside.read_text() == "not specc's"
    assert (folder / CACHE_FILE).read_bytes() == saved
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore", CACHE_FILE]


def test_after_an_edit_only_that_spec_is_compiled_and_the_output_matches_a_full_build(
    specs: Path, tmp_path: Path
) -> None:
    out, full = tmp_path / "out", tmp_path / "full"
    assert build([str(specs)], TARGETS, out, incremental=True).ok
    todo = specs / "todo.spec.md"
    todo.write_text(todo.read_text().replace("A small task list", "A tiny task list"))
    result = build([str(specs)], TARGETS, out, incremental=True)
    assert result.ok
    assert reused(result) == ["geometry.spec.md", "semver.spec.md"]
    written = sorted(result.plan.write)
    assert {"docs/index.html", "docs/todo.html", "ts/todo/src/api.ts"} <= set(written)
    assert all("todo" in p or p == "docs/index.html" for p in written), written
    assert build([str(specs)], TARGETS, full).ok
    assert tree(out) == tree(full)


def test_a_generated_file_edited_by_hand_is_regenerated(
    specs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert build([str(specs)], ["ts"], out, incremental=True).ok
    types = out / "ts/geometry/src/types.ts"
    original = types.read_bytes()
    types.write_text("// edited\n")
    result = build([str(specs)], ["ts"], out, incremental=True)
    assert result.ok
    assert reused(result) == ["semver.spec.md", "todo.spec.md"]
    assert list(result.plan.write) == ["ts/geometry/src/types.ts"]
    assert types.read_bytes() == original


@pytest.mark.parametrize("how", ["in place", "replaced"])
def test_a_file_changed_after_the_cache_read_it_is_still_rewritten(
    specs: Path, tmp_path: Path, how: str
) -> None:
    """An unchanged spec's files count as unchanged without being read again only
    while the disk's size, mtime and inode are what they were when the cache read
    them (`staging.OnDisk`): a file edited after that, before the files are
    compared, is rewritten (here in place, and replaced keeping its size and mtime)."""
    import os

    out = tmp_path / "out"
    assert build([str(specs)], ["ts"], out, incremental=True).ok
    types = out / "ts/geometry/src/types.ts"
    original = types.read_bytes()
    os.utime(types, ns=(10**18, 10**18))  # an edit now gets another mtime
    edited = original.replace(b"export", b"exporT", 1)
    assert len(edited) == len(original) and edited != original
    done = []

    def edit(stage: str, item: str, number: int, total: int) -> None:
        if stage != "emit" or done:
            return
        done.append(item)
        if how == "in place":
            types.write_bytes(edited)
        else:
            other = types.with_name("other.ts")
            other.write_bytes(edited)
            os.utime(other, ns=(10**18, 10**18))
            os.replace(other, types)

    result = build([str(specs)], ["ts"], out, incremental=True, progress=edit)
    assert result.ok and done == ["ts"]
    assert reused(result) == ["geometry.spec.md", "semver.spec.md", "todo.spec.md"]
    assert list(result.plan.write) == ["ts/geometry/src/types.ts"]
    assert types.read_bytes() == original


def test_warnings_of_a_reused_spec_are_reported_again(tmp_path: Path) -> None:
    spec = tmp_path / "warn.spec.md"
    spec.write_text(
        "---\nspec: warn\n---\n\n# Warn {#warn}\n\nIt MUST work.\n\n"
        "```specc\nfn f(x: int) -> int\nfn g(x: int) -> int\n```\n\n"
        "```examples\nf(1) == 1\n```\n"
    )
    out = tmp_path / "out"
    first = build([str(spec)], ["ts"], out, incremental=True)
    again = build([str(spec)], ["ts"], out, incremental=True)
    assert again.ok and reused(again) == ["warn.spec.md"]
    codes = [d.code for c in first.compiled for d in c.diagnostics]
    assert "W101" in codes
    assert [d for c in again.compiled for d in c.diagnostics] == [
        d for c in first.compiled for d in c.diagnostics
    ]


def test_changed_options_re_emit_that_target(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build([str(specs)], ["docs"], out, incremental=True).ok
    result = build(
        [str(specs)],
        ["docs"],
        out,
        options={"docs": {"title": "Ours"}},
        incremental=True,
    )
    assert result.ok and reused(result) == []
    assert "Ours" in (out / "docs/index.html").read_text()


@pytest.mark.parametrize(
    "garbage",
    [b"not json", b'{"version": 1, "specs": []}', b'{"version": 1, "specs": {"x": 1}}'],
)
def test_a_broken_cache_only_costs_a_full_build(
    specs: Path, tmp_path: Path, garbage: bytes
) -> None:
    out = tmp_path / "out"
    assert build([str(specs)], ["ts"], out, incremental=True).ok
    cache = out / CACHE_DIR / CACHE_FILE
    cache.write_bytes(garbage)
    result = build([str(specs)], ["ts"], out, incremental=True)
    assert result.ok and reused(result) == []
    assert json.loads(cache.read_text())["version"] == 1


def test_a_cache_entry_with_wrong_types_is_ignored(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build([str(specs)], ["ts"], out, incremental=True).ok
    cache = out / CACHE_DIR / CACHE_FILE
    data = json.loads(cache.read_text())
    for entry in data["specs"].values():
        entry["units"]["ts"]["files"] = [{"path": 3}]
        entry["diagnostics"] = [{"code": "E999"}]
    cache.write_text(json.dumps(data))
    result = build([str(specs)], ["ts"], out, incremental=True)
    assert result.ok and reused(result) == []


def test_check_and_no_cache_leave_the_cache_alone(
    cli, specs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = cli("build", str(specs), "--target", "ts", "--out", str(out), "--no-cache")
    assert done.exit_code == 0
    assert not (out / CACHE_DIR).exists()
    done = cli("build", str(specs), "--target", "ts", "--out", str(out), "--check")
    assert done.exit_code == 0
    assert not (out / CACHE_DIR).exists()
    done = cli("build", str(specs), "--target", "ts", "--out", str(out))
    assert done.exit_code == 0
    assert (out / CACHE_DIR / CACHE_FILE).is_file()


def test_worker_processes_make_the_same_output_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several changed specs are compiled and emitted in forked workers, same bytes."""
    import sys

    from specc.build import workers as parallel

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import generate

    generate(150, tmp_path / "specs", full=True, split=True)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setenv("SPECC_JOBS", "1")
    serial = build(
        [str(tmp_path / "specs")], TARGETS, tmp_path / "one", incremental=True
    )
    assert serial.ok and reused(serial) == []
    monkeypatch.setenv("SPECC_JOBS", "2")
    pooled = build(
        [str(tmp_path / "specs")], TARGETS, tmp_path / "two", incremental=True
    )
    assert pooled.ok
    assert reused(pooled) == [
        "synth_000.spec.md",
        "synth_001.spec.md",
        "synth_002.spec.md",
    ]
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    cache = f"{CACHE_DIR}/{CACHE_FILE}"
    assert (tmp_path / "one" / cache).read_bytes() == (
        tmp_path / "two" / cache
    ).read_bytes()


def test_a_spec_with_errors_in_a_worker_stops_the_build(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from specc.build import workers as parallel

    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setenv("SPECC_JOBS", "2")
    todo = specs / "todo.spec.md"
    todo.write_text(todo.read_text().replace("list<Task>", "list<Taks>", 1))
    result = build([str(specs)], TARGETS, tmp_path / "out", incremental=True)
    assert not result.ok and result.plan is None
    codes = [d.code for c in result.compiled for d in c.diagnostics]
    assert "E042" in codes
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "module",
    [
        "emitters/ts/emitter.py",
        "frontend/lexer.py",
        "build/writer.py",
        "conformance/rust.py",
    ],
)
def test_editing_specc_anywhere_invalidates_the_cache(module: str) -> None:
    """A change to any module of any stage of specc changes the code fingerprint."""
    import os

    from specc.build.cache import code_fingerprint

    path = ROOT / "compiler" / "specc" / module
    before = os.stat(path)
    fingerprint = code_fingerprint()
    try:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        assert code_fingerprint() != fingerprint
    finally:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert code_fingerprint() == fingerprint


def test_bytecode_written_by_python_leaves_the_cache_valid() -> None:
    """Python writing a module's bytecode (`__pycache__`) is no change to specc: it
    happens on a first run, or when a command imports a module for the first time."""
    from specc.build.cache import code_fingerprint

    folder = ROOT / "compiler" / "specc" / "build" / "__pycache__"
    made = not folder.exists()
    folder.mkdir(exist_ok=True)
    probe = folder / "probe-of-test-incremental.cpython-311.pyc"
    fingerprint = code_fingerprint()
    try:
        probe.write_bytes(b"bytecode")
        assert code_fingerprint() == fingerprint
    finally:
        probe.unlink(missing_ok=True)
        if made:
            folder.rmdir()


def test_an_interface_digest_ignores_where_declarations_stand_and_nothing_else() -> (
    None
):
    """Importers are keyed by the interfaces they use less their spans: lines of
    prose above a type, or a file of another name (braces and quotes in it
    included), keep the digest; a changed field, default or doc changes it."""
    from specc.build.cache import interface_digest
    from specc.frontend.compile import compile_source
    from specc.frontend.interfaces import interface_of

    text = (
        "---\nspec: money\nversion: 1.0.0\n---\n\n# Money {#money}\n\n"
        "```specc\n/// An amount.\nrecord Money {\n  cents: int = 0\n"
        '  note: string = "{\\"span\\":{}}"\n}\n'
        "enum Currency { usd, eur }\n```\n"
    )

    def digest(source: str, path: str = "money.spec.md") -> str:
        compiled = compile_source(path, source.encode(), None)
        assert compiled.ok and compiled.spec is not None, compiled.diagnostics
        return interface_digest(interface_of(compiled.spec))

    first = digest(text)
    moved = text.replace("# Money {#money}\n", "# Money {#money}\n\nMore prose.\n\n")
    assert digest(moved) == first
    assert digest(text, 'odd{"x"}\\}.spec.md') == first
    for old, new in (
        ("cents: int = 0", "cents: int = 1"),
        ("cents: int", "count: int"),
        ("An amount.", "A sum."),
        ("usd, eur", "usd, gbp"),
        ('"{\\"span\\":{}}"', '"{\\"span\\":{1}}"'),
    ):
        assert old in text
        assert digest(text.replace(old, new)) != first, new


def test_function_spans_round_trip_through_the_cache_and_odd_ones_are_dropped(
    tmp_path: Path,
) -> None:
    """The cache writes and reads spans itself (no pydantic validator is built,
    `tests/test_startup.py`): what it writes is `to_data`'s, what it reads
    back equals what was written, and a span of the wrong shape is left out."""
    from specc.build.cache import Cache
    from specc.records.data import to_data
    from specc.records.models import dump
    from specc.source import Span

    spans = {
        "f": Span(path="a.spec.md", line=3, col=2, end_line=4, end_col=9),
        "g": Span(path="b.spec.md", line=1),
    }
    cache = Cache(tmp_path)
    cache.record("k", "digest", [], spans, {})
    cache.save()
    again = Cache.load(tmp_path)
    assert again.entries["k"]["spans"] == {n: dump(s) for n, s in spans.items()}
    assert again.spans("k") == spans
    good = to_data(spans["f"])
    odd = [
        {**good, "path": 1},
        {**good, "line": "3"},
        {**good, "line": True},
        {**good, "col": None},
        {**good, "end_line": 2.0},
        {**good, "end_col": "9"},
        {"path": "a.spec.md", "line": 1},
        [],
        None,
    ]
    again.entries["k"]["spans"] = {str(i): v for i, v in enumerate(odd)} | {"ok": good}
    assert again.spans("k") == {"ok": spans["f"]}


def test_a_rebuild_reads_only_the_headers_of_changed_specs(
    specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each spec's header (ID, version, `uses`) is remembered with a digest of its
    bytes; a rebuild reads (YAML) only those of specs whose bytes changed, and a
    changed header is the new one."""
    import specc.build.incremental as incremental

    read: list[str] = []
    original = incremental.read_header

    def counted(path: str, data: bytes):  # type: ignore[no-untyped-def]
        read.append(Path(path).name)
        return original(path, data)

    monkeypatch.setattr(incremental, "read_header", counted)
    out = tmp_path / "out"
    assert build([str(specs)], ["ts"], out, incremental=True).ok
    assert sorted(read) == ["geometry.spec.md", "semver.spec.md", "todo.spec.md"]
    read.clear()
    assert build([str(specs)], ["ts"], out, incremental=True).ok
    assert read == []
    todo = specs / "todo.spec.md"
    todo.write_text(todo.read_text().replace("spec: todo\n", "spec: tasks\n", 1))
    result = build([str(specs)], ["ts"], out, incremental=True)
    assert result.ok and read == ["todo.spec.md"]
    assert (out / "ts/tasks/package.json").is_file()
    assert not (out / "ts/todo/package.json").exists()


@pytest.mark.parametrize(
    "damage",
    [
        {"id": 3},
        {"version": 1.0},
        {"uses": [["x", None, 1, 1]]},
        {"uses": [["x", None, "1", 1, 1]]},
        {"uses": 7},
        {"digest": None},
    ],
)
def test_a_damaged_header_in_the_cache_is_read_again(
    specs: Path, tmp_path: Path, damage: dict[str, object]
) -> None:
    out = tmp_path / "out"
    assert build([str(specs)], ["ts"], out, incremental=True).ok
    expected = tree(out)
    cache = out / CACHE_DIR / CACHE_FILE
    data = json.loads(cache.read_text())
    for entry in data["specs"].values():
        entry["header"].update(damage)
    cache.write_text(json.dumps(data))
    result = build([str(specs)], ["ts"], out, incremental=True)
    assert result.ok and reused(result) == [
        "geometry.spec.md", "semver.spec.md", "todo.spec.md"
    ]  # fmt: skip
    assert tree(out) == expected
    assert json.loads(cache.read_text())["specs"] != data["specs"]


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("todo/src/types.ts", ["todo", "src", "types.ts"]),
        ("./todo//src/./types.ts", ["todo", "src", "types.ts"]),
        ("types.ts", ["types.ts"]),
        ("/etc/passwd", None),
        ("//etc/passwd", None),
        ("todo/../../x", None),
        ("..", None),
        ("", None),
        (".", None),
        (3, None),
    ],
)
def test_a_recorded_path_is_read_as_pathlib_reads_it_and_never_leaves_the_folder(
    path: object, parts: list[str] | None
) -> None:
    from pathlib import PurePosixPath

    from specc.build.cache import _parts

    assert _parts(path) == parts
    if parts is not None:
        assert list(PurePosixPath(str(path)).parts) == parts
