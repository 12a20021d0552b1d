// A correct hand-written implementation of examples/project/billing.spec.md.
import type { BillingApi } from "./api.js";
import { Declined, type PaymentMethod, type Receipt } from "./types.js";
import type * as common from "common";

export class Billing implements BillingApi {
  tax(amount: common.Money, ratePercent: number): common.Money {
    return { cents: Math.floor((amount.cents * ratePercent) / 100), currency: amount.currency };
  }

  charge(amount: common.Money, method: PaymentMethod): Receipt {
    if (amount.cents <= 0) throw new Declined({ reason: "nothing to charge" });
    if (method.kind === "voucher" && method.code === "") {
      throw new Declined({ reason: "empty voucher" });
    }
    return { amount: { ...amount }, method: { ...method } };
  }
}
