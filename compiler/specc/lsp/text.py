"""An open document's text: LSP lines and positions, edits applied as the client sends them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lsprotocol import types

from specc.source import Span

_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Text:
    """A document's text, its lines as LSP (and specc) count them, and position units."""

    text: str
    encoding: str = types.PositionEncodingKind.Utf16
    """How the client counts characters in a line: utf-16 (the default), utf-8, utf-32."""
    lines: list[str] = field(init=False, repr=False)
    starts: list[int] = field(init=False, repr=False)
    """Where each line starts in ``text``."""

    def __post_init__(self) -> None:
        self.starts = [0] + [m.end() for m in _BREAK.finditer(self.text)]
        self.lines = _BREAK.split(self.text)

    def units(self, chars: str) -> int:
        """Return how many of the client's units ``chars`` take."""
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(chars.encode("utf-8", "surrogatepass"))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(chars)
        return len(chars.encode("utf-16-le", "surrogatepass")) // 2

    def position(self, line: int, char: int) -> types.Position:
        """Return the LSP position of a 0-based line and character (code point) index."""
        line = min(max(line, 0), len(self.lines) - 1)
        return types.Position(line, self.units(self.lines[line][:char]))

    def point(self, position: types.Position) -> tuple[int, int]:
        """Return the 0-based line and character index of an LSP position, clamped."""
        if position.line >= len(self.lines):
            return len(self.lines) - 1, len(self.lines[-1])
        line = self.lines[max(position.line, 0)]
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return position.line, index
            units += self.units(char)
        return position.line, len(line)

    def offset(self, line: int, char: int) -> int:
        """Return the index in ``text`` of a 0-based line and character."""
        line = min(max(line, 0), len(self.lines) - 1)
        return self.starts[line] + min(char, len(self.lines[line]))

    def range(self, line: int, start: int, end_line: int, end: int) -> types.Range:
        """Return the LSP range between two 0-based (line, character) points."""
        return types.Range(self.position(line, start), self.position(end_line, end))

    def span_range(self, span: Span) -> types.Range:
        """Return a span's range: to its end, else the one character at its start."""
        line, col = span.line - 1, span.col - 1
        if span.end_col is not None and span.end_line in (None, span.line):
            return self.range(line, col, line, max(span.end_col - 1, col))
        if span.end_line is not None and span.end_line > span.line:
            end_line = span.end_line - 1
            end = len(self.lines[min(end_line, len(self.lines) - 1)])
            if span.end_col is not None:
                end = span.end_col - 1
            return self.range(line, col, end_line, end)
        width = len(self.lines[line]) if 0 <= line < len(self.lines) else 0
        return self.range(line, col, line, min(col + 1, max(width, col)))

    def changed(self, changes: list[types.TextDocumentContentChangeEvent]) -> Text:
        """Return the text after the client's changes, in order."""
        text = self
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = text.offset(*text.point(change.range.start))
                end = text.offset(*text.point(change.range.end))
                new = text.text[:start] + change.text + text.text[max(start, end) :]
            else:
                new = change.text
            text = Text(new, text.encoding)
        return text
