"""What a user reads of a diagnostic: the reader's wording, the caret, the colours, the JSON keys."""

from __future__ import annotations

import pytest

from specc.diagnostics import Diagnostic, Related, has_errors, render, sort_key
from specc.frontend.compile import compile_source
from specc.source import SourceFile, Span

DECLARATIONS = (
    "record R { a: int }\nfn f(x: int) -> int\nfn g(x: map<string, int>) -> R"
)


def spec(declarations: str, examples: str = "f(1) == 1") -> str:
    """Return a spec with one rule; its examples block starts on line 16."""
    return (
        "---\nspec: p\n---\n\n# P {#p}\n\nIt MUST work.\n\n"
        f"```specc\n{declarations}\n```\n\n```examples\n{examples}\n```\n"
    )


def errors(text: str) -> list[tuple[str, int, int, str]]:
    """Return (code, line, col, message) of each error in ``text``."""
    result = compile_source("p.spec.md", text.encode("utf-8"))
    return [
        (d.code, d.span.line, d.span.col, d.message)
        for d in result.diagnostics
        if d.severity.value == "error"
    ]


# --- the example reader and the lexer: every message, word for word -----------------


@pytest.mark.parametrize(
    "line, col, message",
    [
        ("f(1) == $", 9, "unexpected character '$'"),
        ("f(-) == 1", 3, "unexpected character '-'"),
        ("f('a') == 1", 3, 'unexpected character "\'"'),
        ('f(1) == "a', 9, "unexpected character '\"'"),
        ('f(1) == "\\q"', 9, "invalid escape in string literal"),
        ("f(1)", 5, "expected '==', '~=' or 'raises', found end of block"),
        ("f(1) == ", 9, "expected a value, found end of block"),
        ("f(1) ~= ", 9, "expected a value, found end of block"),
        ("f(1,, 2) == 1", 5, "expected a value, found ','"),
        ("f(1) == 1 2", 11, "expected the end of the example, found '2'"),
        ("f(1) == 1e", 10, "expected the end of the example, found 'e'"),
        ("(1) == 1", 1, "expected a function call, found '('"),
        ("f 1 == 1", 3, "expected '(' after the function name, found '1'"),
        (
            "f(1) raises",
            12,
            "expected an error name after 'raises', found end of block",
        ),
        ("f(1) raises 3", 13, "expected an error name after 'raises', found '3'"),
        ("f(1) == [1 2]", 12, "expected ']', found '2'"),
        ('g({"a" 1}) == {a: 1}', 8, "expected ':' after a map key, found '1'"),
        ('g({"a": 1 "b": 2}) == {a: 1}', 11, "expected ',' or '}', found '\"b\"'"),
        ('g({a: 1, "b": 2}) == {a: 1}', 3, "a '{…}' mixes field names and map keys"),
        ("f(1) == " + "[" * 33 + "]" * 33, 41, "the value nests deeper than 32 levels"),
    ],
)
def test_example_syntax_errors_say_what_was_expected(
    line: str, col: int, message: str
) -> None:
    """Each E050 (and E063) names the expected token and what stood there instead."""
    code = "E063" if "nests" in message else "E050"
    assert errors(spec(DECLARATIONS, line)) == [(code, 16, col, message)]


@pytest.mark.parametrize("line", ["f(1) == 1 # why", "f(1) == 1 // why", "# alone"])
def test_examples_take_both_comment_forms(line: str) -> None:
    assert errors(spec(DECLARATIONS, line)) == []


@pytest.mark.parametrize(
    "declarations, col, message",
    [
        ("# not a comment here", 1, "unexpected character '#'"),
        ('record S { a: string = "\\q" }', 24, "invalid escape in string literal"),
        ("record S { a: int = 1 } $", 25, "unexpected character '$'"),
    ],
)
def test_declaration_lexer_errors(declarations: str, col: int, message: str) -> None:
    """The declaration language reads `#` as a stray character, not a comment."""
    text = spec("fn f(x: int) -> int\n" + declarations)
    assert errors(text)[0] == ("E040", 11, col, message)


