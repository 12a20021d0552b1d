"""The mutation operators: one small change to an implementation's source each.

The same six operators serve Rust, TypeScript and Python, so a rule's score
means the same in every language (docs/mutation.md lists them):

- arithmetic: `+` ↔ `-`, `*` ↔ `/`, `%` → `*` (binary only; `+=` ↔ `-=`);
- comparison: `<` ↔ `<=`, `>` ↔ `>=`, `==` ↔ `!=` (`===` ↔ `!==`, `is` ↔ `is not`);
- boolean: `&&` ↔ `||` (`and` ↔ `or`), `true` ↔ `false`, a `!` or `not` removed;
- constant: an integer literal plus one, and minus one when above zero;
- default: a function's body returns its type's default value instead;
- statement: an expression statement or assignment is deleted.

Strings, comments, regular expressions, generic brackets and macro bangs are
never touched.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from specc.mutation.definitions import Definition
from specc.mutation.lexer import KEYWORDS, Language, Token, is_operand_end, tokens

_ARITHMETIC = {"+": "-", "-": "+", "*": "/", "/": "*", "%": "*", "//": "*"}
_ARITHMETIC.update({"+=": "-=", "-=": "+=", "*=": "/=", "/=": "*="})
_COMPARISON = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
_COMPARISON.update({"===": "!==", "!==": "==="})
_BOOLEAN = {"&&": "||", "||": "&&", "and": "or", "or": "and"}
_LITERALS = {"true": "false", "false": "true", "True": "False", "False": "True"}


@dataclass(frozen=True)
class Mutant:
    """One change to the source: the text at [start, end) becomes ``replacement``."""

    operator: str
    start: int
    end: int
    replacement: str
    line: int
    definition: int
    """The index of the definition it is in."""

    def apply(self, source: str) -> str:
        """Return the mutated source."""
        return source[: self.start] + self.replacement + source[self.end :]

    def diff(self, source: str) -> tuple[str, str]:
        """Return the line it changes, before and after, without indentation."""
        first = source.rfind("\n", 0, self.start) + 1
        last = source.find("\n", self.end)
        last = len(source) if last < 0 else last
        before = source[first:last]
        after = (
            before[: self.start - first] + self.replacement + before[self.end - first :]
        )
        return _squeeze(before), _squeeze(after)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def mutants(
    source: str, language: Language, found: Sequence[Definition]
) -> list[Mutant]:
    """Return every mutant of the definitions' text, in source order."""
    code = [t for t in tokens(source, language) if t.kind != "comment"]
    generic = _generic_brackets(code) if language != "python" else set()
    made: list[Mutant] = []
    for index, definition in enumerate(found):
        inside = [
            (i, t)
            for i, t in enumerate(code)
            if definition.start <= t.start < definition.end
        ]
        for i, token in inside:
            previous = code[i - 1] if i else None
            following = code[i + 1] if i + 1 < len(code) else None
            for operator, replacement in _token_mutants(
                token, previous, following, i in generic, language
            ):
                made.append(
                    Mutant(
                        operator, token.start, token.end, replacement, token.line, index
                    )
                )
        made += _default(source, language, definition, index)
        made += _deletions(source, language, code, definition, index)
    return sorted(made, key=lambda m: (m.start, m.end, m.operator, m.replacement))


def _token_mutants(
    token: Token,
    previous: Token | None,
    following: Token | None,
    generic: bool,
    language: Language,
) -> Iterator[tuple[str, str]]:
    text = token.text
    binary = is_operand_end(previous)
    if token.kind == "op" and not generic:
        if text in _ARITHMETIC and binary:
            yield "arithmetic", _ARITHMETIC[text]
        elif text in _COMPARISON:
            yield "comparison", _COMPARISON[text]
        elif text in _BOOLEAN and binary:
            yield "boolean", _BOOLEAN[text]
        elif text == "!" and not binary and language != "python":
            yield "boolean", ""
    elif token.kind == "name":
        if text in _BOOLEAN and language == "python":
            yield "boolean", _BOOLEAN[text]
        elif text in _LITERALS and (language == "python") == text[0].isupper():
            yield "boolean", _LITERALS[text]
        elif text == "not" and language == "python":
            after_is = previous is not None and previous.text == "is"
            before_in = following is not None and following.text == "in"
            if after_is:
                yield "comparison", ""  # `is not` → `is`
            elif not before_in:
                yield "boolean", ""
        elif text == "is" and language == "python":
            if following is None or following.text != "not":
                yield "comparison", "is not"
    elif token.kind == "number" and text.isdigit():
        yield "constant", str(int(text) + 1)
        if int(text) > 0:
            yield "constant", str(int(text) - 1)
    elif token.kind == "number" and language == "rust":
        digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
        if digits.isdigit() and digits != text and text[len(digits)] in "iu":
            suffix = text[len(digits) :]
            yield "constant", f"{int(digits) + 1}{suffix}"


