//! A correct hand-written implementation of counter.spec.md (property tests).

use crate::api::CounterApi;
use crate::types::*;

/// Implements [`CounterApi`].
#[derive(Debug, Default)]
pub struct CounterImpl {}

impl CounterApi for CounterImpl {
    fn apply(&self, counter: Counter, step: &Step) -> Counter {
        let value = match step {
            Step::Up { by } => counter.value + by,
            Step::Reset => 0,
        };
        let mut steps = counter.steps.clone();
        steps.push(step.clone());
        Counter { value, steps, ..counter }
    }

    fn undo(&self, counter: Counter) -> Counter {
        match counter.steps.last() {
            Some(Step::Up { by }) => {
                let value = counter.value - by;
                let steps = counter.steps[..counter.steps.len() - 1].to_vec();
                Counter { value, steps, ..counter }
            }
            _ => counter,
        }
    }

    fn sign(&self, counter: &Counter) -> Sign {
        match counter.value {
            v if v < 0 => Sign::Negative,
            0 => Sign::Zero,
            _ => Sign::Positive,
        }
    }

    fn negate(&self, counter: Counter) -> Counter {
        Counter { value: -counter.value, ..counter }
    }
}