def test_the_end_of_a_declaration_block_is_the_line_after_it() -> None:
    text = spec("fn f(x: int) -> int\nrecord S { a: int")
    assert errors(text) == [
        ("E040", 12, 1, "expected a field name, found end of block")
    ]


def test_positions_count_from_where_the_block_sits() -> None:
    """A token's column is counted on its own line, after earlier lines of the block."""
    text = spec(DECLARATIONS, "f(1) == 1\n  f(2) == $")
    assert errors(text) == [("E050", 17, 11, "unexpected character '$'")]


def test_an_example_ends_before_its_trailing_comment() -> None:
    """Its text and span (what docs, test names and carets show) leave the comment out."""
    result = compile_source(
        "p.spec.md", spec(DECLARATIONS, "  f(1)  ==  1  # why").encode()
    )
    assert result.spec is not None
    (example,) = result.spec.examples()
    assert example.text == "f(1)  ==  1"
    assert (example.span.line, example.span.col, example.span.end_col) == (16, 3, 14)


def test_a_doc_comment_keeps_its_text_without_the_slashes() -> None:
    result = compile_source(
        "p.spec.md", spec("///   Counts.  \nfn f(x: int) -> int").encode()
    )
    assert result.spec is not None
    assert result.spec.functions[0].doc == "Counts."


# --- rendering ----------------------------------------------------------------------

SOURCE = SourceFile("s.md", "first\n\tab\tcd = value\nlast\n")


def diagnostic(code: str = "E050", hint: str | None = None, **span: int) -> Diagnostic:
    """Return a diagnostic on ``s.md`` with the given span fields."""
    return Diagnostic(code, "bad thing", Span(path="s.md", **span), hint)


@pytest.mark.parametrize(
    "span, caret",
    [
        ({"line": 2, "col": 5, "end_line": 2, "end_col": 11}, "\t  \t^~~~~~"),
        ({"line": 2, "col": 5, "end_col": 6}, "\t  \t^"),
        ({"line": 2, "col": 2}, "\t^"),
        ({"line": 2, "col": 1, "end_line": 3, "end_col": 9}, "^"),
        ({"line": 2, "col": 7, "end_line": 2, "end_col": 3}, "\t  \t  ^"),
    ],
    ids=["range", "one", "no-end", "several-lines", "end-before-start"],
)
def test_the_caret_spans_the_range_and_keeps_the_tabs(span: dict, caret: str) -> None:  # type: ignore[type-arg]
    """`^~~~` is as wide as a one-line span; tabs before it stay tabs to line up."""
    assert render(diagnostic(**span), SOURCE).splitlines() == [
        f"s.md:2:{span['col']}: error[E050]: bad thing",
        "  |",
        "2 | \tab\tcd = value",
        f"  | {caret}",
    ]


def test_render_without_source_or_past_the_end_shows_the_head_only() -> None:
    head = "s.md:9:1: warning[W101]: bad thing"
    assert render(diagnostic("W101", line=9), SOURCE) == head
    assert (
        render(diagnostic("W101", line=1), None) == "s.md:1:1: warning[W101]: bad thing"
    )


def test_the_hint_follows_the_caret() -> None:
    text = render(diagnostic("H102", "say MUST", line=1, col=1, end_col=6), SOURCE)
    assert text.splitlines()[-2:] == ["  | ^~~~~", "  = hint: say MUST"]
    assert text.startswith("s.md:1:1: hint[H102]: bad thing\n")


@pytest.mark.parametrize(
    "code, colour", [("E050", "31"), ("W101", "33"), ("H102", "36")]
)
def test_colour_marks_the_severity_and_the_caret(code: str, colour: str) -> None:
    """On a terminal the severity and the caret are bold, red, yellow or cyan."""
    text = render(diagnostic(code, line=1, col=2, end_col=4), SOURCE, colour=True)
    bold = f"\x1b[{colour}m\x1b[1m"
    severity = {"E": "error", "W": "warning", "H": "hint"}[code[0]]
    assert text.splitlines() == [
        f"s.md:1:2: {bold}{severity}[{code}]\x1b[0m: bad thing",
        "  |",
        "1 | first",
        f"  |  {bold}^~\x1b[0m",
    ]
    assert "\x1b" not in render(diagnostic(code, line=1, col=2, end_col=4), SOURCE)


