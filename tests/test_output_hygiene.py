"""Safe output writing: mtimes kept, stale files removed, scaffolds and user files kept."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

IMPLS = ROOT / "tests" / "impls" / "ts"
OLD = 1_000_000_000  # an mtime long past, so a rewrite is visible
TODO_GENERATED = [
    "package.json",
    "tsconfig.json",
    "src/api.ts",
    "src/types.ts",
    "test/conformance.test.ts",
    "test/support.ts",
]


def snapshot(root: Path) -> dict[str, tuple]:
    """Return every folder, link and file under ``root`` with its bytes and mtime."""
    found: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[relative] = ("link", os.readlink(path))
            elif path.is_dir():
                found[relative] = ("dir",)
            else:
                found[relative] = ("file", path.read_bytes(), path.stat().st_mtime_ns)
    return found


def age(root: Path) -> None:
    """Set every file's mtime far in the past."""
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, (OLD, OLD))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace with specs/ (todo and geometry) and no out/ yet."""
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("todo", "geometry"):
        shutil.copy(EXAMPLES / f"{name}.spec.md", specs)
    return tmp_path


def build(cli, ws: Path, *args: str, specs: tuple[str, ...] = ("specs",)):  # type: ignore[no-untyped-def]
    """Run `specc build --target ts` in the workspace."""
    paths = [str(ws / s) for s in specs]
    done = cli("build", *paths, "--target", "ts", "--out", str(ws / "out"), *args)
    assert "Traceback" not in done.output
    return done


def manifest(ws: Path) -> dict[str, dict[str, str]]:
    """Return the files the build's manifest lists."""
    return json.loads((ws / "out" / ".specc-manifest.json").read_text())["files"]


# --- unchanged files keep their mtime ------------------------------------------


def test_rebuild_rewrites_nothing_and_keeps_mtimes(cli, ws: Path) -> None:
    """A rebuild with nothing changed writes nothing; every mtime stays."""
    assert build(cli, ws).exit_code == 0
    age(ws / "out")
    before = snapshot(ws / "out")
    done = build(cli, ws)
    assert done.exit_code == 0
    assert "0 written, 12 unchanged, 0 removed, 2 scaffolds kept" in done.stderr
    assert snapshot(ws / "out") == before


def test_spec_edit_rewrites_only_files_whose_bytes_change(cli, ws: Path) -> None:
    """Changing todo's summary rewrites exactly the files that show it."""
    assert build(cli, ws).exit_code == 0
    age(ws / "out")
    before = snapshot(ws / "out")
    spec = ws / "specs" / "todo.spec.md"
    spec.write_text(spec.read_text().replace("A small task list", "A tiny task list"))
    assert build(cli, ws).exit_code == 0
    after = snapshot(ws / "out")
    changed = sorted(k for k in after if after[k] != before.get(k))
    assert changed == [
        ".specc-cache/build.json",
        ".specc-manifest.json",
        "ts/todo/package.json",
        "ts/todo/src/api.ts",
    ]
    assert "A tiny task list" in (ws / "out/ts/todo/src/api.ts").read_text()


# --- ownership: a build removes only what its own specs no longer produce ---------


def test_single_spec_builds_one_after_the_other_keep_both_packages(
    cli, ws: Path
) -> None:
    """Build todo alone, then geometry alone: both packages stay whole, both listed."""
    assert build(cli, ws, specs=("specs/todo.spec.md",)).exit_code == 0
    todo_before = snapshot(ws / "out" / "ts" / "todo")
    done = build(cli, ws, specs=("specs/geometry.spec.md",))
    assert done.exit_code == 0
    assert "0 removed" in done.stderr
    assert snapshot(ws / "out" / "ts" / "todo") == todo_before
    listed = manifest(ws)
    for spec in ("todo", "geometry"):
        for relative in TODO_GENERATED + ["src/impl.ts"]:
            assert (ws / "out" / "ts" / spec / relative).is_file()
            owner = listed[f"ts/{spec}/{relative}"]
            assert owner["spec"] == f"../specs/{spec}.spec.md"
            assert owner["target"] == "ts"


