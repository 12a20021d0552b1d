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

import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
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
#
# A spec is drawn whole, so that it is mostly valid and its build half runs:
# types refer only to types declared before them, values are drawn from the
# type they must fit, names are unique where the format requires it. About
# one spec in five then gets a chunk of free-form noise (the format's
# constructs written carelessly) to reach the diagnostics too;
# `test_most_grammar_specs_compile` holds the share of clean specs at 80% or
# more.

NAMES = st.sampled_from(
    ["a", "b", "Task", "Point", "Kind", "x", "list", "map", "type", "none", "true", "É"]
)
PRIMS = st.sampled_from(["bool", "int", "float", "string", "bytes"])
TYPE_NAMES = ["Task", "Point", "Kind", "Shape", "Id", "Money", "Tree", "Pair"]
ERROR_NAMES = ["Empty", "Missing", "TooBig"]
FUNCTION_NAMES = ["area", "count", "add", "find", "total", "merge"]
MEMBER_NAMES = ["low", "high", "red", "green", "on", "off", "a", "b"]
FIELD_NAMES = ["x", "y", "title", "count", "note", "due", "tags", "id"]
TEXT = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=8)
"""Text safe on one line of Markdown: no control or line-separator characters."""

Type = tuple  # ("bool",) … ("bytes",), ("list", T), ("map", K, V), ("opt", T), ("named", N)
Decls = dict  # type name -> ("alias", T) | ("enum", members) | ("record", fields)
#               | ("variant", [(tag, fields)]) | ("error", fields)


def render_type(t: Type) -> str:
    """Return a type as the declaration language writes it."""
    if t[0] == "list":
        return f"list<{render_type(t[1])}>"
    if t[0] == "map":
        return f"map<{render_type(t[1])}, {render_type(t[2])}>"
    if t[0] == "opt":
        return render_type(t[1]) + "?"
    return str(t[-1])


@st.composite
def type_of(draw: st.DrawFn, decls: Decls, depth: int = 2) -> Type:
    """Return a type made of primitives and the value types in ``decls``."""
    named = [n for n, d in decls.items() if d[0] != "error"]
    kinds = ["prim", "prim"] + ["named"] * bool(named)
    if depth > 0:
        kinds += ["list", "map", "opt"]
    kind = draw(st.sampled_from(kinds))
    if kind == "prim":
        return (draw(PRIMS),)
    if kind == "named":
        return ("named", draw(st.sampled_from(named)))
    inner = draw(type_of(decls, depth - 1))
    if kind == "list":
        return ("list", inner)
    if kind == "opt":
        return ("opt", inner)
    enums = [n for n, d in decls.items() if d[0] == "enum"]
    key = draw(st.sampled_from([("string",), ("int",)] + [("named", e) for e in enums]))
    return ("map", key, inner)


@st.composite
def value_of(draw: st.DrawFn, t: Type, decls: Decls) -> str:
    """Return a value literal that fits type ``t``."""
    kind = t[0]
    if kind == "int":
        return str(draw(st.integers(-(2**63), 2**63 - 1) | st.integers(-9, 99)))
    if kind == "float":
        return repr(draw(st.floats(allow_nan=False, allow_infinity=False)))
    if kind == "string":
        return json.dumps(draw(TEXT), ensure_ascii=False)
    if kind == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "bytes":
        return str(draw(st.lists(st.integers(0, 255), max_size=3)))
    if kind == "list":
        items = draw(st.lists(value_of(t[1], decls), max_size=3))
        return "[" + ", ".join(items) + "]"
    if kind == "opt":
        return draw(st.just("none") | value_of(t[1], decls))
    if kind == "map":
        keys = draw(st.lists(value_of(t[1], decls), max_size=3, unique=True))
        entries = [f"{k}: {draw(value_of(t[2], decls))}" for k in keys]
        return "{" + ", ".join(entries) + "}"
    decl = decls[t[1]]
    if decl[0] == "alias":
        return draw(value_of(decl[1], decls))
    if decl[0] == "enum":
        return draw(st.sampled_from(decl[1]))
    if decl[0] == "record":
        return draw(fields_value(decl[1], decls))
    tag, fields = draw(st.sampled_from(decl[1]))
    return tag + draw(fields_value(fields, decls)) if fields else tag


@st.composite
def fields_value(draw: st.DrawFn, fields: list, decls: Decls) -> str:
    """Return `{…}` giving every required field and some of the others."""
    given = [
        f"{name}: {draw(value_of(t, decls))}"
        for name, t, default in fields
        if (default is None and t[0] != "opt") or draw(st.booleans())
    ]
    return "{" + ", ".join(given) + "}"


