"""`specc fmt`: the canonical layout, `--check`, idempotence and meaning kept on every spec."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz import FUZZ, SEED_BYTES, SPEC, mutated

from conftest import DATA, EXAMPLES, ROOT
from specc.fmt.document import MeaningChanged, check_meaning, format_text
from specc.fmt.meaning import same_meaning
from specc.frontend.compile import compile_source
from specc.frontend.interfaces import Imports
from specc.frontend.project import Project, project_files

UNFORMATTED = """\
---
spec: layout
---

# Layout {#layout}

Prose is never touched:   `enum   A{x}`   stays.

```specc
// leading comment

/// An enum.
enum   Color{red,green ,  blue}
record Point { x: float, y: float }   // trailing
record Task {
  // own line comment
  title : string,
  done: bool=false   // why


  priority: Color = red
}
variant Shape {
  circle{radius:float}
  empty
}
error E "msg"
fn f(a: int, b: list<map<string,int>>) -> int? raises E
type Points = list<Point> ?
fn a_rather_long_function_name(first_argument: map<string, list<Point>>, second: Task) -> Shape
```

```examples
  f(1,[{"a":1}])==none   # note
# comment only


f( 1 , [] ) raises E
```
"""

FORMATTED = """\
---
spec: layout
---

# Layout {#layout}

Prose is never touched:   `enum   A{x}`   stays.

```specc
// leading comment

/// An enum.
enum Color { red, green, blue }
record Point { x: float, y: float }  // trailing
record Task {
  // own line comment
  title: string
  done:  bool = false  // why

  priority: Color = red
}
variant Shape {
  circle { radius: float }
  empty
}
error E "msg"
fn f(a: int, b: list<map<string, int>>) -> int? raises E
type Points = list<Point>?
fn a_rather_long_function_name(
  first_argument: map<string, list<Point>>,
  second: Task,
) -> Shape
```

```examples
f(1, [{"a": 1}]) == none  # note
# comment only

f(1, []) raises E
```
"""


def test_blocks_take_the_canonical_layout_and_prose_stays() -> None:
    assert format_text("layout.spec.md", UNFORMATTED) == FORMATTED
    check_meaning("layout.spec.md", UNFORMATTED, FORMATTED)


def test_a_block_with_a_syntax_error_is_left_as_written() -> None:
    text = (
        "# T {#t}\n\n```specc\nrecord   A {\n```\n\n```examples\nf(1,\nf(1,2)==3\n```\n"
    )
    assert format_text("t.spec.md", text) == text.replace("f(1,2)==3", "f(1, 2) == 3")


def test_windows_line_endings_stay() -> None:
    text = UNFORMATTED.replace("\n", "\r\n")
    assert format_text("layout.spec.md", text) == FORMATTED.replace("\n", "\r\n")


PROJECT = sorted((ROOT / "examples" / "project").glob("*.spec.md"))
"""Specs that use each other: each compiles, and is compared, in its project."""


def _repo_specs() -> list[Path]:
    """Every spec in the repo that compiles without errors (in its project)."""
    found = sorted((ROOT / "specs").glob("*.spec.md")) + sorted(
        EXAMPLES.glob("*.spec.md")
    )
    found += PROJECT
    for path in sorted(DATA.rglob("*.spec.md")):
        if compile_source(str(path), path.read_bytes()).ok:
            found.append(path)
    return found


def _imports(path: Path) -> Imports | None:
    """Return what the spec's project gives its compile."""
    project = Project(project_files([str(path)]))
    imports = project.imports(str(path))
    compiled = project.compile(str(path))
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    return imports


@pytest.mark.parametrize("path", _repo_specs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_is_idempotent_and_keeps_the_ir(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    once = format_text(str(path), text)
    assert format_text(str(path), once) == once
    check_meaning(str(path), text, once, _imports(path))


@pytest.mark.parametrize("path", PROJECT, ids=lambda p: p.name)
def test_a_changed_meaning_is_caught_in_a_spec_that_uses_others(path: Path) -> None:
    """The IR compared is the whole one: the project's specs give their types, so the
    examples are typed, and a changed value is a changed IR."""
    text = path.read_text()
    value = re.search(r"\{cents: (\d+)", text)
    assert value is not None
    changed = text.replace(value.group(), "{cents: 1" + value.group(1), 1)
    with pytest.raises(MeaningChanged):
        check_meaning(str(path), text, changed, _imports(path))


MEANT = """\
# Meant {#meant}

## Sizes {#sizes}

A size MUST be counted in whole units.

```specc
/// A box.
record Box { width: int, height: int, label: string? }
enum Unit { mm, cm }
fn area(box: Box) -> int
```

```examples
area({width: 2, height: 3, label: none}) == 6
area({width: 1, height: 1, label: "one"}) == 1
```
"""


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("== 6", "== 7"),  # an expected value
        ('"one"', '"One"'),  # a string in an argument
        ("width: int, height: int", "height: int, width: int"),  # field order
        ("label: string?", "label: string"),  # a type
        ("/// A box.", "/// A crate."),  # a doc comment
        ("{ mm, cm }", "{ cm, mm }"),  # member order
        ("MUST be counted", "SHOULD be counted"),  # a rule's level
        ("in whole units", "in units"),  # a rule's text
        ("label: none}) == 6", "label: none}) == 6.5"),  # a finding (a float for int)
    ],
)
def test_the_meaning_check_sees_every_change_but_layout(
    before: str, after: str
) -> None:
    """Only spans, block sources and an example's text as written may differ."""
    assert before in MEANT
    with pytest.raises(MeaningChanged):
        check_meaning("meant.spec.md", MEANT, MEANT.replace(before, after))


