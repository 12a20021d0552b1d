//! A correct hand-written implementation of examples/project/billing.spec.md.

use crate::api::BillingApi;
use crate::types::*;

/// Implements [`BillingApi`].
#[derive(Debug, Default)]
pub struct Billing {}

impl BillingApi for Billing {
    fn tax(&self, mut amount: common::Money, rate_percent: i64) -> common::Money {
        amount.cents = (amount.cents * rate_percent).div_euclid(100);
        amount
    }

    fn charge(
        &self,
        amount: &common::Money,
        method: &PaymentMethod,
    ) -> Result<Receipt, BillingError> {
        if amount.cents <= 0 {
            return Err(BillingError::Declined {
                reason: "nothing to charge".into(),
            });
        }
        if let PaymentMethod::Voucher { code } = method {
            if code.is_empty() {
                return Err(BillingError::Declined {
                    reason: "empty voucher".into(),
                });
            }
        }
        Ok(Receipt {
            amount: amount.clone(),
            method: method.clone(),
        })
    }
}
