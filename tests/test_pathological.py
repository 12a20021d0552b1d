"""Pathological inputs end in bounded time, with a clear diagnostic where a limit applies."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from specc.build.driver import build
from specc.frontend.compile import (
    MAX_LINE_CHARS,
    MAX_SPEC_BYTES,
    _long_line,
    compile_source,
)
from specc.frontend.lower.blocks import MAX_EXAMPLES
from specc.source import SourceFile
from specc.targets import BUILTIN

HEAD = (
    "---\nspec: p\n---\n\n# P {#p}\n\nIt MUST work.\n\n"
    "```specc\nfn f(x: int) -> int\n```\n\n"
)
BUDGET = 60.0
"""Seconds any one of these may take, on a loaded 2-core machine."""


def compile_timed(text: str | bytes):  # type: ignore[no-untyped-def]
    data = text.encode("utf-8") if isinstance(text, str) else text
    start = time.perf_counter()
    result = compile_source("p.spec.md", data)
    assert time.perf_counter() - start < BUDGET
    return result, [(d.code, d.span.line, d.span.col) for d in result.diagnostics]


def test_a_20_mb_spec_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "big.spec.md"
    chunk = "Prose that MUST be read, over and over.\n\n"
    path.write_text(HEAD + chunk * (20 * 2**20 // len(chunk)))
    assert path.stat().st_size > MAX_SPEC_BYTES
    start = time.perf_counter()
    result, codes = compile_timed(path.read_bytes())
    assert time.perf_counter() - start < 5
    assert codes == [("E006", 1, 1)]
    assert "20.0 MB" in result.diagnostics[0].message


@pytest.mark.parametrize(
    "line",
    [
        "word " * 200_000,
        "[a](#p) " * 125_000,
        "*a _b " * 170_000,
        "```examples\nf(" + "[" * 1_000_000,
        '```examples\nf("' + "x" * 1_000_000 + '") == 1',
    ],
    ids=["prose", "links", "emphasis", "brackets", "string"],
)
def test_a_line_of_a_million_characters_is_refused(line: str) -> None:
    _, codes = compile_timed(HEAD + line + "\n")
    last = (HEAD + line).count("\n") + 1
    assert codes == [("E007", last, MAX_LINE_CHARS + 1)]


@pytest.mark.parametrize(
    "text",
    [
        "[a](#p) " * 12_000,
        "It MUST go. " * 8_000,
        "*a _b " * 16_000,
        "[" * 90_000,
    ],
    ids=["links", "sentences", "emphasis", "brackets"],
)
def test_long_lines_under_the_limit_compile(text: str) -> None:
    result, codes = compile_timed(HEAD + text + "\n")
    assert result.spec is not None and not any(c[0].startswith("E") for c in codes)


def test_100_000_examples_stop_at_the_limit() -> None:
    examples = "".join(f"f({i}) == {i}\n" for i in range(100_000))
    result, codes = compile_timed(HEAD + "```examples\n" + examples + "```\n")
    first_example_line = HEAD.count("\n") + 2
    assert codes == [("E008", first_example_line + MAX_EXAMPLES, 1)]
    assert (
        result.diagnostics[0].message
        == f"more than {MAX_EXAMPLES} examples in one spec"
    )


def test_the_limits_leave_room_for_the_largest_benchmark() -> None:
    """N = 10000 records with functions: about 12 MB and 30 000 examples in one file."""
    assert MAX_SPEC_BYTES >= 16 * 2**20 and MAX_EXAMPLES >= 30_000


def test_a_chain_of_1000_aliases_builds_for_every_target(tmp_path: Path) -> None:
    """`check` accepts any acyclic alias chain, so no emitter may recurse along one."""
    chain = "\n".join(f"type A{i} = A{i - 1}" for i in range(1, 1000))
    spec = tmp_path / "chain.spec.md"
    spec.write_text(
        "---\nspec: chain\n---\n\n# Chain {#chain}\n\nIt MUST work.\n\n"
        f"```specc\ntype A0 = float\n{chain}\nfn f(x: A999) -> A999\n```\n\n"
        "```examples\nf(1.5) == 1.5\n```\n"
    )
    start = time.perf_counter()
    result = build([str(spec)], list(BUILTIN), tmp_path / "out")
    assert time.perf_counter() - start < BUDGET
    assert [(d.code, d.message) for d in result.diagnostics] == []
    made = {path.partition("/")[0] for path in result.files}
    assert made == set(BUILTIN) - {"evals"}  # evals has no conversation to make
    assert (
        "pub type A999 = A998;"
        in (tmp_path / "out/rust/chain/src/types.rs").read_text()
    )


def _aliases(lines: list[str]) -> str:
    return HEAD.replace("fn f(x: int) -> int", "\n".join(lines))


def test_aliases_that_share_targets_are_checked_in_linear_time() -> None:
    """Each alias names the next two: expanding them is a tree of 2^32 nodes."""
    n = 2000
    lines = [f"type A{i} = map<string, list<A{i + 1}>>" for i in range(n)]
    lines += [f"type B{i} = map<B{i + 1}, B{i + 2}>" for i in range(n)]
    lines += [f"type A{n} = int", f"type B{n} = int", f"type B{n + 1} = int"]
    start = time.process_time()
    _, codes = compile_timed(_aliases(lines))
    assert time.process_time() - start < 5  # was hours: every path counted
    first = HEAD.count("\n") - 2  # the line of the first alias
    assert ("E049", first + n - 16, 6) in codes  # A1984: 16 levels of map<_, list<…>>
    assert ("E049", first + 2 * n - 32, 6) in codes  # B1968: 32 levels of map<B…>
    # the maps B1969… cannot be keys: 31 of them, within the nesting limit
    assert sum(code == "E048" for code, _, _ in codes) == 31
    assert len(codes) == 33


@pytest.mark.parametrize("shape", ["chain", "cycle"])
def test_a_long_chain_of_aliases_is_checked_in_linear_time(shape: str) -> None:
    n = 20_000
    last = "A0" if shape == "cycle" else "int"
    lines = [f"type A{i} = A{i + 1}" for i in range(n - 1)] + [
        f"type A{n - 1} = {last}"
    ]
    start = time.process_time()
    _, codes = compile_timed(_aliases(lines))
    assert time.process_time() - start < 5  # was minutes: one walk per alias
    expected = n if shape == "cycle" else 0
    assert [c for c in codes if c[0] == "E047"][:1] == (
        [("E047", HEAD.count("\n") - 2, 6)] if expected else []
    )
    assert sum(code == "E047" for code, _, _ in codes) == expected


def test_whether_a_result_holds_a_float_is_found_in_linear_time() -> None:
    """`~=` needs a float in the result: each record here holds the next twice."""
    n = 2000
    lines = [f"record R{i} {{ a: R{i + 1}?, b: R{i + 1}? }}" for i in range(n)]
    lines += [f"record R{n} {{ x: int }}", "fn g(x: int) -> R0"]
    text = _aliases(lines) + "```examples\ng(1) ~= {}\n```\n"
    start = time.process_time()
    _, codes = compile_timed(text)
    assert time.process_time() - start < 5  # was 2^n: every path walked
    assert [c[0] for c in codes] == ["E060"]


def test_a_function_of_300_parameters_takes_300_arguments() -> None:
    """Counts past CPython's small ints compare as numbers."""
    params = ", ".join(f"a{i}: int" for i in range(300))
    args = ", ".join(str(i) for i in range(300))
    text = HEAD.replace("fn f(x: int) -> int", f"fn f({params}) -> int") + (
        f"```examples\nf({args}) == 1\nf({args}, 300) == 1\n```\n"
    )
    result, codes = compile_timed(text)
    assert [d.message for d in result.diagnostics if d.code == "E052"] == [
        "`f` takes 300 arguments, this call gives 301"
    ]
    assert [len(e.args) for e in result.spec.examples()] == [300]


