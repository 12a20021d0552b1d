//! A correct hand-written implementation of tally.spec.md (value semantics test).

use crate::api::TallyApi;
use crate::types::*;

/// Implements [`TallyApi`].
#[derive(Debug, Default)]
pub struct Tally {}

impl TallyApi for Tally {
    fn count(&self, values: &[i64]) -> i64 {
        values.len() as i64
    }

    fn stats(&self, values: &[i64]) -> Stats {
        let total: i64 = values.iter().sum();
        let count = values.len() as i64;
        Stats {
            count,
            mean: total as f64 / count as f64,
            positive: total > 0,
            inner: Inner { total, ratio: 1.0 / count as f64, flag: total > 0 },
        }
    }

    fn halve(&self, x: i64) -> i64 {
        x.div_euclid(2)
    }

    fn negate(&self, x: i64) -> i64 {
        -x
    }

    fn sorted_copy(&self, mut values: Vec<i64>) -> Vec<i64> {
        values.sort();
        values
    }

    fn withdraw(&self, balance: i64, amount: i64) -> Result<i64, TallyError> {
        if amount > balance {
            return Err(TallyError::Overdraft { wanted: amount, available: balance });
        }
        Ok(balance - amount)
    }

    fn sum(&self, values: &[i64]) -> Sum {
        let total: i64 = values.iter().sum();
        Sum { total, mean: total as f64 / values.len() as f64 }
    }
}
