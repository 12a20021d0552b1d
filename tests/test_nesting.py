"""Types and values nested absurdly deep end in a diagnostic, never a RecursionError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specc.frontend.compile import compile_source
from specc.frontend.lexer import MAX_NESTING

DEEP = 1000


def spec(decls: str, examples: str) -> str:
    """Return a spec with one rule holding ``decls`` and ``examples``."""
    return (
        "---\nspec: deep\n---\n\n# Deep {#deep}\n\n## Nesting {#nesting}\n\n"
        f"It MUST work.\n\n```specc\n{decls}\n```\n\n```examples\n{examples}\n```\n"
    )


def nested_type(depth: int) -> str:
    """Return `list<list<…int…>>` with ``depth`` levels in all."""
    return "list<" * (depth - 1) + "int" + ">" * (depth - 1)


def nested_list(depth: int) -> str:
    """Return `[[…1…]]` with ``depth`` levels in all."""
    return "[" * (depth - 1) + "1" + "]" * (depth - 1)


def nested_record(depth: int) -> str:
    """Return `{next: {next: … none}}` with ``depth`` levels in all."""
    return "{next: " * (depth - 1) + "none" + "}" * (depth - 1)


def alias_chain(depth: int) -> str:
    """Return aliases T1…T<depth>, each a list of the one before."""
    lines = ["type T1 = int"]
    lines += [f"type T{n} = list<T{n - 1}>" for n in range(2, depth + 1)]
    return "\n".join(lines)


def cases(depth: int) -> dict[str, tuple[str, str, str, str]]:
    """Return name -> (declarations, examples, code, message) nested ``depth`` levels."""
    return {
        "type": (
            f"type Deep = {nested_type(depth)}\nfn f(x: int) -> int",
            "f(1) == 1",
            "E049",
            "the type nests deeper than 32 levels",
        ),
        "alias chain": (
            alias_chain(depth) + f"\nfn f(x: T{depth}) -> int",
            "f([]) == 1",
            "E049",
            "type `T33` nests deeper than 32 levels once its aliases are expanded",
        ),
        "list literal": (
            "fn f(x: list<int>) -> int",
            f"f({nested_list(depth)}) == 1",
            "E063",
            "the value nests deeper than 32 levels",
        ),
        "record literal": (
            "record Node { next: Node? }\nfn f(x: Node) -> int",
            f"f({nested_record(depth)}) == 1",
            "E063",
            "the value nests deeper than 32 levels",
        ),
        "default value": (
            f"record Box {{ items: list<int> = {nested_list(depth)} }}\nfn f(x: Box) -> int",
            "f({}) == 1",
            "E063",
            "the value nests deeper than 32 levels",
        ),
    }


CASES = cases(DEEP)


@pytest.fixture(params=sorted(CASES))
def deep_spec(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str, str]:
    """Write one spec nested 1000 deep; return it, its code and message."""
    decls, examples, code, message = CASES[request.param]
    path = tmp_path / "deep.spec.md"
    path.write_text(spec(decls, examples))
    return path, code, message


def test_check_reports_deep_nesting(cli, deep_spec) -> None:  # type: ignore[no-untyped-def]
    """`specc check` prints the code and message, exits 1, no traceback."""
    path, code, message = deep_spec
    done = cli("check", str(path))
    assert done.exit_code == 1
    assert f"error[{code}]: {message}" in done.stderr
    assert "RecursionError" not in done.output + done.stderr


def test_build_of_every_target_reports_deep_nesting(cli, deep_spec, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`specc build` for all targets writes nothing and reports the diagnostic."""
    path, code, message = deep_spec
    done = cli("build", str(path), "--out", str(tmp_path / "out"), "--format", "json")
    assert done.exit_code == 1
    codes = {d["code"] for d in json.loads(done.stdout)["diagnostics"]}
    assert code in codes
    assert not (tmp_path / "out").exists()


def test_ir_reports_deep_nesting(cli, deep_spec) -> None:  # type: ignore[no-untyped-def]
    """`specc ir` prints the diagnostic and no IR."""
    path, code, message = deep_spec
    done = cli("ir", str(path))
    assert done.exit_code == 1
    assert f"error[{code}]: {message}" in done.stderr
    assert done.stdout == ""