# --- the value ----------------------------------------------------------------------


def test_json_form_names_every_field() -> None:
    """`--format json` tools read these keys; renaming one breaks them."""
    found = diagnostic(line=2, col=5, end_line=2, end_col=11, hint="fix it").to_json()
    assert found == {
        "code": "E050",
        "severity": "error",
        "message": "bad thing",
        "path": "s.md",
        "line": 2,
        "col": 5,
        "end_line": 2,
        "end_col": 11,
        "hint": "fix it",
        "related": [],
    }
    first = Related(Span(path="t.md", line=1, col=3, end_line=1, end_col=4), "first")
    again = Diagnostic("E041", "twice", Span(path="s.md", line=2), None, (first,))
    assert again.to_json()["related"] == [
        {
            "message": "first",
            "path": "t.md",
            "line": 1,
            "col": 3,
            "end_line": 1,
            "end_col": 4,
        }
    ]


@pytest.mark.parametrize(
    "text, code, related",
    [
        (
            "# A {#a}\n\nIt MUST.\n\n## B {#a}\n\nIt MUST.\n",
            "E021",
            [(1, 6, 1, 8, "`#a` is first used here")],
        ),
        (
            spec("record R { a: int }\nrecord R { b: int }"),
            "E041",
            [(10, 8, 10, 9, "`R` is first declared here")],
        ),
        (
            spec("record R { a: int, b: int, a: bool }"),
            "E043",
            [(10, 12, 10, 13, "the first `a`")],
        ),
    ],
)
def test_a_duplicate_names_the_first_as_a_related_place(
    text: str, code: str, related: list[tuple[int, int, int, int, str]]
) -> None:
    """What the hint says in words (`first ... at line N`), `related` gives as a place."""
    found = compile_source("p.spec.md", text.encode("utf-8")).diagnostics
    [duplicate] = [d for d in found if d.code == code]
    assert [
        (r.span.line, r.span.col, r.span.end_line, r.span.end_col, r.message)
        for r in duplicate.related
    ] == related
    assert all(r.span.path == "p.spec.md" for r in duplicate.related)
    assert f"line {related[0][0]}" in (duplicate.hint or "")


def test_an_undeclared_code_is_refused() -> None:
    with pytest.raises(ValueError, match="^undeclared diagnostic code E999$"):
        diagnostic("E999", line=1)


def test_only_errors_fail_and_order_is_path_line_col_code() -> None:
    warning, hint = diagnostic("W101", line=1), diagnostic("H102", line=1)
    assert not has_errors([warning, hint]) and has_errors([hint, diagnostic(line=1)])
    spans = [
        ("b.md", 1, 1, "E050"),
        ("a.md", 2, 1, "E050"),
        ("a.md", 1, 3, "E040"),
        ("a.md", 1, 3, "E030"),
        ("a.md", 1, 2, "W101"),
    ]
    found = sorted(
        (Diagnostic(c, "m", Span(path=p, line=li, col=co)) for p, li, co, c in spans),
        key=sort_key,
    )
    assert [(d.span.path, d.span.line, d.span.col, d.code) for d in found] == sorted(
        spans
    )


# --- the checker: a value that does not fit, and the hint that says how -----------

TYPED = (
    "record R { a: int }\nerror Oops { code: int }\nfn i(x: int) -> int raises Oops\n"
    "fn s(x: string) -> int\nfn y(x: bytes) -> int\nfn r(x: R) -> int\n"
    "fn e(x: Oops) -> int"
)