def test_building_one_spec_after_the_folder_keeps_the_other(cli, ws: Path) -> None:
    """Build specs/, then todo alone: geometry's files and manifest entries stay."""
    assert build(cli, ws).exit_code == 0
    geometry_before = snapshot(ws / "out" / "ts" / "geometry")
    entries = {k: v for k, v in manifest(ws).items() if k.startswith("ts/geometry/")}
    done = build(cli, ws, specs=("specs/todo.spec.md",))
    assert done.exit_code == 0 and "0 removed" in done.stderr
    assert snapshot(ws / "out" / "ts" / "geometry") == geometry_before
    assert {k: v for k, v in manifest(ws).items() if k in entries} == entries


def test_a_removed_rules_files_go_and_folders_are_pruned(cli, ws: Path) -> None:
    """Geometry loses the rules that made its package: its generated files go, alone."""
    assert build(cli, ws, specs=("specs/todo.spec.md",)).exit_code == 0
    assert build(cli, ws, specs=("specs/geometry.spec.md",)).exit_code == 0
    todo_before = snapshot(ws / "out" / "ts" / "todo")
    spec = ws / "specs" / "geometry.spec.md"
    text = spec.read_text()
    spec.write_text(text[: text.index("## Shapes {#shapes}")])  # title only
    done = build(cli, ws, specs=("specs/geometry.spec.md",))
    assert done.exit_code == 0, done.output
    assert "6 removed" in done.stderr
    geometry = ws / "out" / "ts" / "geometry"
    # only the scaffold is left: it is the user's code, never deleted
    assert sorted(snapshot(geometry)) == ["src", "src/impl.ts"]
    assert snapshot(ws / "out" / "ts" / "todo") == todo_before
    assert not any(k.startswith("ts/geometry/") for k in manifest(ws))


def test_a_renamed_specs_old_package_goes_only_on_a_folder_build(cli, ws: Path) -> None:
    """Rename geometry to shapes: a build of shapes alone keeps geometry; specs/ removes it."""
    assert build(cli, ws).exit_code == 0
    old = ws / "specs" / "geometry.spec.md"
    new = ws / "specs" / "shapes.spec.md"
    new.write_text(old.read_text().replace("spec: geometry", "spec: shapes", 1))
    old.unlink()
    geometry_before = snapshot(ws / "out" / "ts" / "geometry")
    assert build(cli, ws, specs=("specs/shapes.spec.md",)).exit_code == 0
    assert snapshot(ws / "out" / "ts" / "geometry") == geometry_before
    done = build(cli, ws)
    assert done.exit_code == 0
    assert "6 removed" in done.stderr
    assert sorted(snapshot(ws / "out" / "ts" / "geometry")) == ["src", "src/impl.ts"]
    assert (ws / "out" / "ts" / "shapes" / "src" / "types.ts").is_file()
    assert (ws / "out" / "ts" / "todo" / "src" / "types.ts").is_file()
    assert not any(k.startswith("ts/geometry/") for k in manifest(ws))


def test_docs_and_podcast_keep_another_specs_pages(cli, ws: Path) -> None:
    """Docs and podcast built for todo, then geometry: todo's page and script stay."""
    out = ws / "out"
    for spec in ("todo", "geometry"):
        done = cli(
            "build", str(ws / "specs" / f"{spec}.spec.md"),
            "--target", "docs,podcast", "--out", str(out),
        )  # fmt: skip
        assert done.exit_code == 0, done.output
    for spec in ("todo", "geometry"):
        assert (out / "docs" / f"{spec}.html").is_file()
        assert (out / "podcast" / spec / "script.md").is_file()
    assert manifest(ws)["docs/todo.html"]["spec"] == "../specs/todo.spec.md"
    assert manifest(ws)["docs/index.html"]["spec"] is None


