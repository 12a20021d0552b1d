"""The top-level definitions of an implementation, and which operations of the spec reach each.

A definition is a function, a method or a constant, with the span of its text,
the span of its body (functions only), its return type's text and every name
it mentions. An operation reaches a definition when its method mentions it,
directly or through other definitions; a mutant in a definition runs the
examples of the rules whose operations reach it, and no others.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from specc.mutation.lexer import KEYWORDS, Language, Token, tokens


@dataclass
class Definition:
    """A function, method or constant of the implementation."""

    name: str
    start: int
    end: int
    body: tuple[int, int] | None = None
    """The body's text between its braces (Rust, TypeScript) or its lines (Python)."""
    returns: str = ""
    """The return type as written, if any."""
    method: bool = False
    names: set[str] = field(default_factory=set)
    """Every name the definition mentions."""


def definitions(source: str, language: Language) -> list[Definition]:
    """Return the top-level definitions (and methods) of a source file, in order."""
    if language == "python":
        return _python_definitions(source)
    code = [t for t in tokens(source, language) if t.kind != "comment"]
    found = _Scanner(code, language).scan()
    for definition in found:
        inside = [t for t in code if definition.start <= t.start < definition.end]
        definition.names = {t.text for t in inside if t.kind == "name"}
        for token in inside:  # a template literal's `${NAME}` mentions NAME
            if token.text.startswith("`"):
                definition.names.update(_TEMPLATE_NAME.findall(token.text))
    return found


_TEMPLATE_NAME = re.compile(r"\$\{\s*([A-Za-z_$][A-Za-z0-9_$]*)")


def key(name: str) -> str:
    """Return a name as every language's convention spells it alike (`by_tag` = `byTag`)."""
    return name.replace("_", "").lower()


def reach(
    found: Sequence[Definition], operations: Iterable[str]
) -> dict[int, set[str]]:
    """Return, by definition index, the operations whose method reaches it.

    An operation's method is the method (else the function) whose name is the
    operation's in the language's spelling; every definition it mentions by
    name is reached too, transitively.
    """
    by_name: dict[str, list[int]] = {}
    for index, definition in enumerate(found):
        by_name.setdefault(definition.name, []).append(index)
    reached: dict[int, set[str]] = {}
    for operation in operations:
        entries = [i for i, d in enumerate(found) if key(d.name) == key(operation)]
        methods = [i for i in entries if found[i].method]
        todo = list(methods or entries)
        seen: set[int] = set()
        while todo:
            index = todo.pop()
            if index in seen:
                continue
            seen.add(index)
            reached.setdefault(index, set()).add(operation)
            for name in found[index].names:
                todo += [i for i in by_name.get(name, []) if not found[i].method]
    return reached


# --- Python ----------------------------------------------------------------------


def _python_definitions(source: str) -> list[Definition]:
    tree = ast.parse(source)
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def at(row: int, col: int) -> int:
        return starts[row - 1] + col

    found: list[Definition] = []

    def add(node: ast.stmt, name: str, method: bool) -> None:
        definition = Definition(
            name,
            at(node.lineno, node.col_offset),
            at(node.end_lineno or node.lineno, node.end_col_offset or 0),
            method=method,
            names=_python_names(node),
        )
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first, last = node.body[0], node.body[-1]
            definition.body = (
                at(first.lineno, 0),
                at(last.end_lineno or last.lineno, last.end_col_offset or 0),
            )
            definition.returns = ast.unparse(node.returns) if node.returns else ""
        found.append(definition)

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(node, node.name, False)
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    add(member, member.name, True)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    add(node, target.id, False)
    return found


def _python_names(node: ast.AST) -> set[str]:
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


# --- Rust and TypeScript ----------------------------------------------------------

_MODIFIERS = {
    "pub", "export", "async", "static", "private", "public", "protected",
    "readonly", "override", "unsafe", "default", "declare", "abstract", "get", "set",
}  # fmt: skip
_PAIRS = {"(": ")", "[": "]", "{": "}"}


