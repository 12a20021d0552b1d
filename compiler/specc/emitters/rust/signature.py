"""Function signatures as rustfmt lays them out: on one line, or one parameter a line."""

from __future__ import annotations

from dataclasses import dataclass, field

from specc.emitters.rust.layout import MAX_WIDTH, TAB, width


@dataclass(eq=False, repr=False)
class Signature:
    """A function signature: `fn name(params) -> returns` in rustfmt's layout."""

    head: str
    """Everything before the parameters, such as `pub fn new`."""
    params: list[str] = field(default_factory=list)
    returns: str = ""
    tail: str = ";"
    """What follows: `;` in a trait, ` {` before a body."""

    def render(self, indent: int) -> str:
        """Return the signature on one line when it fits, else one parameter a line."""
        arrow = f" -> {self.returns}" if self.returns else ""
        pad = " " * indent
        line = f"{pad}{self.head}({', '.join(self.params)}){arrow}{self.tail}"
        if width(line) <= MAX_WIDTH or not self.params:
            return line
        inner = " " * (indent + TAB)
        params = "".join(f"{inner}{p},\n" for p in self.params)
        return f"{pad}{self.head}(\n{params}{pad}){arrow}{self.tail}"
