"""A spec of types alone still yields its types in every code target."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from specc.build.driver import build

SPEC = """\
---
spec: shapes
---

# Shapes {#shapes}

Shapes MUST be plain values.

```specc
enum Colour { red, green }

record Point {
  x: float
  y: float
  colour: Colour?
}
```
"""


def test_code_targets_emit_the_types_of_a_spec_without_functions(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "shapes.spec.md"
    spec.write_text(SPEC)
    result = build([str(spec)], ["ts", "rust", "python"], tmp_path / "out")
    assert result.ok
    out = tmp_path / "out"
    ts = (out / "ts/shapes/src/types.ts").read_text()
    assert "export interface Point {" in ts and "Colour" in ts
    rust = (out / "rust/shapes/src/types.rs").read_text()
    assert "pub struct Point {" in rust and "pub enum Colour {" in rust
    python = (out / "python/shapes/src/shapes/types.py").read_text()
    assert "class Point:" in python and "class Colour(" in python


# --- a data model: its types, no API, scaffold or tests; checked by real toolchains ---

MODEL = """\
---
spec: inventory
version: 1.0.0
---

# Inventory {#inventory}

Items MUST carry a positive quantity.

```specc
/// How an item is stored.
enum Storage { shelf, cold, frozen }

record Item {
  name: string
  quantity: int = 1
  storage: Storage = shelf
  tags: list<string> = []
  price: float?
}

variant Place {
  aisle { number: int }
  dock { name: string, bays: map<string, int> }
}

type Catalogue = map<string, Item>

error OutOfStock { item: string, wanted: int }
```
"""

DATA_MODEL_FILES = {
    "ts": ["package.json", "src/types.ts", "tsconfig.json"],
    "rust": [".gitignore", "Cargo.toml", "src/lib.rs", "src/types.rs"],
    "python": [
        "pyproject.toml",
        "src/inventory/__init__.py",
        "src/inventory/py.typed",
        "src/inventory/types.py",
    ],
}


@pytest.fixture(scope="module")
def model_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the inventory data model for ts, rust and python."""
    folder = tmp_path_factory.mktemp("model")
    (folder / "inventory.spec.md").write_text(MODEL)
    result = build(
        [str(folder / "inventory.spec.md")], ["ts", "rust", "python"], folder / "out"
    )
    assert result.ok, [d.message for d in result.diagnostics]
    return folder / "out"


@pytest.mark.parametrize("target", sorted(DATA_MODEL_FILES))
def test_a_data_model_package_holds_its_types_and_nothing_to_implement(
    model_out: Path, target: str
) -> None:
    """No API, scaffold or tests: only the package's manifest and its types."""
    package = model_out / target / "inventory"
    files = sorted(
        p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()
    )
    assert files == DATA_MODEL_FILES[target]


def test_the_ts_data_model_compiles_under_strict(
    model_out: Path, ts_node_modules: Path, tmp_path: Path
) -> None:
    """tsc compiles types.ts, and `makeItem` fills the defaults at run time."""
    package = shutil.copytree(model_out / "ts" / "inventory", tmp_path / "ts")
    (package / "node_modules").symlink_to(ts_node_modules, target_is_directory=True)
    tsc = ts_node_modules / "typescript" / "bin" / "tsc"
    done = subprocess.run(
        ["node", str(tsc), "-p", ".", "--pretty", "false"],
        cwd=package,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    probe = tmp_path / "probe.mjs"
    probe.write_text(
        f"import {{ makeItem }} from {str(package / 'dist/src/types.js')!r};\n"
        "console.log(JSON.stringify(makeItem({ name: 'pen' })));\n"
    )
    ran = subprocess.run(["node", str(probe)], capture_output=True, text=True)
    assert json.loads(ran.stdout) == {
        "name": "pen",
        "quantity": 1,
        "storage": "shelf",
        "tags": [],
    }


def test_the_rust_data_model_builds_offline(model_out: Path, tmp_path: Path) -> None:
    """`cargo build --offline` builds the crate; `Item::new` fills the defaults."""
    crate = shutil.copytree(model_out / "rust" / "inventory", tmp_path / "inventory")
    (crate / "examples").mkdir()
    (crate / "examples" / "probe.rs").write_text(
        'fn main() { println!("{:?}", inventory::Item::new("pen".to_string())); }\n'
    )
    done = subprocess.run(
        ["cargo", "run", "--offline", "--quiet", "--example", "probe"],
        cwd=crate,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert 'name: "pen", quantity: 1, storage: Shelf, tags: [], price: None' in (
        done.stdout
    )


def test_the_python_data_model_passes_mypy_strict(model_out: Path) -> None:
    """`mypy --strict` accepts the package; `Item` takes its defaults."""
    package = model_out / "python" / "inventory"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src"],
        cwd=package,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    probe = "from inventory.types import Item; print(repr(Item(name='pen')))"
    ran = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(package / "src")},
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    assert "quantity=1" in ran.stdout and "Storage.SHELF" in ran.stdout


def test_specc_test_reports_no_operations_for_a_data_model(cli, tmp_path: Path) -> None:
    """`specc test` on the data model says it has no operations and exits 0."""
    spec = tmp_path / "inventory.spec.md"
    spec.write_text(MODEL)
    out = str(tmp_path / "out")
    done = cli("test", str(spec), "--target", "ts,rust,python", "--out", out)
    assert done.exit_code == 0, done.output
    assert "NONE inventory: no operations to test (its types only)" in done.stdout
    assert "FAIL" not in done.stdout and "error" not in done.stderr
    done = cli(
        "test", str(spec), "-t", "ts,rust,python", "--out", out, "--format", "json"
    )
    report = json.loads(done.stdout)
    assert report["no_operations"] == ["inventory"] and report["results"] == []
