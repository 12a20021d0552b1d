"""The build's path shortcuts decide what the slow ways decide.

A rebuild looks at every output file's path, every spec's path and every
folder the output keeps. The writer resolves each folder once (from its
parent's real path and its own name), the spec keys each spec's folder once,
the temporaries' sweep checks one file per folder, the project globs each
folder once, and the cache reads a file with one `read`: each is compared
here with the way it stands for, on planted links, loops and odd names.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path, PurePosixPath

import pytest
from test_output_hygiene import _resolving_check


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """An output folder with links at every depth: to folders inside and
    outside it, relative and absolute, chained, looping, and dangling."""
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "victim.txt").write_text("precious\n")
    (out / "a" / "b" / "c" / "d").mkdir(parents=True)
    (out / "a" / "b" / "c" / "d" / "file.ts").write_text("x")
    (out / "a" / "b" / "plain.ts").write_text("x")
    (out / "a" / "b" / "c" / "away").symlink_to(outside, target_is_directory=True)
    (out / "a" / "b" / "c" / "up").symlink_to("../..", target_is_directory=True)
    (out / "a" / "b" / "c" / "upper").symlink_to("../../..", target_is_directory=True)
    (out / "a" / "b" / "c" / "out2").symlink_to("../../../../outside")
    (out / "a" / "hop").symlink_to("b/c", target_is_directory=True)
    (out / "a" / "hop2").symlink_to("hop", target_is_directory=True)
    (out / "a" / "b" / "c" / "d" / "back").symlink_to(out / "a" / "b" / "c" / "away")
    (out / "a" / "b" / "c" / "d" / "same.ts").symlink_to("file.ts")
    (out / "a" / "b" / "c" / "d" / "victim.ts").symlink_to(outside / "victim.txt")
    (out / "a" / "b" / "loop").symlink_to("loop2")
    (out / "a" / "b" / "loop2").symlink_to("loop")
    (out / "a" / "b" / "self").symlink_to("self")
    (out / "a" / "dangling").symlink_to(tmp_path / "nowhere" / "at-all")
    (out / "a" / "inside-dangling").symlink_to("b/not-yet")
    (out / "top").symlink_to("a/b", target_is_directory=True)
    return out


FOLDERS = [
    "",
    "a",
    "a/b",
    "a/b/c",
    "a/b/c/d",
    "a/b/c/away",
    "a/b/c/away/deep",
    "a/b/c/up",
    "a/b/c/up/b/c/d",
    "a/b/c/up/b/c/away",
    "a/b/c/upper",
    "a/b/c/out2",
    "a/hop",
    "a/hop/d",
    "a/hop2/d",
    "a/hop2/away",
    "a/b/c/d/back",
    "a/b/loop",
    "a/b/loop/x",
    "a/b/self",
    "a/dangling",
    "a/inside-dangling",
    "a/inside-dangling/new",
    "a/b/plain.ts",
    "a/new/deeper",
    "top",
    "top/c/d",
    "top/c/away",
]
NAMES = [
    "file.ts",
    "same.ts",
    "victim.ts",
    "victim.txt",
    "back",
    "new.ts",
    "hop",
    "loop",
]


def _relatives() -> list[str]:
    found = [
        f"{folder}/{name}" if folder else name for folder in FOLDERS for name in NAMES
    ]
    return found + FOLDERS[1:] + ["", ".", "a/./b.ts", "a//b.ts", "a/../x.ts", "a/b/"]


def test_the_writers_check_decides_as_resolving_every_path_whole(linked: Path) -> None:
    """`Checker`, resolving each folder from its parent, refuses exactly the paths
    that resolving each path whole refuses, first time and from memory, in any order."""
    from specc.build.writer import Checker, UnsafePath

    relatives = _relatives()
    for order in (relatives, relatives[::-1]):
        checked = Checker(linked)
        for _ in range(2):
            for relative in order:
                try:
                    got = checked.location(relative) == os.path.join(linked, relative)
                    assert checked(relative) == linked / relative
                except UnsafePath:
                    got = False
                assert got == _resolving_check(linked, relative), relative
    assert not _resolving_check(linked, "a/b/c/up/b/c/away/victim.txt")
    assert _resolving_check(linked, "a/hop2/d/same.ts")


def test_the_sweep_looks_in_the_folders_checking_every_file_finds(
    linked: Path,
) -> None:
    """The sweep checks one file per folder until one passes: the folders it looks
    in are those of the files that pass when each is checked, and the output
    folder; a temporary elsewhere, or outside, stays."""
    from specc.build.writer import (
        TEMPORARY,
        Checker,
        UnsafePath,
        _folders,
        _sweep_temporaries,
    )

    relatives = [r for r in _relatives() if r not in ("", ".")]
    slow = {linked}
    for relative in relatives:
        try:
            slow.add(Checker(linked)(relative).parent)
        except UnsafePath:
            continue
    assert {Path(f) for f in _folders(linked, relatives)} == slow
    assert linked / "a" / "b" / "c" / "away" not in slow
    left = {
        folder: folder / f".x.ts{TEMPORARY}1"
        for folder in (
            linked,
            linked / "a" / "b" / "c" / "d",  # holds files that pass
            linked / "a" / "b",  # only a loop and a link to outside listed there
            linked.parent / "outside",  # through a/b/c/away
        )
    }
    for temporary in left.values():
        temporary.write_text("half")
    listed = ["a/b/loop/x", "a/b/self", "a/b/c/d/victim.ts", "a/b/c/d/new.ts"]
    _sweep_temporaries(linked, set(listed + ["a/b/c/away/x.ts"]))
    assert not left[linked].exists()
    assert not left[linked / "a" / "b" / "c" / "d"].exists()
    assert left[linked / "a" / "b"].exists()
    assert left[linked.parent / "outside"].exists()


def _slow_key(out_dir: Path, spec: str) -> str:
    """`spec_key` as it was: both paths resolved whole."""
    relative = os.path.relpath(Path(spec).resolve(), out_dir.resolve())
    return PurePosixPath(Path(relative)).as_posix()


def test_spec_keys_are_what_resolving_each_path_whole_gives(
    linked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Resolver` resolves each folder once, `SpecKeys` the output folder once too:
    the paths and keys are those of resolving each path whole (a loop raises
    RuntimeError in both)."""
    from specc.build.writer import Resolver, SpecKeys, spec_key

    monkeypatch.chdir(linked / "a")
    specs = [
        "x.spec.md",
        "b/plain.ts",
        "./b/c/d/file.ts",
        "b//c/d/same.ts",
        "hop/d/same.ts",
        "hop2/up/c/d/back",
        "b/c/away/victim.txt",
        "../top/c/d/file.ts",
        "b/c/d/..",
        "b/c/d/.",
        "b/c/",
        "",
        "dangling",
        "inside-dangling",
        str(linked / "a" / "b" / "c" / "upper" / "top" / "plain.ts"),
        "b/loop",
        "b/loop/x.spec.md",
        "b/self",
        "b/c/out2/victim.txt",
    ]
    resolve = Resolver()
    for spec in specs + specs[::-1]:
        try:
            whole: str | None = str(Path(spec).resolve())
        except RuntimeError:
            whole = None
        if whole is None:
            with pytest.raises(RuntimeError):
                resolve(spec)
        else:
            assert resolve(spec) == whole, spec
    for out in (linked, linked / "top" / "c", Path("b/c/d")):
        keys = SpecKeys(out)
        for spec in specs + specs[::-1]:
            try:
                slow: str | None = _slow_key(out, spec)
            except RuntimeError:
                slow = None
            for got in (keys, partial(spec_key, out)):
                if slow is None:
                    with pytest.raises(RuntimeError):
                        got(spec)
                else:
                    assert got(spec) == slow, (out, spec)


