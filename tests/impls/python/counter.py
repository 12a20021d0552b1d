"""A correct hand-written implementation of counter.spec.md (property tests)."""

from __future__ import annotations

import dataclasses

from .types import Counter, Sign, Step, StepUp


class CounterImpl:
    """Implements `CounterApi`."""

    def apply(self, counter: Counter, step: Step) -> Counter:
        """Add an up step's amount, or reset to zero; keep the step."""
        value = counter.value + step.by if isinstance(step, StepUp) else 0
        steps = [*counter.steps, step]
        return dataclasses.replace(counter, value=value, steps=steps)

    def undo(self, counter: Counter) -> Counter:
        """Take back a last up step."""
        if not counter.steps or not isinstance(counter.steps[-1], StepUp):
            return counter
        last = counter.steps[-1]
        value = counter.value - last.by
        return dataclasses.replace(counter, value=value, steps=counter.steps[:-1])

    def sign(self, counter: Counter) -> Sign:
        """Tell the value's sign."""
        if counter.value < 0:
            return Sign.NEGATIVE
        return Sign.ZERO if counter.value == 0 else Sign.POSITIVE

    def negate(self, counter: Counter) -> Counter:
        """Negate the value."""
        return dataclasses.replace(counter, value=-counter.value)
