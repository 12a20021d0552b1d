"""Golden IR: `specc ir` of each input in data/golden/ matches its `.ir.json` byte for byte."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from conftest import DATA

GOLDEN = DATA / "golden"
SUFFIX = ".spec.md"

#: Goldens that hold the right IR, hand-corrected, where the compiler is wrong
#: today; `--update-goldens` leaves them alone (see the front-end test report).
KNOWN_BUGS: dict[str, str] = {}


def inputs() -> list[Path]:
    """Return the golden inputs, sorted."""
    return sorted(GOLDEN.glob(f"*{SUFFIX}"))


def case(path: Path) -> str:
    """Return a case's name: its file name without `.spec.md`."""
    return path.name[: -len(SUFFIX)]


def golden_for(path: Path) -> Path:
    """Return the golden IR file that belongs to an input."""
    return GOLDEN / f"{case(path)}.ir.json"


def params() -> list:
    """Return the inputs as pytest params, known bugs marked as strict xfails."""
    return [
        pytest.param(
            path,
            id=case(path),
            marks=(
                [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case(path)])]
                if case(path) in KNOWN_BUGS
                else []
            ),
        )
        for path in inputs()
    ]


def ir_bytes(cli, path: Path) -> bytes:
    """Run `specc ir` on an input from inside the golden folder; return stdout."""
    result = cli("ir", path.name)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.output
    return result.stdout_bytes


def test_there_are_enough_golden_cases():
    assert len(inputs()) >= 8
    assert set(KNOWN_BUGS) <= {case(p) for p in inputs()}


@pytest.mark.parametrize("path", params())
def test_ir_matches_golden(path: Path, cli, monkeypatch, update_goldens):
    monkeypatch.chdir(GOLDEN)
    actual = ir_bytes(cli, path)
    golden = golden_for(path)
    if update_goldens and case(path) not in KNOWN_BUGS:
        if not golden.exists() or golden.read_bytes() != actual:
            golden.write_bytes(actual)
        return
    assert golden.exists(), f"{golden.name} is missing: run pytest --update-goldens"
    expected = golden.read_bytes()
    if actual != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8").splitlines(),
            actual.decode("utf-8").splitlines(),
            golden.name,
            "specc ir",
            lineterm="",
        )
        pytest.fail("IR differs from the golden:\n" + "\n".join(list(diff)[:80]))


def test_no_stale_goldens(update_goldens):
    names = {case(p) for p in inputs()}
    stale = [
        g for g in GOLDEN.glob("*.ir.json") if g.name[: -len(".ir.json")] not in names
    ]
    if update_goldens:
        for g in stale:
            g.unlink()
        return
    assert [g.name for g in stale] == []


@pytest.mark.parametrize("path", inputs(), ids=case)
def test_golden_is_deterministic_and_relative(path: Path, cli, monkeypatch):
    monkeypatch.chdir(GOLDEN)
    first = ir_bytes(cli, path)
    assert ir_bytes(cli, path) == first
    text = first.decode("utf-8")
    assert str(GOLDEN) not in text and str(Path.home()) not in text
    paths = {m for m in _values(json.loads(text), "path")}
    assert paths == {path.name}


@pytest.mark.parametrize("path", inputs(), ids=case)
def test_spans_point_at_what_they_describe(path: Path):
    """Check spans against the source independently of the golden bytes."""
    from specc.frontend.compile import compile_file

    result = compile_file(path)
    assert result.ok, [d.code for d in result.diagnostics]
    spec = result.spec
    lines = path.read_bytes().decode("utf-8-sig").splitlines()

    def at(span, length: int | None = None) -> str:
        text = lines[span.line - 1]
        end = span.col - 1 + length if length else span.end_col - 1
        return text[span.col - 1 : end]

    for section in spec.walk():
        heading = lines[section.span.line - 1]
        assert section.title in heading
        if section.id:
            assert f"{{#{section.id}" in heading
        for statement in section.statements:
            first = statement.text.split()[0]
            assert lines[statement.span.line - 1][statement.span.col - 1 :].startswith(
                first
            )
        for link in section.links:
            assert at(link.span) == f"#{link.target}"
    for example in spec.examples():
        assert at(example.span) == example.text
    for conversation in spec.conversations():
        for turn in conversation.turns:
            assert at(turn.span, len(turn.role) + 1) == f"<{turn.role}"
            assert lines[turn.span.end_line - 1].endswith(f"</{turn.role}>")
        for answer in conversation.answers:
            assert at(answer.span, len("<assistant")) == "<assistant"
    for decl in [*spec.types, *spec.functions]:
        assert at(decl.span) == decl.name
        for field in getattr(decl, "fields", []) + getattr(decl, "params", []):
            assert at(field.span) == field.name
        for member in getattr(decl, "members", []):
            assert at(member.span) == member.name
        for tag in getattr(decl, "tags", []):
            assert at(tag.span) == tag.name
    for footnote in spec.footnotes:
        assert lines[footnote.span.line - 1].startswith(f"[^{footnote.id}]:")


def _values(node: object, key: str):
    """Yield every value stored under ``key`` anywhere in a JSON tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _values(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, key)
