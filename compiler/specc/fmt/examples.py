"""The canonical layout of an `examples` block: one example per line, values canonical."""

from __future__ import annotations

from specc.fmt.values import fields_text, value_text
from specc.frontend.lexer import LexError
from specc.frontend.values import RawExample, parse_example

_OPERATORS = {"equals": "==", "approx": "~="}


def format_examples(content: str) -> str:
    """Return an `examples` block's content laid out canonically.

    A line the front end cannot read is kept as written (its diagnostic says why).
    """
    lines: list[str] = []
    for text in content.split("\n"):
        try:
            raw = parse_example(text, 1, 1)
        except LexError:
            lines.append(text.rstrip())
            continue
        if raw is None:
            lines.append(text.strip())
            continue
        comment = text[raw.end_col - 1 :].strip()
        line = example_text(raw)
        lines.append(f"{line}  {comment}" if comment else line)
    return join_lines(lines)


def example_text(raw: RawExample) -> str:
    """Return one example in canonical form, without its comment."""
    call = f"{raw.function}({', '.join(value_text(a) for a in raw.args)})"
    if raw.expect == "raises":
        fields = fields_text(raw.error_fields) if raw.error_fields else ""
        return f"{call} raises {raw.error}{fields}"
    assert raw.result is not None  # `==` and `~=` always read a result
    return f"{call} {_OPERATORS[raw.expect]} {value_text(raw.result)}"


def join_lines(lines: list[str]) -> str:
    """Join lines, one blank line at most between them and none around them."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "".join(f"{line}\n" for line in out)