def test_nesting_at_the_limit_builds_for_every_target(cli, tmp_path: Path) -> None:
    """32 levels of types, aliases, lists and records build for every target."""
    decls = (
        f"type Deep = {nested_type(MAX_NESTING)}\n"
        + alias_chain(MAX_NESTING)
        + "\nrecord Node { next: Node? }\n"
        f"fn f(x: Deep, y: T{MAX_NESTING}) -> int\nfn g(x: Node) -> int"
    )
    examples = (
        f"f({nested_list(MAX_NESTING)}, {nested_list(MAX_NESTING)}) == 1\n"
        f"g({nested_record(MAX_NESTING)}) == 1"
    )
    path = tmp_path / "deep.spec.md"
    path.write_text(spec(decls, examples))
    done = cli("build", str(path), "--out", str(tmp_path / "out"))
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "rust" / "deep" / "tests" / "conformance.rs").is_file()
    ir = cli("ir", str(path))
    assert ir.exit_code == 0
    assert len(json.loads(ir.stdout)["functions"]) == 2


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_level_past_the_limit_is_refused(name: str) -> None:
    """The limit is exactly 32: 33 levels of each kind are refused."""
    decls, examples, code, message = cases(MAX_NESTING + 1)[name]
    result = compile_source("deep.spec.md", spec(decls, examples).encode())
    assert [
        (d.code, d.message) for d in result.diagnostics if d.code in ("E049", "E063")
    ] == [(code, message)]


def nested_map(depth: int) -> str:
    """Return `{"a": {"a": … 1}}` with ``depth`` levels in all."""
    return '{"a": ' * (depth - 1) + "1" + "}" * (depth - 1)


READER_CASES = {
    "map literal": ("fn f(x: int) -> int", "f({}) == 1", '"a"'),
    "error fields": (
        "error E { x: int }\nfn f(x: int) -> int raises E",
        "f(1) raises E{{x: {}}}",
        "1",
    ),
}


@pytest.mark.parametrize("name", sorted(READER_CASES))
def test_map_keys_and_error_fields_count_as_levels(name: str) -> None:
    """32 levels pass and the 33rd is refused where it starts, inside maps and errors."""
    decls, example, innermost = READER_CASES[name]
    nest = nested_map if name == "map literal" else lambda d: nested_list(d - 1)

    def nesting_errors(depth: int) -> tuple[list[tuple[str, int]], str]:
        line = example.format(nest(depth))
        result = compile_source("deep.spec.md", spec(decls, line).encode())
        return [
            (d.code, d.span.col) for d in result.diagnostics if d.code == "E063"
        ], line

    assert nesting_errors(MAX_NESTING)[0] == []
    found, line = nesting_errors(MAX_NESTING + 1)
    assert found == [("E063", line.rindex(innermost) + 1)]


def nested_key(depth: int) -> str:
    """Return `{[[…7…]]: 1}`: a map whose key holds the rest of ``depth`` levels."""
    return "{" + "[" * (depth - 2) + "7" + "]" * (depth - 2) + ": 1}"


#: Values nested through each part of a `{…}`: the innermost token is where the
#: 33rd level starts.
BRACES_CASES = {
    "record fields": (nested_record, "none"),
    "map values": (nested_map, '"a"'),  # the last key is the 33rd level
    "map keys": (nested_key, "7"),
}


@pytest.mark.parametrize("part", sorted(BRACES_CASES))
@pytest.mark.parametrize("where", ["declaration default", "example"])
def test_each_part_of_braces_counts_as_a_level(part: str, where: str) -> None:
    """32 levels pass and the 33rd is refused where it starts, in defaults and examples."""
    nest, innermost = BRACES_CASES[part]

    def nesting_errors(depth: int) -> tuple[list[tuple[str, str, int, int]], int, int]:
        value = nest(depth)
        if where == "example":
            decls, example = "fn f(x: int) -> int", f"f({value}) == 1"
            nested = example
        else:
            nested = f"record Box {{ x: Node? = {value} }}"
            decls, example = nested + "\nfn f(x: int) -> int", "f(1) == 1"
        text = spec(decls + "\nrecord Node { next: Node? }", example)
        result = compile_source("deep.spec.md", text.encode())
        found = [
            (d.code, d.message, d.span.line, d.span.col)
            for d in result.diagnostics
            if d.code == "E063"
        ]
        line = text.splitlines().index(nested) + 1
        return found, line, nested.rindex(innermost) + 1

    assert nesting_errors(MAX_NESTING)[0] == []
    found, line, col = nesting_errors(MAX_NESTING + 1)
    assert found == [("E063", "the value nests deeper than 32 levels", line, col)]


