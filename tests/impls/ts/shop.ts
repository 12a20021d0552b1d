// A correct, idiomatic implementation of shop.spec.md, used by the test suite:
// negating zero gives -0 here, which the spec's integers treat as 0.
import type { ShopApi } from "./api.js";
import { OutOfStock, type Cart, type Line, type Move } from "./types.js";

export class Shop implements ShopApi {
  negate(x: number): number {
    return -x;
  }

  negateAll(xs: number[]): number[] {
    return xs.map((x) => -x);
  }

  negateMaybe(x: number | undefined): number | undefined {
    return x === undefined ? undefined : -x;
  }

  flip(line: Line): Line {
    return { ...line, count: -line.count, price: -line.price };
  }

  reverse(move: Move): Move {
    return move.kind === "step" ? { kind: "step", by: -move.by } : move;
  }

  negateStock(stock: Map<string, number>): Map<string, number> {
    return new Map([...stock].map(([item, count]) => [item, -count]));
  }

  total(cart: Cart): number {
    return cart.lines.reduce((sum, line) => sum + line.count, 0);
  }

  items(cart: Cart): string[] {
    return cart.lines.map((line) => line.item).sort();
  }

  take(item: string, wanted: number, available: number): number {
    if (wanted > available) throw new OutOfStock({ item, wanted, available });
    return available - wanted;
  }
}