@pytest.mark.parametrize("incremental", [True, False])
def test_the_site_index_lists_the_pages_another_build_made(
    cli, ws: Path, incremental: bool
) -> None:
    """Docs built for the folder, then for one spec (with or without the build
    cache): the index and the search index still list both specs, byte for byte
    as the folder's build made them; a kept spec that no longer compiles is left
    out without failing the build, and its page stays."""
    out, site = ws / "out", ("docs/index.html", "docs/assets/search-index.js")

    def docs(*specs: str) -> dict[str, bytes]:
        paths = [str(ws / s) for s in specs]
        cache = [] if incremental else ["--no-cache"]
        done = cli("build", *paths, "--target", "docs", "--out", str(out), *cache)
        assert done.exit_code == 0, done.output
        return {name: (out / name).read_bytes() for name in site}

    whole = docs("specs")
    assert b'href="todo.html"' in whole["docs/index.html"]
    assert b'href="geometry.html"' in whole["docs/index.html"]
    assert docs("specs/geometry.spec.md") == whole
    assert docs("specs/todo.spec.md") == whole
    broken = (
        "---\nspec: todo\n---\n\n# Todo\n\n```specc\nrecord Task { a: Nope }\n```\n"
    )
    (ws / "specs" / "todo.spec.md").write_text(broken)
    assert docs("specs/geometry.spec.md") != whole
    assert b'href="todo.html"' not in (out / "docs/index.html").read_bytes()
    assert (out / "docs/todo.html").is_file()  # kept, until a build of its own


def test_another_targets_files_are_never_removed(cli, ws: Path) -> None:
    """A ts build keeps the python files of the same spec, even on a folder build."""
    out = str(ws / "out")
    specs = str(ws / "specs")
    assert cli("build", specs, "--target", "python", "--out", out).exit_code == 0
    python_before = snapshot(ws / "out" / "python")
    (ws / "specs" / "geometry.spec.md").unlink()
    assert build(cli, ws).exit_code == 0
    assert snapshot(ws / "out" / "python") == python_before


def test_a_version_1_manifest_is_read_and_upgraded(cli, ws: Path) -> None:
    """Entries of a version-1 manifest stay on a one-spec build; a folder build cleans."""
    assert build(cli, ws).exit_code == 0
    path = ws / "out" / ".specc-manifest.json"
    data = json.loads(path.read_text())
    data["version"] = 1
    data["files"] = {
        k: {"kind": v["kind"], "sha256": v["sha256"]} for k, v in data["files"].items()
    }
    data["files"]["ts/old/src/types.ts"] = {"kind": "generated", "sha256": "0"}
    (ws / "out" / "ts" / "old" / "src").mkdir(parents=True)
    (ws / "out" / "ts" / "old" / "src" / "types.ts").write_text("// old\n")
    path.write_text(json.dumps(data))
    done = build(cli, ws, specs=("specs/todo.spec.md",))
    assert done.exit_code == 0 and "0 removed" in done.stderr
    upgraded = json.loads(path.read_text())
    assert upgraded["version"] == 2
    assert upgraded["files"]["ts/old/src/types.ts"] == {
        "kind": "generated",
        "sha256": "0",
    }
    assert upgraded["files"]["ts/todo/src/types.ts"]["spec"] == "../specs/todo.spec.md"
    done = build(cli, ws)
    assert done.exit_code == 0 and "1 removed" in done.stderr
    assert not (ws / "out" / "ts" / "old").exists()
    assert all("spec" in entry for entry in manifest(ws).values())


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"version": 2}',
        '{"version": 2, "files": []}',
        '{"version": 2, "files": "ts/a.ts"}',
        '{"version": 2, "files": null}',
    ],
    ids=["not-json", "a-list", "no-files", "files-a-list", "files-a-string", "null"],
)
def test_a_manifest_of_the_wrong_shape_reads_as_empty(cli, ws: Path, text: str) -> None:
    """A broken manifest owns nothing: the build rewrites it and removes nothing."""
    from specc.build.writer import read_manifest

    out = ws / "out"
    out.mkdir()
    (out / ".specc-manifest.json").write_text(text)
    (out / "keep.txt").write_text("mine\n")
    assert read_manifest(out) == {}
    done = build(cli, ws)
    assert done.exit_code == 0 and "0 removed" in done.stderr
    assert (out / "keep.txt").read_text() == "mine\n"
    assert "ts/todo/src/api.ts" in manifest(ws)


