"""The canonical layout of an `examples` block: one example per line, values canonical."""

from __future__ import annotations

from specc.fmt.values import fields_text, value_text
from specc.frontend.lexer import LexError
from specc.frontend.values import (
    RawCheck,
    RawExample,
    RawLine,
    RawTerm,
    RawType,
    parse_example,
)

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


def example_text(raw: RawLine) -> str:
    """Return one example or property in canonical form, without its comment."""
    if not isinstance(raw, RawExample):
        variables = ", ".join(f"{n}: {type_text(t)}" for n, _, _, t in raw.bindings)
        where = " and ".join(check_text(c) for c in raw.where)
        where = f" where {where}" if where else ""
        return f"forall {variables}{where}: {check_text(raw.check)}"
    call = f"{raw.function}({', '.join(value_text(a) for a in raw.args)})"
    if raw.expect == "raises":
        fields = fields_text(raw.error_fields) if raw.error_fields else ""
        return f"{call} raises {raw.error}{fields}"
    assert raw.result is not None  # `==` and `~=` always read a result
    return f"{call} {_OPERATORS[raw.expect]} {value_text(raw.result)}"


def type_text(raw: RawType) -> str:
    """Return a type as written in canonical form."""
    args = f"<{', '.join(type_text(a) for a in raw.args)}>" if raw.args else ""
    return f"{raw.name}{args}{'?' if raw.optional else ''}"


def check_text(raw: RawCheck) -> str:
    """Return `left == right` in canonical form."""
    return f"{term_text(raw.left)} {raw.op} {term_text(raw.right)}"


def term_text(raw: RawTerm) -> str:
    """Return a call, a variable or a value in canonical form."""
    if raw.kind == "call":
        return f"{raw.name}({', '.join(term_text(a) for a in raw.args)})"
    if raw.value is not None:
        return value_text(raw.value)
    return raw.name


def join_lines(lines: list[str]) -> str:
    """Join lines, one blank line at most between them and none around them."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "".join(f"{line}\n" for line in out)
