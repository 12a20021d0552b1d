// A correct implementation of bigids.spec.md built with -O ts.int=bigint.
import type { BigidsApi } from "./api.js";
import { TooBig, type Counter } from "./types.js";

const LIMIT = 9223372036854775807n;

export class Bigids implements BigidsApi {
  nextId(id: bigint): bigint {
    if (id >= LIMIT) throw new TooBig({ limit: LIMIT });
    return id + 1n;
  }

  bump(counter: Counter): Counter {
    return { n: counter.n + 1n, seen: [...counter.seen, counter.n] };
  }

  half(x: number): number {
    return x / 2;
  }
}
