// A correct hand-written implementation of counter.spec.md (property tests).
import type { CounterApi } from "./api.js";
import type { Counter, Step, Sign } from "./types.js";

export class CounterImpl implements CounterApi {
  apply(counter: Counter, step: Step): Counter {
    const value = step.kind === "up" ? counter.value + step.by : 0;
    return { ...counter, value, steps: [...counter.steps, step] };
  }

  undo(counter: Counter): Counter {
    const last = counter.steps[counter.steps.length - 1];
    if (last === undefined || last.kind !== "up") return counter;
    return { ...counter, value: counter.value - last.by, steps: counter.steps.slice(0, -1) };
  }

  sign(counter: Counter): Sign {
    if (counter.value < 0) return "negative";
    return counter.value === 0 ? "zero" : "positive";
  }

  negate(counter: Counter): Counter {
    return { ...counter, value: -counter.value };
  }
}
