"""Source files and the spans that point into them."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, ClassVar

from specc.records import Record


class Span(Record):
    """A place in a source file: 1-based line and column, inclusive start."""

    record_config: ClassVar[dict[str, Any]] = {"frozen": True}

    path: str
    """The file's path as the user named it."""
    line: int
    """First line, counted from 1."""
    col: int = 1
    """First column, counted from 1 in characters."""
    end_line: int | None = None
    """Last line, when the span covers more than one position."""
    end_col: int | None = None
    """Column just past the end on the last line."""


_PLUS_ONE = (1).__add__


@dataclass(eq=False, repr=False)
class SourceFile:
    """A decoded source file with fast line look-up."""

    path: str
    text: str
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        # Each line starts one past the end of the one before: summed in C.
        lengths = map(_PLUS_ONE, map(len, self.text.split("\n")))
        starts = list(accumulate(lengths, initial=0))
        starts.pop()  # past the end of the last line
        self._starts = starts

    @property
    def line_count(self) -> int:
        """Return the number of lines."""
        return len(self._starts)

    def line(self, number: int) -> str:
        """Return line ``number`` (1-based) without its newline."""
        if number < 1 or number > len(self._starts):
            return ""
        start = self._starts[number - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end != -1 else len(self.text)].rstrip("\r")

    def find(self, number: int, needle: str, start: int = 0) -> int:
        """Return the 0-based column of ``needle`` in line ``number`` from ``start``, or -1.

        Unlike ``line(number).find``, it does not copy the line: a long line stays cheap.
        """
        if number < 1 or number > len(self._starts):
            return -1
        begin = self._starts[number - 1]
        end = self.text.find("\n", begin)
        end = len(self.text) if end == -1 else end
        found = self.text.find(needle, begin + start, end)
        return -1 if found == -1 else found - begin

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of a character offset."""
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1

    def span(self, line: int, col: int = 1, length: int | None = None) -> Span:
        """Return a span on one line, optionally ``length`` characters long."""
        end = col + length if length else None
        return Span(path=self.path, line=line, col=col, end_line=line, end_col=end)