def test_manifest_entries_that_are_not_objects_are_dropped(tmp_path: Path) -> None:
    from specc.build.writer import read_manifest

    files = {"a": {"kind": "generated", "spec": "s"}, "b": "x", "c": [1], "d": None}
    (tmp_path / ".specc-manifest.json").write_text(json.dumps({"files": files}))
    assert read_manifest(tmp_path) == {"a": {"kind": "generated", "spec": "s"}}
    (tmp_path / ".specc-manifest.json").write_text(
        json.dumps({"version": 1, "files": files})
    )
    assert read_manifest(tmp_path) == {"a": {"kind": "generated"}}


def test_files_the_build_never_generated_are_never_touched(cli, ws: Path) -> None:
    """User files in out/, out/ts/ and inside packages survive builds and removals."""
    assert build(cli, ws).exit_code == 0
    mine = {
        "NOTES.md": b"mine\n",
        "ts/README.md": b"also mine\n",
        "ts/todo/src/helpers.ts": b"export const x = 1;\n",
        "ts/geometry/test/extra.test.ts": b"// my own test\n",
        "ts/geometry/data/points.json": b"[]\n",
    }
    for relative, data in mine.items():
        (ws / "out" / relative).parent.mkdir(parents=True, exist_ok=True)
        (ws / "out" / relative).write_bytes(data)
    age(ws / "out")
    before = snapshot(ws / "out")
    assert build(cli, ws).exit_code == 0
    (ws / "specs" / "geometry.spec.md").unlink()
    assert build(cli, ws).exit_code == 0
    after = snapshot(ws / "out")
    for relative in mine:
        assert after[relative] == before[relative]
    assert "ts/geometry/test" in after and "ts/geometry/src/api.ts" not in after


# --- scaffolds --------------------------------------------------------------------


def test_scaffold_survives_rebuilds_and_spec_changes(cli, ws: Path) -> None:
    """An edited impl.ts is kept by a rebuild and by a rebuild after the spec changed."""
    assert build(cli, ws).exit_code == 0
    impl = ws / "out" / "ts" / "todo" / "src" / "impl.ts"
    assert 'throw new NotImplementedError("by_tag")' in impl.read_text()
    shutil.copy(IMPLS / "todo.ts", impl)
    written = impl.read_bytes()
    done = build(cli, ws)
    assert done.exit_code == 0 and "2 scaffolds kept" in done.stderr
    assert impl.read_bytes() == written
    spec = ws / "specs" / "todo.spec.md"
    spec.write_text(
        spec.read_text().replace(
            'by_tag([{title: "A", tags: ["Home"]}], "home") == []',
            'by_tag([{title: "A", tags: ["Home"]}], "home") == []\nby_tag([], "x") == []',
        )
    )
    done = build(cli, ws)
    assert done.exit_code == 0
    assert "wrote" in done.stderr and "conformance.test.ts" in done.stderr
    assert (
        'by_tag #3: by_tag([], \\"x\\") == []'
        in (ws / "out/ts/todo/test/conformance.test.ts").read_text()
    )
    assert impl.read_bytes() == written
    assert "W085" not in done.stderr


NEW_OPERATION = """
## Clearing finished tasks {#clear_done}

`clear_done` MUST drop every task that is done.

```specc
fn clear_done(tasks: list<Task>) -> list<Task>
```

```examples
clear_done([{title: "A", done: true}, {title: "B"}]) == [{title: "B"}]
```
"""


