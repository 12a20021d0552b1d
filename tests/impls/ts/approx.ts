// A correct hand-written implementation of tests/data/approx.spec.md.
import type { ApproxApi } from "./api.js";
import type { Meters, P } from "./types.js";

export class Approx implements ApproxApi {
  scale(x: number, error: number): Meters {
    return 2 * x * (1 + error);
  }

  many(x: number, error: number): Map<string, number[]> {
    return new Map([["k", [x, 2 * x * (1 + error)]]]);
  }

  maybe(x: number, error: number): number | undefined {
    return 2 * x * (1 + error);
  }

  point(x: number, error: number, n: number): P {
    return { x: 2 * x * (1 + error), tag: "", n };
  }
}
