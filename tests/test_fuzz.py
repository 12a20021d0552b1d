"""Fuzzing: generated and mutated specs end in diagnostics or a build, never a traceback.

Two sources of input: specs written from the format's grammar (front matter,
headings with IDs and attributes, prose with normative words, declarations,
examples, conversations, commentary, footnotes, links), and valid specs
mutated at random (bytes deleted, duplicated, swapped; lines shuffled; fences
unbalanced). Each input is checked with `compile_source` and, when it compiles,
built for every template target into a temporary folder. A case must finish
within a time limit and leave no E082 (an emitter that crashed).

CI runs a few hundred cases. ``SPECC_FUZZ_EXAMPLES=5000 python -m pytest
tests/test_fuzz.py`` runs many more. Every failure found is kept in
``tests/data/fuzz/`` and replayed by `test_regression_case`.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, EXAMPLES, ROOT
from specc.build.driver import build
from specc.frontend.compile import compile_source

EXAMPLES_PER_TEST = int(os.environ.get("SPECC_FUZZ_EXAMPLES", "100"))
TARGETS = ["ts", "rust", "python", "docs", "podcast", "evals"]
SECONDS = 20
"""The most one case may take: compile and build, all targets."""
CASES = DATA / "fuzz"
SEEDS = [
    EXAMPLES / "todo.spec.md",
    EXAMPLES / "geometry.spec.md",
    EXAMPLES / "support_bot.spec.md",
    ROOT / "specs" / "semver.spec.md",
    ROOT / "specs" / "release_assistant.spec.md",
]
SEED_BYTES = [p.read_bytes() for p in SEEDS]

FUZZ = settings(
    max_examples=EXAMPLES_PER_TEST,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


class Hang(Exception):
    """Raised when a case runs past its time limit."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise `Hang` in the body after ``seconds`` (main thread, POSIX)."""

    def expire(signum, frame):  # type: ignore[no-untyped-def]
        raise Hang(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_case(data: bytes, out: Path) -> None:
    """Compile and, if clean, build ``data``; fail on a traceback, a hang or E082."""
    with time_limit(SECONDS):
        compiled = compile_source("fuzz.spec.md", data)
        for d in compiled.diagnostics:
            assert d.span.line >= 1 and d.span.col >= 1, d
        if not compiled.ok:
            return
        spec = out / "fuzz.spec.md"
        spec.write_bytes(data)
        result = build([str(spec)], TARGETS, out / "out")
    crashed = [d.message for d in result.diagnostics if d.code == "E082"]
    assert not crashed, crashed


# --- specs from the grammar ---------------------------------------------------------

NAMES = st.sampled_from(
    ["a", "b", "Task", "Point", "Kind", "x", "list", "map", "type", "none", "true", "É"]
)
PRIMS = st.sampled_from(["bool", "int", "float", "string", "bytes"])


def types(depth: int = 3) -> st.SearchStrategy[str]:
    """Return type expressions, nested up to ``depth``."""
    base = st.one_of(PRIMS, NAMES)
    if depth == 0:
        return base
    inner = types(depth - 1)
    return st.one_of(
        base,
        inner.map(lambda t: f"list<{t}>"),
        st.tuples(inner, inner).map(lambda kv: f"map<{kv[0]}, {kv[1]}>"),
        inner.map(lambda t: f"{t}?"),
    )


def values(depth: int = 3) -> st.SearchStrategy[str]:
    """Return value literals, nested up to ``depth``."""
    base = st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.text(max_size=5).map(
            lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'
        ),
        st.sampled_from(["true", "false", "none", "null", "1e999", "-0", '"\\u00e9"']),
        NAMES,
    )
    if depth == 0:
        return base
    inner = values(depth - 1)
    return st.one_of(
        base,
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(NAMES, inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"
        ),
        st.tuples(NAMES, inner).map(lambda tv: f"{tv[0]}{{x: {tv[1]}}}"),
    )