def test_new_operation_is_named_and_tsc_reports_it_missing(
    cli, ws: Path, ts_node_modules: Path
) -> None:
    """The spec gains a fn: W085 names it, the scaffold is kept, tsc flags the method."""
    assert build(cli, ws).exit_code == 0
    impl = ws / "out" / "ts" / "todo" / "src" / "impl.ts"
    shutil.copy(IMPLS / "todo.ts", impl)
    written = impl.read_bytes()
    spec = ws / "specs" / "todo.spec.md"
    text = spec.read_text() + NEW_OPERATION
    spec.write_text(text)
    line = text.splitlines().index("fn clear_done(tasks: list<Task>) -> list<Task>") + 1
    done = build(cli, ws)
    assert done.exit_code == 0, done.output
    warnings = [w for w in done.stderr.splitlines() if "W085" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{spec}:{line}:")
    assert "`clear_done`" in warnings[0] and "`clearDone`" in warnings[0]
    assert impl.read_bytes() == written
    package = impl.parent.parent
    (package / "node_modules").symlink_to(ts_node_modules, target_is_directory=True)
    compiled = subprocess.run(
        [
            "node",
            str(ts_node_modules / "typescript/bin/tsc"),
            "-p",
            ".",
            "--pretty",
            "false",
        ],
        cwd=package,
        capture_output=True,
        text=True,
    )
    assert compiled.returncode != 0
    assert "src/impl.ts" in compiled.stdout and "error TS2420" in compiled.stdout
    assert "Property 'clearDone' is missing" in compiled.stdout


# --- --check ------------------------------------------------------------------


def _missing_generated(out: Path, specs: Path) -> str:
    (out / "ts/todo/src/types.ts").unlink()
    return "missing: {out}/ts/todo/src/types.ts"


def _missing_scaffold(out: Path, specs: Path) -> str:
    (out / "ts/geometry/src/impl.ts").unlink()
    return "missing: {out}/ts/geometry/src/impl.ts"


def _changed(out: Path, specs: Path) -> str:
    with open(out / "ts/todo/src/api.ts", "a") as handle:
        handle.write("// a hand edit\n")
    return "changed: {out}/ts/todo/src/api.ts"


def _stale(out: Path, specs: Path) -> str:
    (specs / "geometry.spec.md").unlink()
    return "stale: {out}/ts/geometry/src/types.ts"


def _spec_edited(out: Path, specs: Path) -> str:
    spec = specs / "todo.spec.md"
    spec.write_text(spec.read_text().replace("Todo list", "To-do list", 1))
    return "changed: {out}/ts/todo/src/api.ts"


@pytest.mark.parametrize(
    "drift", [_missing_generated, _missing_scaffold, _changed, _stale, _spec_edited]
)
def test_check_exits_1_on_drift_and_writes_nothing(cli, ws: Path, drift) -> None:  # type: ignore[no-untyped-def]
    """`--check` names what is missing, changed or stale, exits 1, and writes nothing."""
    out = ws / "out"
    assert build(cli, ws).exit_code == 0
    assert build(cli, ws, "--check").exit_code == 0
    line = drift(out, ws / "specs").format(out=out)
    before = snapshot(ws)
    done = build(cli, ws, "--check")
    assert done.exit_code == 1
    assert line in done.stderr.splitlines()
    assert "out of date; run `specc build` to refresh them" in done.stderr
    assert snapshot(ws) == before


def test_check_counts_one_file_in_the_singular(cli, ws: Path) -> None:
    out = ws / "out"
    assert build(cli, ws).exit_code == 0
    _changed(out, ws / "specs")
    done = build(cli, ws, "--check")
    assert "out: 1 file out of date; run `specc build`" in done.stderr


def test_check_is_quiet_when_fresh_even_with_user_edits(cli, ws: Path) -> None:
    """Edited scaffolds and user files are not drift: `--check` exits 0."""
    out = ws / "out"
    assert build(cli, ws).exit_code == 0
    shutil.copy(IMPLS / "todo.ts", out / "ts/todo/src/impl.ts")
    (out / "ts" / "mine.txt").write_text("mine\n")
    before = snapshot(ws)
    done = build(cli, ws, "--check")
    assert done.exit_code == 0, done.output
    assert done.stderr.strip().endswith("up to date")
    assert snapshot(ws) == before


def test_check_on_a_missing_out_folder_creates_nothing(cli, ws: Path) -> None:
    """`--check` before any build reports everything missing and creates no folder."""
    done = build(cli, ws, "--check")
    assert done.exit_code == 1
    assert "14 files out of date" in done.stderr
    assert not (ws / "out").exists()


# --- a failing build writes nothing ----------------------------------------------

BAD_SPEC = """---
spec: bad
title: Bad
---

# Bad {#bad}

Calls MUST work.

```specc
fn f(x: Nope) -> int
```
"""


def _prepare_pending_change(cli, ws: Path) -> None:
    """Build, then change todo so that a successful build would write something."""
    assert build(cli, ws).exit_code == 0
    spec = ws / "specs" / "todo.spec.md"
    spec.write_text(spec.read_text().replace("A small task list", "A tiny task list"))
    (ws / "specs" / "geometry.spec.md").rename(ws / "geometry.spec.md.off")


def test_a_spec_with_an_error_means_nothing_is_written(cli, ws: Path) -> None:
    """One bad spec among good ones: no write, no removal, same tree (fresh or not)."""
    (ws / "specs" / "bad.spec.md").write_text(BAD_SPEC)
    done = build(cli, ws)
    assert done.exit_code == 1
    assert not (ws / "out").exists()
    (ws / "specs" / "bad.spec.md").rename(ws / "bad.spec.md.off")
    _prepare_pending_change(cli, ws)
    (ws / "bad.spec.md.off").rename(ws / "specs" / "bad.spec.md")
    before = snapshot(ws)
    done = build(cli, ws)
    assert done.exit_code == 1
    assert "bad.spec.md:11:" in done.stderr and "`Nope`" in done.stderr
    assert "build failed: nothing was written" in done.stderr
    assert snapshot(ws) == before


def test_an_emitter_raising_means_nothing_is_written(
    cli, ws: Path, tmp_path_factory
) -> None:
    """A template override that fails (StrictUndefined) is E082 and writes nothing."""
    templates = tmp_path_factory.mktemp("templates")
    (templates / "ts").mkdir()
    (templates / "ts" / "types.ts.jinja").write_text("{{ no_such_variable }}\n")
    _prepare_pending_change(cli, ws)
    before = snapshot(ws)
    done = build(cli, ws, "--templates", str(templates))
    assert done.exit_code == 1
    assert "error[E082]: the `ts` emitter failed: UndefinedError" in done.stderr
    assert snapshot(ws) == before


def test_one_unknown_target_means_no_target_is_written(cli, ws: Path) -> None:
    """`--target ts,nope`: ts alone would build, but nothing is written."""
    done = cli(
        "build", str(ws / "specs"), "--target", "ts,nope", "--out", str(ws / "out")
    )
    assert done.exit_code == 1 and "error[E080]" in done.stderr
    assert not (ws / "out").exists()


# --- hostile names stay inside out/ ---------------------------------------------


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(
    "spec_id",
    [
        "../../evil",
        "..",
        "/tmp/evil-absolute",
        "C:\\\\evil",
        "a/../../b",
        "./.hidden",
        "%2e%2e%2fevil",
        "ünï cödé",
        "evil\\u0000nul",
    ],
)
def test_hostile_spec_names_stay_inside_out(cli, tmp_path: Path, spec_id: str) -> None:
    """Whatever `spec:` says, every file lands under out/ts/<one safe folder>/."""
    work = tmp_path / "a" / "b"
    (work / "specs").mkdir(parents=True)
    text = (EXAMPLES / "todo.spec.md").read_text()
    text = text.replace("spec: todo", f'spec: "{spec_id}"', 1)
    (work / "specs" / "evil.spec.md").write_text(text)
    listings = {p: _listing(p) for p in (tmp_path, tmp_path / "a", work)}
    done = cli(
        "build", str(work / "specs"), "--target", "ts", "--out", str(work / "out")
    )
    assert "Traceback" not in done.output
    assert _listing(tmp_path) == listings[tmp_path]
    assert _listing(tmp_path / "a") == listings[tmp_path / "a"]
    assert _listing(work) in (listings[work], sorted(listings[work] + ["out"]))
    assert not Path("/tmp/evil-absolute").exists()
    if done.exit_code == 0:
        folders = _listing(work / "out" / "ts")
        assert len(folders) == 1 and not folders[0].startswith(".")
        for path in (work / "out").rglob("*"):
            assert path.resolve().is_relative_to((work / "out").resolve())
    else:
        assert "error[" in done.stderr and not (work / "out").exists()


def test_odd_rule_ids_and_example_text_stay_inside_out(cli, tmp_path: Path) -> None:
    """Rule IDs with `.:-` and examples with quotes and slashes only change file content."""
    text = (EXAMPLES / "todo.spec.md").read_text()
    spec_ok = text.replace("{#by_tag}", "{#by_tag:v1.2-x}")
    spec_ok = spec_ok.replace('"home") == []', '"../../h\\\\o\\"me/*") == []')
    (tmp_path / "todo.spec.md").write_text(spec_ok)
    before = _listing(tmp_path)
    done = cli(
        "build",
        str(tmp_path / "todo.spec.md"),
        "--target",
        "ts",
        "--out",
        str(tmp_path / "out"),
    )
    assert done.exit_code == 0, done.output
    assert _listing(tmp_path) == sorted(before + ["out"])
    assert sorted(
        p.relative_to(tmp_path / "out").as_posix()
        for p in (tmp_path / "out").rglob("*")
        if p.is_file() and ".specc-cache" not in p.parts
    ) == sorted(
        [".specc-manifest.json", "ts/todo/src/impl.ts"]
        + [f"ts/todo/{g}" for g in TODO_GENERATED]
    )
    tests = (tmp_path / "out/ts/todo/test/conformance.test.ts").read_text()
    assert '("by_tag:v1.2-x #2: ' in tests


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the output folder, with a file a build must never touch."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.txt").write_text("precious\n")
    return folder


