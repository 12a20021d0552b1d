// A correct hand-written implementation of examples/project/inventory.spec.md.
import type { InventoryApi } from "./api.js";
import { OutOfStock, UnknownSku, type StockItem } from "./types.js";
import type * as common from "common";

export class Inventory implements InventoryApi {
  reserve(stock: StockItem[], sku: common.Sku, quantity: number): StockItem[] {
    const item = stock.find((i) => i.sku === sku);
    if (item === undefined) throw new UnknownSku({ sku });
    if (item.onHand < quantity) throw new OutOfStock({ sku, onHand: item.onHand });
    return stock.map((i) => (i === item ? { ...i, onHand: i.onHand - quantity } : { ...i }));
  }
}
