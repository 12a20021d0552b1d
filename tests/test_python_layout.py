"""The Python target lays its code out as black does, so builds need not run black."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import black
import pytest

from conftest import DATA, EXAMPLES, ROOT
from specc.build.driver import build
from specc.emitters.python import emitter, layout, model

MODE = black.Mode(target_versions={black.TargetVersion.PY310}, line_length=88)
WORDS = ["a", "x", "name", "Point", "very_long_field_name", "ShapePolygon", "tags"]


def formatted(source: str) -> str:
    """Return what black makes of ``source``."""
    return black.format_str(source, mode=MODE)


def random_string(rng: random.Random) -> str:
    """Return a string literal, sometimes long, sometimes with quotes or escapes."""
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 12)))
    text += rng.choice(["", '"', "'", "\\", "\n", 'it\'s "q"'])
    return model.py_string(text)


def random_expr(rng: random.Random, depth: int = 0) -> layout.Expr:
    """Return a random value tree of the shapes the emitter builds."""
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        atoms = [
            lambda: str(rng.randrange(-5, 10 ** rng.randrange(1, 12))),
            lambda: layout.number(repr(rng.random() * 10 ** rng.randrange(-8, 20))),
            lambda: random_string(rng),
            lambda: rng.choice(["None", "True", "False", "Priority.HIGH"]),
        ]
        return layout.Atom(rng.choice(atoms)())
    count = rng.randrange(0, 5)
    items = [random_expr(rng, depth + 1) for _ in range(count)]
    if roll < 0.55:
        return layout.listing(items)
    if roll < 0.7:
        keys = [layout.Atom(random_string(rng)) for _ in items]
        return layout.mapping(list(zip(keys, items, strict=True)))
    names = [rng.choice(WORDS) + str(i) for i in range(count)]
    args = [layout.Item(f"{n}=", v) for n, v in zip(names, items, strict=True)]
    return layout.call(rng.choice(WORDS[3:]), args)


STATEMENTS = [
    ("result = ", "", 2),
    ("tasks: list[Task] = ", "", 1),
    ("", "", 1),
    ("with ", ":", 1),
    ("raise ", "", 2),
]


@pytest.mark.parametrize("seed", range(6))
def test_statements_are_laid_out_exactly_as_black_does(seed: int) -> None:
    """Hundreds of random values, in every statement shape: same bytes as black, or unsure."""
    rng = random.Random(seed)
    checked = unsure = 0
    for _ in range(150):
        head, tail, depth = rng.choice(STATEMENTS)
        expr = random_expr(rng)
        if not head:  # a bare call statement
            expr = layout.call("_expect", [layout.Atom("result"), expr])
        lines = layout.Layout()
        text = lines.statement(head, expr, tail, depth)
        body = "pass" if tail else ""
        source = _nest(
            text + "\n" + ("    " * (depth + 1) + body + "\n" if body else ""), depth
        )
        if lines.unsure:
            unsure += 1
            continue
        assert formatted(source) == source
        checked += 1
    assert checked >= 80, (checked, unsure)


def _nest(text: str, depth: int) -> str:
    """Return ``text`` (already indented after its first line) inside ``depth`` blocks."""
    opening = "".join("    " * d + f"def f{d}() -> None:\n" for d in range(depth))
    return opening + "    " * depth + text


@pytest.mark.parametrize(
    "text",
    [
        "Short.",
        '"Quoted" at both ends"',
        "Ends in a backslash \\",
        "Two lines\nsecond line",
        "Indented\n    more\n  less",
        "Rule `x`:\n\n- " + "word " * 30,
        "x" * 90 + "\nlast line that is rather long " + "y" * 60,
        "Tabs\n\tinside",
    ],
)
@pytest.mark.parametrize("depth", [0, 1, 2])
def test_docstrings_are_written_as_black_writes_them(text: str, depth: int) -> None:
    """The docstring port strips, re-indents, pads and breaks quotes as black does."""
    lines = layout.Layout()
    doc = lines.docstring(model.docstring_body(text), depth)
    if lines.unsure:
        pytest.skip("left to black")
    source = _nest(doc + "\n", depth)
    if depth == 0:
        source = doc + "\n"
    assert formatted(source) == source


def test_builds_do_not_run_black(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared examples and a hostile spec build without calling black at all."""

    def refuse(source: str, path: str) -> str:
        raise AssertionError(f"black ran on {path}")

    monkeypatch.setattr(emitter, "black", refuse)
    for spec in (str(EXAMPLES), str(DATA / "hostile" / "python.spec.md")):
        result = build([spec], ["python"], tmp_path / "out")
        assert result.ok, [d.message for d in result.diagnostics]


def test_a_large_generated_spec_is_black_clean_without_black(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200 records, 200 functions, 600 examples: no black in the build, `black --check` passes."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    (spec,) = synth.generate(200, tmp_path / "spec", full=True)
    ran: list[str] = []
    real = emitter.black
    monkeypatch.setattr(emitter, "black", lambda s, p: ran.append(p) or real(s, p))
    result = build([str(spec)], ["python"], tmp_path / "out")
    assert result.ok and ran == []
    done = subprocess.run(
        [sys.executable, "-m", "black", "--check", str(tmp_path / "out" / "python")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_template_override_is_formatted_by_black(tmp_path: Path) -> None:
    """What a user's template renders is not laid out by specc, so black formats it."""
    (tmp_path / "python").mkdir()
    (tmp_path / "python" / "api.py.jinja").write_text(
        '{% extends "!python/api.py.jinja" %}\n'
        "{% block protocol %}\n\nX  =  [1,2,\n 3]\n{% endblock %}\n"
    )
    result = build(
        [str(EXAMPLES / "todo.spec.md")],
        ["python"],
        tmp_path / "out",
        templates=[tmp_path],
    )
    assert result.ok
    api = (tmp_path / "out" / "python" / "todo" / "src" / "todo" / "api.py").read_text()
    assert "\nX = [1, 2, 3]\n" in api