def test_the_meaning_check_lets_layout_change() -> None:
    moved = MEANT.replace("## Sizes", "\n\n## Sizes").replace(
        "area({width: 2, height: 3, label: none}) == 6",
        "area( {width:2,height:3,label:none} )  ==  6",
    )
    check_meaning("meant.spec.md", MEANT, moved)
    old = compile_source("meant.spec.md", MEANT.encode())
    new = compile_source("meant.spec.md", moved.encode())
    assert old.ok and old.spec is not None and new.spec is not None
    assert old.spec.functions[0].span != new.spec.functions[0].span  # layout moved


def test_the_repo_specs_are_formatted(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """What CI checks: `specc fmt --check specs/ examples/` passes."""
    monkeypatch.chdir(ROOT)
    result = cli("fmt", "--check", "specs/", "examples/")
    assert result.exit_code == 0, result.output


def test_check_prints_a_diff_and_exits_1_then_fmt_writes(cli, tmp_path: Path) -> None:
    spec = tmp_path / "layout.spec.md"
    spec.write_text(UNFORMATTED)
    result = cli("fmt", "--check", str(spec))
    assert result.exit_code == 1
    assert "+enum Color { red, green, blue }" in result.stdout
    assert "-enum   Color{red,green ,  blue}" in result.stdout
    assert spec.read_text() == UNFORMATTED
    assert cli("fmt", str(spec)).exit_code == 0
    assert spec.read_text() == FORMATTED
    assert cli("fmt", "--check", str(spec)).exit_code == 0


def test_fmt_refuses_input_that_is_not_a_spec(cli, tmp_path: Path) -> None:
    binary = tmp_path / "bad.spec.md"
    binary.write_bytes(b"\x00\x01")
    result = cli("fmt", str(binary))
    assert result.exit_code == 1
    assert "E003" in result.stderr


def _spaced(text: str, wide: bool) -> str:
    """Add spaces around the punctuation of `specc` and `examples` blocks."""
    spaced = (lambda m: f" {m.group(1)} ") if wide else (lambda m: f"{m.group(1)}  ")
    out, inside = [], False
    for line in text.split("\n"):
        if line.startswith("```"):
            inside = line.strip() in ("```specc", "```examples")
        elif inside and not re.search(r'"|//|#', line):
            line = re.sub(r"(->|==|~=|[{}()\[\],:=<>?])", spaced, line)
        out.append(line)
    return "\n".join(out)


@FUZZ
@given(wide=st.booleans(), data=st.sampled_from(SEED_BYTES))
def test_spacing_never_changes_the_result(wide: bool, data: bytes) -> None:
    text = data.decode()
    assert format_text("s.spec.md", _spaced(text, wide)) == format_text(
        "s.spec.md", text
    )


@FUZZ
@given(text=SPEC)
def test_generated_specs_format_stably(text: str) -> None:
    once = format_text("g.spec.md", text)
    assert format_text("g.spec.md", once) == once
    check_meaning("g.spec.md", text, once)


@FUZZ
@given(data=mutated())
def test_mutated_specs_format_stably(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    if "\x00" in text:
        return
    once = format_text("m.spec.md", text)
    assert format_text("m.spec.md", once) == once
    before = compile_source("m.spec.md", text.encode())
    after = compile_source("m.spec.md", once.encode())
    assert same_meaning(before, after)


def test_the_cli_formats_a_folder(cli, tmp_path: Path) -> None:
    folder = tmp_path / "specs"
    shutil.copytree(EXAMPLES, folder)
    (folder / "todo.spec.md").write_text(
        (folder / "todo.spec.md")
        .read_text()
        .replace("title:    string", "title :string")
    )
    assert cli("fmt", "--check", str(folder)).exit_code == 1
    assert cli("fmt", str(folder)).exit_code == 0
    assert (folder / "todo.spec.md").read_text() == (
        EXAMPLES / "todo.spec.md"
    ).read_text()
