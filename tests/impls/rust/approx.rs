// A correct hand-written implementation of tests/data/approx.spec.md.
use crate::api::ApproxApi;
use crate::types::*;

/// Implements [`ApproxApi`].
#[derive(Debug, Default)]
pub struct Approx {}

impl ApproxApi for Approx {
    fn scale(&self, x: f64, error: f64) -> Meters {
        2.0 * x * (1.0 + error)
    }

    fn many(&self, x: f64, error: f64) -> BTreeMap<String, Vec<f64>> {
        BTreeMap::from([("k".to_string(), vec![x, 2.0 * x * (1.0 + error)])])
    }

    fn maybe(&self, x: f64, error: f64) -> Option<f64> {
        Some(2.0 * x * (1.0 + error))
    }

    fn point(&self, x: f64, error: f64, n: i64) -> P {
        P {
            x: 2.0 * x * (1.0 + error),
            tag: String::new(),
            n,
        }
    }
}
