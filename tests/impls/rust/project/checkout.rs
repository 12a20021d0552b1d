//! A correct hand-written implementation of examples/project/checkout.spec.md.

use crate::api::CheckoutApi;
use crate::types::*;

/// Implements [`CheckoutApi`].
#[derive(Debug, Default)]
pub struct Checkout {}

impl CheckoutApi for Checkout {
    fn total(
        &self,
        lines: &[CartLine],
        stock: &[inventory::StockItem],
    ) -> Result<common::Money, CheckoutError> {
        let mut total = common::Money::new(0);
        for line in lines {
            let Some(item) = stock.iter().find(|i| i.sku == line.sku) else {
                return Err(CheckoutError::UnknownItem {
                    sku: line.sku.clone(),
                });
            };
            total.cents += item.price.cents * line.quantity;
        }
        Ok(total)
    }

    fn pay(
        &self,
        amount: &common::Money,
        method: &billing::PaymentMethod,
    ) -> Result<billing::Receipt, CheckoutError> {
        let empty = matches!(method, billing::PaymentMethod::Voucher { code } if code.is_empty());
        if amount.cents <= 0 || empty {
            let reason = if empty { "empty voucher" } else { "nothing to charge" };
            return Err(CheckoutError::PaymentFailed {
                reason: reason.into(),
            });
        }
        Ok(billing::Receipt {
            amount: amount.clone(),
            method: method.clone(),
        })
    }
}