def _plant_folder_link(out: Path, outside: Path) -> None:
    (out / "ts").mkdir(parents=True)
    (out / "ts" / "todo").symlink_to(outside, target_is_directory=True)


def _plant_file_link(out: Path, outside: Path) -> None:
    (out / "ts" / "todo" / "src").mkdir(parents=True)
    (out / "ts" / "todo" / "src" / "types.ts").symlink_to(outside / "victim.txt")


def _plant_loop(out: Path, outside: Path) -> None:
    (out / "ts").mkdir(parents=True)
    (out / "ts" / "todo").symlink_to(out / "ts" / "loop")
    (out / "ts" / "loop").symlink_to(out / "ts" / "todo")


@pytest.mark.parametrize("plant", [_plant_folder_link, _plant_file_link, _plant_loop])
def test_symlinks_in_out_are_refused_without_writing(
    cli, ws: Path, outside: Path, plant  # type: ignore[no-untyped-def]
) -> None:
    """A pre-existing symlink under out/ pointing away is E083; nothing is written."""
    out = ws / "out"
    plant(out, outside)
    before = snapshot(ws)
    done = build(cli, ws)
    assert done.exit_code == 1
    assert "error[E083]: refusing to write ts/todo/" in done.stderr
    assert snapshot(ws) == before
    assert (outside / "victim.txt").read_text() == "precious\n"


