// A correct hand-written implementation of examples/project/checkout.spec.md.
import type { CheckoutApi } from "./api.js";
import { PaymentFailed, UnknownItem, type CartLine } from "./types.js";
import type * as billing from "billing";
import type * as common from "common";
import type * as inventory from "inventory";

export class Checkout implements CheckoutApi {
  total(lines: CartLine[], stock: inventory.StockItem[]): common.Money {
    let cents = 0;
    for (const line of lines) {
      const item = stock.find((i) => i.sku === line.sku);
      if (item === undefined) throw new UnknownItem({ sku: line.sku });
      cents += item.price.cents * line.quantity;
    }
    return { cents, currency: "usd" };
  }

  pay(amount: common.Money, method: billing.PaymentMethod): billing.Receipt {
    if (amount.cents <= 0) throw new PaymentFailed({ reason: "nothing to charge" });
    if (method.kind === "voucher" && method.code === "") {
      throw new PaymentFailed({ reason: "empty voucher" });
    }
    return { amount: { ...amount }, method: { ...method } };
  }
}