@pytest.mark.parametrize(
    "example, message, hint",
    [
        ("i(true) == 1", "expected `int`, found a boolean", None),
        (
            "i(1.5) == 1",
            "expected `int`, found a number 1.5",
            "an int cannot have a fractional part",
        ),
        ("s(1.5) == 1", "expected `string`, found a number 1.5", None),
        ("s([1]) == 1", "expected `string`, found a list", None),
        (
            "y([1, 256]) == 1",
            "expected `bytes`, found a list",
            "bytes are written as a list of integers 0-255",
        ),
        (
            "r(1) == 1",
            "expected `R`, found an integer 1",
            "records are written {field: value}",
        ),
        (
            "e({code: 1}) == 1",
            "expected `Oops`, found a `{…}` value",
            "errors appear only after `raises`",
        ),
    ],
)
def test_a_value_of_the_wrong_type_says_what_fits(
    example: str, message: str, hint: str | None
) -> None:
    result = compile_source("p.spec.md", spec(TYPED, example).encode())
    found = [
        (d.code, d.span.col, d.message, d.hint)
        for d in result.diagnostics
        if d.code != "W101"  # the other functions have no examples
    ]
    assert found == [("E053", 3, message, hint)]


def test_a_default_of_the_wrong_type_says_what_fits_where_it_is_written() -> None:
    """A default is read by the declaration lexer, an example by the one-pass reader."""
    text = spec("record D { n: int = 1.5 }\nfn f(x: int) -> int")
    result = compile_source("p.spec.md", text.encode())
    assert [
        (d.code, d.span.line, d.span.col, d.message, d.hint) for d in result.diagnostics
    ] == [
        (
            "E046",
            10,
            21,
            "the default of `n` does not fit `int`: expected `int`, found a number 1.5",
            "an int cannot have a fractional part",
        )
    ]


def test_each_field_left_out_is_checked_past_a_wrong_default() -> None:
    """A wrong default is reported once, at the default; the fields after it still count."""
    decls = 'record R { a: int = "x", b: int, c: string = 1 }\nfn f(r: R) -> int'
    assert errors(spec(decls, "f({}) == 1")) == [
        (
            "E046",
            10,
            21,
            'the default of `a` does not fit `int`: expected `int`, found a string "x"',
        ),
        (
            "E046",
            10,
            46,
            "the default of `c` does not fit `string`: expected `string`, found an "
            "integer 1",
        ),
        ("E055", 15, 3, "`R` needs field `b`"),
    ]


def test_a_map_key_is_checked_inside_other_types() -> None:
    decls = "record R { m: list<map<float, int>>, n: map<string, map<R, int>> }"
    assert errors(spec(decls + "\nfn f(r: R) -> int", "f({m: [], n: {}}) == 1")) == [
        ("E048", 10, 12, "`float` cannot be a map key"),
        ("E048", 10, 38, "`R` cannot be a map key"),
    ]


INT_MIN = "-9223372036854775808"
INT_MAX = "9223372036854775807"


@pytest.mark.parametrize(
    ("low", "high", "bad"),
    [
        (INT_MIN, INT_MAX, None),
        ("-9223372036854775809", INT_MAX, 1),
        (INT_MIN, "9223372036854775808", 2),
    ],
)
def test_an_int_holds_exactly_64_bits_in_examples_and_defaults(
    low: str, high: str, bad: int | None
) -> None:
    """The bounds themselves fit; one past either is refused where it is written."""
    record = f"record D {{ a: int = {low}, b: int = {high} }}"
    example = f"f({low}, {high}) == {{}}"
    found = errors(spec(record + "\nfn f(x: int, y: int) -> D", example))
    if bad is None:
        assert found == []
        return
    number, field, before = ((low, "a", "("), (high, "b", " "))[bad - 1]
    fits = f"{number} does not fit in a 64-bit int"
    assert found == [
        (
            "E046",
            10,
            record.index(f" {number}") + 2,
            f"the default of `{field}` does not fit `int`: {fits}",
        ),
        ("E061", 15, example.index(before + number) + 2, fits),
    ]


@pytest.mark.parametrize("example", ["y([0, 255]) == 1", "i(1) raises Oops{code: 1}"])
def test_values_that_fit_pass(example: str) -> None:
    assert errors(spec(TYPED, example)) == []


def test_a_diagnostic_is_an_immutable_hashable_value() -> None:
    """Builds collect diagnostics in sets and compare them; none may change after."""
    first = diagnostic(line=1)
    assert first == diagnostic(line=1) and len({first, diagnostic(line=1)}) == 1
    with pytest.raises(AttributeError):
        first.message = "other"  # type: ignore[misc]