def test_symlinked_manifest_and_hostile_manifest_entries_touch_nothing_outside(
    cli, ws: Path, outside: Path
) -> None:
    """A manifest naming files outside out/ as stale, or linked outside, harms nothing."""
    out = ws / "out"
    out.mkdir()
    victims = {
        "../outside/victim.txt": "generated",
        "ts/../../outside/victim.txt": "generated",
        str(outside / "victim.txt"): "generated",
        "ts/todo/../../../outside/victim.txt": "generated",
    }
    (outside / "manifest.json").write_text(
        json.dumps(
            {
                "version": 1,
                "files": {
                    **{k: {"kind": v, "sha256": "0"} for k, v in victims.items()},
                    "ts/todo/corrupt": "not an entry",
                    "ts/todo/src": {"kind": "generated", "sha256": "0"},
                },
            }
        )
    )
    (out / ".specc-manifest.json").symlink_to(outside / "manifest.json")
    saved = snapshot(outside)
    done = build(cli, ws)
    assert done.exit_code == 0, done.output
    assert snapshot(outside) == saved
    assert not (out / ".specc-manifest.json").is_symlink()
    assert set(manifest(ws)) == {
        f"ts/{s}/{f}"
        for s in ("todo", "geometry")
        for f in TODO_GENERATED + ["src/impl.ts"]
    }


