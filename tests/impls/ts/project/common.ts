// A correct hand-written implementation of examples/project/common.spec.md.
import type { CommonApi } from "./api.js";
import { CurrencyMismatch, type Money } from "./types.js";

export class Common implements CommonApi {
  add(a: Money, b: Money): Money {
    const left = a.currency ?? "usd";
    const right = b.currency ?? "usd";
    if (left !== right) throw new CurrencyMismatch({ left, right });
    return { cents: a.cents + b.cents, currency: left };
  }

  scale(price: Money, quantity: number): Money {
    return { cents: price.cents * quantity, currency: price.currency ?? "usd" };
  }
}