class _Scanner:
    """Walk the tokens at the top level (and inside classes and impl blocks)."""

    def __init__(self, code: list[Token], language: Language) -> None:
        self.code = code
        self.language = language
        self.found: list[Definition] = []

    def scan(self) -> list[Definition]:
        """Return the definitions found."""
        self.items(0, len(self.code), member=False)
        return self.found

    def items(self, i: int, stop: int, member: bool) -> None:
        """Read the items from token ``i`` to ``stop``: at the top level or in a block."""
        while i < stop:
            token = self.code[i]
            text = token.text
            if token.kind == "op" and text in _PAIRS:
                i = self.close(i) + 1
            elif text in ("impl", "class", "trait") and token.kind == "name":
                i = self.block(i, stop)
            elif text in ("fn", "function") and token.kind == "name":
                i = self.function(i, i + 1, stop, member)
            elif text in ("const", "static", "let", "var") and not member:
                i = self.constant(i, stop)
            elif member and self.language == "ts" and self.is_method(i, stop):
                i = self.function(i, i, stop, True)
            else:
                i += 1

    def close(self, i: int) -> int:
        """Return the index of the bracket that closes the one at ``i``."""
        depth = 0
        for j in range(i, len(self.code)):
            text = self.code[j].text
            if self.code[j].kind != "op":
                continue
            if text in _PAIRS:
                depth += 1
            elif text in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return j
        return len(self.code) - 1

    def block(self, i: int, stop: int) -> int:
        """Read an `impl`, `class` or `trait` block: its functions are methods."""
        j = i + 1
        while j < stop and self.code[j].text not in ("{", ";"):
            j += 1
        if j >= stop or self.code[j].text == ";":
            return j + 1
        end = self.close(j)
        self.items(j + 1, end, member=True)
        return end + 1

    def is_method(self, i: int, stop: int) -> bool:
        """Return whether a TypeScript class member starts at ``i``: `name(…) {`."""
        token = self.code[i]
        if token.kind != "name" or token.text in _MODIFIERS or token.text in KEYWORDS:
            return token.text == "constructor"
        return i + 1 < stop and self.code[i + 1].text in ("(", "<")

    def function(self, start: int, name_at: int, stop: int, member: bool) -> int:
        """Read a function from its keyword (or name) to its body's closing brace."""
        if name_at >= stop or self.code[name_at].kind != "name":
            return name_at
        j = name_at + 1
        while j < stop and self.code[j].text != "(":
            j += 1
        if j >= stop:
            return j
        params_end = self.close(j)
        k = params_end + 1
        while k < stop and self.code[k].text not in ("{", ";"):
            k += 1
        returns = self.returns(params_end + 1, k)
        if k >= stop or self.code[k].text == ";":
            return k + 1
        end = self.close(k)
        first = self.code[self.first_of_item(start)]
        self.found.append(
            Definition(
                self.code[name_at].text,
                first.start,
                self.code[end].end,
                body=(self.code[k].end, self.code[end].start),
                returns=returns,
                method=member,
            )
        )
        return end + 1

    def first_of_item(self, i: int) -> int:
        """Return where an item begins, its modifiers (`pub`, `export`, …) included."""
        while i > 0 and self.code[i - 1].text in _MODIFIERS:
            i -= 1
        return i

    def returns(self, i: int, k: int) -> str:
        """Return the return type between the parameters and the body, as written."""
        parts = [t.text for t in self.code[i:k]]
        if parts and parts[0] in ("->", ":"):
            parts = parts[1:]
        return re.sub(r"\s+", " ", " ".join(parts)).strip()

    def constant(self, i: int, stop: int) -> int:
        """Read `const NAME … ;` (and `static`, `let`, `var` at the top level)."""
        j = i + 1
        if j < stop and self.code[j].text == "mut":
            j += 1
        if j >= stop or self.code[j].kind != "name":
            return j
        name = self.code[j].text
        k = j + 1
        while k < stop and self.code[k].text != ";":
            k = self.close(k) + 1 if self.code[k].text in _PAIRS else k + 1
        end = min(k, len(self.code) - 1)
        first = self.code[self.first_of_item(i)]
        self.found.append(Definition(name, first.start, self.code[end].end))
        return k + 1