def _slow_project_files(paths: list[str], sources: list[str]) -> list[str]:
    """`project_files` as it was: each file's folder globbed once per file."""
    from specc.frontend.compile import find_specs

    roots = []
    for name in paths:
        path = Path(name)
        roots.append(name)
        if not path.is_dir() and path.parent.is_dir():
            roots += sorted(str(p) for p in path.parent.glob("*.spec.md"))
    roots += sources
    existing = [r for r in roots if Path(r).exists()]
    spellings: dict[Path, str] = {}
    for found in find_specs(existing)[0]:
        spellings.setdefault(Path(found).resolve(), found)
    return list(spellings.values())


def test_the_project_is_what_globbing_beside_every_file_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`project_files` globs each folder once and takes each root once: the files,
    their order and their spellings are what globbing beside every file gives."""
    from specc.frontend.project import project_files

    for folder in ("specs", "specs/more", "other"):
        (tmp_path / folder).mkdir(parents=True)
        for name in ("b", "a", "c"):
            (tmp_path / folder / f"{name}.spec.md").write_text(f"# {name}\n")
    (tmp_path / "top.spec.md").write_text("# top\n")
    (tmp_path / "specs" / "notes.md").write_text("# not a spec\n")
    (tmp_path / "specs" / "dir.spec.md").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "specs", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    cases: list[tuple[list[str], list[str]]] = [
        ([f"specs/{n}.spec.md" for n in "cab"], []),
        (["specs/c.spec.md", "./specs/a.spec.md", "linked/b.spec.md"], []),
        (["specs/more/a.spec.md", "specs", "specs/b.spec.md"], []),
        (["specs/more/b.spec.md", "specs/b.spec.md", "other/a.spec.md"], []),
        (["specs/dir.spec.md", "specs/a.spec.md"], []),
        (["specs", "specs/more"], ["other"]),
        (["missing/x.spec.md", "specs/missing.spec.md", "other/a.spec.md"], []),
        (["specs/a.spec.md"], ["other/b.spec.md", str(tmp_path / "specs"), "nowhere"]),
        (["", "specs/notes.md"], []),
        ([str(tmp_path / "other" / "c.spec.md"), "other/c.spec.md"], ["linked"]),
    ]
    for paths, sources in cases:
        assert project_files(paths, sources) == _slow_project_files(paths, sources)


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 3 << 20])
@pytest.mark.parametrize("seen", [None, "smaller", "larger"])
def test_the_cache_reads_a_file_whole_whatever_its_status_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, seen: str | None
) -> None:
    """The cache reads a file with one `read` of the size its status gives, and
    reads on to the end when that size was not the file's (it grew, or shrank,
    as it was read): the bytes are the file's, the status the one taken first."""
    from specc.build import cache
    from specc.build.staging import stat_of

    path = tmp_path / "file"
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path.write_bytes(data)
    real = os.fstat

    def status(fd: int) -> os.stat_result:
        found = real(fd)
        if seen is None:
            return found
        fields = list(found)
        fields[6] = max(0, found.st_size + (-1 if seen == "smaller" else 7))
        return os.stat_result(fields, {"st_mtime_ns": found.st_mtime_ns})

    monkeypatch.setattr(cache.os, "fstat", status)
    got, stat = cache._read(str(path))
    assert got == data
    assert stat[1:] == stat_of(path.stat())[1:]
    with pytest.raises(OSError):
        cache._read(str(tmp_path))
    with pytest.raises(OSError):
        cache._read(str(tmp_path / "missing"))


