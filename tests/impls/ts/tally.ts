// A correct hand-written implementation of tally.spec.md (value semantics test).
import type { TallyApi } from "./api.js";
import { Overdraft, type Stats, type Sum } from "./types.js";

export class Tally implements TallyApi {
  count(values: number[]): number {
    return values.length;
  }

  stats(values: number[]): Stats {
    const total = values.reduce((a, b) => a + b, 0);
    const count = values.length;
    return {
      count,
      mean: total / count,
      positive: total > 0,
      inner: { total, ratio: 1 / count, flag: total > 0 },
    };
  }

  halve(x: number): number {
    return Math.floor(x / 2);
  }

  negate(x: number): number {
    return -x;
  }

  sortedCopy(values: number[]): number[] {
    return [...values].sort((a, b) => a - b);
  }

  withdraw(balance: number, amount: number): number {
    if (amount > balance) {
      throw new Overdraft({ wanted: amount, available: balance });
    }
    return balance - amount;
  }

  sum(values: number[]): Sum {
    const total = values.reduce((a, b) => a + b, 0);
    return { total, mean: total / values.length };
  }
}
