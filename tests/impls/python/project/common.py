"""A correct hand-written implementation of examples/project/common.spec.md."""

from __future__ import annotations

import dataclasses

from .types import CurrencyMismatch, Money


class Common:
    """Implements `CommonApi`."""

    def add(self, a: Money, b: Money) -> Money:
        """Add two amounts of one currency."""
        if a.currency != b.currency:
            raise CurrencyMismatch(left=a.currency, right=b.currency)
        return Money(cents=a.cents + b.cents, currency=a.currency)

    def scale(self, price: Money, quantity: int) -> Money:
        """Multiply an amount by a quantity."""
        return dataclasses.replace(price, cents=price.cents * quantity)