@st.composite
def field_list(draw: st.DrawFn, decls: Decls) -> list:
    """Return (name, type, default or None) for a record, a tag or an error."""
    names = draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=3, unique=True))
    fields = []
    for name in names:
        t = draw(type_of(decls))
        default = draw(st.none() | value_of(t, decls)) if t[0] != "opt" else None
        fields.append((name, t, default))
    return fields


def render_fields(fields: list) -> str:
    """Return the `{ … }` of a record, a tag or an error."""
    parts = [
        f"{n}: {render_type(t)}" + (f" = {d}" if d is not None else "")
        for n, t, d in fields
    ]
    return "{ " + ", ".join(parts) + " }"


@st.composite
def declarations(draw: st.DrawFn) -> tuple[Decls, list[str]]:
    """Return the declared types and their `specc` lines; each uses only earlier ones."""
    decls: Decls = {}
    lines = []
    names = draw(st.lists(st.sampled_from(TYPE_NAMES), max_size=5, unique=True))
    for name in names:
        kind = draw(st.sampled_from(["alias", "enum", "record", "variant"]))
        if kind == "alias":
            decls[name] = ("alias", draw(type_of(decls)))
            lines.append(f"type {name} = {render_type(decls[name][1])}")
        elif kind == "enum":
            members = draw(
                st.lists(
                    st.sampled_from(MEMBER_NAMES), min_size=1, max_size=4, unique=True
                )
            )
            decls[name] = ("enum", members)
            lines.append(f"enum {name} {{ {', '.join(members)} }}")
        elif kind == "record":
            decls[name] = ("record", draw(field_list(decls)))
            lines.append(f"record {name} {render_fields(decls[name][1])}")
        else:
            tags = draw(
                st.lists(
                    st.sampled_from(MEMBER_NAMES), min_size=1, max_size=3, unique=True
                )
            )
            variant = [(tag, draw(field_list(decls))) for tag in tags]
            decls[name] = ("variant", variant)
            body = ", ".join(
                tag + (" " + render_fields(f) if f else "") for tag, f in variant
            )
            lines.append(f"variant {name} {{ {body} }}")
    for name in draw(st.lists(st.sampled_from(ERROR_NAMES), max_size=2, unique=True)):
        fields = draw(field_list(decls))
        decls[name] = ("error", fields)
        message = draw(
            st.none() | TEXT.map(lambda m: json.dumps(m, ensure_ascii=False))
        )
        lines.append(
            f"error {name}"
            + (f" {message}" if message else "")
            + (f" {render_fields(fields)}" if fields else "")
        )
    return decls, lines


