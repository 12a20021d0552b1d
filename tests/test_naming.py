"""Identifier conversions: digit groups stay with the word before them."""

from __future__ import annotations

from pathlib import Path

import pytest

from specc.build.driver import build
from specc.naming import (
    camel,
    identifier,
    pascal,
    path_segment,
    screaming,
    snake,
    words,
)


@pytest.mark.parametrize(
    "name, expected_words",
    [
        ("utf8_len", ["utf8", "len"]),
        ("utf8Len", ["utf8", "len"]),
        ("sha256", ["sha256"]),
        ("base64_encode", ["base64", "encode"]),
        ("HTTP2Server", ["http2", "server"]),
        ("Sha256Digest", ["sha256", "digest"]),
        ("utf_8_len", ["utf", "8", "len"]),  # an underscore keeps them apart
        ("addTask", ["add", "task"]),
        ("XMLHttpRequest", ["xml", "http", "request"]),
    ],
)
def test_digits_belong_to_the_word_before_them(name: str, expected_words) -> None:  # type: ignore[no-untyped-def]
    """`utf8_len` is the words utf8 and len, not utf, 8 and len."""
    assert words(name) == expected_words


@pytest.mark.parametrize(
    "name, in_snake, in_camel, in_pascal, in_screaming",
    [
        ("utf8_len", "utf8_len", "utf8Len", "Utf8Len", "UTF8_LEN"),
        ("sha256", "sha256", "sha256", "Sha256", "SHA256"),
        ("base64_encode", "base64_encode", "base64Encode", "Base64Encode", "BASE64_ENCODE"),
        ("utf8Len", "utf8_len", "utf8Len", "Utf8Len", "UTF8_LEN"),
    ],
)  # fmt: skip
def test_each_case_style_keeps_the_digit_groups(
    name: str, in_snake: str, in_camel: str, in_pascal: str, in_screaming: str
) -> None:
    """snake, camel, Pascal and SCREAMING forms of names with digits."""
    assert (snake(name), camel(name), pascal(name), screaming(name)) == (
        in_snake,
        in_camel,
        in_pascal,
        in_screaming,
    )


SPEC = """\
---
spec: textcodec
---

# Codecs {#codecs}

## Measuring {#measuring}

Lengths MUST count bytes.

```specc
record Digest { sha256: string, base64_text: string }
fn utf8_len(text: string) -> int
fn base64_encode(data: string) -> string
fn sha256(data: string) -> Digest
```

```examples
utf8_len("é") == 2
base64_encode("a") == "YQ=="
sha256("") == {sha256: "e3b0", base64_text: "47DE"}
```
"""


def test_operations_and_fields_keep_digit_groups_in_every_language(
    tmp_path: Path,
) -> None:
    """Python and Rust say `utf8_len`, TypeScript `utf8Len`; never `utf_8_len`."""
    spec = tmp_path / "codecs.spec.md"
    spec.write_text(SPEC)
    result = build([str(spec)], ["ts", "rust", "python"], tmp_path / "out")
    assert result.ok, [d.message for d in result.diagnostics]
    out = tmp_path / "out"
    ts = (out / "ts/textcodec/src/api.ts").read_text()
    assert "utf8Len(text: string): number;" in ts
    assert "base64Encode(data: string): string;" in ts
    assert "sha256(data: string): Digest;" in ts
    assert "base64Text: string;" in (out / "ts/textcodec/src/types.ts").read_text()
    python = (out / "python/textcodec/src/textcodec/api.py").read_text()
    for name in ("utf8_len", "base64_encode", "sha256"):
        assert f"def {name}(" in python
    rust = (out / "rust/textcodec/src/api.rs").read_text()
    for name in ("utf8_len", "base64_encode", "sha256"):
        assert f"fn {name}(" in rust
    every = "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    for split in ("utf_8", "base_64", "sha_256", "utf8_Len", "Base_64"):
        assert split not in every


@pytest.mark.parametrize("name", ["", "__", "$%", "é"])
def test_a_name_without_letters_or_digits_becomes_an_underscore(name: str) -> None:
    """Every case style still returns an identifier: `_`."""
    assert (snake(name), camel(name), pascal(name), screaming(name)) == ("_",) * 4


@pytest.mark.parametrize(
    "name, safe",
    [
        ("9lives", "_9lives"),
        ("a-b c", "a_b_c"),
        ("__x__", "x"),
        ("", "_"),
        ("é", "_"),
        ("fn", "fn_"),
        ("Fn", "Fn"),
        ("1fn", "_1fn_"),
    ],
)
def test_identifier_is_always_safe(name: str, safe: str) -> None:
    """No odd characters, no leading digit, and a keyword gets the suffix."""
    assert identifier(name, frozenset({"fn", "_1fn"})) == safe


def test_identifier_suffix_is_the_callers() -> None:
    assert identifier("fn", frozenset({"fn"}), suffix="X") == "fnX"
    assert identifier("fn") == "fn"


@pytest.mark.parametrize(
    "name, segment",
    [
        ("todo", "todo"),
        ("a.b-c_d", "a.b-c_d"),
        ("../etc", "etc"),
        ("..", "spec"),
        (".hidden", "hidden"),
        ("-x-", "x"),
        ("_a_", "a"),
        ("a/b\\c", "a_b_c"),
        ("a  b", "a_b"),
        ("", "spec"),
        ("é", "spec"),
    ],
)
def test_path_segment_is_one_safe_file_name(name: str, segment: str) -> None:
    """A spec ID becomes one folder name: never `.`, `..`, empty or hidden."""
    assert path_segment(name) == segment