def _generic_brackets(code: list[Token]) -> set[int]:
    """Return the indices of `<` and `>` that bracket type arguments, not compare."""
    found: set[int] = set()
    for i, token in enumerate(code):
        if token.text != "<" or i == 0:
            continue
        before = code[i - 1]
        opens = before.text == "::" or (
            before.kind == "name"
            and (before.text[:1].isupper() or before.text in ("impl", "fn"))
        )
        if not opens:
            continue
        depth, j = 0, i
        while j < len(code) and code[j].text not in (";", "{", "=", "&&", "||"):
            if code[j].text == "<":
                depth += 1
            elif code[j].text == ">":
                depth -= 1
                if depth == 0:
                    found.update((i, j))
                    break
            j += 1
    return found


def _default(
    source: str, language: Language, definition: Definition, index: int
) -> list[Mutant]:
    """Return the mutant whose function body returns its type's default, if any."""
    if definition.body is None:
        return []
    start, end = definition.body
    line = source.count("\n", 0, start) + 1
    if language == "python":
        indent = source[start : len(source)].split("\n", 1)[0]
        indent = indent[: len(indent) - len(indent.lstrip())]
        value = _python_default(definition.returns)
        return [Mutant("default", start, end, f"{indent}return {value}", line, index)]
    value = (_rust_default if language == "rust" else _ts_default)(definition.returns)
    body = f" {value} " if language == "rust" else f" return {value}; "
    if _squeeze(source[start:end]) == body.strip():
        return []
    return [Mutant("default", start, end, body, line, index)]


def _rust_default(returns: str) -> str:
    if not returns or returns == "()":
        return "()"
    if returns.startswith("Result"):
        return "Ok(Default::default())"
    if returns.startswith("Option"):
        return "None"
    if returns.startswith("Vec"):
        return "Vec::new()"
    return "Default::default()"


def _ts_default(returns: str) -> str:
    simple = {"boolean": "false", "number": "0", "string": '""', "void": ""}
    if returns in simple:
        return simple[returns]
    if returns.endswith("[]") or returns.startswith("Array"):
        return "[]"
    return "undefined as never"


def _python_default(returns: str) -> str:
    simple = {"bool": "False", "int": "0", "float": "0.0", "str": '""'}
    if returns in simple:
        return simple[returns]
    if returns.startswith("list"):
        return "[]"
    if returns.startswith("dict"):
        return "{}"
    return "None"


def _deletions(
    source: str,
    language: Language,
    code: list[Token],
    definition: Definition,
    index: int,
) -> list[Mutant]:
    """Return one mutant per expression statement or assignment, deleted."""
    if definition.body is None:
        return []
    if language == "python":
        return _python_deletions(source, definition, index)
    start, end = definition.body
    inside = [t for t in code if start <= t.start < end]
    made: list[Mutant] = []
    first: Token | None = None
    depth = 0  # inside parentheses or brackets: a `for (…; …; …)` header, a call
    for token in inside:
        if token.text in ("(", "["):
            depth += 1
        elif token.text in (")", "]"):
            depth -= 1
        if depth == 0 and token.text in (";", "{", "}"):
            if token.text == ";" and first is not None and _deletable(first):
                made.append(
                    Mutant("statement", first.start, token.end, "", first.line, index)
                )
            first = None
        elif first is None:
            first = token
    return made


def _deletable(first: Token) -> bool:
    """Return whether a statement that starts so may go: not a declaration nor a jump."""
    return (
        first.kind == "name"
        and first.text not in KEYWORDS
        and first.text
        not in (
            "break",
            "continue",
        )
    )


def _python_deletions(source: str, definition: Definition, index: int) -> list[Mutant]:
    assert definition.body is not None
    start, end = definition.body
    line_start = source.rfind("\n", 0, start) + 1
    made: list[Mutant] = []
    module = ast.parse(source)
    for node in ast.walk(module):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for statement in body:
            if not isinstance(statement, (ast.Expr, ast.AugAssign, ast.Assign)):
                continue
            if isinstance(statement, ast.Expr) and isinstance(
                statement.value, ast.Constant
            ):
                continue  # a docstring
            offsets = _python_span(source, statement)
            if offsets is None or not line_start <= offsets[0] < end:
                continue
            made.append(
                Mutant(
                    "statement", offsets[0], offsets[1], "pass", statement.lineno, index
                )
            )
    return made


def _python_span(source: str, node: ast.stmt) -> tuple[int, int] | None:
    lines = source.splitlines(keepends=True)
    if node.end_lineno is None or node.end_col_offset is None:
        return None
    start = sum(len(x) for x in lines[: node.lineno - 1]) + node.col_offset
    end = sum(len(x) for x in lines[: node.end_lineno - 1]) + node.end_col_offset
    return start, end
