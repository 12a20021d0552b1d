//! A correct hand-written implementation of examples/project/inventory.spec.md.

use crate::api::InventoryApi;
use crate::types::*;

/// Implements [`InventoryApi`].
#[derive(Debug, Default)]
pub struct Inventory {}

impl InventoryApi for Inventory {
    fn reserve(
        &self,
        mut stock: Vec<StockItem>,
        sku: &str,
        quantity: i64,
    ) -> Result<Vec<StockItem>, InventoryError> {
        let Some(item) = stock.iter_mut().find(|i| i.sku == sku) else {
            return Err(InventoryError::UnknownSku { sku: sku.into() });
        };
        if item.on_hand < quantity {
            return Err(InventoryError::OutOfStock {
                sku: sku.into(),
                on_hand: item.on_hand,
            });
        }
        item.on_hand -= quantity;
        Ok(stock)
    }
}
