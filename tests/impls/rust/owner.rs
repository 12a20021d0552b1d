// A correct hand-written implementation of the ownership spec of test_rust_target.py.
use crate::api::OwnerApi;
use crate::types::*;

/// Implements [`OwnerApi`].
#[derive(Debug, Default)]
pub struct Owner {}

impl OwnerApi for Owner {
    fn scalars(&self, a: i64, _b: f64, c: bool, _d: Colour, e: Option<i64>) -> i64 {
        if c {
            a + e.unwrap_or(0)
        } else {
            0
        }
    }

    fn text(&self, s: &str, label: &str, raw: &[u8]) -> i64 {
        (s.len() + label.len() + raw.len()) as i64
    }

    fn lists(&self, xs: &[i64], names: &[String], items: &[Item]) -> i64 {
        let counts: i64 = items.iter().map(|item| item.count).sum();
        xs.iter().sum::<i64>() + names.len() as i64 + counts
    }

    fn shapes(&self, item: &Item, shape: &Shape, counts: &BTreeMap<String, i64>) -> i64 {
        let line = i64::from(matches!(shape, Shape::Line { .. }));
        item.count + line + counts.get(&item.name).copied().unwrap_or(0)
    }

    fn optionals(
        &self,
        s: Option<&str>,
        xs: Option<&[i64]>,
        item: Option<&Item>,
        shape: Option<&Shape>,
    ) -> i64 {
        let present = [s.is_some(), xs.is_some(), item.is_some(), shape.is_some()];
        present.iter().filter(|given| **given).count() as i64
    }

    fn rename(&self, mut item: Item, name: &str) -> Item {
        item.name = name.to_string();
        item
    }

    fn append(&self, mut xs: Vec<i64>, ys: &[i64]) -> Vec<i64> {
        xs.extend_from_slice(ys);
        xs
    }

    fn concat(&self, a: Label, b: &str) -> String {
        a + b
    }
}
