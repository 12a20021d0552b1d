"""A correct hand-written implementation of tests/data/approx.spec.md."""

from __future__ import annotations

from .types import P


class Approx:
    """Implements `ApproxApi`."""

    def scale(self, x: float, error: float) -> float:
        """Return twice ``x``, off by ``error``."""
        return 2 * x * (1 + error)

    def many(self, x: float, error: float) -> dict[str, list[float]]:
        """Return ``x`` and twice ``x`` under "k"."""
        return {"k": [x, 2 * x * (1 + error)]}

    def maybe(self, x: float, error: float) -> float | None:
        """Return twice ``x``."""
        return 2 * x * (1 + error)

    def point(self, x: float, error: float, n: int) -> P:
        """Return a point at twice ``x`` holding ``n``."""
        return P(x=2 * x * (1 + error), n=n)
