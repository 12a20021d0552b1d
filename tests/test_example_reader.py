"""The one-pass reader of `examples` blocks says what the lexer and parser said, where."""

from __future__ import annotations

import pytest

from specc.frontend.compile import compile_source
from specc.frontend.lexer import LexError
from specc.frontend.values import parse_example

HEAD = (
    "---\nspec: r\n---\n\n# R {#r}\n\nIt MUST work.\n\n"
    "```specc\nrecord P { x: int, y: list<string> = [] }\n"
    "fn f(p: P, n: int) -> int\n```\n\n```examples\n"
)
FIRST = HEAD.count("\n") + 1
"""The line of the first example."""


def diagnostics(*lines: str) -> list[tuple[str, str, int, int]]:
    """Return the errors (code, message, line, col) of a spec with example ``lines``."""
    text = HEAD + "\n".join(lines) + "\n```\n"
    result = compile_source("r.spec.md", text.encode())
    return [
        (d.code, d.message, d.span.line, d.span.col)
        for d in result.diagnostics
        if d.code.startswith("E")
    ]


@pytest.mark.parametrize(
    ("line", "message", "col"),
    [
        # the whole line is tokenized first: a bad character anywhere on it wins
        ("f({x: 1} 2 @) == 1", "unexpected character '@'", 12),
        ('f({x: 1}, 1) == "\\q" 2', "invalid escape in string literal", 17),
        ("f(" + "[" * 40 + " @", "unexpected character '@'", 44),
        # otherwise the first token the grammar cannot take
        ("f({x: 1} 2) == 1", "expected ')', found '2'", 10),
        ("f({x: 1}, 1) = 1", "expected '==', '~=' or 'raises', found '='", 14),
        ("f({x: 1}, 1) ==", "expected a value, found end of block", 16),
        ("f({x: 1}, 1) == 1 # said twice", None, 0),
        (
            "f({x: 1}, 1) == 1 /// no doc here",
            "expected the end of the example, found '/// no doc here'",
            19,
        ),
        ("f({x: 1, 2: 3}, 1) == 1", "a '{…}' mixes field names and map keys", 3),
        ("/// not a call", "expected a function call, found '/// not a call'", 1),
        # only `forall` followed by a name starts a property; other words are calls
        ("bump v == 1", "expected '(' after the function name, found 'v'", 6),
        ("zip v == 1", "expected '(' after the function name, found 'v'", 5),
        # `~=` sorts after `}`: it is no end of braces, nor a value
        ("f({~= 1}, 1) == 1", "expected a value, found '~='", 4),
    ],
)
def test_a_line_is_read_as_the_lexer_and_parser_read_it(
    line: str, message: str | None, col: int
) -> None:
    found = diagnostics(line)
    if message is None:
        assert found == []
    else:
        assert found == [("E050", message, FIRST, col)]


def test_a_value_nested_too_deep_is_reported_where_the_limit_is_passed() -> None:
    line = "f({x: 1}, " + "[" * 40 + "1" + "]" * 40 + ") == 1"
    assert diagnostics(line) == [
        ("E063", "the value nests deeper than 32 levels", FIRST, 11 + 32)
    ]


def test_each_line_of_a_block_is_read_on_its_own() -> None:
    lines = [
        "f({x: 1}, 1) == 1",
        "",
        "  # a comment",
        "f({x: 2}, @) == 1",
        "f({}, 1) == 1",
    ]
    assert diagnostics(*lines) == [
        ("E050", "unexpected character '@'", FIRST + 3, 11),
        ("E055", "`P` needs field `x`", FIRST + 4, 3),
    ]


def test_the_block_reader_and_parse_example_agree() -> None:
    from specc.frontend.values import ExampleReader

    block = (
        'f({x: 1, y: ["a\\u00e9", "b"]}, -3) ~= 2.5e3  # c\n\nf(@)\ng(1) raises E{a: x}'
    )
    reader = ExampleReader(block, 10, 4)
    read = [reader.read(start, end, line) for line, start, end in reader.lines()]
    for (line, start, end), result in zip(
        ExampleReader(block, 10, 4).lines(), read, strict=True
    ):
        try:
            expected: object = parse_example(block[start:end], line, 4)
        except LexError as error:
            expected = error
        if isinstance(result, LexError):
            assert isinstance(expected, LexError)
            assert (result.message, result.line, result.col) == (
                expected.message,
                expected.line,
                expected.col,
            )
        else:
            assert result == expected
    first = read[0]
    assert first is not None and not isinstance(first, LexError)
    assert first.text == 'f({x: 1, y: ["a\\u00e9", "b"]}, -3) ~= 2.5e3'
    assert first.end_col == 4 + len(first.text)
    assert first.args[0].fields[1][1].items[0].value == "aé"
    assert read[1] is None
    assert isinstance(read[2], LexError) and read[2].line == 12


def test_parse_example_reads_a_line_alike_with_or_without_its_newline() -> None:
    line = "f({x: 1}, 2) == 3"
    plain = parse_example(line, 7, 5)
    assert plain is not None and parse_example(line + "\n", 7, 5) == plain
    assert not isinstance(plain, LexError) and plain.end_col == 5 + len(line)
