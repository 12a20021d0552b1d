"""The tokenizer both readers share: kinds, decoded values, positions, and the cursor."""

from __future__ import annotations

import random
from collections.abc import Callable

import lexer_reference as reference
import pytest

from specc.frontend.lexer import LexError, Token, TokenStream, tokenize


def test_each_kind_of_token_with_its_value_and_place() -> None:
    text = 'name 12 -3 1.5 -2e3 "a\\tb" -> ~= == {}()<>[],:=?\n///doc  \n  x // c'
    assert [tuple(t) for t in tokenize(text)] == [
        ("name", "name", "name", 1, 1),
        ("int", "12", 12, 1, 6),
        ("int", "-3", -3, 1, 9),
        ("float", "1.5", 1.5, 1, 12),
        ("float", "-2e3", -2000.0, 1, 16),
        ("string", '"a\\tb"', "a\tb", 1, 21),
        *[
            ("punct", p, p, 1, col)
            for p, col in [("->", 28), ("~=", 31), ("==", 34)]
            + [(c, 37 + i) for i, c in enumerate("{}()<>[],:=?")]
        ],
        ("doc", "///doc  ", "doc", 2, 1),
        ("name", "x", "x", 3, 3),
        ("eof", "", None, 3, 9),
    ]


def test_positions_are_offset_to_where_the_text_sits() -> None:
    """The first line starts at (line, col); later lines keep the same left margin."""
    tokens = tokenize("a\n b", 10, 5)
    assert [(t.text, t.line, t.col) for t in tokens] == [
        ("a", 10, 5),
        ("b", 11, 6),
        ("", 11, 7),
    ]
    assert [(t.line, t.col) for t in tokenize("a")] == [(1, 1), (1, 2)]


def test_hash_starts_a_comment_only_where_asked() -> None:
    assert [t.kind for t in tokenize("a # b", hash_comments=True)] == ["name", "eof"]
    with pytest.raises(LexError) as raised:
        tokenize("a # b")
    error = raised.value
    assert (error.message, error.line, error.col, error.code) == (
        "unexpected character '#'",
        1,
        3,
        None,
    )


def test_the_cursor_stops_at_the_end() -> None:
    stream = TokenStream(tokenize("a"))
    assert stream.peek(5).kind == stream.peek().kind == "eof"
    assert stream.peek(0).text == "a"
    assert stream.next().text == "a"
    assert stream.next().kind == stream.next().kind == "eof"
    assert stream.pos == 1


def test_at_matches_words_and_punctuation_only() -> None:
    stream = TokenStream(tokenize('"(" ('))
    assert not stream.at('"("') and stream.accept("(") is None
    stream.next()
    assert stream.at("(") and stream.accept("(") is not None
    with pytest.raises(LexError, match=r"^expected 'x', found end of block$"):
        raise stream.error("expected 'x'")


def _outcome(
    tokenizer: Callable[..., list[Token]], text: str, hash_comments: bool
) -> object:
    try:
        return [tuple(t) for t in tokenizer(text, 3, 5, hash_comments)]
    except LexError as error:
        return ("error", error.message, error.line, error.col, error.code)


SAMPLES = [
    "record Rec0 {\n  id: int\n  tags: list<string>\n  note: bool? = none\n}\n",
    "/// doc\nenum Kind { alpha, beta }\nfn f(a: int, b: map<string, Rec>) -> X? raises E\n",
    'x = {a: 1.5e3, b: "s\\"t\\u00e9", c: [1, -2, 3.25], d: none} // tail\n',
    "  \t\r\n\n  a\t \r\n  # hash\n  b  ",
    'f("unterminated\n  g(1) == 2  \n',
    "a $ b",
    "",
    "   ",
    "\n",
]


@pytest.mark.parametrize("hash_comments", [False, True])
def test_tokens_are_the_reference_tokenizers_on_mutated_text(
    hash_comments: bool,
) -> None:
    """Taking the blanks with each token changes no token, position or error."""
    rng = random.Random(7)
    alphabet = ' \t\r\n{}[]()<>,:=?.-~"\\/#$éa1_e+'
    texts = list(SAMPLES)
    for _ in range(3000):
        chars = list(rng.choice(SAMPLES))
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(chars) + 1)
            if rng.random() < 0.4 and at < len(chars):
                del chars[at]
            else:
                chars.insert(at, rng.choice(alphabet))
        texts.append("".join(chars))
    for text in texts:
        assert _outcome(tokenize, text, hash_comments) == _outcome(
            reference.tokenize, text, hash_comments
        ), text