def _long_line_by_finding(text: str) -> tuple[int, int] | None:
    """`compile._long_line` as it was: a line at a time, by `str.find`."""
    if len(text) <= MAX_LINE_CHARS:
        return None
    start, number = 0, 1
    while True:
        end = text.find("\n", start)
        stop = len(text) if end == -1 else end
        if stop - start > MAX_LINE_CHARS:
            return number, stop - start
        if end == -1:
            return None
        start, number = end + 1, number + 1


def _starts_by_finding(text: str) -> list[int]:
    """`SourceFile`'s line starts as they were found: a line at a time."""
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def test_line_lengths_and_starts_summed_in_c_are_those_found_a_line_at_a_time() -> None:
    """`_long_line` and `SourceFile` split the text and sum lengths in C."""
    rng = random.Random(5)
    limit = MAX_LINE_CHARS
    texts = ["", "\n", "a", "a\n", "\n\n", "ab\ncd", "x" * (limit + 1)]
    texts += ["\n".join(["y" * limit] * 3), "\n".join(["z" * (limit + 1)] * 2)]
    for _ in range(300):
        lengths = [rng.choice([0, 1, 7, limit - 1, limit, limit + 1]) for _ in range(4)]
        texts.append("\n".join("w" * n for n in lengths) + rng.choice(["", "\n"]))
    for text in texts:
        assert _long_line(text) == _long_line_by_finding(text)
        assert SourceFile("t", text)._starts == _starts_by_finding(text)