def test_the_checks_status_of_a_file_is_what_stat_gives(linked: Path) -> None:
    """`Checker.status` gives a file's own status when it is no link (what `os.stat`
    gives then, so staging asks no more), and none for a link or a missing file."""
    from specc.build.staging import stat_of
    from specc.build.writer import Checker, UnsafePath

    checked = Checker(linked)
    seen = []
    for relative in _relatives():
        try:
            path, status = checked.status(relative)
        except UnsafePath:
            continue
        assert path == checked.location(relative)
        if os.path.islink(path) or not os.path.lexists(path):
            assert status is None, relative
        else:
            assert status is not None and stat_of(status) == stat_of(os.stat(path))
            seen.append(relative)
    assert "a/b/c/d/file.ts" in seen and "a/hop/d/file.ts" in seen


def test_a_sessions_option_digests_and_keys_are_the_slow_ones(tmp_path: Path) -> None:
    """A session digests each target's options and resolves each spec's key once:
    what it gives is what digesting and resolving each time gives."""
    from specc.build.cache import options_digest
    from specc.build.incremental import Session

    options: dict[str, dict[str, object]] = {"ts": {"b": [1, 2], "a": "x"}, "docs": {}}
    session = Session(tmp_path / "out", ["ts", "docs", "rust"], [], options, {})
    (tmp_path / "specs").mkdir()
    (tmp_path / "link.spec.md").symlink_to(tmp_path / "specs" / "x.spec.md")
    for _ in range(2):
        for name in ("ts", "docs", "rust"):
            assert session._options(name) == options_digest(options.get(name, {}))
        for spec in ("specs/x.spec.md", str(tmp_path / "link.spec.md"), "y.spec.md"):
            assert session.key(spec) == str(Path(spec).resolve())
    assert session._options("ts") != session._options("docs")