def test_writer_plans_drift_sweeps_and_writes_a_stable_manifest(tmp_path: Path) -> None:
    """Drift is listed by path; a killed build's temporaries go; the manifest's format."""
    from specc.build.writer import MANIFEST, TEMPORARY, apply, plan
    from specc.emitters.base import OutputFile

    out = tmp_path / "out"
    old_entry = {"kind": "generated", "target": "ts", "spec": None}
    (out / "ts" / "b").mkdir(parents=True)
    (out / "ts" / "b" / "old.ts").write_text("old\n")
    (out / MANIFEST).write_text(
        json.dumps({"version": 2, "files": {"ts/b/old.ts": old_entry}})
    )
    (out / "ts" / "a").mkdir()
    left = out / "ts" / "a" / f".new.ts{TEMPORARY}99"  # beside a file new to it
    left.write_text("half")
    wanted = {
        "ts/z.ts": OutputFile("z.ts", "z\n"),
        "ts/a/new.ts": OutputFile("a/new.ts", "new\n"),
    }
    planned = plan(out, ["ts"], wanted)
    assert planned.drift == [
        ("missing", "ts/a/new.ts"),
        ("stale", "ts/b/old.ts"),
        ("missing", "ts/z.ts"),
    ]
    (out / "ts" / "b" / "old.ts").unlink()  # gone before the build removes it
    apply(planned)
    assert not left.exists()
    assert (out / "ts" / "a" / "new.ts").read_text() == "new\n"
    assert (
        (out / MANIFEST)
        .read_text()
        .startswith(
            '{\n "version": 2,\n "files": {\n  "ts/a/new.ts": {\n   "kind": "generated",'
        )
    )


def _resolving_check(out_dir: Path, relative: str) -> bool:
    """The check `writer.Checker` stands for: every path resolved whole (and `.`,
    the folder itself, refused: the old check let it through as a path)."""
    from pathlib import PurePosixPath

    pure = PurePosixPath(relative)
    if (
        not pure.parts
        or "\\" in relative
        or "\x00" in relative
        or pure.is_absolute()
        or str(pure) != relative
        or any(part in ("", ".", "..") or ":" in part for part in pure.parts)
    ):
        return False
    try:
        return (out_dir / relative).resolve().is_relative_to(out_dir.resolve())
    except (OSError, RuntimeError):
        return False


def test_the_writers_path_check_decides_as_resolving_every_path_whole(
    tmp_path: Path, outside: Path
) -> None:
    """`writer.Checker` resolves each folder once, then looks only at each file's own
    name: on links to outside and inside, loops, and odd names, it refuses exactly
    the paths that resolving each path whole refuses (and only those)."""
    from specc.build.writer import Checker, UnsafePath

    out = tmp_path / "out"
    (out / "a" / "b").mkdir(parents=True)
    (out / "a" / "b" / "file.ts").write_text("x")
    (out / "a" / "away").symlink_to(outside, target_is_directory=True)
    (out / "a" / "b" / "victim.ts").symlink_to(outside / "victim.txt")
    (out / "a" / "near").symlink_to(out / "a" / "b", target_is_directory=True)
    (out / "a" / "b" / "same.ts").symlink_to(out / "a" / "b" / "file.ts")
    (out / "a" / "loop").symlink_to(out / "a" / "loop2")
    (out / "a" / "loop2").symlink_to(out / "a" / "loop")
    (out / "a" / "up").symlink_to(tmp_path, target_is_directory=True)
    names = [
        "a/b/file.ts",
        "a/b/new.ts",
        "a/new/deep/x.ts",
        "a/away/victim.txt",
        "a/away/new.ts",
        "a/b/victim.ts",
        "a/near/file.ts",
        "a/near/new.ts",
        "a/b/same.ts",
        "a/loop",
        "a/loop/x.ts",
        "a/up/out/a/b/file.ts",
        "a/up/outside/victim.txt",
        "top.ts",
        "",
        "/abs.ts",
        "a//b.ts",
        "a/./b.ts",
        "a/../b.ts",
        "a/b/",
        "c:/x.ts",
        "a\\b.ts",
        "a/\x00.ts",
        ".",
        "..",
    ]
    checked = Checker(out)
    for _ in range(2):  # the second time from what it remembers
        for relative in names:
            try:
                got = checked(relative) == out / relative
            except UnsafePath:
                got = False
            assert got == _resolving_check(out, relative), relative
    assert not _resolving_check(out, "a/away/victim.txt")
    assert _resolving_check(out, "a/near/file.ts")