FIELDS = st.lists(
    st.tuples(NAMES, types(), st.none() | values(1)).map(
        lambda f: f"  {f[0]}: {f[1]}" + (f" = {f[2]}" if f[2] else "")
    ),
    max_size=4,
).map("\n".join)
DECLARATION = st.one_of(
    st.tuples(NAMES, FIELDS).map(lambda d: f"record {d[0]} {{\n{d[1]}\n}}"),
    st.tuples(NAMES, st.lists(NAMES, max_size=4)).map(
        lambda d: f"enum {d[0]} {{ {', '.join(d[1])} }}"
    ),
    st.tuples(NAMES, types()).map(lambda d: f"type {d[0]} = {d[1]}"),
    st.tuples(NAMES, FIELDS).map(lambda d: f"variant {d[0]} {{ t {{\n{d[1]}\n}} }}"),
    st.tuples(NAMES, st.text(max_size=5)).map(lambda d: f'error {d[0]} "{d[1]}"'),
    st.tuples(NAMES, st.lists(st.tuples(NAMES, types()), max_size=3), types()).map(
        lambda d: f"fn {d[0]}("
        + ", ".join(f"{n}: {t}" for n, t in d[1])
        + f") -> {d[2]}"
    ),
)
EXAMPLE = st.tuples(
    NAMES,
    st.lists(values(), max_size=3),
    st.sampled_from(["==", "~=", "raises"]),
    values(),
).map(lambda e: f"{e[0]}({', '.join(e[1])}) {e[2]} {e[3]}")
CONVERSATION = st.lists(
    st.tuples(
        st.sampled_from(["system", "developer", "user", "assistant", "tool", "bogus"]),
        st.text(max_size=20),
    ),
    max_size=4,
).map(
    lambda turns: "**Example**: t\n\n~~~xml\n"
    + "\n".join(f"<{r}>\n{t}\n</{r}>" for r, t in turns)
    + "\n<comparison>\n<assistant> <!-- GOOD -->\nok\n</assistant>\n"
    "<assistant> <!-- BAD: no -->\nno\n</assistant>\n</comparison>\n~~~"
)
BLOCK = st.one_of(
    st.lists(DECLARATION, max_size=3).map(
        lambda ds: "```specc\n" + "\n".join(ds) + "\n```"
    ),
    st.lists(EXAMPLE, max_size=3).map(
        lambda es: "```examples\n" + "\n".join(es) + "\n```"
    ),
    CONVERSATION,
    st.sampled_from(
        [
            "It MUST work[^f1]. It SHOULD NOT fail. See [that](#r1).",
            '!!! meta "Why"\n    Because.',
            "[^f1]: a footnote.",
            "Plain text with `code` and *emphasis*.",
            "MAY\nNOT",
        ]
    ),
    st.text(max_size=40),
)
HEADING = st.tuples(
    st.integers(1, 4),
    st.text(max_size=10).map(lambda t: t.replace("\n", " ")),
    st.sampled_from(
        ["", " {#r1}", " {#r2 authority=user}", " {#r1}", " {#}", " {#a b=c b=d}"]
    ),
).map(lambda h: "#" * h[0] + " " + h[1] + h[2])
SPEC = st.tuples(
    st.sampled_from(
        [
            "",
            "---\nspec: fuzz\ntitle: Fuzz\nversion: 1.0.0\n---\n",
            "---\n: [\n---\n",
            "---\n",
        ]
    ),
    st.lists(st.tuples(HEADING, st.lists(BLOCK, max_size=3)), max_size=5),
).map(lambda s: s[0] + "\n".join(h + "\n\n" + "\n\n".join(bs) + "\n" for h, bs in s[1]))


@FUZZ
@given(text=SPEC)
def test_specs_from_the_grammar(
    text: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    check_case(text.encode("utf-8"), tmp_path_factory.mktemp("fuzz"))


# --- valid specs, mutated ---------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """Return a seed spec with a few random mutations."""
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(["delete", "duplicate", "swap", "shuffle", "fence", "byte"])
        )
        size = len(data)
        a = draw(st.integers(0, max(size - 1, 0)))
        b = draw(st.integers(a, min(size, a + 200)))
        if kind == "delete":
            del data[a:b]
        elif kind == "duplicate":
            data[b:b] = data[a:b]
        elif kind == "swap":
            c = draw(st.integers(0, max(size - 1, 0)))
            first, second = bytes(data[a:b]), bytes(data[c : c + (b - a)])
            data[a:b], data[c : c + len(second)] = second, first
        elif kind == "shuffle":
            lines = bytes(data).split(b"\n")
            order = draw(st.permutations(range(len(lines))))
            cut = draw(st.integers(1, max(1, len(lines))))
            lines[:cut] = [lines[i] for i in order[:cut] if i < cut] or lines[:cut]
            data = bytearray(b"\n".join(lines))
        elif kind == "fence":
            fence = draw(
                st.sampled_from(
                    [b"```", b"~~~", b"```specc", b"```examples", b"~~~xml"]
                )
            )
            data[a:a] = b"\n" + fence + b"\n"
        else:
            data[a:a] = bytes([draw(st.integers(0, 255))])
    return bytes(data)


@FUZZ
@given(data=mutated())
def test_mutated_specs(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    check_case(data, tmp_path_factory.mktemp("fuzz"))


# --- what fuzzing found -------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES.glob("*.spec.md")), ids=lambda p: p.name)
def test_regression_case(case: Path, tmp_path: Path) -> None:
    check_case(case.read_bytes(), tmp_path)
