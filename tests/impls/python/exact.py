"""A correct hand-written implementation of tests/data/python_exact.spec.md."""

from __future__ import annotations

from .types import Box, Count, Shape, ShapeDot, Short


class Exact:
    """Implements `ExactApi`."""

    def zero(self) -> int:
        """Return zero."""
        return 0

    def one(self) -> int:
        """Return one."""
        return 1

    def no(self) -> bool:
        """Return false."""
        return False

    def whole(self) -> float:
        """Return one; an int stands for a float, as in the spec's literals."""
        return 1

    def half(self) -> float:
        """Return a half."""
        return 0.5

    def nested(self) -> Box:
        """Return a box of one count."""
        return Box(items=[Count(count=0, ratio=0.5, ok=True)], best=0)

    def names(self) -> dict[str, int]:
        """Return one name."""
        return {"a": 0}

    def keys(self) -> dict[int, str]:
        """Return one key."""
        return {1: "one"}

    def shape(self) -> Shape:
        """Return a dot."""
        return ShapeDot(size=0)

    def fail(self) -> int:
        """Raise."""
        raise Short(wanted=1, ratio=0.5)

    def total(self, items: list[int], names: dict[str, int], box: Box) -> int:
        """Add the items."""
        return sum(items)

    def wait(self) -> int:
        """Return at once."""
        return 7
