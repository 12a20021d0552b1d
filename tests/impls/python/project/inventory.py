"""A correct hand-written implementation of examples/project/inventory.spec.md."""

from __future__ import annotations

import dataclasses

from common import Sku

from .types import OutOfStock, StockItem, UnknownSku


class Inventory:
    """Implements `InventoryApi`."""

    def reserve(
        self, stock: list[StockItem], sku: Sku, quantity: int
    ) -> list[StockItem]:
        """Take a quantity from the item of a SKU."""
        item = next((i for i in stock if i.sku == sku), None)
        if item is None:
            raise UnknownSku(sku=sku)
        if item.on_hand < quantity:
            raise OutOfStock(sku=sku, on_hand=item.on_hand)
        return [
            dataclasses.replace(i, on_hand=i.on_hand - quantity) if i is item else i
            for i in stock
        ]
