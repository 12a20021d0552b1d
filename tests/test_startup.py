"""Start-up of a build: what it imports and builds before it does any work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import generate  # noqa: E402

from specc.build.cache import CACHE_DIR, CACHE_FILE  # noqa: E402

# Each probe counts only what the build imported: a `.pth` file in the
# interpreter's site-packages may import modules (importlib.resources, say)
# before specc starts.
_BUILD_PROBE = """
import sys
site = set(sys.modules)
from specc.commands.main import main

try:
    main(["build", *sys.argv[1:], "--target", "ts,rust,python,docs"])
except SystemExit as stop:
    assert not stop.code, stop.code

read = [
    m for m in ("importlib.metadata", "pydantic", "multiprocessing")
    if m in sys.modules and m not in site
]
print("imported:", *read)
"""


def test_a_build_imports_no_pydantic_and_reads_no_package_metadata(
    tmp_path: Path,
) -> None:
    """A build of the benchmark's specs (records, enums, functions, examples; no
    options, no specc.toml) validates nothing from outside, so it never imports
    pydantic (about 70 ms: the IR, options and configuration are records,
    `specc.records`), reads versions and entry
    points without `importlib.metadata` (`specc.installed`), and imports
    `multiprocessing` (5 ms) only to share out specs, which these are too
    small for: a full build, a rebuild with one spec changed (functions'
    spans kept in the cache and read back) and a rebuild with nothing
    changed."""
    specs = generate(100, tmp_path / "specs", full=True, split=True)
    out = tmp_path / "out"
    args = [sys.executable, "-c", _BUILD_PROBE, *map(str, specs), "--out", str(out)]
    said = []
    for edit in ("", "(edited) MUST", ""):
        if edit:
            text = specs[0].read_text("utf-8")
            specs[0].write_text(text.replace("MUST", edit, 1), "utf-8")
        done = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1:] == ["imported:"], done.stdout
        said.append(done.stderr.splitlines()[-1])
    assert "0 unchanged" in said[0]
    assert "1 compiled (synth_000.spec.md), 1 spec unchanged" in said[1]
    assert "0 written" in said[2] and "0 compiled" in said[2]
    cache = json.loads((out / CACHE_DIR / CACHE_FILE).read_text("utf-8"))
    assert all(entry["spans"] for entry in cache["specs"].values())


_LAZY_PROBE = """
import sys
site = set(sys.modules)
from specc.commands.main import main
from specc.frontend import values
from specc.frontend.check import typed

try:
    main(["build", *sys.argv[1:], "--target", "ts,rust,python,docs"])
except SystemExit as stop:
    assert not stop.code, stop.code
lazy = (
    "ctypes",
    "difflib",
    "importlib.resources",
    "specc.drift",
    "specc.emitters.docs.reports",
    "specc.frontend.conversations",
    "subprocess",
    "yaml",
    "zipfile",
)
print("imported:", *[m for m in lazy if m in sys.modules and m not in site])
print("compiled:", *[m.__name__ for m in (values, typed) if m._compiled])
"""


def test_a_build_of_specs_without_examples_leaves_their_readers_alone(
    tmp_path: Path,
) -> None:
    """A build of specs with no examples, conversations or verification reports
    imports none of what reads them (`specc.drift`, the docs' report models, the
    conversation parser; `subprocess`, for no toolchain runs; PyYAML, for front
    matter of plain `key: value` lines; `difflib`, for no name is misspelt;
    `ctypes`, for a build this small leaves the heap alone; `importlib.resources`
    and its `zipfile`, since the built-in templates are found by their package's
    spec) and compiles none
    of the example readers' patterns: each is imported, or compiled, when a spec
    first needs it (`test_a_fresh_process_reads_what_it_imports_lazily`)."""
    specs = generate(20, tmp_path / "specs", split=True)
    args = [sys.executable, "-c", _LAZY_PROBE, *map(str, specs)]
    for edit in ("", "(edited) MUST"):
        if edit:
            text = specs[0].read_text("utf-8")
            specs[0].write_text(text.replace("MUST", edit, 1), "utf-8")
        done = subprocess.run(
            [*args, "--out", str(tmp_path / "out")],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-2:] == ["imported:", "compiled:"]


_FRESH_COMPILE = """
import sys
from specc.frontend.compile import compile_file
from specc.records.models import dump_json

for path in sys.argv[1:]:
    compiled = compile_file(path)
    print(dump_json(compiled.spec) if compiled.spec else None)
    print([str(d) for d in compiled.diagnostics])
"""

_NEEDING_LAZY = [
    ROOT / "tests/data/golden/05_conversations.spec.md",
    ROOT / "examples/specs/todo.spec.md",
    ROOT / "examples/specs/geometry.spec.md",
    ROOT / "specs/semver.spec.md",
    ROOT / "specs/release_assistant.spec.md",
]


def test_a_fresh_process_reads_what_it_imports_lazily() -> None:
    """Specs with examples, properties, defaults and conversations compile in a
    fresh process, where the example readers' patterns and the conversation
    parser are not there yet, to the same IR and diagnostics as in this one."""
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_COMPILE, *map(str, _NEEDING_LAZY)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    from specc.frontend.compile import compile_file
    from specc.records.models import dump_json

    expected = []
    for path in _NEEDING_LAZY:
        compiled = compile_file(path)
        assert compiled.spec is not None
        expected.append(dump_json(compiled.spec))
        expected.append(str([str(d) for d in compiled.diagnostics]))
    assert done.stdout.splitlines() == expected
