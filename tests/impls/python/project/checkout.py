"""A correct hand-written implementation of examples/project/checkout.spec.md."""

from __future__ import annotations

from billing import PaymentMethod, PaymentMethodVoucher, Receipt
from common import Money
from inventory import StockItem

from .types import CartLine, PaymentFailed, UnknownItem


class Checkout:
    """Implements `CheckoutApi`."""

    def total(self, lines: list[CartLine], stock: list[StockItem]) -> Money:
        """Add up the lines' prices."""
        prices = {item.sku: item.price.cents for item in stock}
        cents = 0
        for line in lines:
            if line.sku not in prices:
                raise UnknownItem(sku=line.sku)
            cents += prices[line.sku] * line.quantity
        return Money(cents=cents)

    def pay(self, amount: Money, method: PaymentMethod) -> Receipt:
        """Charge the amount as billing does."""
        if amount.cents <= 0:
            raise PaymentFailed(reason="nothing to charge")
        if isinstance(method, PaymentMethodVoucher) and not method.code:
            raise PaymentFailed(reason="empty voucher")
        return Receipt(amount=amount, method=method)
