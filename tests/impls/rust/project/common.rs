//! A correct hand-written implementation of examples/project/common.spec.md.

use crate::api::CommonApi;
use crate::types::*;

/// Implements [`CommonApi`].
#[derive(Debug, Default)]
pub struct Common {}

impl CommonApi for Common {
    fn add(&self, mut a: Money, b: &Money) -> Result<Money, CommonError> {
        if a.currency != b.currency {
            return Err(CommonError::CurrencyMismatch {
                left: a.currency,
                right: b.currency,
            });
        }
        a.cents += b.cents;
        Ok(a)
    }

    fn scale(&self, mut price: Money, quantity: i64) -> Money {
        price.cents *= quantity;
        price
    }
}
