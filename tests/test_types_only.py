"""A spec of types alone still yields its types in every code target."""

from __future__ import annotations

from pathlib import Path

from specc.build import build

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