@st.composite
def function_section(draw: st.DrawFn, name: str, decls: Decls) -> str:
    """Return a rule declaring function ``name``, with examples that fit it."""
    params = draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=3, unique=True))
    types_ = [draw(type_of(decls)) for _ in params]
    result = draw(type_of(decls))
    errors = [n for n, d in decls.items() if d[0] == "error"]
    raises = draw(st.lists(st.sampled_from(errors), unique=True)) if errors else []
    signature = (
        f"fn {name}("
        + ", ".join(
            f"{p}: {render_type(t)}" for p, t in zip(params, types_, strict=True)
        )
        + f") -> {render_type(result)}"
        + (f" raises {', '.join(raises)}" if raises else "")
    )
    examples = []
    for _ in range(draw(st.integers(1, 3))):
        args = ", ".join(draw(value_of(t, decls)) for t in types_)
        if raises and draw(st.booleans()):
            error = draw(st.sampled_from(raises))
            fields = decls[error][1]
            given = draw(fields_value(fields, decls)) if fields else ""
            examples.append(f"{name}({args}) raises {error}{given}")
        else:
            op = "~=" if result == ("float",) and draw(st.booleans()) else "=="
            examples.append(f"{name}({args}) {op} {draw(value_of(result, decls))}")
    text = draw(TEXT.map(lambda t: t.replace("`", "").replace("*", "").strip()))
    section = (
        f"## {name.title()} {{#r_{name}}}\n\n`{name}` MUST work. {text}\n\n"
        f"```specc\n{signature}\n```\n"
    )
    if examples:
        section += "\n```examples\n" + "\n".join(examples) + "\n```\n"
    return section


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
VALID_CONVERSATION = st.lists(
    st.tuples(st.sampled_from(["system", "user"]), TEXT.filter(str.strip)),
    max_size=2,
).map(
    lambda turns: "**Example**: a greeting\n\n~~~xml\n"
    + "".join(f"<{r}>\n{t}\n</{r}>\n" for r, t in turns)
    + "<user>\nhello\n</user>\n<comparison>\n<assistant> <!-- GOOD -->\nhi\n"
    "</assistant>\n<assistant> <!-- BAD[#fuzz]: rude -->\ngo away\n</assistant>\n"
    "</comparison>\n~~~"
)
PROSE = st.sampled_from(
    [
        "It MUST work[^f1]. It SHOULD NOT fail. See [that](#fuzz).\n\n[^f1]: a note.",
        '!!! meta "Why"\n    Because.',
        "Plain text with `code` and *emphasis*.",
        "MAY\nNOT",
    ]
)
NOISE = st.one_of(
    st.lists(
        st.one_of(
            st.tuples(NAMES, st.lists(NAMES, max_size=4)).map(
                lambda d: f"enum {d[0]} {{ {', '.join(d[1])} }}"
            ),
            st.tuples(NAMES, PRIMS | NAMES).map(lambda d: f"type {d[0]} = {d[1]}"),
            st.tuples(NAMES, st.text(max_size=5)).map(
                lambda d: f'error {d[0]} "{d[1]}"'
            ),
        ),
        max_size=3,
    ).map(lambda ds: "```specc\n" + "\n".join(ds) + "\n```"),
    st.tuples(NAMES, st.sampled_from(["==", "~=", "raises"]), NAMES).map(
        lambda e: f"```examples\n{e[0]}() {e[1]} {e[2]}\n```"
    ),
    CONVERSATION,
    st.sampled_from(
        [" {#r1}", " {#r2 authority=user}", " {#}", " {#a b=c b=d}", "[x](#nowhere)"]
    ).map(lambda h: "# Noise" + h),
    st.sampled_from(["", "---\n: [\n---\n", "---\n"]),
    st.text(max_size=40),
)


@st.composite
def grammar_spec(draw: st.DrawFn) -> str:
    """Return a spec drawn from the grammar: mostly valid, sometimes with noise."""
    decls, lines = draw(declarations())
    chunks = ["---\nspec: fuzz\ntitle: Fuzz\nversion: 1.0.0\n---\n", "# Fuzz {#fuzz}\n"]
    chunks.append("The spec MUST hold.\n\n" + draw(PROSE))
    if lines:
        chunks.append(
            "## Types {#types}\n\nValues MUST fit these types.\n\n```specc\n"
            + "\n".join(lines)
            + "\n```\n"
        )
    for name in draw(
        st.lists(st.sampled_from(FUNCTION_NAMES), max_size=3, unique=True)
    ):
        chunks.append(draw(function_section(name, decls)))
    if draw(st.booleans()):
        chunks.append("## Greeting {#greeting}\n\nIt MUST greet.\n\n")
        chunks.append(draw(VALID_CONVERSATION))
    if draw(st.integers(0, 9)) in (2, 5, 8):  # about one spec in five is noisy
        where = draw(st.integers(0, len(chunks)))
        chunks[where:where] = [draw(NOISE)]
    return "\n\n".join(chunks) + "\n"


SPEC = grammar_spec()
CLEAN_SHARE = 0.8
"""The share of grammar specs that must compile without a diagnostic."""


def test_most_grammar_specs_compile() -> None:
    """Over a fixed seed, 80% of the grammar's specs compile with no diagnostic at all.

    Otherwise the build half of `test_specs_from_the_grammar` runs on few inputs.
    """
    clean: list[bool] = []

    @seed(24)
    @settings(FUZZ, max_examples=100, phases=[Phase.generate])
    @given(text=SPEC)
    def compile_one(text: str) -> None:
        clean.append(not compile_source("fuzz.spec.md", text.encode()).diagnostics)

    compile_one()
    assert len(clean) >= 80
    assert sum(clean) >= CLEAN_SHARE * len(clean), f"{sum(clean)} of {len(clean)}"


@pytest.mark.slow
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


@pytest.mark.slow
@FUZZ
@given(data=mutated())
def test_mutated_specs(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    check_case(data, tmp_path_factory.mktemp("fuzz"))


# --- what fuzzing found -------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES.glob("*.spec.md")), ids=lambda p: p.name)
def test_regression_case(case: Path, tmp_path: Path) -> None:
    check_case(case.read_bytes(), tmp_path)
