"""A correct hand-written implementation of tally.spec.md (value semantics test)."""

from __future__ import annotations

from .types import Inner, Overdraft, Stats, Sum


class Tally:
    """Implements `TallyApi`."""

    def count(self, values: list[int]) -> int:
        """Count the values."""
        return len(values)

    def stats(self, values: list[int]) -> Stats:
        """Return the figures of the values."""
        total = sum(values)
        count = len(values)
        return Stats(
            count=count,
            mean=total / count,
            positive=total > 0,
            inner=Inner(total=total, ratio=1 / count, flag=total > 0),
        )

    def halve(self, x: int) -> int:
        """Halve, rounding down."""
        return x // 2

    def negate(self, x: int) -> int:
        """Return the additive inverse."""
        return -x

    def sorted_copy(self, values: list[int]) -> list[int]:
        """Return the values sorted, leaving the argument alone."""
        return sorted(values)

    def withdraw(self, balance: int, amount: int) -> int:
        """Take ``amount`` from ``balance``."""
        if amount > balance:
            raise Overdraft(wanted=amount, available=balance)
        return balance - amount

    def sum(self, values: list[int]) -> Sum:
        """Return the sum and the mean of the values."""
        total = sum(values)
        return Sum(total=total, mean=total / len(values))
