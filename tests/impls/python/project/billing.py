"""A correct hand-written implementation of examples/project/billing.spec.md."""

from __future__ import annotations

from common import Money

from .types import Declined, PaymentMethod, PaymentMethodVoucher, Receipt


class Billing:
    """Implements `BillingApi`."""

    def tax(self, amount: Money, rate_percent: int) -> Money:
        """Return the tax on an amount, rounded down to the cent."""
        return Money(cents=amount.cents * rate_percent // 100, currency=amount.currency)

    def charge(self, amount: Money, method: PaymentMethod) -> Receipt:
        """Charge a positive amount."""
        if amount.cents <= 0:
            raise Declined(reason="nothing to charge")
        if isinstance(method, PaymentMethodVoucher) and not method.code:
            raise Declined(reason="empty voucher")
        return Receipt(amount=amount, method=method)