def nested_call(depth: int) -> str:
    """Return `f(f(…v…))`: a property term with ``depth`` levels in all."""
    return "f(" * (depth - 1) + "v" + ")" * (depth - 1)


#: A `forall` line nested through each of its parts: (line, code, message,
#: where the 33rd level starts).
FORALL_CASES = {
    "type, first argument": (
        lambda d: f"forall m: map<{nested_type(d - 1)}, bool>: f(1) == 1",
        "E049",
        "the type nests deeper than 32 levels",
        lambda line: line.index("int"),
    ),
    "type, second argument": (
        lambda d: f"forall m: map<bool, {nested_type(d - 1)}>: f(1) == 1",
        "E049",
        "the type nests deeper than 32 levels",
        lambda line: line.index("int"),
    ),
    "call": (
        lambda d: f"forall v: int: {nested_call(d)} == 1",
        "E063",
        "the property nests deeper than 32 levels",
        lambda line: line.index("v)"),
    ),
    "value in a call": (
        lambda d: f"forall v: int: {nested_call(d - 1).replace('v', '[7]')} == 1",
        "E063",
        "the value nests deeper than 32 levels",
        lambda line: line.index("7"),
    ),
}


@pytest.mark.parametrize("name", sorted(FORALL_CASES))
def test_a_forall_line_counts_the_levels_of_its_types_and_terms(name: str) -> None:
    """32 levels pass and the 33rd is refused where it starts."""
    make, code, message, where = FORALL_CASES[name]

    def nesting_errors(depth: int) -> list[tuple[str, str, int, int]]:
        text = spec("fn f(x: int) -> int", make(depth))
        result = compile_source("deep.spec.md", text.encode())
        return [
            (d.code, d.message, d.span.line, d.span.col)
            for d in result.diagnostics
            if d.code in ("E049", "E063")
        ]

    assert nesting_errors(MAX_NESTING) == []
    line = make(MAX_NESTING + 1)
    number = spec("fn f(x: int) -> int", line).splitlines().index(line) + 1
    assert nesting_errors(MAX_NESTING + 1) == [(code, message, number, where(line) + 1)]


@pytest.mark.parametrize("levels", [MAX_NESTING - 1, MAX_NESTING])
def test_a_type_counts_the_levels_of_the_aliases_inside_it(levels: int) -> None:
    """`list<T32>` nests 33 levels: refused wherever it is written, T32 itself is not.

    Before, a field, parameter or result of such a type was refused by no
    diagnostic, and the examples of its function were dropped without a word.
    """
    t = f"T{levels}"
    decls = alias_chain(levels) + (
        f"\ntype D = list<{t}>\nrecord R {{ x: list<{t}> }}\n"
        f"variant V {{ a {{ y: map<string, {t}> }} }}\n"
        f"fn f(x: list<{t}>, r: R, v: V) -> list<{t}>"
    )
    text = spec(decls, "f([], {x: []}, a{y: {}}) == []")
    result = compile_source("deep.spec.md", text.encode())
    found = [
        (d.code, d.span.line, d.span.col, d.message)
        for d in result.diagnostics
        if d.severity.value == "error"
    ]
    if levels < MAX_NESTING:
        assert found == []
        assert len(list(result.spec.examples())) == 1
        return
    first = text.splitlines().index("type D = list<T32>") + 1
    deeper = "nests deeper than 32 levels once its aliases are expanded"
    assert found == [
        ("E049", first, 6, f"type `D` {deeper}"),
        ("E049", first + 1, 12, f"`list<T32>` {deeper}"),
        ("E049", first + 2, 17, f"`map<string, T32>` {deeper}"),
        ("E049", first + 3, 4, f"`list<T32>` {deeper}"),
        ("E049", first + 3, 6, f"`list<T32>` {deeper}"),
    ]
